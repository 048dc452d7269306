"""Review cards and their history, stored beside the notes in the same database.

A card is a row of ``review_cards`` (the domain's ``ReviewCard`` as columns and JSON, its
FSRS schedule, its due time), every answer a row of ``review_log`` (see migration step 5 for
the schema's reasons). ``ReviewRepository`` shares the notes repository's connection and its
transactions, like the library, so an answer (new schedule plus log row) is one transaction
and the notes' backups hold the review history too.

When a note is deleted its cards are kept and marked ``source_missing`` by a trigger in the
note's own transaction, and unmarked when the note comes back (Undo); ``mark_missing_sources``
does the same check over every card, for a database whose notes were changed by an older
version of the app. Nothing here imports Qt, and nothing here renders a card: the domain's
``resolve`` does that, and ``save_snapshot`` keeps what it rendered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from reader_app.domain.notes import format_timestamp, parse_timestamp
from reader_app.domain.review import (
    CardKind,
    Faces,
    ReviewCard,
    SavedWord,
    SourceKind,
    SourceRef,
    WordAnchor,
)
from reader_app.domain.scheduling import ReviewRecord, ReviewScheduler, ScheduleError, due_at
from reader_app.storage.db import StorageError
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.review_due import DueCounter

_STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}
"""fsrs's ``State`` values as the names ``scheduling.retention`` compares."""

_CARD_COLUMNS = (
    "id, kind, text_id, source_kind, source_id, spec, snapshot, source_missing, state, due, "
    "created, modified"
)


def _due_of(state: str) -> datetime:
    """The due time a logged schedule set. A log row is history, never given to the
    scheduler again, so only this field is read and checked (``due_at`` checks them all,
    at several times the cost, which showed when the statistics read weeks of answers)."""
    due = datetime.fromisoformat(json.loads(state)["due"])
    if due.tzinfo is None:
        raise ValueError(f"the time {due!r} has no zone")
    return due.astimezone(UTC)


class ReviewDataError(StorageError):
    """A stored card or answer cannot be read back (a damaged row), or a request names a
    card that is not there."""


class StoredCard(NamedTuple):
    """A card as stored: the domain card, its schedule (JSON) and its times."""

    card: ReviewCard
    state: str
    due: datetime
    created: datetime
    modified: datetime


class AddedCards(NamedTuple):
    added: tuple[str, ...]  # ids of cards new to review
    kept: tuple[str, ...]  # ids already in review: their schedule and history are kept


def _spec_of(card: ReviewCard) -> str:
    """What a card is made of beyond its source, as JSON (the ``spec`` column)."""
    spec: dict[str, Any] = {}
    if card.cloze:
        spec["cloze"] = [list(pair) for pair in card.cloze]
    if card.kind is CardKind.QUESTION:
        spec["note_is_question"] = card.note_is_question
    if card.saved_word is not None:
        spec["saved_word"] = asdict(card.saved_word)
    return json.dumps(spec, ensure_ascii=False, sort_keys=True)


def _card_from_row(row: Sequence[Any], path: Path | None) -> StoredCard:
    card_id = row[0]
    try:
        spec = json.loads(row[5])
        faces = Faces(**json.loads(row[6]))
        saved = spec.get("saved_word")
        saved_word = None
        if saved is not None:
            anchor = WordAnchor(**saved.pop("anchor"))
            saved_word = SavedWord(anchor=anchor, **saved)
        card = ReviewCard(
            id=card_id,
            kind=CardKind(row[1]),
            text_id=row[2],
            source=SourceRef(SourceKind(row[3]), row[4]),
            snapshot=faces,
            source_missing=bool(row[7]),
            cloze=tuple((int(start), int(end)) for start, end in spec.get("cloze", ())),
            note_is_question=bool(spec.get("note_is_question", True)),
            saved_word=saved_word,
        )
        return StoredCard(
            card,
            row[8],
            parse_timestamp(row[9]),
            parse_timestamp(row[10]),
            parse_timestamp(row[11]),
        )
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ReviewDataError(
            f"The stored review card {card_id} cannot be read ({error}). The other cards are "
            "not affected.",
            path,
        ) from None


class ReviewRepository(DueCounter):
    """The review cards of one data folder, on the notes database's connection."""

    # -- cards -------------------------------------------------------------------------

    def add_cards(
        self, cards: Iterable[ReviewCard], scheduler: ReviewScheduler, now: datetime
    ) -> AddedCards:
        """Put cards into review, new and due at ``now``. A card already there (same id) keeps
        its schedule and history, so adding again is harmless; one that was removed from
        review comes back with its old schedule."""
        stamp = format_timestamp(now)
        added: list[str] = []
        kept: list[str] = []
        with self._writing() as connection:
            for card in cards:
                exists = connection.execute(
                    "SELECT deleted FROM review_cards WHERE id = ?", (card.id,)
                ).fetchone()
                if exists is not None:
                    if exists[0] is not None:
                        connection.execute(
                            "UPDATE review_cards SET deleted = NULL, modified = ? WHERE id = ?",
                            (stamp, card.id),
                        )
                    kept.append(card.id)
                    continue
                state = scheduler.new_state(card.id, now)
                connection.execute(
                    f"INSERT INTO review_cards ({_CARD_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        card.id,
                        card.kind.value,
                        card.text_id,
                        card.source.kind.value,
                        card.source.id,
                        _spec_of(card),
                        json.dumps(asdict(card.snapshot), ensure_ascii=False),
                        int(card.source_missing),
                        state,
                        format_timestamp(due_at(state)),
                        stamp,
                        stamp,
                    ),
                )
                added.append(card.id)
        return AddedCards(tuple(added), tuple(kept))

    def get(self, card_id: str) -> StoredCard | None:
        rows = self._rows(
            f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE id = ? AND deleted IS NULL",
            (card_id,),
        )
        return _card_from_row(rows[0], self._path) if rows else None

    def cards(self, text_id: str | None = None) -> list[StoredCard]:
        """Every card in review, of one text or of all, in the order they were added."""
        where, params = self._text_filter(text_id)
        rows = self._rows(
            f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE deleted IS NULL{where} "
            "ORDER BY created, rowid",
            params,
        )
        return [_card_from_row(row, self._path) for row in rows]

    def due(
        self, at: datetime, text_id: str | None = None, limit: int | None = None
    ) -> list[StoredCard]:
        """The cards due at ``at``: the longest overdue first, then in the order added."""
        where, params = self._text_filter(text_id)
        rows = self._rows(
            f"SELECT {_CARD_COLUMNS} FROM review_cards "
            f"WHERE deleted IS NULL AND due <= ?{where} ORDER BY due, rowid LIMIT ?",
            (format_timestamp(at), *params, -1 if limit is None else limit),
        )
        return [_card_from_row(row, self._path) for row in rows]

    def states(self, text_id: str | None = None) -> list[str]:
        """Every card's schedule: what ``scheduling.forecast`` counts."""
        where, params = self._text_filter(text_id)
        rows = self._rows(
            f"SELECT state FROM review_cards WHERE deleted IS NULL{where} ORDER BY due", params
        )
        return [row[0] for row in rows]

    def due_times(self, text_id: str | None = None) -> list[datetime]:
        """Every card's due time, from its own column: what ``scheduling.forecast_due``
        counts, without reading every schedule."""
        where, params = self._text_filter(text_id)
        rows = self._rows(f"SELECT id, due FROM review_cards WHERE deleted IS NULL{where}", params)
        times = []
        for card_id, due in rows:
            try:
                times.append(parse_timestamp(due))
            except (ValueError, TypeError):
                raise ReviewDataError(
                    f"The stored review card {card_id} has an unreadable due time ({due!r}).",
                    self._path,
                ) from None
        return times

    def remove(self, card_id: str, now: datetime) -> None:
        """Take a card out of review. The row stays as a tombstone (for folder sync) with its
        history, and adding the card again brings its schedule back."""
        with self._writing() as connection:
            changed = connection.execute(
                "UPDATE review_cards SET deleted = ?, modified = ? "
                "WHERE id = ? AND deleted IS NULL",
                (format_timestamp(now), format_timestamp(now), card_id),
            ).rowcount
        if not changed:
            raise ReviewDataError(f"There is no review card {card_id}.", self._path)

    def update_card(self, card: ReviewCard, now: datetime) -> None:
        """Take what a card was made again with (a cloze card's hidden ranges, the side a
        question card's note is on) and its new faces; its schedule and history stay."""
        with self._writing() as connection:
            changed = connection.execute(
                "UPDATE review_cards SET spec = ?, snapshot = ?, source_missing = ?, "
                "modified = ? WHERE id = ? AND deleted IS NULL",
                (
                    _spec_of(card),
                    json.dumps(asdict(card.snapshot), ensure_ascii=False),
                    int(card.source_missing),
                    format_timestamp(now),
                    card.id,
                ),
            ).rowcount
        if not changed:
            raise ReviewDataError(f"There is no review card {card.id}.", self._path)

    def save_snapshot(self, card: ReviewCard, now: datetime) -> None:
        """Keep what ``review.resolve`` rendered: the faces, and whether the source was there."""
        with self._writing() as connection:
            connection.execute(
                "UPDATE review_cards SET snapshot = ?, source_missing = ?, modified = ? "
                "WHERE id = ? AND (snapshot != ? OR source_missing != ?)",
                (
                    json.dumps(asdict(card.snapshot), ensure_ascii=False),
                    int(card.source_missing),
                    format_timestamp(now),
                    card.id,
                    json.dumps(asdict(card.snapshot), ensure_ascii=False),
                    int(card.source_missing),
                ),
            )

    def mark_missing_sources(self, now: datetime) -> int:
        """Mark every card whose note is gone and unmark those whose note is back; returns
        how many cards changed. The triggers do this as notes change; this catches notes
        changed where the triggers were not (an older version of the app, a restored file)."""
        stamp = format_timestamp(now)
        with self._writing() as connection:
            marked = connection.execute(
                "UPDATE review_cards SET source_missing = 1, modified = ? "
                "WHERE source_kind = 'note' AND source_missing = 0 "
                "AND source_id NOT IN (SELECT id FROM notes)",
                (stamp,),
            ).rowcount
            unmarked = connection.execute(
                "UPDATE review_cards SET source_missing = 0, modified = ? "
                "WHERE source_kind = 'note' AND source_missing = 1 "
                "AND source_id IN (SELECT id FROM notes)",
                (stamp,),
            ).rowcount
        return marked + unmarked

    # -- answers -----------------------------------------------------------------------

    def record_review(
        self, card_id: str, rating: int, at: datetime, scheduler: ReviewScheduler
    ) -> ReviewRecord:
        """Answer a card: its new schedule and the log row, in one transaction. A bad rating,
        time or stored schedule raises ``ScheduleError`` and changes nothing."""
        with self._writing() as connection:
            row = connection.execute(
                "SELECT state FROM review_cards WHERE id = ? AND deleted IS NULL", (card_id,)
            ).fetchone()
            if row is None:
                raise ReviewDataError(f"There is no review card {card_id}.", self._path)
            before = row[0]
            after, record = scheduler.review(card_id, before, rating, at)
            connection.execute(
                "UPDATE review_cards SET state = ?, due = ?, modified = ? WHERE id = ?",
                (after, format_timestamp(record.due_after), format_timestamp(at), card_id),
            )
            connection.execute(
                "INSERT INTO review_log (card_id, rating, reviewed_at, state_before, "
                "state_after) VALUES (?, ?, ?, ?, ?)",
                (card_id, record.rating, format_timestamp(at), before, after),
            )
        return record

    def records(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[ReviewRecord]:
        """The answers given in [since, until), oldest first: what ``scheduling.retention``
        reads. A damaged log row is a ``ReviewDataError`` naming it."""
        rows = self._rows(
            "SELECT seq, card_id, rating, reviewed_at, state_before, state_after "
            "FROM review_log WHERE reviewed_at >= ? AND reviewed_at < ? ORDER BY reviewed_at, seq",
            (
                "" if since is None else format_timestamp(since),
                "\uffff" if until is None else format_timestamp(until),
            ),
        )
        records = []
        for seq, card_id, rating, reviewed_at, before, after in rows:
            try:
                state_before = _STATE_NAMES[json.loads(before)["state"]]
                records.append(
                    ReviewRecord(
                        card_id, rating, parse_timestamp(reviewed_at), state_before, _due_of(after)
                    )
                )
            except (ValueError, TypeError, KeyError, ScheduleError) as error:
                raise ReviewDataError(
                    f"The review log entry {seq} cannot be read ({error}).", self._path
                ) from None
        return records


def review_of(repository: NotesRepository) -> ReviewRepository:
    """The review cards on an open notes repository's connection, read-only when the notes
    are."""
    reason = "These notes were opened for reading only." if repository.read_only else None
    return ReviewRepository(repository.connection, path=repository.path, read_only_reason=reason)
