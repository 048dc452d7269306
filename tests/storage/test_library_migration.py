"""Step 4 (the library) from every saved schema: notes move to the bundled text unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from migration_steps import SCHEMAS, read_rows, upgrade_with_a_broken_step

from reader_app.domain.notes import free_note
from reader_app.domain.text import DEFAULT_TEXT_ID, Document
from reader_app.storage.backup import PRE_MIGRATION_PREFIX, list_backups
from reader_app.storage.library import library_of
from reader_app.storage.migrations import LATEST_VERSION, peek_user_version
from reader_app.storage.store import OpenStatus, backup_dir, database_path, open_store

# The schemas from before the library: step 4 is what moves their notes into it.
SAVED = [p for p in sorted(SCHEMAS.glob("notes-v*.sqlite")) if peek_user_version(p) < 4]


def test_there_is_a_saved_database_of_version_3() -> None:
    assert peek_user_version(SCHEMAS / "notes-v3.sqlite") == 3
    assert LATEST_VERSION >= 4


@pytest.mark.parametrize("saved", SAVED, ids=lambda p: p.name)
def test_every_saved_schema_upgrades_into_a_library(
    saved: Path, data_dir: Path, document: Document, tmp_path: Path
) -> None:
    old_notes = read_rows(saved, "SELECT id, kind, body, created, updated FROM notes ORDER BY id")
    assert old_notes, "a fixture without notes would prove nothing"
    shutil.copyfile(saved, database_path(data_dir))
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.OPENED, result.messages
        repo = result.repository
        assert {n.id for n in repo.list_notes()} == {row[0] for row in old_notes}
        library = library_of(repo, data_dir)
        (bundled,) = library.list_texts()
        assert (bundled.id, bundled.bundled, bundled.notes) == (
            DEFAULT_TEXT_ID,
            True,
            len(old_notes),
        )
        # The library works on the upgraded file: add a text, find it, and the notes' own
        # search still finds the old notes.
        essay = tmp_path / "essay.txt"
        essay.write_text("An essay on bread.\n\nAnd on peace.\n")
        added = library.add_file(essay)
        assert [hit.text_id for hit in library.search("peace")] == [added.text_id]
        assert repo.counts().total == len(old_notes)
    finally:
        result.close()

    path = database_path(data_dir)
    assert read_rows(path, "SELECT DISTINCT text_id FROM notes") == [(DEFAULT_TEXT_ID,)]
    assert (
        read_rows(path, "SELECT id, kind, body, created, updated FROM notes ORDER BY id")
        == old_notes
    )
    assert read_rows(path, "PRAGMA integrity_check") == [("ok",)]
    (pre,) = list_backups(backup_dir(data_dir), prefix=PRE_MIGRATION_PREFIX)
    assert peek_user_version(pre) == peek_user_version(saved)


def test_a_new_data_folder_starts_with_the_bundled_text(data_dir: Path, document: Document) -> None:
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.CREATED
        texts = library_of(result.repository, data_dir).list_texts()
        assert [(t.id, t.notes) for t in texts] == [(DEFAULT_TEXT_ID, 0)]
        # A note written today, through the notes repository as it is, belongs to the
        # bundled text: the column's default, which merge and reattach rely on too.
        result.repository.add(free_note("a new note"))
        texts = library_of(result.repository, data_dir).list_texts()
        assert [(t.id, t.notes) for t in texts] == [(DEFAULT_TEXT_ID, 1)]
    finally:
        result.close()


def test_a_failing_library_step_leaves_version_3_as_it_was(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path(data_dir)
    before = read_rows(SCHEMAS / "notes-v3.sqlite", "SELECT * FROM notes ORDER BY id")
    upgrade_with_a_broken_step(path, 3, monkeypatch)
    assert peek_user_version(path) == 3
    tables = {row[0] for row in read_rows(path, "SELECT name FROM sqlite_schema")}
    assert not tables & {"texts", "text_blocks", "text_blocks_fts"}
    assert read_rows(path, "SELECT * FROM notes ORDER BY id") == before
