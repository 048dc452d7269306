"""One sitting of review: the cards due when it starts, answered one at a time.

The Review window reads and writes only through this object, never SQL (``ui/`` does not
import ``storage/``). Plain Python, no Qt: a sitting is a queue and a tally, and a test can
drive it without a window.

A card rated Again goes to the back of the queue and comes back once the other cards have
been seen, as in Anki's learning steps: forgetting it is the moment it most needs seeing
again, and leaving it for tomorrow would waste the reminder. Each card is rendered from its
source when it comes up (``render``), so a note edited a minute ago shows as it is now.
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
AGAIN = 1


def _as_stored(card: ReviewCard) -> ReviewCard:
    return card


class ReviewSession:
    """The cards due at the start; an Again sends a card round once more. An answer is saved
    at once (schedule and log in one transaction), so closing the window half-way loses
    nothing already answered."""

    def __init__(
        self,
        review: ReviewRepository,
        scheduler: ReviewScheduler,
        *,
        text_id: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        render: Callable[[ReviewCard], ReviewCard] = _as_stored,
    ) -> None:
        self._review = review
        self._scheduler = scheduler
        self._clock = clock
        self._render = render
        self._queue: list[ReviewCard] = [s.card for s in review.due(clock(), text_id)]
        self.total = len(self._queue)  # distinct cards in the sitting
        self._done: set[str] = set()  # cards answered and not sent round again
        self._again: set[str] = set()  # cards rated Again at least once in this sitting
        self._current: ReviewCard | None = None
        self.tally: Counter[int] = Counter()
        self.removed = 0  # cards taken out of review during the sitting

    @property
    def position(self) -> int:
        """How many of the sitting's cards are done (answered, and not Again)."""
        return len(self._done)

    @property
    def remaining(self) -> int:
        """Answers still to give, counting each card waiting to come round again once."""
        return len(self._queue)

    @property
    def current(self) -> ReviewCard | None:
        """The card to answer now, rendered from its source when it first comes up."""
        if self._current is None and self._queue:
            self._current = self._render(self._queue[0])
        return self._current

    @property
    def coming_round_again(self) -> bool:
        """Whether the current card was rated Again earlier in this sitting."""
        card = self.current
        return card is not None and card.id in self._again

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
        self._queue.pop(0)
        self._current = None
        if rating == AGAIN:
            self._queue.append(card)
            self._again.add(card.id)
            self._done.discard(card.id)
        else:
            self._done.add(card.id)
        return None

    def remove_current(self) -> str | None:
        """Take the current card out of review (its history is kept, and making the card
        again brings its schedule back); None when done, else the reason in plain words."""
        card = self.current
        if card is None:
            return "There is no card to remove."
        try:
            self._review.remove(card.id, self._clock())
        except StorageError as error:
            return f"The card was not removed: {error}"
        self._queue = [queued for queued in self._queue if queued.id != card.id]
        self._current = None
        self.total -= 1
        self.removed += 1
        return None

    def summary(self) -> str:
        removed = f" {self.removed} removed from review." if self.removed else ""
        if not self.total:
            return "No cards are due. Add cards from the text, the notes or the glossary." + removed
        parts = ", ".join(f"{name} {self.tally[value]}" for value, name in RATINGS)
        cards = "card" if self.total == 1 else "cards"
        answers = sum(self.tally.values())
        again = f" ({answers} answers)" if answers != self.position else ""
        return f"{self.position} of {self.total} {cards} reviewed{again}: {parts}.{removed}"
