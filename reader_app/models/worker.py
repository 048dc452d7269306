"""Work off the GUI thread, its outcome back on it: what the start-up backup, Search
Everything and adding a book to the library each need, and each had written out (a pool of
one thread, a QObject to carry a signal across, a QRunnable catching whatever the work
raises so that it is told, never a thread dead in silence).

``Worker.start(work, deliver)`` runs ``work()`` on the worker's thread, one piece of work
after another in the order given, and calls ``deliver(result, None)`` on the GUI thread, or
``deliver(None, error)`` with whatever ``work`` raised, a bug included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Deliver = Callable[[Any, Exception | None], None]


class _Signals(QObject):
    # what to call on the GUI thread, the result, the exception raised or None
    done = Signal(object, object, object)


class _Run(QRunnable):
    def __init__(self, work: Callable[[], object], deliver: Deliver, signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._deliver = deliver
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # a bug too: delivered, never a dead thread
            self._signals.done.emit(self._deliver, None, error)
            return
        self._signals.done.emit(self._deliver, result, None)


class Worker(QObject):
    """One thread (the machine has other work, and a stale piece of work is better dropped
    than raced), on which work runs in turn; outcomes are delivered on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Made before the signals, so that as children it is destroyed first: the pool
        # waits for its running work, which must still find the signals to emit on.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._delivered)

    def start(self, work: Callable[[], object], deliver: Deliver) -> None:
        self._pool.start(_Run(work, deliver, self._signals))

    def clear(self) -> None:
        """Drop the work queued and not started yet: its ``deliver`` is never called."""
        self._pool.clear()

    def wait(self) -> None:
        """Let the work queued and running end (closing); outcomes still to be delivered
        come through the event loop."""
        self._pool.waitForDone()

    @property
    def busy(self) -> bool:
        """Work is running on the thread now."""
        return self._pool.activeThreadCount() > 0

    @staticmethod
    def _delivered(deliver: Deliver, result: object, error: Exception | None) -> None:
        deliver(result, error)
