"""The folder-sync schema step (6 on this branch, 7 once merged after the glossary's): every
saved schema upgrades to it, its triggers list exactly the changes sync carries, and a step
that fails leaves version 5 as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from migration_steps import SCHEMAS, read_rows, upgrade_with_a_broken_step

from reader_app.domain.notes import free_note
from reader_app.domain.text import Document
from reader_app.storage import migrations
from reader_app.storage.migrations import peek_user_version
from reader_app.storage.store import OpenStatus, database_path, open_store

SAVED = sorted(SCHEMAS.glob("notes-v*.sqlite"))


def test_there_is_a_saved_database_of_version_5() -> None:
    assert peek_user_version(SCHEMAS / "notes-v5.sqlite") == 5
    assert migrations.LATEST_VERSION >= 6


@pytest.mark.parametrize("saved", SAVED, ids=lambda p: p.name)
def test_every_saved_schema_upgrades_with_every_note_to_be_synced(
    saved: Path, data_dir: Path, document: Document
) -> None:
    old_ids = [row[0] for row in read_rows(saved, "SELECT id FROM notes ORDER BY id")]
    shutil.copyfile(saved, database_path(data_dir))
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.OPENED, result.messages
        assert result.migrated_from == peek_user_version(saved)
        connection = result.repository.connection
        listed = [r[0] for r in connection.execute("SELECT note_id FROM sync_changes ORDER BY 1")]
        assert listed == old_ids
        added_texts = (
            read_rows(saved, "SELECT id FROM texts WHERE bundled = 0 ORDER BY id")
            if (peek_user_version(saved) >= 4)
            else []
        )
        texts = connection.execute("SELECT text_id FROM sync_text_changes ORDER BY 1").fetchall()
        assert texts == added_texts
        assert connection.execute("SELECT count(*) FROM sync_versions").fetchone() == (0,)
    finally:
        result.close()
    path = database_path(data_dir)
    assert peek_user_version(path) == migrations.LATEST_VERSION
    assert read_rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_the_triggers_list_what_sync_carries_and_not_where_a_note_is_placed(
    data_dir: Path, document: Document
) -> None:
    result = open_store(data_dir, document)
    try:
        repository = result.repository
        connection = repository.connection

        def listed() -> dict[str, str]:
            return dict(connection.execute("SELECT note_id, changed FROM sync_changes"))

        note = repository.add(free_note("words"))
        assert list(listed()) == [note.id]
        connection.execute("DELETE FROM sync_changes")
        connection.execute(
            "UPDATE notes SET placement_status = 'detached' WHERE id = ?", (note.id,)
        )
        assert listed() == {}  # re-anchoring is not a change to send
        repository.update(note.id, tags=["new tag"])
        assert list(listed()) == [note.id]
        connection.execute("DELETE FROM sync_changes")
        repository.delete(note.id)
        deleted_at = listed()[note.id]
        assert deleted_at.endswith("Z") and deleted_at > note.updated.isoformat()[:19]
        other = repository.add(free_note("other"))
        connection.execute("DELETE FROM sync_changes")
        repository.update(other.id, body="other")  # the same words: nothing is written
        assert listed() == {}
        repository.update(other.id, body="other, edited")
        assert list(listed()) == [other.id]
    finally:
        result.close()


def test_a_failing_sync_step_leaves_version_5_as_it_was(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path(data_dir)
    before = read_rows(SCHEMAS / "notes-v5.sqlite", "SELECT * FROM notes ORDER BY id")
    upgrade_with_a_broken_step(path, 5, monkeypatch)
    assert peek_user_version(path) == 5
    names = {row[0] for row in read_rows(path, "SELECT name FROM sqlite_schema")}
    assert not names & {"sync_changes", "sync_versions", "sync_note_added"}
    assert read_rows(path, "SELECT * FROM notes ORDER BY id") == before
