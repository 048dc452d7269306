"""Which stretch of a long text the reading view's QTextDocument holds (issue 13).

Qt lays out a QTextDocument from its top: to show the middle of a 30,000-paragraph book it
first lays out every paragraph before it (0.4 s for the King James Version), and a jump far
ahead pays for what is still to do (0.3 s). So a long text is held a window at a time: a
run of consecutive blocks around the reading place, some 160,000 characters, moved (built
again around the place) when the reader comes near one of its edges or jumps outside it.

Everything the rest of the program sees speaks *book positions*: the positions the text
would have if the whole book were in one document. A window holds consecutive blocks, so
one number converts between the two: the book position of the window's first block
(``offset``). This module is that bookkeeping, with no Qt in it; ``ReadingView`` uses it.
A short text is its own window: offset 0, never moved.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import NamedTuple


class WindowLimits(NamedTuple):
    """How much of a long text the document holds, and when the window moves."""

    from_blocks: int = 3_000  # shorter texts are held whole
    chars: int = 160_000  # the window's size, about half before the place and half after
    max_blocks: int = 2_000  # and at most this many blocks (a text of very short lines)
    edge_chars: int = 40_000  # move when the place comes this near an edge of the window


class BookWindow:
    """A window of ``block_starts`` (the book position of each block; the text ends at
    ``end``): blocks ``first`` up to, not including, ``last``."""

    def __init__(
        self,
        block_starts: Sequence[int],
        end: int,
        *,
        windowed: bool,
        limits: WindowLimits | None = None,
    ) -> None:
        self._starts = block_starts
        self._end = end
        self.windowed = windowed
        self.limits = limits or WindowLimits()
        self.first = 0
        self.last = len(block_starts)

    @property
    def offset(self) -> int:
        """The book position of the window's first block: document position 0."""
        return self._start(self.first)

    @property
    def end(self) -> int:
        """The last book position: the end of the text's last block."""
        return self._end

    @property
    def block_count(self) -> int:
        return len(self._starts)

    def _start(self, index: int) -> int:
        """Where block ``index`` starts; past the last block, one past the text's end."""
        return self._starts[index] if index < len(self._starts) else self._end + 1

    def holds(self, position: int) -> bool:
        """Whether a book position is within the window (its end counts for the last)."""
        if self.last == len(self._starts):
            return self.offset <= position <= self._end
        return self.offset <= position < self._start(self.last)

    def to_document(self, position: int) -> int | None:
        """The document position of a book position; None outside the window."""
        return position - self.offset if self.holds(position) else None

    def to_book(self, position: int) -> int:
        return position + self.offset

    def index_at(self, position: int) -> int:
        """The index of the block holding a book position."""
        return max(0, bisect.bisect_right(self._starts, position) - 1)

    def around(self, index: int) -> tuple[int, int]:
        """The window to hold around block ``index``: up to half the limits either side,
        what one side cannot use (the book's start or end) given to the other."""
        count = len(self._starts)
        if not self.windowed:
            return 0, count
        index = max(0, min(index, count - 1))
        half_chars, half_blocks = self.limits.chars // 2, self.limits.max_blocks // 2
        first = self._reach_back(index, half_chars, half_blocks)
        last = self._reach_forward(index, half_chars, half_blocks)
        spare_chars = half_chars - (self._start(index) - self._start(first))
        spare_blocks = half_blocks - (index - first)
        if first == 0 and spare_chars > 0 and spare_blocks > 0:
            last = self._reach_forward(last - 1, spare_chars, spare_blocks)
        spare_chars = half_chars - (self._start(last) - self._start(index + 1))
        spare_blocks = half_blocks - (last - index - 1)
        if last == count and spare_chars > 0 and spare_blocks > 0:
            first = self._reach_back(first, spare_chars, spare_blocks)
        return first, last

    def _reach_back(self, index: int, chars: int, blocks: int) -> int:
        """The first block of those before ``index`` within ``chars`` and ``blocks``."""
        lowest = max(0, index - blocks)
        return max(lowest, bisect.bisect_left(self._starts, self._start(index) - chars, lowest))

    def _reach_forward(self, index: int, chars: int, blocks: int) -> int:
        """One past the last block after ``index`` within ``chars`` and ``blocks``."""
        highest = min(len(self._starts), index + 1 + blocks)
        reach = bisect.bisect_right(self._starts, self._start(index + 1) + chars, index + 1)
        return max(index + 1, min(highest, reach))

    def around_range(self, start: int, end: int) -> tuple[int, int] | None:
        """The window around the middle of book positions ``start`` to ``end``, if it
        holds both (a range of up to about a window's characters); else None."""
        low, high = min(start, end), max(start, end)
        first, last = self.around(self.index_at((low + high) // 2))
        reach = self._end if last == len(self._starts) else self._start(last) - 1
        return (first, last) if self._start(first) <= low and high <= reach else None

    def wants_move(self, index: int) -> bool:
        """Whether the place (block ``index``) is near an edge of the window that is not
        the book's, or outside it, and the window around it would be another."""
        if not self.windowed:
            return False
        edge = self.limits.edge_chars
        near_top = self.first > 0 and (
            index < self.first or self._start(index) - self.offset < edge
        )
        near_bottom = self.last < len(self._starts) and (
            index >= self.last or self._start(self.last) - self._start(index) < edge
        )
        return (near_top or near_bottom) and self.around(index) != (self.first, self.last)

    def move_to(self, first: int, last: int) -> None:
        self.first, self.last = first, last
