"""Schema step 8 (sync of the personal glossary and of reading positions; bulk writes of
received notes): every saved schema upgrades to it with what it holds listed for sync, its
triggers list exactly those changes, and a step that fails leaves version 7 as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from migration_steps import SCHEMAS, read_rows, upgrade_with_a_broken_step

from reader_app.domain.personal_glossary import make_entry
from reader_app.domain.text import Document
from reader_app.storage import migrations
from reader_app.storage.glossary_repo import glossary_of
from reader_app.storage.library import ReadingState, library_of
from reader_app.storage.migrations import peek_user_version
from reader_app.storage.store import OpenStatus, database_path, open_store

SAVED = sorted(SCHEMAS.glob("notes-v*.sqlite"))


def test_there_is_a_saved_database_of_version_7() -> None:
    assert peek_user_version(SCHEMAS / "notes-v7.sqlite") == 7
    assert migrations.LATEST_VERSION >= 8


@pytest.mark.parametrize("saved", SAVED, ids=lambda p: p.name)
def test_every_saved_schema_upgrades_with_its_entries_and_places_to_be_synced(
    saved: Path, data_dir: Path, document: Document
) -> None:
    version = peek_user_version(saved)
    entries = read_rows(saved, "SELECT id FROM glossary_entries") if version >= 6 else []
    placed = (
        read_rows(
            saved,
            "SELECT id FROM texts WHERE position_block_id IS NOT NULL AND deleted IS NULL",
        )
        if version >= 4
        else []
    )
    shutil.copyfile(saved, database_path(data_dir))
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.OPENED, result.messages
        connection = result.repository.connection
        assert connection.execute("SELECT entry_id FROM sync_glossary_changes").fetchall() == (
            entries
        )
        assert connection.execute("SELECT text_id FROM sync_position_changes").fetchall() == (
            placed
        )
        assert connection.execute("SELECT count(*) FROM sync_bulk").fetchone() == (0,)
    finally:
        result.close()
    path = database_path(data_dir)
    assert peek_user_version(path) == migrations.LATEST_VERSION
    assert read_rows(path, "PRAGMA integrity_check") == [("ok",)]
    if version == 7:  # the upgraded fixture's text and entry are listed, placed as they were
        assert placed == [("bread-and-peace-3f2a9c1d",)] and entries == [("pg-soviet-0001",)]


def test_the_triggers_list_glossary_edits_and_moves_but_not_the_same_place_again(
    data_dir: Path, document: Document, tmp_path: Path
) -> None:
    result = open_store(data_dir, document)
    try:
        repository = result.repository
        connection = repository.connection
        glossary = glossary_of(repository)
        library = library_of(repository, data_dir)
        source = tmp_path / "essay.md"
        source.write_text("# Essay\n\nOne paragraph.\n\nAnother paragraph.\n", encoding="utf-8")
        text = library.add_file(source)

        def listed(table: str) -> list[str]:
            rows = connection.execute(f"SELECT * FROM {table}").fetchall()
            connection.execute(f"DELETE FROM {table}")
            return [row[0] for row in rows]

        assert listed("sync_position_changes") == []
        library.save_reading_state(text.text_id, ReadingState("b2", 5, 1.5))
        assert listed("sync_position_changes") == [text.text_id]
        library.save_reading_state(text.text_id, ReadingState("b2", 5, 2.0))  # zoom only
        assert listed("sync_position_changes") == []
        library.save_reading_state(text.text_id, ReadingState("b2", 9, 2.0))
        assert listed("sync_position_changes") == [text.text_id]

        entry = glossary.save(make_entry(headword="Soviet", gloss="A council."))
        assert listed("sync_glossary_changes") == [entry.entry.id]
        glossary.delete(entry.entry.id)
        assert listed("sync_glossary_changes") == [entry.entry.id]
    finally:
        result.close()


def test_a_failing_step_8_leaves_version_7_as_it_was(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path(data_dir)
    before = read_rows(SCHEMAS / "notes-v7.sqlite", "SELECT sql FROM sqlite_schema ORDER BY 1")
    upgrade_with_a_broken_step(path, 7, monkeypatch)
    assert peek_user_version(path) == 7
    assert read_rows(path, "SELECT sql FROM sqlite_schema ORDER BY 1") == before
