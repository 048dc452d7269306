"""The hybrid logical clock: causal order survives clocks that disagree by minutes."""

from __future__ import annotations

import pytest

from reader_app.domain.sync.clock import ClockError, HybridClock, Stamp

FIVE_MINUTES_MS = 5 * 60 * 1000


class ManualWall:
    """A wall clock that only moves when told, in milliseconds."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_stamps_of_one_device_always_increase_even_if_the_wall_clock_goes_back() -> None:
    wall = ManualWall(1_700_000_000_000)
    clock = HybridClock("laptop", wall=wall)
    first = clock.now()
    second = clock.now()  # same millisecond
    wall.ms -= 60_000  # the system clock is set back a minute
    third = clock.now()
    wall.ms += 120_000
    fourth = clock.now()
    assert first < second < third < fourth
    assert (second.wall_ms, second.counter) == (first.wall_ms, 1)
    assert third.wall_ms == first.wall_ms  # held at the largest time seen
    assert (fourth.wall_ms, fourth.counter) == (wall.ms, 0)


def test_an_edit_made_later_in_causal_order_wins_though_its_wall_clock_is_five_minutes_behind() -> (
    None
):
    ahead = HybridClock("desk", wall=ManualWall(1_700_000_000_000 + FIVE_MINUTES_MS))
    behind_wall = ManualWall(1_700_000_000_000)
    behind = HybridClock("laptop", wall=behind_wall)
    edit_on_desk = ahead.now()
    behind_wall.ms += 1000  # a second later, the laptop reads the desk's edit...
    behind.receive(edit_on_desk)
    edit_on_laptop = behind.now()  # ...and edits again
    assert behind_wall.ms < edit_on_desk.wall_ms  # its wall clock says "earlier"
    assert edit_on_laptop > edit_on_desk  # yet its edit is ordered after


def test_receive_follows_the_paper_cases() -> None:
    wall = ManualWall(100)
    clock = HybridClock("a", wall=wall)
    assert clock.now() == Stamp(100, 0, "a")
    # remote ahead of both: take its time, counter one past it
    assert clock.receive(Stamp(200, 3, "b")) == Stamp(200, 4, "a")
    # remote equal to ours: one past the larger counter
    assert clock.receive(Stamp(200, 9, "b")) == Stamp(200, 10, "a")
    # remote behind: ours moves on by one
    assert clock.receive(Stamp(150, 50, "b")) == Stamp(200, 11, "a")
    # the wall clock overtakes everything: counter restarts
    wall.ms = 300
    assert clock.receive(Stamp(250, 7, "b")) == Stamp(300, 0, "a")


def test_total_order_ties_break_on_the_device_id() -> None:
    stamps = [Stamp(5, 0, "b"), Stamp(5, 0, "a"), Stamp(4, 9, "z"), Stamp(5, 1, "a")]
    assert sorted(stamps) == [
        Stamp(4, 9, "z"),
        Stamp(5, 0, "a"),
        Stamp(5, 0, "b"),
        Stamp(5, 1, "a"),
    ]
    assert len(set(stamps)) == 4


def test_text_form_round_trips_and_sorts_like_the_stamps() -> None:
    stamps = [Stamp(1_700_000_000_123, 0, "a-1"), Stamp(1_700_000_000_123, 255, "a-1"),
              Stamp(999, 0, "zz"), Stamp(1_700_000_000_124, 0, "_")]  # fmt: skip
    assert [Stamp.parse(str(stamp)) for stamp in stamps] == stamps
    assert sorted(str(s) for s in stamps) == [str(s) for s in sorted(stamps)]
    assert str(stamps[1]) == "1700000000123-0000ff-a-1"


@pytest.mark.parametrize(
    "text",
    ["", "1700000000123-0000ff", "170000000012-0000ff-a", "1700000000123-0000FF-a",
     "1700000000123-0000ff-a b", "1700000000123-0000ff-" + "x" * 65, 17, None],
)  # fmt: skip
def test_malformed_text_is_refused_with_clock_error(text: object) -> None:
    with pytest.raises(ClockError):
        Stamp.parse(text)


def test_a_device_id_that_could_not_be_a_file_name_is_refused() -> None:
    with pytest.raises(ClockError):
        HybridClock("../etc")


def test_an_event_stamped_with_when_it_happened_still_follows_everything_seen() -> None:
    clock = HybridClock("desk", wall=lambda: 10_000)
    assert clock.now(happened=4_000) == Stamp(4_000, 0, "desk")  # an edit noticed late
    assert clock.now(happened=3_000) == Stamp(4_000, 1, "desk")  # never before the last
    clock.receive(Stamp(9_000, 5, "laptop"))
    assert clock.now(happened=5_000) > Stamp(9_000, 5, "laptop")
    assert clock.now(happened=20_000).wall_ms == 10_000  # never after the wall clock
