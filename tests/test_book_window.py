"""The bookkeeping of the reading view's window over a long text (ui/reading_window.py):
which blocks it holds around a place, and book positions converted through one offset."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from reader_app.ui.reading_window import BookWindow, WindowLimits

LIMITS = WindowLimits(from_blocks=0, chars=1_000, max_blocks=40, edge_chars=200)


def book(lengths: list[int]) -> BookWindow:
    """A text of blocks of ``lengths`` characters, each followed by a separator."""
    starts = [0, *itertools.accumulate(length + 1 for length in lengths)][:-1]
    end = starts[-1] + lengths[-1]
    return BookWindow(starts, end, windowed=True, limits=LIMITS)


lengths = st.lists(st.integers(0, 400), min_size=1, max_size=300)


@given(lengths, st.data())
def test_the_window_around_a_block_holds_it_within_the_limits(sizes, data) -> None:
    window = book(sizes)
    index = data.draw(st.integers(0, len(sizes) - 1))
    first, last = window.around(index)
    assert first <= index < last
    assert last - first <= LIMITS.max_blocks + 1
    held = sum(size + 1 for size in sizes[first:last])
    # Blocks are taken while they start within the budget: it is exceeded by a few blocks.
    assert held <= LIMITS.chars + 4 * 401
    if len(sizes) <= LIMITS.max_blocks // 2 and sum(sizes) + len(sizes) <= LIMITS.chars // 2:
        assert (first, last) == (0, len(sizes))  # a text that fits is held whole


@given(lengths, st.data())
def test_positions_convert_through_the_windows_offset(sizes, data) -> None:
    window = book(sizes)
    window.move_to(*window.around(data.draw(st.integers(0, len(sizes) - 1))))
    starts = [0, *itertools.accumulate(size + 1 for size in sizes)]
    for index in range(len(sizes)):
        for position in (starts[index], starts[index] + sizes[index]):
            assert window.index_at(position) == index
            in_document = window.to_document(position)
            assert (in_document is not None) == (window.first <= index < window.last)
            if in_document is not None:
                assert in_document == position - starts[window.first]
                assert window.to_book(in_document) == position
    assert window.offset == starts[window.first]


@given(lengths, st.data())
def test_a_window_just_moved_around_the_place_stays_until_it_nears_an_edge(sizes, data) -> None:
    window = book(sizes)
    index = data.draw(st.integers(0, len(sizes) - 1))
    window.move_to(*window.around(index))
    assert not window.wants_move(index)
    starts = [0, *itertools.accumulate(size + 1 for size in sizes)]
    first, last = window.first, window.last
    for other in range(len(sizes)):
        if not first <= other < last:  # (none when the window spans the book)
            assert window.wants_move(other)
        elif (
            starts[other] - starts[first] >= LIMITS.edge_chars
            and starts[last] - starts[other] >= LIMITS.edge_chars
        ):
            assert not window.wants_move(other)  # well inside both edges: never


def test_a_place_outside_or_near_an_inner_edge_moves_the_window() -> None:
    window = book([99] * 100)  # 100 characters a block: 10 blocks of 1,000
    window.move_to(*window.around(50))
    assert (window.first, window.last) == (45, 57)
    assert not window.wants_move(50)
    assert window.wants_move(46)  # within 200 characters of the top
    assert not window.wants_move(55)
    assert window.wants_move(56)
    assert window.wants_move(90)
    window.move_to(*window.around(0))
    assert window.first == 0
    assert not window.wants_move(0)  # the text's own start is no edge to move from


def test_a_short_text_is_its_own_window() -> None:
    window = BookWindow([0, 10, 20], 29, windowed=False)
    assert window.around(2) == (0, 3)
    assert not window.wants_move(2)
    assert window.offset == 0 and window.holds(29) and not window.holds(30)
