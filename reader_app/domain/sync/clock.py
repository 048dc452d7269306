"""A hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks", 2014).

Wall time alone cannot order edits made on laptops whose clocks disagree by minutes: an edit
made after reading another device's change could carry an earlier time and lose. A hybrid
stamp is the wall time in milliseconds, raised to the largest time seen so far, plus a
counter for events within one millisecond, plus the device id to break exact ties. Every
stamp a device issues after receiving another's is larger than it, so causal order is kept
while the stamps stay close to real time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 0xFFFFFF
"""Six hex digits: more events in one millisecond than any reader makes, and fixed width
keeps the text form sorting like the stamps."""

_TEXT = re.compile(r"(\d{13})-([0-9a-f]{6})-([A-Za-z0-9_-]{1,64})")


class ClockError(ValueError):
    """A stamp's text is malformed, or the clock cannot move on."""


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, order=True, slots=True)
class Stamp:
    """One moment in hybrid time. Orders by wall time, then counter, then device."""

    wall_ms: int
    counter: int
    device: str

    def __post_init__(self) -> None:
        if not 0 <= self.wall_ms < 10**13 or not 0 <= self.counter <= MAX_COUNTER:
            raise ClockError(f"Stamp out of range: {self.wall_ms}, {self.counter}.")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", self.device):
            raise ClockError(f"Device id {self.device!r} is not 1-64 letters, digits, - or _.")

    def __str__(self) -> str:
        return f"{self.wall_ms:013d}-{self.counter:06x}-{self.device}"

    @classmethod
    def parse(cls, text: object) -> Stamp:
        """The stamp written by ``str``; raises ClockError for anything else (read from a
        file, so not necessarily a string)."""
        match = _TEXT.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ClockError(f"{text!r} is not a hybrid clock stamp.")
        return cls(int(match[1]), int(match[2], 16), match[3])


class HybridClock:
    """One device's clock. ``now`` stamps a local event; ``receive`` takes in a remote stamp.

    ``wall`` is injectable so that tests can set clocks minutes apart.
    """

    def __init__(
        self, device: str, *, wall: Callable[[], int] = wall_clock_ms, last: Stamp | None = None
    ) -> None:
        Stamp(0, 0, device)  # validates the id
        self.device = device
        self._wall = wall
        self._time = last.wall_ms if last is not None else 0
        self._counter = last.counter if last is not None else 0

    def _stamp(self) -> Stamp:
        if self._counter > MAX_COUNTER:
            raise ClockError("More than 16 million events in one millisecond.")
        return Stamp(self._time, self._counter, self.device)

    def now(self, happened: int | None = None) -> Stamp:
        """A stamp for a local event; ``happened`` is when it happened, in wall-clock
        milliseconds, when that was earlier than now (an edit noticed at the next sync).
        The stamp is still after every stamp this clock has issued or received."""
        physical = self._wall()
        if happened is not None:
            physical = min(physical, happened)
        if physical > self._time:
            self._time, self._counter = physical, 0
        else:
            self._counter += 1
        return self._stamp()

    def receive(self, remote: Stamp) -> Stamp:
        """Move past a stamp read from another device; returns the stamp of the receipt."""
        physical = self._wall()
        latest = max(self._time, remote.wall_ms, physical)
        if latest == self._time == remote.wall_ms:
            self._counter = max(self._counter, remote.counter) + 1
        elif latest == self._time:
            self._counter += 1
        elif latest == remote.wall_ms:
            self._counter = remote.counter + 1
        else:
            self._counter = 0
        self._time = latest
        return self._stamp()
