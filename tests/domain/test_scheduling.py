"""FSRS scheduling through several reviews at fixed UTC times, with fuzzing off."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from reader_app.domain.scheduling import (
    ReviewRecord,
    ReviewScheduler,
    ScheduleError,
    due_at,
    due_count,
    forecast,
    retention,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@pytest.fixture
def scheduler() -> ReviewScheduler:
    return ReviewScheduler(fuzzing=False)


def graduated(scheduler: ReviewScheduler, card_id: str = "c1") -> tuple[str, datetime]:
    """A card answered Good twice in its learning steps: now in review, due some days on."""
    state = scheduler.new_state(card_id, START)
    state, first = scheduler.review(card_id, state, GOOD, START)
    state, second = scheduler.review(card_id, state, GOOD, first.due_after)
    assert second.state_before == "learning"
    return state, second.due_after


def test_a_new_card_is_due_at_once_and_its_first_answers_follow_the_learning_steps(
    scheduler,
) -> None:
    state = scheduler.new_state("c1", START)
    assert due_at(state) == START and due_count([state], START) == 1
    waits = {r: scheduler.review("c1", state, r, START)[1].due_after - START for r in (1, 2, 3)}
    assert waits == {
        AGAIN: timedelta(minutes=1),
        HARD: timedelta(minutes=5, seconds=30),  # half-way between the 1 and 10 minute steps
        GOOD: timedelta(minutes=10),
    }
    # Easy skips learning; with FSRS-6's default parameters the first interval is 8 days.
    assert scheduler.review("c1", state, EASY, START)[1].due_after - START == timedelta(days=8)


def test_intervals_grow_with_the_rating_and_with_each_success(scheduler) -> None:
    state, due = graduated(scheduler)
    graduated_days = (due - START).days
    assert graduated_days >= 1
    intervals = {}
    for rating in (AGAIN, HARD, GOOD, EASY):
        _, record = scheduler.review("c1", state, rating, due)
        assert record.state_before == "review"
        intervals[rating] = record.due_after - due
    assert intervals[AGAIN] == timedelta(minutes=10)  # a lapse goes to the relearning step
    assert intervals[AGAIN] < intervals[HARD] < intervals[GOOD] < intervals[EASY]

    # Good again and again: each interval longer than the last.
    gaps = []
    moment = due
    for _ in range(4):
        state, record = scheduler.review("c1", state, GOOD, moment)
        gaps.append(record.due_after - moment)
        moment = record.due_after
    assert gaps == sorted(gaps) and len(set(gaps)) == 4
    assert gaps[-1] > timedelta(days=30)


def test_the_same_answers_at_the_same_times_give_the_same_schedule() -> None:
    runs = [graduated(ReviewScheduler(fuzzing=False)) for _ in range(2)]
    assert runs[0] == runs[1]


def test_higher_desired_retention_brings_cards_back_sooner() -> None:
    loose, strict = ReviewScheduler(0.8, fuzzing=False), ReviewScheduler(0.95, fuzzing=False)
    state, due = graduated(ReviewScheduler(fuzzing=False))
    loose_due = loose.review("c1", state, GOOD, due)[1].due_after
    strict_due = strict.review("c1", state, GOOD, due)[1].due_after
    assert strict_due < loose_due
    assert ReviewScheduler().desired_retention == 0.9
    with pytest.raises(ScheduleError, match="between"):
        ReviewScheduler(1.5)


def test_due_counts_change_as_cards_are_answered_and_time_passes(scheduler) -> None:
    states = {name: scheduler.new_state(name, START) for name in ("a", "b", "c")}
    assert due_count(states.values(), START) == 3
    states["a"], record = scheduler.review("a", states["a"], EASY, START)
    assert due_count(states.values(), START) == 2
    assert due_count(states.values(), record.due_after - timedelta(seconds=1)) == 2
    assert due_count(states.values(), record.due_after) == 3
    assert due_count(states.values(), START - timedelta(days=1)) == 0


def test_forecast_counts_cards_per_day_for_thirty_days(scheduler) -> None:
    easy, _ = scheduler.review("a", scheduler.new_state("a", START), EASY, START)  # due in 8 days
    waiting = scheduler.new_state("b", START - timedelta(days=3))  # overdue: counts today
    far = json.dumps({**json.loads(easy), "due": (START + timedelta(days=40)).isoformat()})
    days = forecast([easy, waiting, far], START)
    assert len(days) == 30
    assert days[0] == (START.date(), 1)
    assert days[8] == ((START + timedelta(days=8)).date(), 1)
    assert sum(count for _, count in days) == 2  # the card due in 40 days is past the window


def test_forecast_days_follow_the_readers_calendar(scheduler) -> None:
    late_evening = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    state = scheduler.new_state("a", late_evening)
    # In UTC+2 the card is due on 3 March, which is that reader's "today".
    plus_two = timezone(timedelta(hours=2))
    assert forecast([state], late_evening, zone=plus_two)[0] == (datetime(2026, 3, 3).date(), 1)


def test_past_retention_counts_only_answers_to_cards_due_for_review(scheduler) -> None:
    state, due = graduated(scheduler)
    records: list[ReviewRecord] = []
    moment = due
    for rating in (GOOD, AGAIN, GOOD, GOOD):
        state, record = scheduler.review("c1", state, rating, moment)
        records.append(record)
        moment = record.due_after
    assert [r.state_before for r in records] == ["review", "review", "relearning", "review"]
    figure = retention(records)
    assert (figure.remembered, figure.reviewed) == (2, 3)
    assert figure.rate == pytest.approx(2 / 3)
    assert retention(records, since=records[-1].reviewed_at).rate == 1.0
    assert retention(records, until=due).rate is None


def test_bad_input_is_refused_with_a_clear_error(scheduler) -> None:
    state = scheduler.new_state("c1", START)
    with pytest.raises(ScheduleError, match="1 to 4"):
        scheduler.review("c1", state, 5, START)
    with pytest.raises(ScheduleError, match="UTC"):
        scheduler.review("c1", state, GOOD, datetime(2026, 3, 2, 9, 0))
    with pytest.raises(ScheduleError, match="UTC"):
        scheduler.review("c1", state, GOOD, START.astimezone(timezone(timedelta(hours=1))))
    for broken in ("not json", "{}", json.dumps({**json.loads(state), "state": 9})):
        with pytest.raises(ScheduleError, match="cannot be read"):
            scheduler.review("c1", broken, GOOD, START)
