"""When a card comes back: FSRS through the ``fsrs`` package, kept behind a small interface.

A card's schedule is stored as the JSON of ``fsrs.Card.to_dict()`` so that storage needs no
knowledge of FSRS and a later ``fsrs`` release can read what an earlier one wrote. Every
time is an aware UTC datetime: FSRS counts days from the last review, and a zone-less or
local time would move due dates by hours when the reader travels or the clocks change.

Our own ``ReviewRecord`` is kept rather than ``fsrs.ReviewLog`` because past retention
needs the state the card was in *before* the answer (a first answer to a new card says
nothing about memory), which ``ReviewLog`` does not keep.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, cast

from fsrs import Card, Rating, Scheduler, State

if TYPE_CHECKING:
    from fsrs.card import CardDict

DEFAULT_RETENTION = 0.9
FORECAST_DAYS = 30


class ScheduleError(ValueError):
    """A stored schedule or an answer cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One answer: which card, how it was rated, when, and what it did to the schedule."""

    card_id: str
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: datetime
    state_before: str  # "learning", "review" or "relearning"
    due_after: datetime


def _require_utc(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() != timedelta(0):
        raise ScheduleError(f"Review times must be aware UTC datetimes, got {moment!r}.")


def _fsrs_id(card_id: str) -> int:
    """fsrs wants an integer id; a stable one keeps its logs comparable across runs."""
    return int(hashlib.sha256(card_id.encode()).hexdigest()[:12], 16)


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1e9


def _aware(text: object) -> datetime:
    if not isinstance(text, str):
        raise ValueError(f"a time must be ISO 8601 text, not {text!r}")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"the time {text!r} has no zone")
    return moment.astimezone(UTC)


def _load(state: str | dict[str, Any]) -> Card:
    """Read a stored schedule, checking every field: fsrs trusts its input, and a damaged
    row must give a clear error here rather than a TypeError deep inside the scheduler."""
    try:
        data = json.loads(state) if isinstance(state, str) else state
        if not isinstance(data, dict):
            raise ValueError("it is not a JSON object")
        if not _is_whole(data["card_id"]) or data["state"] not in (1, 2, 3):
            raise ValueError("its card id or state is not valid")
        step = data["step"]
        if step is not None and not (_is_whole(step) and 0 <= step < 1000):
            raise ValueError(f"its step {step!r} is not valid")
        for key in ("stability", "difficulty"):
            if data[key] is not None and not _is_positive(data[key]):
                raise ValueError(f"its {key} {data[key]!r} is not valid")
        due = _aware(data["due"])
        last = None if data["last_review"] is None else _aware(data["last_review"])
        # Every field was checked above, which is what the TypedDict promises.
        card = Card.from_dict(cast("CardDict", data))
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        raise ScheduleError(f"A stored review schedule cannot be read: {error}") from None
    card.due, card.last_review = due, last
    return card


def due_at(state: str | dict[str, Any]) -> datetime:
    return _load(state).due


class ReviewScheduler:
    """FSRS with the reader's desired retention. ``fuzzing`` spreads due dates by a few
    percent so cards learnt together do not all return together; tests turn it off."""

    def __init__(self, desired_retention: float = DEFAULT_RETENTION, *, fuzzing: bool = True):
        if not 0.7 <= desired_retention <= 0.99:
            raise ScheduleError(
                f"Desired retention must be between 0.70 and 0.99, not {desired_retention}."
            )
        self._scheduler = Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzzing)

    @property
    def desired_retention(self) -> float:
        return self._scheduler.desired_retention

    def new_state(self, card_id: str, now: datetime) -> str:
        """The schedule of a card just added: new, and due at once."""
        _require_utc(now)
        return json.dumps(Card(card_id=_fsrs_id(card_id), due=now).to_dict())

    def review(
        self, card_id: str, state: str | dict[str, Any], rating: int, at: datetime
    ) -> tuple[str, ReviewRecord]:
        """Answer a card: its new schedule (JSON) and the record for the review log."""
        _require_utc(at)
        try:
            answer = Rating(int(rating))
        except ValueError:
            raise ScheduleError(f"A rating is 1 to 4 (Again to Easy), not {rating!r}.") from None
        card = _load(state)
        before = State(card.state).name.lower()
        card, _log = self._scheduler.review_card(card, answer, review_datetime=at.astimezone(UTC))
        record = ReviewRecord(card_id, int(answer), at, before, card.due.astimezone(UTC))
        return json.dumps(card.to_dict()), record


def due_count(states: Iterable[str | dict[str, Any]], at: datetime) -> int:
    """How many cards are due at ``at`` (overdue ones included)."""
    _require_utc(at)
    return sum(1 for state in states if due_at(state) <= at)


def forecast(
    states: Iterable[str | dict[str, Any]],
    today: datetime,
    days: int = FORECAST_DAYS,
    zone: tzinfo = UTC,
) -> list[tuple[date, int]]:
    """Cards falling due on each of the next ``days`` days, by the reader's calendar
    (``zone``); the first day also counts every card already overdue."""
    return forecast_due((due_at(state) for state in states), today, days, zone)


def forecast_due(
    due_times: Iterable[datetime],
    today: datetime,
    days: int = FORECAST_DAYS,
    zone: tzinfo = UTC,
) -> list[tuple[date, int]]:
    """``forecast`` from the cards' due times alone: storage keeps them in a column of
    their own, and reading that is much cheaper than checking every stored schedule."""
    _require_utc(today)
    first = today.astimezone(zone).date()
    counts = [0] * days
    for due in due_times:
        offset = (due.astimezone(zone).date() - first).days
        if offset < days:
            counts[max(offset, 0)] += 1
    return [(first + timedelta(days=n), count) for n, count in enumerate(counts)]


@dataclass(frozen=True, slots=True)
class Retention:
    """Answers to cards that were due for review (not new or relearning) and how many of them
    were remembered (anything but Again): Anki's "true retention"."""

    remembered: int
    reviewed: int

    @property
    def rate(self) -> float | None:
        return self.remembered / self.reviewed if self.reviewed else None


def retention(
    records: Iterable[ReviewRecord], since: datetime | None = None, until: datetime | None = None
) -> Retention:
    """Past retention over the records answered in [since, until)."""
    remembered = reviewed = 0
    for record in records:
        if record.state_before != "review":
            continue
        if (since and record.reviewed_at < since) or (until and record.reviewed_at >= until):
            continue
        reviewed += 1
        remembered += record.rating != Rating.Again
    return Retention(remembered, reviewed)
