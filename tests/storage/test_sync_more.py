"""Sync, second part: received notes are searchable as if typed here (written in bulk), the
personal glossary and reading positions travel between data folders."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_sync_engine import ESSAY, Computer, computers, library, sync_all  # noqa: F401

from reader_app.domain.notes import free_note
from reader_app.domain.personal_glossary import edited, make_entry
from reader_app.domain.sync import log as sync_log
from reader_app.domain.text import DEFAULT_TEXT_ID
from reader_app.storage import sync_texts
from reader_app.storage.glossary_repo import PersonalGlossaryRepository, glossary_of
from reader_app.storage.library import ReadingState


def test_received_notes_are_found_by_their_words_quotes_and_tags(
    computers: Callable[..., list[Computer]],  # noqa: F811
) -> None:
    desk, laptop = computers(0, 0)
    kept = desk.repo.add(free_note("zanzibar harbour notes"))
    desk.repo.update(kept.id, tags=["trade routes", "islands"])
    replaced = desk.repo.add(free_note("first words"))
    assert laptop.sync().problems == ()
    assert desk.sync().problems == ()
    assert laptop.sync().problems == ()
    desk.repo.update(replaced.id, body="second wording entirely", tags=["later"])
    assert desk.sync().problems == ()
    assert laptop.sync().problems == ()
    found = lambda words: [hit.note.id for hit in laptop.repo.search(words)]  # noqa: E731
    assert found("zanzibar") == [kept.id]
    assert found("islands") == [kept.id]
    assert found("routes") == [kept.id]
    assert found("second wording") == [replaced.id]
    assert found("first") == []
    assert found("later") == [replaced.id]
    connection = laptop.repo.connection
    connection.execute("INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')")
    assert connection.execute("SELECT count(*) FROM sync_bulk").fetchone() == (0,)
    # Written by the sync, so not changes of the laptop's own to send back.
    assert connection.execute("SELECT count(*) FROM sync_changes").fetchone() == (0,)
    # The window's own writes keep their triggers.
    mine = laptop.repo.add(free_note("typed on the laptop"))
    laptop.repo.update(mine.id, tags=["own tag"])
    assert [hit.note.id for hit in laptop.repo.search("own tag")] == [mine.id]
    assert [r[0] for r in connection.execute("SELECT note_id FROM sync_changes")] == [mine.id]


def next_millisecond() -> None:
    """Let the wall clock pass into its next millisecond: the hybrid clock orders edits by
    millisecond, and two edits on two computers within the same one are concurrent (the
    device ids settle them), which is not what these tests are about."""
    start = time.time_ns() // 1_000_000
    while time.time_ns() // 1_000_000 <= start:
        pass


def glossary(device: Computer) -> PersonalGlossaryRepository:
    return glossary_of(device.repo)


def words(device: Computer) -> dict[str, tuple[str, str, str | None]]:
    """Each live entry as the reader sees it."""
    return {
        p.entry.id: (p.entry.headword, p.entry.gloss, p.text_id) for p in glossary(device).entries()
    }


def test_glossary_entries_added_edited_and_deleted_on_one_computer_reach_the_other(
    computers: Callable[..., list[Computer]],  # noqa: F811
) -> None:
    desk, laptop = computers(0, 0)
    soviet = glossary(desk).save(
        make_entry(headword="Soviet", gloss="A council.", aliases=["soviets"], text_id="t1")
    )
    nep = glossary(desk).save(make_entry(headword="NEP", gloss="New Economic Policy."))
    sync_all([desk, laptop])
    assert (
        words(laptop)
        == words(desk)
        == {
            soviet.entry.id: ("Soviet", "A council.", "t1"),
            nep.entry.id: ("NEP", "New Economic Policy.", None),
        }
    )
    assert glossary(laptop).get(soviet.entry.id) == glossary(desk).get(soviet.entry.id)
    glossary(laptop).save(edited(soviet, gloss="A council of deputies."))
    glossary(desk).delete(nep.entry.id)
    sync_all([desk, laptop])
    assert (
        words(laptop)
        == words(desk)
        == {soviet.entry.id: ("Soviet", "A council of deputies.", "t1")}
    )
    for device in (desk, laptop):  # syncing again sends nothing
        assert device.sync().sent == 0
    # Undo of the deletion is a newer edit: the entry comes back everywhere.
    glossary(desk).save(edited(nep))
    sync_all([desk, laptop])
    assert nep.entry.id in words(laptop)


@pytest.mark.parametrize("first", ["desk", "laptop"])
def test_the_later_glossary_edit_wins_whichever_computer_syncs_first(
    computers: Callable[..., list[Computer]],  # noqa: F811
    first: str,
) -> None:
    desk, laptop = computers(0, 0)
    entry = glossary(desk).save(make_entry(headword="Soviet", gloss="A council."))
    sync_all([desk, laptop])
    glossary(desk).save(edited(entry, gloss="Earlier edit, on the desk."))
    next_millisecond()
    glossary(laptop).save(edited(entry, gloss="Later edit, on the laptop."))
    order = [desk, laptop] if first == "desk" else [laptop, desk]
    sync_all(order)
    assert words(desk) == words(laptop)
    assert words(desk)[entry.entry.id][1] == "Later edit, on the laptop."


@pytest.mark.parametrize("deleted_last", [True, False])
def test_a_glossary_deletion_wins_over_an_older_edit_and_loses_to_a_newer_one(
    computers: Callable[..., list[Computer]],  # noqa: F811
    deleted_last: bool,
) -> None:
    desk, laptop = computers(0, 0)
    entry = glossary(desk).save(make_entry(headword="Soviet", gloss="A council."))
    sync_all([desk, laptop])
    if deleted_last:
        glossary(laptop).save(edited(entry, gloss="Edited first."))
        next_millisecond()
        glossary(desk).delete(entry.entry.id)
    else:
        glossary(desk).delete(entry.entry.id)
        next_millisecond()
        glossary(laptop).save(edited(entry, gloss="Edited after the deletion."))
    sync_all([laptop, desk])
    expected = (
        {} if deleted_last else {entry.entry.id: ("Soviet", "Edited after the deletion.", None)}
    )
    assert words(desk) == words(laptop) == expected


def test_a_damaged_glossary_entry_from_another_computer_is_refused_in_words(
    computers: Callable[..., list[Computer]],  # noqa: F811
) -> None:
    desk, laptop = computers(0, 0)
    glossary(desk).save(make_entry(headword="Soviet", gloss="A council."))
    assert desk.sync().problems == ()
    log = next(p for p in desk.sync_dir.glob("*.jsonl"))
    record = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert record["kind"] == sync_log.Entity.GLOSSARY.value
    record["payload"]["gloss"] = "   "
    wall, counter, device = record["hlc"].split("-")
    record["hlc"] = f"{int(wall) + 60_000}-{counter}-{device}"
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    problems = laptop.sync().problems
    assert any("glossary entry" in p and "no headword or no gloss" in p for p in problems)
    assert list(words(laptop).values()) == [("Soviet", "A council.", None)]


def test_reading_positions_follow_the_reader_per_text_the_later_move_winning(
    computers: Callable[..., list[Computer]],  # noqa: F811
    tmp_path: Path,
) -> None:
    home, away = computers(0, 0)
    essay = tmp_path / "essay.md"
    essay.write_text(ESSAY, encoding="utf-8")
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nWords.\n\nMore words.\n", encoding="utf-8")
    essay_id = library(home).add_file(essay).text_id
    other_id = library(home).add_file(other).text_id
    library(home).save_reading_state(essay_id, ReadingState("p2", 12, 1.5))
    sync_all([home, away])
    assert library(away).reading_state(essay_id)[:2] == ("p2", 12)
    assert library(away).reading_state(essay_id).zoom is None  # the zoom suits one screen
    assert library(away).reading_state(other_id)[:2] == (None, 0)
    # Both move in the essay, away later; only home moves in the other text.
    library(home).save_reading_state(essay_id, ReadingState("p1", 3))
    next_millisecond()
    library(away).save_reading_state(essay_id, ReadingState("p2", 40))
    library(home).save_reading_state(other_id, ReadingState("p1", 2))
    sync_all([home, away])
    for device in (home, away):
        assert library(device).reading_state(essay_id)[:2] == ("p2", 40)
        assert library(device).reading_state(other_id)[:2] == ("p1", 2)
    for device in (home, away):
        assert device.sync().sent == 0


def test_a_place_in_a_text_not_here_yet_waits_for_the_text(
    computers: Callable[..., list[Computer]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home, away = computers(0, 0)
    essay = tmp_path / "essay.md"
    essay.write_text(ESSAY, encoding="utf-8")
    text_id = library(home).add_file(essay).text_id
    library(home).save_reading_state(text_id, ReadingState("p2", 7))
    monkeypatch.setattr(sync_texts, "MAX_TEXT_FILE_BYTES", 10)
    home.sync()
    away.sync()
    assert library(away).get(text_id) is None
    away.restart()  # the waiting place survives a restart
    library(away).add_file(essay)  # the reader adds the file by hand
    away.sync()
    assert library(away).reading_state(text_id)[:2] == ("p2", 7)


def test_the_bundled_texts_place_in_the_library_travels_too(
    computers: Callable[..., list[Computer]],  # noqa: F811
) -> None:
    """The window keeps the bundled text's place in the library as it does any text's (and
    in the settings for start-up): the library's copy syncs like the others."""
    home, away = computers(0, 0)
    library(home).save_reading_state(DEFAULT_TEXT_ID, ReadingState("p3", 21, 1.25))
    sync_all([home, away])
    assert library(away).reading_state(DEFAULT_TEXT_ID)[:2] == ("p3", 21)
