"""Upgrading saved databases of every earlier schema, and refusing newer ones untouched."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader_app.domain.anchors import PlacementStatus
from reader_app.domain.notes import Colour, NoteKind, parse_timestamp
from reader_app.domain.text import Document
from reader_app.storage import migrations
from reader_app.storage.backup import PRE_MIGRATION_PREFIX, list_backups
from reader_app.storage.db import DatabaseTooNew
from reader_app.storage.migrations import LATEST_VERSION, migrate, peek_user_version
from reader_app.storage.store import OpenStatus, backup_dir, database_path, open_store

SCHEMAS = Path(__file__).parents[1] / "data" / "schemas"
SAVED = sorted(SCHEMAS.glob("notes-v*.sqlite"))


def _version(path: Path) -> int:
    match = re.fullmatch(r"notes-v(\d+)\.sqlite", path.name)
    assert match, path
    return int(match.group(1))


def _rows(path: Path) -> list[tuple]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT * FROM notes ORDER BY id").fetchall()
    finally:
        connection.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_saved_database_exists_for_every_earlier_version() -> None:
    assert sorted(_version(p) for p in SAVED) == list(range(1, LATEST_VERSION))
    for path in SAVED:
        assert peek_user_version(path) == _version(path)


@pytest.mark.parametrize("saved", [SCHEMAS / "notes-v1.sqlite"], ids=lambda p: p.name)
def test_upgrade_from_saved_schema_keeps_every_note(
    saved: Path, data_dir: Path, document: Document
) -> None:
    old_rows = _rows(saved)
    shutil.copyfile(saved, database_path(data_dir))
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.OPENED, result.messages
        assert result.migrated_from == _version(saved)
        repo = result.repository
        assert repo is not None
        version = repo.connection.execute("PRAGMA user_version").fetchone()[0]
        assert version == LATEST_VERSION

        notes = {note.id: note for note in repo.list_notes()}
        assert len(notes) == len(old_rows)
        for (note_id, kind, body, block, start, end, exact, prefix, suffix, text_version,
             created, updated) in old_rows:  # fmt: skip
            note = notes[note_id]
            assert (note.kind, note.body) == (NoteKind(kind), body)
            assert (note.created, note.updated) == (
                parse_timestamp(created),
                parse_timestamp(updated),
            )
            if kind == "passage":
                assert note.colour is Colour.YELLOW  # version 1 had one highlight colour
                anchor = note.anchor
                assert (anchor.block_id, anchor.start, anchor.end, anchor.exact) == (
                    block, start, end, exact,
                )  # fmt: skip
                assert (anchor.prefix, anchor.suffix, anchor.text_version) == (
                    prefix, suffix, text_version,
                )  # fmt: skip
            else:
                assert note.anchor is None and note.colour is None
            assert note.tags == ()

        # Migrated notes are placed in the current text; the lost quote is kept, detached.
        placements = {n.body: n.placement for n in notes.values() if n.placement}
        assert placements["The core of her argument: decisions made far away."].status is (
            PlacementStatus.EXACT
        )
        detached = repo.detached_notes()
        assert [n.quote for n in detached] == ["a phrase the corrected edition removed"]
        # The new full-text index covers the old notes.
        assert {h.note.id for h in repo.search("Lenin")} == {
            n.id for n in notes.values() if "Lenin" in n.body
        }
        assert repo.search("third person")[0].note.quote.startswith("Some third person")
        # New features work on migrated data.
        repo.update(next(iter(notes)), tags=["migrated"])
        assert list(repo.tag_counts()) == ["migrated"]
    finally:
        result.close()

    # A backup of the old file was taken first, and it is the old file's content.
    (pre,) = list_backups(backup_dir(data_dir), prefix=PRE_MIGRATION_PREFIX)
    assert pre.name.startswith(f"{PRE_MIGRATION_PREFIX}v{_version(saved)}-")
    assert peek_user_version(pre) == _version(saved)
    assert _rows(pre) == old_rows

    again = open_store(data_dir, document)
    try:
        assert again.status is OpenStatus.OPENED and again.migrated_from is None
    finally:
        again.close()


def test_each_step_moves_one_version(tmp_path: Path) -> None:
    path = tmp_path / "steps.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for target, step in enumerate(migrations.MIGRATIONS, start=1):
            connection.execute("BEGIN")
            step(connection)
            connection.execute(f"PRAGMA user_version = {target}")
            connection.execute("COMMIT")
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_schema")}
        assert {"notes", "note_tags", "notes_fts"} <= tables
    finally:
        connection.close()


def test_a_failing_step_leaves_the_database_as_it_was(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path(data_dir)
    shutil.copyfile(SCHEMAS / "notes-v1.sqlite", path)
    before = _rows(path)

    real_step = migrations.MIGRATIONS[1]

    def broken_step(connection: sqlite3.Connection) -> None:
        real_step(connection)  # really alters the tables...
        raise RuntimeError("simulated bug in a migration step")  # ...then fails

    monkeypatch.setattr(migrations, "MIGRATIONS", (migrations.MIGRATIONS[0], broken_step))
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(RuntimeError, match="simulated"):
            migrate(connection, path)
        assert connection.execute("PRAGMA user_version").fetchone() == (1,)
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_schema")}
        assert "note_tags" not in tables and "notes_v2" not in tables
    finally:
        connection.close()
    assert _rows(path) == before


def _newer_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE notes_from_the_future (x)")
    connection.execute("INSERT INTO notes_from_the_future VALUES ('precious')")
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    connection.commit()
    connection.close()


def test_newer_database_is_refused_and_not_touched(data_dir: Path, document: Document) -> None:
    path = database_path(data_dir)
    _newer_database(path)
    before = _sha(path)
    files_before = sorted(p.name for p in data_dir.iterdir())

    result = open_store(data_dir, document)
    assert result.status is OpenStatus.FAILED and result.repository is None
    assert isinstance(result.error, DatabaseTooNew)
    assert "newer version of Study Reader" in result.messages[0]
    assert "has not been changed" in result.messages[0]
    assert _sha(path) == before
    # No -wal/-shm, no backup, nothing moved aside; only the instance lock file appears.
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(
        [*files_before, "study-reader.lock"]
    )
    assert not result.lock


def test_newer_database_with_pending_wal_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("CREATE TABLE t (x)")
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    try:
        # The header on disk still says 0; only the WAL knows the new version.
        assert int.from_bytes(path.read_bytes()[60:64], "big") == 0
        assert peek_user_version(path) == LATEST_VERSION + 5
    finally:
        connection.close()


def test_migrate_itself_refuses_a_newer_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    _newer_database(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(DatabaseTooNew):
            migrate(connection, path)
    finally:
        connection.close()


def _tables(path: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("notes", "note_tags")
        }
    finally:
        connection.close()


def _note_columns(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [row[1] for row in connection.execute("PRAGMA table_info(notes)")]
    finally:
        connection.close()


def test_upgrade_from_v2_keeps_notes_and_tags_and_adds_history(
    data_dir: Path, document: Document
) -> None:
    saved = SCHEMAS / "notes-v2.sqlite"
    before = _tables(saved)
    shutil.copyfile(saved, database_path(data_dir))
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.OPENED and result.migrated_from == 2
        repo = result.repository
        notes = {note.id: note for note in repo.list_notes()}
        assert len(notes) == len(before["notes"]) == 3
        tagged = notes["0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0201"]
        assert tagged.tags == ("bureaucracy", "tenth congress") and tagged.colour is Colour.GREEN
        assert notes["0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0202"].glossary_entry_id == "nep"
        assert repo.revisions(tagged.id) == []
        assert repo.search("Lenin")[0].note.kind is NoteKind.FREE
    finally:
        result.close()
    after = _tables(database_path(data_dir))
    assert after["note_tags"] == before["note_tags"]
    # Only the placements (computed at opening) differ, beside columns that later steps
    # added; every stored word is as it was.
    placed = {"placement_status", "placed_block_id", "placed_start", "placed_end"}
    placed |= {"placed_position", "placed_text_version"}
    old_columns = _note_columns(saved)
    kept = [c for c in old_columns if c not in placed]
    assert _note_columns(database_path(data_dir))[: len(old_columns)] == old_columns
    assert [[row[old_columns.index(c)] for c in kept] for row in after["notes"]] == [
        [row[old_columns.index(c)] for c in kept] for row in before["notes"]
    ]
    (pre,) = list_backups(backup_dir(data_dir), prefix=PRE_MIGRATION_PREFIX)
    assert _tables(pre) == before
