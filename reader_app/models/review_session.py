"""One sitting of review: the cards due when it starts, answered one at a time.

The Review window reads and writes only through this object, never SQL (``ui/`` does not
import ``storage/``). Plain Python, no Qt: a sitting is a queue and a tally, and a test can
drive it without a window.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from reader_app.domain.notes import utc_now
from reader_app.domain.review import Faces, ReviewCard
from reader_app.domain.scheduling import ReviewScheduler, ScheduleError
from reader_app.storage.db import StorageError
from reader_app.storage.review_repo import ReviewRepository

RATINGS = ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))


class ReviewSession:
    """The cards due at the start, each shown once. An answer is saved at once (schedule and
    log in one transaction), so closing the window half-way loses nothing already answered."""

    def __init__(
        self,
        review: ReviewRepository,
        scheduler: ReviewScheduler,
        *,
        text_id: str | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._review = review
        self._scheduler = scheduler
        self._clock = clock
        self._queue: list[ReviewCard] = [s.card for s in review.due(clock(), text_id)]
        self._position = 0
        self.tally: Counter[int] = Counter()

    @property
    def total(self) -> int:
        return len(self._queue)

    @property
    def position(self) -> int:
        """How many cards have been answered."""
        return self._position

    @property
    def current(self) -> ReviewCard | None:
        return self._queue[self._position] if self._position < len(self._queue) else None

    @property
    def faces(self) -> Faces | None:
        card = self.current
        return None if card is None else card.snapshot

    def rate(self, rating: int) -> str | None:
        """Answer the current card; None when saved, else the reason in plain words (and the
        card stays, so the reader can try again)."""
        card = self.current
        if card is None:
            return "There is no card to answer."
        try:
            self._review.record_review(card.id, rating, self._clock(), self._scheduler)
        except (StorageError, ScheduleError) as error:
            return f"The answer was not saved: {error}"
        self.tally[rating] += 1
        self._position += 1
        return None

    def summary(self) -> str:
        answered = sum(self.tally.values())
        if not self.total:
            return "No cards are due. Add cards with “study-reader review add”."
        parts = ", ".join(f"{name} {self.tally[value]}" for value, name in RATINGS)
        cards = "card" if self.total == 1 else "cards"
        return f"{answered} of {self.total} {cards} reviewed: {parts}."
