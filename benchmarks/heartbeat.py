"""A heartbeat on the GUI thread: how long the window could not repaint or answer.

A timer ticks every 5 ms; the longest gap between two ticks is the longest stall. Shared by
the benchmarks that hold the window to the brief's "no freeze over half a second".
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Heartbeat:
    """Ticks every 5 ms on the GUI thread; the longest gap between ticks is the stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.longest = 0.0
        self._timer.start()

    def stop(self) -> float:
        """The longest stall since ``start``, in seconds."""
        self._tick()
        self._timer.stop()
        return self.longest

    def run(self, action: Callable[[], object], settle_ms: int) -> float:
        """Run ``action`` from the event loop, keep the loop going ``settle_ms``, return the
        longest stall in ms."""
        from PySide6.QtCore import QEventLoop, QTimer

        self.start()
        loop = QEventLoop()
        QTimer.singleShot(0, action)
        QTimer.singleShot(settle_ms, loop.quit)
        loop.exec()
        return self.stop() * 1000
