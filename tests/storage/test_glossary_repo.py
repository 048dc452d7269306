"""The personal glossary in the notes database: migration step 6 and the repository."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from migration_steps import SCHEMAS, read_rows, upgrade_with_a_broken_step

from reader_app.domain.glossary import Category, Source
from reader_app.domain.personal_glossary import edited, export_toml, import_toml, make_entry
from reader_app.domain.text import Document
from reader_app.storage import migrations
from reader_app.storage.backup import PRE_MIGRATION_PREFIX, list_backups
from reader_app.storage.db import ReadOnlyLocation
from reader_app.storage.glossary_repo import (
    GlossaryEntryNotFound,
    PersonalGlossaryRepository,
    glossary_of,
)
from reader_app.storage.migrations import peek_user_version
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import OpenStatus, backup_dir, database_path, open_store

SAVED = [p for p in sorted(SCHEMAS.glob("notes-v*.sqlite")) if peek_user_version(p) < 6]
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def personal(repo: NotesRepository) -> PersonalGlossaryRepository:
    return glossary_of(repo)


def test_there_is_a_saved_database_of_version_5() -> None:
    assert peek_user_version(SCHEMAS / "notes-v5.sqlite") == 5
    assert migrations.LATEST_VERSION >= 6


@pytest.mark.parametrize("saved", SAVED, ids=lambda p: p.name)
def test_every_saved_schema_upgrades_to_a_personal_glossary(
    saved: Path, data_dir: Path, document: Document
) -> None:
    old_notes = read_rows(saved, "SELECT id, kind, body, created, updated FROM notes ORDER BY id")
    assert old_notes
    shutil.copyfile(saved, database_path(data_dir))
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.OPENED, result.messages
        assert result.repository is not None
        store = glossary_of(result.repository)
        assert store.entries() == []
        entry = make_entry(headword="Bread", gloss="What the essay asks for.", now=T0)
        store.save(entry)
        assert store.entries("any-text") == [entry]
        # The bundled text's notes (a later fixture also holds a note of a library text).
        listed = {n.id for n in result.repository.list_notes()}
        assert listed and listed <= {row[0] for row in old_notes}
    finally:
        result.close()
    path = database_path(data_dir)
    assert peek_user_version(path) == migrations.LATEST_VERSION
    assert read_rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert (
        read_rows(path, "SELECT id, kind, body, created, updated FROM notes ORDER BY id")
        == old_notes
    )
    (pre,) = list_backups(backup_dir(data_dir), prefix=PRE_MIGRATION_PREFIX)
    assert peek_user_version(pre) == peek_user_version(saved)


def test_version_5_keeps_its_review_cards_and_log(data_dir: Path, document: Document) -> None:
    saved = SCHEMAS / "notes-v5.sqlite"
    cards = read_rows(saved, "SELECT * FROM review_cards ORDER BY id")
    log = read_rows(saved, "SELECT * FROM review_log ORDER BY seq")
    assert cards and log
    shutil.copyfile(saved, database_path(data_dir))
    open_store(data_dir, document).close()
    path = database_path(data_dir)
    assert read_rows(path, "SELECT * FROM review_cards ORDER BY id") == cards
    assert read_rows(path, "SELECT * FROM review_log ORDER BY seq") == log


def test_a_failing_glossary_step_leaves_version_5_as_it_was(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path(data_dir)
    before = read_rows(SCHEMAS / "notes-v5.sqlite", "SELECT * FROM notes ORDER BY id")
    upgrade_with_a_broken_step(path, 5, monkeypatch)
    assert peek_user_version(path) == 5
    tables = {row[0] for row in read_rows(path, "SELECT name FROM sqlite_schema")}
    assert "glossary_entries" not in tables
    assert read_rows(path, "SELECT * FROM notes ORDER BY id") == before


# -- the repository ----------------------------------------------------------------------


def test_an_entry_reads_back_whole(personal: PersonalGlossaryRepository) -> None:
    source = Source("A. Tutor", "Handout on NEP", 2026, None, publisher="Evening class")
    entry = make_entry(
        headword="Prodrazvyorstka",
        aliases=["prodrazverstka", "grain requisitioning"],
        category=Category.EVENT,
        gloss="Forced grain requisitioning, 1919–21.",
        explanation="Replaced by the tax in kind.\n\nSee NEP.",
        sources=[source],
        text_id="bread-and-peace-3f2a9c1d",
        now=T0,
    )
    personal.save(entry)
    assert personal.get(entry.id) == entry
    assert personal.entries() == [entry]


def test_an_imported_entry_keeps_its_dates_and_see_also_through_store_edit_and_export(
    personal: PersonalGlossaryRepository,
) -> None:
    raw = """[[entry]]
id = "kronstadt"
headword = "Kronstadt rising"
category = "event"
gloss = "The sailors' revolt."
start = "1921-03-01"
end = "1921-03-18"
see_also = ["nep"]
[[entry.sources]]
author = "A. Historian"
title = "1921"
year = 1990
supports = ["start", "end"]
[[entry]]
id = "nep"
headword = "NEP"
category = "period"
gloss = "New Economic Policy."
"""
    personal.merge(import_toml(raw, source="tutor.toml", now=T0))
    stored = personal.get("kronstadt")
    assert stored is not None
    assert (stored.entry.start, stored.entry.end, stored.entry.see_also) == (
        "1921-03-01",
        "1921-03-18",
        ("nep",),
    )
    changed = personal.save(edited(stored, T0 + timedelta(hours=1), gloss="A revolt."))
    assert (changed.entry.start, changed.entry.see_also) == ("1921-03-01", ("nep",))
    again = import_toml(
        export_toml(personal.entries(), title="t", text_id=None), source="again.toml"
    )
    assert {p.id: p for p in again} == {p.id: p for p in personal.entries()}
    # Exported alone, its see-also to an entry not in the file is left out, not refused.
    (alone,) = import_toml(export_toml([changed], title="t", text_id=None), source="one.toml")
    assert alone.entry.see_also == ()


def test_entries_apply_to_their_text_or_to_every_text(
    personal: PersonalGlossaryRepository,
) -> None:
    everywhere = make_entry(headword="Soviet", gloss="A council.", now=T0)
    only_bread = make_entry(headword="Bread", gloss="Food.", text_id="bread", now=T0)
    only_peace = make_entry(headword="Peace", gloss="No war.", text_id="peace", now=T0)
    for entry in (everywhere, only_bread, only_peace):
        personal.save(entry)
    assert {e.id for e in personal.entries("bread")} == {everywhere.id, only_bread.id}
    assert {e.id for e in personal.entries("peace")} == {everywhere.id, only_peace.id}
    assert personal.entries_of_text("bread") == [only_bread]
    assert len(personal.entries()) == 3


def test_edit_keeps_the_id_and_creation_time(personal: PersonalGlossaryRepository) -> None:
    entry = personal.save(make_entry(headword="Soviet", gloss="A council.", now=T0))
    later = T0 + timedelta(hours=1)
    changed = personal.save(edited(entry, later, gloss="A workers’ council.", text_id="bread"))
    stored = personal.get(entry.id)
    assert stored == changed
    assert stored is not None
    assert (stored.created, stored.modified, stored.text_id) == (T0, later, "bread")
    assert stored.entry.gloss == "A workers’ council."


def test_delete_keeps_a_tombstone_that_undo_restores(
    personal: PersonalGlossaryRepository, repo: NotesRepository
) -> None:
    entry = personal.save(make_entry(headword="Soviet", gloss="A council.", now=T0))
    removed = personal.delete(entry.id)
    assert removed == entry
    assert personal.entries() == [] and personal.get(entry.id) is None
    rows = repo.connection.execute("SELECT id, deleted FROM glossary_entries").fetchall()
    assert rows[0][0] == entry.id and rows[0][1] is not None
    personal.save(removed)  # Undo
    assert personal.entries() == [entry]
    with pytest.raises(GlossaryEntryNotFound):
        personal.delete("no-such-entry")


def test_merge_adds_updates_and_never_loses(personal: PersonalGlossaryRepository) -> None:
    kept = personal.save(make_entry(headword="Soviet", gloss="A council.", now=T0))
    older = personal.save(make_entry(headword="Kulak", gloss="Old gloss.", now=T0))
    newer_kulak = edited(older, T0 + timedelta(days=1), gloss="A richer peasant.")
    same_headword = make_entry(
        headword="soviet", gloss="Stale.", aliases=["soviets"], now=T0 - timedelta(days=1)
    )
    brand_new = make_entry(headword="Tax in kind", gloss="Prodnalog.", now=T0)
    plan = personal.merge([newer_kulak, same_headword, brand_new])
    assert [p.id for p in plan.added] == [brand_new.id]
    assert {p.id for p in plan.updated} == {older.id, kept.id}
    by_id = {p.id: p for p in personal.entries()}
    assert set(by_id) == {kept.id, older.id, brand_new.id}
    assert by_id[older.id].entry.gloss == "A richer peasant."
    # The older file's entry loses to the stored one, but its spelling is kept as an alias.
    assert by_id[kept.id].entry.gloss == "A council."
    assert by_id[kept.id].entry.aliases == ("soviets",)
    again = personal.merge([newer_kulak, brand_new])
    assert (again.added, again.updated, again.unchanged) == ((), (), 2)


def test_an_entry_with_a_bundled_id_gets_one_of_its_own(
    personal: PersonalGlossaryRepository,
) -> None:
    clash = make_entry(headword="Self-activity", gloss="Mine.", entry_id="self-activity", now=T0)
    plan = personal.merge([clash], reserved_ids={"self-activity"})
    (added,) = plan.added
    assert added.id != "self-activity" and added.entry.headword == "Self-activity"
    assert [p.id for p in personal.entries()] == [added.id]


def test_a_read_only_store_refuses_writes(
    open_repo: Callable[..., NotesRepository], data_dir: Path
) -> None:
    open_repo(data_dir).close()
    repo = open_repo(data_dir, read_only=True)
    store = glossary_of(repo)
    with pytest.raises(ReadOnlyLocation):
        store.save(make_entry(headword="Soviet", gloss="A council.", now=T0))
    assert store.entries() == []
