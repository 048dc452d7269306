"""Review in the window: making cards, counting what is due, sittings, statistics, export.

The window's only way to the review cards (``ui/`` never imports ``storage/``). It shares
the notes' open repository, so a card added here and a note edited in the notes panel are
in the same database, transactions and backups.

Cards are rendered from their current source every time they are shown or exported
(``review.resolve``): the text's glossary, the notes as stored now, the text itself. What
was rendered is kept as the card's snapshot, which is what a card whose source has since
been deleted goes on showing, marked as such.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import NamedTuple, TypeVar

from PySide6.QtCore import QObject, Signal

from reader_app.domain.glossary import Entry, Glossary
from reader_app.domain.notes import Note, utc_now
from reader_app.domain.review import (
    CardError,
    CardKind,
    ReviewCard,
    SourceKind,
    card_id,
    cloze_card,
    glossary_cards,
    question_card,
    resolve,
    saved_word_card,
)
from reader_app.domain.scheduling import (
    DEFAULT_RETENTION,
    Retention,
    ReviewRecord,
    ReviewScheduler,
    ScheduleError,
    forecast_due,
    retention,
)
from reader_app.domain.text import Document
from reader_app.models.review_session import ReviewSession
from reader_app.storage.db import StorageError
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.review_repo import ReviewRepository, review_of

T = TypeVar("T")
R = TypeVar("R")

CARD_FORMATS = ("apkg", "csv")
RETENTION_WEEKS = 8  # past retention shown week by week, as far back as two months


class CardPlace(NamedTuple):
    """Where "Open in text" goes: a passage of a text, or (``entry_id``) a glossary entry."""

    text_id: str
    block_id: str | None = None
    start: int = 0
    end: int = 0
    entry_id: str | None = None


class WeekRetention(NamedTuple):
    first_day: date
    retention: Retention


def _local_zone() -> tzinfo:
    """The reader's time zone: a day of review is a day of their calendar."""
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


class _Sources:
    """``review.CardSources`` over the open text, its glossary, the stored notes and the
    library's other texts (read when a card of another text comes up)."""

    def __init__(self, controller: ReviewController) -> None:
        self._controller = controller
        self._documents: dict[str, Document | None] = {}

    def entry(self, text_id: str, entry_id: str) -> Entry | None:
        glossary = self._controller.glossary
        return glossary.entry(entry_id) if entry_id in glossary else None

    def note(self, note_id: str) -> Note | None:
        return self._controller.repository.get(note_id)

    def document(self, text_id: str) -> Document | None:
        current = self._controller.document
        if text_id == current.id:
            return current
        if text_id not in self._documents:
            self._documents[text_id] = self._controller.library_document(text_id)
        return self._documents[text_id]


class ReviewController(QObject):
    """Everything the window does with review cards. Failures the reader can act on come
    back as a ``failed`` message in plain words; bugs propagate."""

    changed = Signal()  # cards were added or answered: the due count may differ
    failed = Signal(str)

    def __init__(
        self,
        repository: NotesRepository,
        glossary: Glossary,
        *,
        data_dir: Path | None = None,
        desired_retention: float = DEFAULT_RETENTION,
        clock: Callable[[], datetime] = utc_now,
        fuzzing: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.repository = repository
        self.glossary = glossary
        self._data_dir = data_dir
        self._clock = clock
        self._fuzzing = fuzzing
        self.review: ReviewRepository = review_of(repository)
        self.scheduler = ReviewScheduler(desired_retention, fuzzing=fuzzing)

    @property
    def document(self) -> Document:
        return self.repository.document

    def follow_text(self, repository: NotesRepository, glossary: Glossary) -> None:
        """Cards are made on the text the window shows: its notes (``repository``, on the
        same database) and the glossary its pane shows (bundled and the reader's own)."""
        self.repository = repository
        self.glossary = glossary

    @property
    def read_only(self) -> bool:
        return self.repository.read_only

    def library_document(self, text_id: str) -> Document | None:
        """Another text of the library, or None when it is gone (its cards keep their
        snapshot) or no library folder was given."""
        from reader_app.storage.library import library_of

        if self._data_dir is None:
            return None
        try:
            return library_of(self.repository, self._data_dir).document(text_id)
        except StorageError:
            return None

    def set_desired_retention(self, value: float) -> None:
        """From Preferences: later answers are scheduled for this retention."""
        try:
            self.scheduler = ReviewScheduler(value, fuzzing=self._fuzzing)
        except ScheduleError as error:
            self.failed.emit(str(error))

    # ----- making cards -----------------------------------------------------------------

    def save_word(self, block_id: str, start: int, end: int) -> ReviewCard | None:
        """ "Save Word for Review" on a selection of the open text."""
        document, glossary = self.document, self.glossary
        return self._add_one(lambda: saved_word_card(document, block_id, start, end, glossary))

    def add_glossary_entry(self, entry_id: str, *, reverse: bool = False) -> int | None:
        """Put an entry into review (and its reverse); how many cards were new."""
        if entry_id not in self.glossary:
            self.failed.emit(f"There is no glossary entry {entry_id!r}.")
            return None
        cards = glossary_cards(
            self.document.id,
            self.glossary.entry(entry_id),
            title=self.document.title,
            reverse=reverse,
        )
        return self._add(cards)

    def add_cloze(self, note_id: str, hide: Sequence[tuple[int, int]]) -> ReviewCard | None:
        """A highlight's passage with ``hide`` (ranges of its quote) blanked. Made again, the
        card keeps its id and schedule and takes the new ranges."""
        note = self.repository.get(note_id)
        if note is None:
            self.failed.emit("That note no longer exists.")
            return None
        card = self._add_one(lambda: cloze_card(self.document.id, note, hide, self.document))
        if card is not None:
            self._guard(lambda: self.review.update_card(card, self._clock()))
        return card

    def add_question(self, note_id: str, *, note_is_question: bool) -> ReviewCard | None:
        note = self.repository.get(note_id)
        if note is None:
            self.failed.emit("That note no longer exists.")
            return None
        card = self._add_one(
            lambda: question_card(
                self.document.id, note, self.document, note_is_question=note_is_question
            )
        )
        if card is not None:
            self._guard(lambda: self.review.update_card(card, self._clock()))
        return card

    def cloze_ranges(self, note_id: str) -> tuple[tuple[int, int], ...]:
        """The ranges hidden the last time this note was made a cloze card (to start from)."""
        stored = self._read(
            lambda: self.review.get(card_id(CardKind.CLOZE, self.document.id, note_id)), None
        )
        return stored.card.cloze if stored is not None else ()

    def note(self, note_id: str) -> Note | None:
        return self._read(lambda: self.repository.get(note_id), None)

    def _add_one(self, make: Callable[[], ReviewCard]) -> ReviewCard | None:
        try:
            card = make()
        except CardError as error:
            self.failed.emit(str(error))
            return None
        return card if self._add([card]) is not None else None

    def _add(self, cards: list[ReviewCard]) -> int | None:
        added = self._guard(lambda: self.review.add_cards(cards, self.scheduler, self._clock()))
        if added is None:
            return None
        self.changed.emit()
        return len(added.added)

    # ----- reviewing --------------------------------------------------------------------

    def due_count(self) -> int:
        return self._read(lambda: self.review.due_count(self._clock()), 0)

    def session(self) -> ReviewSession:
        return ReviewSession(self.review, self.scheduler, clock=self._clock, render=self.render)

    def render(self, card: ReviewCard) -> ReviewCard:
        """The card from its source as it is now, its snapshot kept for when the source goes."""
        current = resolve(card, _Sources(self))
        if current != card and not self.read_only:
            self._guard(lambda: self.review.save_snapshot(current, self._clock()))
        return current

    def place_of(self, card: ReviewCard) -> CardPlace | None:
        """Where the card's passage is now, for "Open in text"; None when it has none."""
        if card.saved_word is not None:
            anchor = card.saved_word.anchor
            return CardPlace(anchor.text_id, anchor.block_id, anchor.start, anchor.end)
        if card.source.kind is SourceKind.GLOSSARY_ENTRY:
            return CardPlace(card.text_id, entry_id=card.source.id)
        note = self.note(card.source.id)
        placement = note.placement if note is not None else None
        if placement is None or placement.block_id is None or placement.start is None:
            return None
        end = placement.end if placement.end is not None else placement.start
        return CardPlace(card.text_id, placement.block_id, placement.start, end)

    # ----- statistics -------------------------------------------------------------------

    def forecast(self, days: int = 30, zone: tzinfo | None = None) -> list[tuple[date, int]]:
        """Cards due on each of the next ``days`` days of the reader's calendar."""
        zone = zone or _local_zone()
        no_times: list[datetime] = []
        return forecast_due(self._read(self.review.due_times, no_times), self._clock(), days, zone)

    def weekly_retention(
        self, weeks: int = RETENTION_WEEKS, zone: tzinfo | None = None
    ) -> list[WeekRetention]:
        """Past retention for each of the last ``weeks`` weeks (seven days each, the last
        ending today), oldest first."""
        zone = zone or _local_zone()
        now = self._clock()
        today = now.astimezone(zone).date()
        first = today - timedelta(days=7 * weeks - 1)
        start = datetime.combine(first, datetime.min.time(), zone)
        empty: list[ReviewRecord] = []
        records = self._read(lambda: self.review.records(since=start.astimezone(UTC)), empty)
        by_week: list[list[ReviewRecord]] = [[] for _ in range(weeks)]
        for record in records:  # one pass: a heavy reviewer has tens of thousands
            week = (record.reviewed_at.astimezone(zone).date() - first).days // 7
            if 0 <= week < weeks:
                by_week[week].append(record)
        return [
            WeekRetention(first + timedelta(days=7 * week), retention(answers))
            for week, answers in enumerate(by_week)
        ]

    # ----- export -----------------------------------------------------------------------

    def export_cards(self, path: Path, card_format: str) -> int | None:
        """Every card in review, rendered now, as an Anki package or CSV written whole or not
        at all; how many cards, or None (with a ``failed`` message). Raises OSError for the
        caller when the file cannot be written."""
        from reader_app.domain.cards_export import build_apkg, build_csv
        from reader_app.domain.export import write_atomically

        if card_format not in CARD_FORMATS:
            raise ValueError(f"Cards are exported as {' or '.join(CARD_FORMATS)}.")
        stored = self._read(self.review.cards, None)
        if stored is None:
            return None
        if not stored:
            self.failed.emit("There are no cards in review to export yet.")
            return None
        sources = _Sources(self)
        cards = [resolve(s.card, sources) for s in stored]
        notes = {card.source.id: sources.note(card.source.id) for card in cards}
        tags = {card.id: note.tags for card in cards if (note := notes.get(card.source.id))}
        if card_format == "apkg":
            titles = {card.text_id: card.snapshot.title for card in cards if card.snapshot.title}
            titles[self.document.id] = self.document.title
            data = build_apkg(cards, now=self._clock(), titles=titles, tags=tags)
        else:
            data = build_csv(cards, tags=tags).encode("utf-8")
        write_atomically(path, data)
        return len(cards)

    # ----- errors -----------------------------------------------------------------------

    def _guard(self, action: Callable[[], T]) -> T | None:
        try:
            return action()
        except (StorageError, ScheduleError) as error:
            self.failed.emit(str(error))
        return None

    def _read(self, read: Callable[[], R], otherwise: R) -> R:
        try:
            return read()
        except StorageError as error:
            self.failed.emit(str(error))
            return otherwise
