"""Sync between data folders through one sync folder, on the real store and the real logs.

Each ``Computer`` is a data folder opened with ``open_store`` (as the window and the command
line open it) and a ``SyncEngine``; the notes are made and changed through the
``NotesRepository``, and what arrives is read back through it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from conftest import anchor_on

from reader_app.domain.glossary import load_glossary
from reader_app.domain.notes import Colour, free_note, glossary_note, passage_note
from reader_app.domain.review import glossary_cards
from reader_app.domain.scheduling import ReviewScheduler
from reader_app.domain.sync import log as sync_log
from reader_app.domain.sync.clock import wall_clock_ms
from reader_app.domain.text import Document
from reader_app.paths import resource_root
from reader_app.storage import sync_texts
from reader_app.storage.db import connect
from reader_app.storage.library import LibraryRepository, library_of
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.review_repo import review_of
from reader_app.storage.store import StoreOpenResult, database_path, open_store
from reader_app.storage.sync_engine import SyncEngine, SyncOutcome
from reader_app.storage.sync_state import load_device, rename_device

THIRD = "Some third person decides your fate"
MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS


class Computer:
    """One data folder as a device: its store, its engine, and a wall clock it can skew."""

    def __init__(self, folder: Path, sync_dir: Path, document: Document, skew_ms: int = 0):
        self.folder = folder
        self.sync_dir = sync_dir
        self.document = document
        self.skew_ms = skew_ms
        self.result: StoreOpenResult = open_store(folder, document)
        assert self.result.repository is not None, self.result.messages
        self.engine = self._engine()

    def _engine(self) -> SyncEngine:
        return SyncEngine(
            self.repo.connection,
            self.folder,
            self.sync_dir,
            wall=lambda: wall_clock_ms() + self.skew_ms,
            database_path=database_path(self.folder),
        )

    @property
    def repo(self) -> NotesRepository:
        assert self.result.repository is not None
        return self.result.repository

    def sync(self) -> SyncOutcome:
        return self.engine.sync()

    @contextlib.contextmanager
    def clock(self) -> Iterator[None]:
        """Edits made inside take their times from this computer's (skewed) clock."""
        skewed = lambda: datetime.now(UTC) + timedelta(milliseconds=self.skew_ms)  # noqa: E731
        with mock.patch("reader_app.domain.notes.utc_now", skewed):
            yield

    def restart(self) -> None:
        """Close and reopen, as quitting and starting the app again does."""
        self.result.close()
        self.result = open_store(self.folder, self.document)
        self.engine = self._engine()

    def notes(self) -> dict[str, tuple[object, ...]]:
        """Every note as the reader sees it (placement left out: it is per edition)."""
        return {
            n.id: (n.kind, n.body, n.tags, n.colour, n.anchor, n.glossary_entry_id, n.created)
            for n in self.repo.list_notes()
        }

    def history(self, note_id: str) -> list[str]:
        return sorted(r.body for r in self.repo.revisions(note_id))


@pytest.fixture
def computers(tmp_path: Path, document: Document) -> Iterator[Callable[..., list[Computer]]]:
    made: list[Computer] = []
    sync_dir = tmp_path / "Sync folder"
    sync_dir.mkdir()

    def make(*skews: int) -> list[Computer]:
        for skew in skews:
            made.append(Computer(tmp_path / f"data{len(made)}", sync_dir, document, skew))
        return made

    yield make
    for computer in made:
        computer.result.close()


def sync_all(devices: list[Computer], rounds: int = 2) -> None:
    for _ in range(rounds):
        for device in devices:
            assert device.sync().problems == ()


def log_sizes(sync_dir: Path) -> dict[str, int]:
    return {path.name: path.stat().st_size for path in sync_dir.glob("*.jsonl")}


def test_each_data_folder_is_a_device_with_a_lasting_id_and_an_editable_name(
    tmp_path: Path,
) -> None:
    first = load_device(tmp_path / "one")
    assert load_device(tmp_path / "one") == first
    assert load_device(tmp_path / "two").id != first.id
    assert first.name  # the host name
    renamed = rename_device(tmp_path / "one", "  Library   laptop ")
    assert (renamed.id, renamed.name) == (first.id, "Library laptop")
    assert load_device(tmp_path / "one") == renamed


def test_notes_of_every_kind_arrive_whole_with_tags_and_colours(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    desk.repo.add(
        passage_note(
            anchor_on(document, "p3", THIRD), "a comment", colour=Colour.PINK, tags=["A", "b c"]
        )
    )
    desk.repo.add(passage_note(anchor_on(document, "p3", "third"), colour=Colour.BLUE))
    desk.repo.add(free_note("free words", tags=["loose"]))
    desk.repo.add(glossary_note("self-activity", "on the entry"))
    sync_all([desk, laptop])
    assert laptop.notes() == desk.notes()
    assert len(laptop.notes()) == 4
    for note in desk.repo.list_notes():
        assert laptop.repo.get(note.id) == note  # placed in the text as on the desk
    assert laptop.repo.search("comment")[0].note.tags == ("a", "b c")


def a_millisecond_later() -> None:
    """Edits and deletions are dated to the millisecond, and two in the same millisecond are
    ordered by the devices' ids (any order is right, as long as every device agrees). A test
    that means one change to come after another waits for the next millisecond, as a
    person's next change always does."""
    time.sleep(0.002)


def test_concurrent_edits_converge_and_the_losing_words_are_kept_on_every_device(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    devices = computers(0, 0, 0)
    desk, laptop, library = devices
    note = desk.repo.add(passage_note(anchor_on(document, "p3", THIRD), "first"))
    sync_all(devices)
    desk.repo.update(note.id, body="desk's words", tags=["desk"])
    a_millisecond_later()
    laptop.repo.update(note.id, body="laptop's words", colour=Colour.GREEN)
    a_millisecond_later()
    library.repo.update(note.id, body="library's words")
    sync_all(devices)
    results = {device.repo.get(note.id).body for device in devices}
    assert results == {"library's words"}  # the last edit: the largest hybrid stamp
    for device in devices:
        assert device.notes() == desk.notes()
        assert {"desk's words", "laptop's words"} <= set(device.history(note.id))


def test_a_deletion_beats_an_older_edit_and_loses_to_a_newer_one(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    kept = desk.repo.add(passage_note(anchor_on(document, "p3", THIRD), "edit wins"))
    gone = desk.repo.add(free_note("delete wins"))
    sync_all([desk, laptop])
    # Edit, then a deletion elsewhere: the deletion is newer, the note goes, the edit's words
    # are kept. A deletion is dated when its device syncs (the window syncs seconds after
    # each change), an edit when it was made.
    laptop.repo.update(gone.id, body="edited before the deletion")
    a_millisecond_later()
    desk.repo.delete(gone.id)
    desk.sync()
    # A deletion, then an edit elsewhere that had not seen it: the edit is newer and stays.
    laptop.repo.delete(kept.id)
    laptop.sync()
    a_millisecond_later()
    desk.repo.update(kept.id, body="edited after the deletion")
    sync_all([desk, laptop])
    for device in (desk, laptop):
        assert device.repo.get(gone.id) is None
        assert device.repo.get(kept.id).body == "edited after the deletion"
        assert "edited before the deletion" in device.history(gone.id)
    assert desk.notes() == laptop.notes()


def test_a_deletion_is_dated_when_it_was_made_however_late_it_is_synced(
    computers: Callable[..., list[Computer]],
) -> None:
    desk, laptop = computers(0, 0)
    note = desk.repo.add(free_note("to be deleted"))
    sync_all([desk, laptop])
    laptop.repo.update(note.id, body="edited first")
    a_millisecond_later()
    desk.repo.delete(note.id)  # later, but the desk syncs last
    assert laptop.sync().problems == ()
    time.sleep(0.01)  # the desk's sync comes well after its deletion
    assert desk.sync().problems == ()
    laptop.sync()
    for device in (desk, laptop):
        assert device.repo.get(note.id) is None
        assert device.history(note.id) == ["edited first"]


def test_syncing_again_adds_nothing_even_after_a_restart(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    note = desk.repo.add(passage_note(anchor_on(document, "p3", THIRD), "one"))
    laptop.repo.add(free_note("two"))
    desk.repo.update(note.id, body="one, edited")
    sync_all([desk, laptop])
    laptop.repo.update(note.id, body="conflict a")
    desk.repo.update(note.id, body="conflict b")
    sync_all([desk, laptop])
    before = (desk.notes(), laptop.notes(), desk.history(note.id), log_sizes(desk.sync_dir))
    for device in (desk, laptop):
        outcome = device.sync()
        assert (outcome.sent, outcome.received, outcome.revisions_kept) == (0, 0, 0)
        device.restart()
        outcome = device.sync()
        assert (outcome.sent, outcome.received, outcome.revisions_kept) == (0, 0, 0)
    after = (desk.notes(), laptop.notes(), desk.history(note.id), log_sizes(desk.sync_dir))
    assert after == before
    assert len(desk.repo.revisions(note.id)) == 1


def test_a_last_line_cut_off_by_the_sync_program_is_read_whole_next_time(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    desk.repo.add(free_note("arrives first"))
    desk.sync()
    log = next(desk.sync_dir.glob(f"{desk.engine.device.id}.jsonl"))
    whole = log.read_bytes()
    late = desk.repo.add(free_note("arrives in two halves", tags=["late"]))
    desk.sync()
    complete = log.read_bytes()
    log.write_bytes(complete[: len(whole) + (len(complete) - len(whole)) // 2])
    outcome = laptop.sync()
    assert outcome.problems == ()  # half a line is not an error: it is still coming
    assert laptop.repo.get(late.id) is None and len(laptop.notes()) == 1
    log.write_bytes(complete)
    laptop.sync()
    assert laptop.notes() == desk.notes()


def test_clocks_five_minutes_apart_do_not_lose_the_later_edit(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(5 * MINUTE_MS, 0)  # the desk's clock is five minutes fast
    with desk.clock():
        note = desk.repo.add(passage_note(anchor_on(document, "p3", THIRD), "desk, 10:05"))
        other = desk.repo.add(free_note("desk, 10:05"))
    sync_all([desk, laptop])
    laptop.repo.update(note.id, body="laptop at 10:01, after reading the desk's note")
    laptop.repo.delete(other.id)
    assert laptop.sync().problems == ()
    with desk.clock():  # the desk edits again, later in real time than the laptop did
        desk.repo.update(note.id, body="desk at 10:07, not having synced")
    sync_all([desk, laptop])
    for device in (desk, laptop):
        assert device.repo.get(other.id) is None
        # Wall times say desk 10:05 < laptop 10:01 < desk 10:07 is not the order: the
        # laptop's edit follows the desk's note it read, and the desk's second edit,
        # concurrent with it, carries the larger hybrid stamp; the laptop's words are kept.
        assert device.repo.get(note.id).body == "desk at 10:07, not having synced"
        assert device.history(note.id) == ["laptop at 10:01, after reading the desk's note"]


def test_a_device_offline_for_a_month_catches_up(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    notes = [desk.repo.add(free_note(f"note {i}")) for i in range(30)]
    sync_all([desk, laptop])
    laptop.result.close()  # the laptop stays in a drawer
    for day in range(30):
        desk.skew_ms = day * DAY_MS
        with desk.clock():
            if day % 3 == 0:
                desk.repo.delete(notes[day].id)
            else:
                desk.repo.update(notes[day].id, body=f"note {day}, changed on day {day}")
            desk.repo.add(free_note(f"new on day {day}"))
        assert desk.sync().problems == ()
    laptop.skew_ms = 30 * DAY_MS
    laptop.restart()
    outcome = laptop.sync()
    assert outcome.problems == ()
    assert laptop.notes() == desk.notes()
    assert len(laptop.notes()) == 50


def test_a_missing_sync_folder_is_reported_and_the_notes_go_when_it_is_back(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    desk.repo.add(free_note("before unplugging"))
    sync_all([desk, laptop])
    moved = desk.sync_dir.rename(desk.sync_dir.with_name("unplugged"))
    late = desk.repo.add(free_note("while unplugged"))
    outcome = desk.sync()
    assert not outcome.folder_available
    assert outcome.problems[0].startswith("Sync folder unavailable:")
    assert len(desk.notes()) == 2  # nothing here was touched
    moved.rename(desk.sync_dir)
    sync_all([desk, laptop])
    assert laptop.repo.get(late.id) is not None
    assert laptop.notes() == desk.notes()


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
)
def test_a_full_or_read_only_sync_folder_keeps_the_change_until_it_can_be_written(
    computers: Callable[..., list[Computer]],
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    words: str,
) -> None:
    desk, laptop = computers(0, 0)
    desk.repo.add(free_note("already there"))
    sync_all([desk, laptop])
    waiting = desk.repo.add(free_note("waits for space", tags=["full"]))

    log = desk.sync_dir / f"{desk.engine.device.id}.jsonl"
    real_fsync = sync_log.os.fsync

    def refuse_in_sync_folder(fd: int) -> None:
        if sync_log.os.fstat(fd).st_ino == log.stat().st_ino:
            raise OSError(code, words)  # the write has landed, perhaps in part: then it fails
        real_fsync(fd)

    monkeypatch.setattr(sync_log.os, "fsync", refuse_in_sync_folder)
    outcome = desk.sync()
    assert any(words in problem for problem in outcome.problems)
    desk.restart()  # and the app is even quit meanwhile
    assert any(words in problem for problem in desk.sync().problems)
    monkeypatch.undo()
    sync_all([desk, laptop])
    assert laptop.repo.get(waiting.id).tags == ("full",)
    assert laptop.notes() == desk.notes()


def test_a_corrupt_line_is_reported_and_the_rest_is_read(
    computers: Callable[..., list[Computer]],
) -> None:
    desk, laptop = computers(0, 0)
    desk.repo.add(free_note("before the damage"))
    desk.sync()
    log = desk.sync_dir / f"{desk.engine.device.id}.jsonl"
    with log.open("ab") as file:
        file.write(b'{"v": 1, "kind": "note", "id": "x", "hlc": garbage}\n')
    desk.repo.add(free_note("after the damage"))
    desk.sync()
    outcome = laptop.sync()
    assert len(outcome.problems) == 1
    assert "line 2" in outcome.problems[0] and "skipped" in outcome.problems[0]
    assert laptop.notes() == desk.notes()


def test_a_note_that_breaks_the_rules_is_refused_in_plain_words(
    computers: Callable[..., list[Computer]],
) -> None:
    desk, laptop = computers(0, 0)
    note = desk.repo.add(free_note("fine"))
    desk.sync()
    log = desk.sync_dir / f"{desk.engine.device.id}.jsonl"
    line = json.loads(log.read_bytes().splitlines()[0])
    line["payload"]["studyReader"]["colour"] = "infrared"
    line["hlc"] = line["hlc"][:13] + "-00ffff-" + desk.engine.device.id
    with log.open("ab") as file:
        file.write(json.dumps(line).encode() + b"\n")
    outcome = laptop.sync()
    assert any("infrared" in problem for problem in outcome.problems)
    assert laptop.repo.get(note.id).body == "fine"  # the broken version never got in
    assert laptop.sync().problems == ()  # reported once: the cursor moved past it


def test_a_log_from_a_newer_version_waits_and_nothing_else_is_lost(
    computers: Callable[..., list[Computer]],
) -> None:
    desk, laptop = computers(0, 0)
    desk.repo.add(free_note("readable"))
    desk.sync()
    log = desk.sync_dir / f"{desk.engine.device.id}.jsonl"
    line = json.loads(log.read_bytes().splitlines()[0])
    line["v"] = 2
    with log.open("ab") as file:
        file.write(json.dumps(line).encode() + b"\n")
    laptop.repo.add(free_note("the laptop's own"))
    outcome = laptop.sync()
    assert any("newer version of Study Reader" in problem for problem in outcome.problems)
    assert len(laptop.notes()) == 2


def test_a_deleted_or_rewound_log_loses_nothing_and_doubles_nothing(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop, newcomer = computers(0, 0, 0)
    first = desk.repo.add(free_note("first"))
    sync_all([desk, laptop])
    log = desk.sync_dir / f"{desk.engine.device.id}.jsonl"
    early = log.read_bytes()
    desk.repo.add(free_note("second"))
    desk.repo.update(first.id, body="first, edited")
    sync_all([desk, laptop])
    log.write_bytes(early)  # the sync program brings back an old copy
    outcome = laptop.sync()
    assert any("rewound or replaced" in problem for problem in outcome.problems)
    assert laptop.notes() == desk.notes()
    assert laptop.history(first.id) == []
    log.unlink()  # and then loses it altogether, while the desk is closed
    assert any("disappeared" in problem for problem in laptop.sync().problems)
    assert len(laptop.notes()) == 2
    desk.restart()
    assert any("written again" in problem for problem in desk.sync().problems)
    sync_all([desk, laptop, newcomer])
    assert newcomer.notes() == desk.notes() == laptop.notes()
    assert laptop.history(first.id) == []


def test_two_devices_syncing_at_the_same_moment_converge(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    for device in (desk, laptop):
        for i in range(20):
            device.repo.add(free_note(f"{device.folder.name} {i}"))
    errors: list[BaseException] = []

    def run(device: Computer) -> None:
        # A worker thread has its own connection, as the window's sync does.
        connection = connect(database_path(device.folder))
        try:
            engine = SyncEngine(
                connection,
                device.folder,
                device.sync_dir,
                database_path=database_path(device.folder),
            )
            for _ in range(10):
                assert not [p for p in engine.sync().problems if "rewound" in p]
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(device,)) for device in (desk, laptop)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    desk.restart()
    laptop.restart()
    sync_all([desk, laptop])
    assert desk.notes() == laptop.notes()
    assert len(desk.notes()) == 40


def test_a_copied_data_folder_takes_a_new_identity_and_nothing_doubles(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    desk.repo.add(free_note("before the copy"))
    sync_all([desk, laptop])
    desk.result.close()
    copy_folder = desk.folder.with_name("copy of desk")
    shutil.copytree(desk.folder, copy_folder)
    desk.restart()
    copy = Computer(copy_folder, desk.sync_dir, document)
    try:
        assert copy.engine.device.id == desk.engine.device.id
        copy.repo.add(free_note("on the copy"))
        assert copy.sync().problems == ()  # writes to the desk's log
        desk.repo.add(free_note("on the desk"))
        problems = desk.sync().problems
        assert any("data folder copied" in problem for problem in problems)
        assert desk.engine.device.id != copy.engine.device.id
        sync_all([desk, copy, laptop], rounds=3)
        assert desk.notes() == copy.notes() == laptop.notes()
        assert len(desk.notes()) == 3
        for device in (desk, copy, laptop):
            for note_id in device.notes():
                assert device.history(note_id) == []
    finally:
        copy.result.close()


ESSAY = "# On Sync\n\nThe first paragraph of an essay added at home.\n\nA second paragraph.\n"


def library(device: Computer) -> LibraryRepository:
    return library_of(device.repo, device.folder)


def test_a_text_added_at_home_can_be_opened_at_the_library_with_its_details(
    computers: Callable[..., list[Computer]], tmp_path: Path
) -> None:
    home, away = computers(0, 0)
    essay = tmp_path / "essay.md"
    essay.write_text(ESSAY, encoding="utf-8")
    text_id = library(home).add_file(essay).text_id
    library(home).update_metadata(text_id, author="A. Reader", year=2024)
    sync_all([home, away])
    arrived = library(away).get(text_id)
    assert arrived is not None
    assert (arrived.metadata.title, arrived.metadata.author, arrived.metadata.year) == (
        "On Sync",
        "A. Reader",
        2024,
    )
    assert [b.text for b in library(away).blocks(text_id)] == [
        b.text for b in library(home).blocks(text_id)
    ]
    # A correction made away comes home; a removal at home removes it away, notes kept.
    library(away).update_metadata(text_id, title="On Sync, corrected")
    sync_all([home, away])
    assert library(home).get(text_id).metadata.title == "On Sync, corrected"
    library(home).remove(text_id)
    sync_all([home, away])
    assert library(away).get(text_id) is None
    for device in (home, away):  # syncing again changes nothing
        assert device.sync().sent == 0


def test_a_text_whose_file_is_too_large_waits_and_says_so(
    computers: Callable[..., list[Computer]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, away = computers(0, 0)
    essay = tmp_path / "essay.md"
    essay.write_text(ESSAY, encoding="utf-8")
    text_id = library(home).add_file(essay).text_id
    monkeypatch.setattr(sync_texts, "MAX_TEXT_FILE_BYTES", 10)
    assert any("larger than" in problem for problem in home.sync().problems)
    assert any("is added here when it comes" in problem for problem in away.sync().problems)
    assert library(away).get(text_id) is None
    assert away.sync().problems == ()  # said once
    library(home).update_metadata(text_id, author="Corrected at home")
    library(away).add_file(essay)  # the reader adds the file by hand
    for device in (away, home, away):
        assert all("larger than" in problem for problem in device.sync().problems)
    assert library(away).get(text_id).metadata.author == "Corrected at home"
    assert library(home).get(text_id).metadata.author == "Corrected at home"


def test_a_text_file_that_is_a_link_elsewhere_is_not_read(
    computers: Callable[..., list[Computer]], tmp_path: Path
) -> None:
    home, away = computers(0, 0)
    essay = tmp_path / "essay.md"
    essay.write_text(ESSAY, encoding="utf-8")
    text_id = library(home).add_file(essay).text_id
    home.sync()
    (sent,) = (home.sync_dir / "texts" / home.engine.device.id).iterdir()
    secret = tmp_path / "private.md"
    secret.write_text("# Private\n\nNot for the sync folder.\n", encoding="utf-8")
    sent.unlink()
    sent.symlink_to(secret)  # as a hostile or broken sync folder could deliver it
    problems = away.sync().problems
    assert any("is a link" in problem for problem in problems)
    assert library(away).get(text_id) is None
    assert len(library(away).list_texts()) == 1  # the bundled text only


def test_review_cards_and_their_schedule_follow_the_last_answer(
    computers: Callable[..., list[Computer]], document: Document
) -> None:
    desk, laptop = computers(0, 0)
    glossary = load_glossary(resource_root() / "glossary" / document.glossary_file)
    scheduler = ReviewScheduler(fuzzing=False)
    cards = glossary_cards(document.id, glossary.entry("red-tape"))
    now = datetime.now(UTC)
    review_of(desk.repo).add_cards(cards, scheduler, now)
    review_of(desk.repo).record_review(cards[0].id, 3, now, scheduler)
    sync_all([desk, laptop])
    on_laptop = review_of(laptop.repo).get(cards[0].id)
    on_desk = review_of(desk.repo).get(cards[0].id)
    assert on_laptop is not None and on_desk is not None
    assert (on_laptop.card, on_laptop.state, on_laptop.due) == (
        on_desk.card,
        on_desk.state,
        on_desk.due,
    )
    later = now + timedelta(days=3)
    review_of(laptop.repo).record_review(cards[0].id, 4, later, scheduler)
    sync_all([desk, laptop])
    assert review_of(desk.repo).get(cards[0].id).state == (
        review_of(laptop.repo).get(cards[0].id).state
    )
    assert review_of(desk.repo).get(cards[0].id).due > on_desk.due
    review_of(desk.repo).remove(cards[0].id, later)
    sync_all([desk, laptop])
    assert review_of(laptop.repo).get(cards[0].id) is None
    for device in (desk, laptop):
        assert device.sync().sent == 0


def test_a_lost_own_log_is_written_again_with_texts_and_cards(
    computers: Callable[..., list[Computer]], document: Document, tmp_path: Path
) -> None:
    desk, newcomer = computers(0, 0)
    essay = tmp_path / "essay.md"
    essay.write_text(ESSAY, encoding="utf-8")
    text_id = library(desk).add_file(essay).text_id
    glossary = load_glossary(resource_root() / "glossary" / document.glossary_file)
    cards = glossary_cards(document.id, glossary.entry("red-tape"))
    review_of(desk.repo).add_cards(cards, ReviewScheduler(fuzzing=False), datetime.now(UTC))
    note = desk.repo.add(free_note("a note"))
    gone = desk.repo.add(free_note("deleted later"))
    desk.sync()
    desk.repo.delete(gone.id)
    desk.sync()
    desk.result.close()
    (desk.sync_dir / f"{desk.engine.device.id}.jsonl").unlink()  # lost by the sync program
    desk.restart()
    assert any("written again" in problem for problem in desk.sync().problems)
    newcomer.sync()
    assert set(newcomer.notes()) == {note.id}
    assert library(newcomer).get(text_id) is not None
    assert review_of(newcomer.repo).get(cards[0].id) is not None
