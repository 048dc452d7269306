"""Review cards and the review log in the notes database: migration step 5, the repository."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from migration_steps import SCHEMAS, read_rows, upgrade_with_a_broken_step

from reader_app.domain.glossary import Glossary, load_glossary
from reader_app.domain.notes import passage_note
from reader_app.domain.review import (
    ReviewCard,
    SourceKind,
    cloze_card,
    glossary_cards,
    question_card,
    saved_word_card,
)
from reader_app.domain.scheduling import (
    ReviewScheduler,
    ScheduleError,
    due_at,
    forecast,
    forecast_due,
    retention,
)
from reader_app.domain.text import Document
from reader_app.paths import resource_root
from reader_app.storage import migrations
from reader_app.storage.backup import PRE_MIGRATION_PREFIX, list_backups
from reader_app.storage.db import ReadOnlyLocation
from reader_app.storage.migrations import peek_user_version
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.review_repo import ReviewDataError, ReviewRepository, review_of
from reader_app.storage.store import OpenStatus, backup_dir, database_path, open_store
from tests.conftest import anchor_on

# The schemas from before review: step 5 is what adds it to them.
SAVED = [p for p in sorted(SCHEMAS.glob("notes-v*.sqlite")) if peek_user_version(p) < 5]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def glossary(document: Document) -> Glossary:
    return load_glossary(resource_root() / "glossary" / document.glossary_file)


@pytest.fixture
def scheduler() -> ReviewScheduler:
    return ReviewScheduler(fuzzing=False)


@pytest.fixture
def review(repo: NotesRepository) -> ReviewRepository:
    return review_of(repo)


def entry_cards(glossary: Glossary, document: Document, *ids: str) -> list[ReviewCard]:
    return [c for i in ids for c in glossary_cards(document.id, glossary.entry(i))]


# -- the migration ---------------------------------------------------------------------


def test_there_is_a_saved_database_of_version_4() -> None:
    assert peek_user_version(SCHEMAS / "notes-v4.sqlite") == 4
    assert migrations.LATEST_VERSION >= 5  # review is step 5; later steps follow it


@pytest.mark.parametrize("saved", SAVED, ids=lambda p: p.name)
def test_every_saved_schema_upgrades_to_review_and_keeps_its_notes(
    saved: Path,
    data_dir: Path,
    document: Document,
    glossary: Glossary,
    scheduler: ReviewScheduler,
) -> None:
    old_notes = read_rows(saved, "SELECT id, kind, body, created, updated FROM notes ORDER BY id")
    assert old_notes
    shutil.copyfile(saved, database_path(data_dir))
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.OPENED, result.messages
        review = review_of(result.repository)
        cards = entry_cards(glossary, document, "red-tape")
        assert review.add_cards(cards, scheduler, NOW).added == (cards[0].id,)
        assert review.due_count(NOW) == 1
        review.record_review(cards[0].id, 3, NOW, scheduler)
        assert len(review.records()) == 1
        # Deleting an old note still works, through the new trigger.
        result.repository.delete(old_notes[0][0])
    finally:
        result.close()
    path = database_path(data_dir)
    assert peek_user_version(path) == migrations.LATEST_VERSION
    assert read_rows(path, "PRAGMA integrity_check") == [("ok",)]
    remaining = read_rows(path, "SELECT id, kind, body, created, updated FROM notes ORDER BY id")
    assert remaining == old_notes[1:]
    (pre,) = list_backups(backup_dir(data_dir), prefix=PRE_MIGRATION_PREFIX)
    assert peek_user_version(pre) == peek_user_version(saved)


def test_a_failing_review_step_leaves_version_4_as_it_was(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path(data_dir)
    before = read_rows(SCHEMAS / "notes-v4.sqlite", "SELECT * FROM notes ORDER BY id")
    upgrade_with_a_broken_step(path, 4, monkeypatch)
    assert peek_user_version(path) == 4
    tables = {row[0] for row in read_rows(path, "SELECT name FROM sqlite_schema")}
    assert not tables & {"review_cards", "review_log"}
    assert read_rows(path, "SELECT * FROM notes ORDER BY id") == before


# -- cards -----------------------------------------------------------------------------


def test_adding_is_idempotent_and_cards_read_back_whole(
    review: ReviewRepository,
    repo: NotesRepository,
    document: Document,
    glossary: Glossary,
    scheduler: ReviewScheduler,
) -> None:
    note = passage_note(anchor_on(document, "p3", "Some third person decides your fate"), "Who?")
    repo.add(note)
    quote = note.anchor.exact
    cloze = cloze_card(document.id, note, [(0, 4), (quote.index("fate"), len(quote))], document)
    question = question_card(document.id, note, document, note_is_question=False)
    block = document.block("p3")
    start = block.text.index("bureaucracy")
    word = saved_word_card(document, "p3", start, start + len("bureaucracy"), glossary)
    glossary_both = glossary_cards(
        document.id, glossary.entry("red-tape"), title=document.title, reverse=True
    )
    cards = [*glossary_both, cloze, question, word]

    first = review.add_cards(cards, scheduler, NOW)
    assert first.added == tuple(c.id for c in cards) and first.kept == ()
    again = review.add_cards(cards[:2], scheduler, NOW + timedelta(days=1))
    assert again.added == () and again.kept == tuple(c.id for c in cards[:2])

    stored = review.cards(document.id)
    assert [s.card for s in stored] == cards
    assert all(s.due == NOW and s.created == NOW for s in stored)
    assert review.cards("another-text") == []
    assert review.get(word.id) is not None and review.get("sr-none") is None


def test_due_cards_follow_the_answers_and_the_log_keeps_them(
    review: ReviewRepository,
    document: Document,
    glossary: Glossary,
    scheduler: ReviewScheduler,
) -> None:
    cards = entry_cards(glossary, document, "red-tape", "bureaucracy", "nep")
    review.add_cards(cards, scheduler, NOW)
    assert review.due_count(NOW) == 3 and review.due_count(NOW - timedelta(seconds=1)) == 0
    assert review.due_count(NOW, text_id="elsewhere") == 0

    record = review.record_review(cards[0].id, 4, NOW, scheduler)  # Easy: 8 days
    assert record.due_after == NOW + timedelta(days=8)
    assert [s.card.id for s in review.due(NOW)] == [c.id for c in cards[1:]]
    assert review.due_count(NOW + timedelta(days=8)) == 3
    assert review.get(cards[0].id).due == NOW + timedelta(days=8)  # type: ignore[union-attr]

    review.record_review(cards[1].id, 1, NOW, scheduler)  # Again: one minute
    due_next = review.due(NOW + timedelta(minutes=1))
    assert [s.card.id for s in due_next] == [cards[2].id, cards[1].id]  # oldest due first
    assert len(review.due(NOW + timedelta(minutes=1), limit=1)) == 1

    # A review after graduating counts for retention, a learning one does not.
    review.record_review(cards[0].id, 1, NOW + timedelta(days=8), scheduler)
    records = review.records()
    assert [(r.card_id, r.rating, r.state_before) for r in records] == [
        (cards[0].id, 4, "learning"),
        (cards[1].id, 1, "learning"),
        (cards[0].id, 1, "review"),
    ]
    assert retention(records).reviewed == 1 and retention(records).remembered == 0
    assert review.records(since=NOW + timedelta(days=1)) == records[2:]
    assert review.records(until=NOW + timedelta(days=1)) == records[:2]
    days = forecast(review.states(), NOW, days=30)
    assert sum(count for _, count in days) == 3


def test_a_bad_answer_changes_nothing(
    review: ReviewRepository, document: Document, glossary: Glossary, scheduler: ReviewScheduler
) -> None:
    (card,) = entry_cards(glossary, document, "nep")
    review.add_cards([card], scheduler, NOW)
    before = review.get(card.id)
    with pytest.raises(ScheduleError):
        review.record_review(card.id, 5, NOW, scheduler)
    with pytest.raises(ScheduleError):
        review.record_review(card.id, 3, NOW.replace(tzinfo=None), scheduler)
    with pytest.raises(ReviewDataError, match="no review card"):
        review.record_review("sr-missing", 3, NOW, scheduler)
    assert review.get(card.id) == before and review.records() == []


def test_a_damaged_row_is_a_clear_error(
    review: ReviewRepository,
    repo: NotesRepository,
    document: Document,
    glossary: Glossary,
    scheduler: ReviewScheduler,
) -> None:
    (card,) = entry_cards(glossary, document, "nep")
    review.add_cards([card], scheduler, NOW)
    repo.connection.execute("UPDATE review_cards SET snapshot = '[1, 2]'")
    with pytest.raises(ReviewDataError, match=card.id):
        review.cards()


def test_removed_cards_are_tombstones_and_come_back_with_their_schedule(
    review: ReviewRepository, document: Document, glossary: Glossary, scheduler: ReviewScheduler
) -> None:
    (card,) = entry_cards(glossary, document, "nep")
    review.add_cards([card], scheduler, NOW)
    review.record_review(card.id, 4, NOW, scheduler)
    review.remove(card.id, NOW)
    assert review.cards() == [] and review.due_count(NOW + timedelta(days=30)) == 0
    with pytest.raises(ReviewDataError):
        review.remove(card.id, NOW)
    assert review.add_cards([card], scheduler, NOW + timedelta(days=1)).kept == (card.id,)
    assert review.get(card.id).due == NOW + timedelta(days=8)  # type: ignore[union-attr]


def test_a_card_of_a_deleted_note_is_kept_marked_and_unmarked_by_undo(
    review: ReviewRepository,
    repo: NotesRepository,
    document: Document,
    scheduler: ReviewScheduler,
) -> None:
    note = passage_note(anchor_on(document, "p3", "Some third person decides your fate"), "Who?")
    repo.add(note)
    card = question_card(document.id, note, document)
    review.add_cards([card], scheduler, NOW)
    review.record_review(card.id, 3, NOW, scheduler)

    deleted = repo.delete(note.id)
    stored = review.get(card.id)
    assert stored is not None and stored.card.source_missing
    assert stored.card.snapshot == card.snapshot and len(review.records()) == 1

    repo.restore(deleted)
    stored = review.get(card.id)
    assert stored is not None and not stored.card.source_missing


def test_missing_sources_are_found_where_no_trigger_saw_the_deletion(
    review: ReviewRepository,
    repo: NotesRepository,
    document: Document,
    glossary: Glossary,
    scheduler: ReviewScheduler,
) -> None:
    note = passage_note(anchor_on(document, "p3", "Some third person decides your fate"), "Who?")
    repo.add(note)
    note_card = question_card(document.id, note, document)
    entry_card = entry_cards(glossary, document, "nep")[0]
    review.add_cards([note_card, entry_card], scheduler, NOW)
    repo.connection.execute("DROP TRIGGER review_cards_note_deleted")
    repo.delete(note.id)
    assert not review.get(note_card.id).card.source_missing  # type: ignore[union-attr]
    assert review.mark_missing_sources(NOW) == 1
    marked = {s.card.id: s.card.source_missing for s in review.cards()}
    assert marked == {note_card.id: True, entry_card.id: False}
    assert review.mark_missing_sources(NOW) == 0


def test_save_snapshot_keeps_what_was_rendered(
    review: ReviewRepository, document: Document, glossary: Glossary, scheduler: ReviewScheduler
) -> None:
    from dataclasses import replace

    (card,) = entry_cards(glossary, document, "nep")
    review.add_cards([card], scheduler, NOW)
    edited = replace(card, snapshot=replace(card.snapshot, back="A corrected gloss"))
    review.save_snapshot(edited, NOW + timedelta(hours=1))
    stored = review.get(card.id)
    assert stored is not None
    assert stored.card.snapshot.back == "A corrected gloss"
    assert stored.modified == NOW + timedelta(hours=1) and stored.card.source.kind is (
        SourceKind.GLOSSARY_ENTRY
    )


def test_a_read_only_store_refuses_writes_and_still_reads(
    data_dir: Path,
    open_repo: Callable[..., NotesRepository],
    document: Document,
    glossary: Glossary,
    scheduler: ReviewScheduler,
) -> None:
    writable = review_of(open_repo(data_dir))
    cards = entry_cards(glossary, document, "nep")
    writable.add_cards(cards, scheduler, NOW)
    reading = open_repo(data_dir, read_only=True)
    assert reading.read_only
    review = review_of(reading)
    assert review.due_count(NOW) == 1
    with pytest.raises(ReadOnlyLocation):
        review.record_review(cards[0].id, 3, NOW, scheduler)


def test_due_times_give_the_same_forecast_as_the_schedules(
    review: ReviewRepository,
    repo: NotesRepository,
    document: Document,
    glossary: Glossary,
    scheduler: ReviewScheduler,
) -> None:
    cards = entry_cards(glossary, document, "red-tape", "bureaucracy", "nep")
    review.add_cards(cards, scheduler, NOW)
    review.record_review(cards[0].id, 4, NOW, scheduler)
    review.record_review(cards[1].id, 3, NOW, scheduler)
    assert sorted(review.due_times()) == sorted(due_at(state) for state in review.states())
    assert forecast_due(review.due_times(), NOW) == forecast(review.states(), NOW)
    assert review.due_times(text_id="elsewhere") == []
    # What the log says each answer set the due time to, as the schedule said it.
    assert [r.due_after for r in review.records()] == [
        due_at(review.get(cards[0].id).state),  # type: ignore[union-attr]
        due_at(review.get(cards[1].id).state),  # type: ignore[union-attr]
    ]
    repo.connection.execute("UPDATE review_cards SET due = 'soon' WHERE id = ?", (cards[2].id,))
    with pytest.raises(ReviewDataError, match=cards[2].id):
        review.due_times()
    repo.connection.execute('UPDATE review_log SET state_after = \'{"due": "2026-03-02"}\'')
    with pytest.raises(ReviewDataError, match="log entry"):
        review.records()
