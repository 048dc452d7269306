"""Quitting from outside the window (kill, a closed terminal, Ctrl+C) saves the open note.

Python runs its signal handlers only between bytecodes, and while Qt's event loop waits in
C++ no bytecode runs: a plain ``signal.signal`` handler would wait for the next keystroke or
timer. So the C-level handler writes the signal's number into a socket (``set_wakeup_fd``),
and a QSocketNotifier on the other end wakes the event loop, which then quits properly.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

# Windows has no SIGHUP.
QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)


class TerminationWatcher(QObject):
    """Calls ``on_signal(number)`` from the event loop when a quit signal arrives."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_wakeup = signal.set_wakeup_fd(self._writer.fileno())
        self._previous_handlers = {
            number: signal.signal(number, self._note_signal) for number in QUIT_SIGNALS
        }
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._dispatch)

    @staticmethod
    def _note_signal(_number: int, _frame: object) -> None:
        """The Python-level handler has nothing to do: the wakeup byte carries the signal."""

    def _dispatch(self) -> None:
        try:
            received = self._reader.recv(64)
        except BlockingIOError:
            return
        for number in received:
            if number in QUIT_SIGNALS:
                self._on_signal(number)
                return

    def uninstall(self) -> None:
        """Give the signals back to whoever had them (the tests run many windows in turn)."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_wakeup)
        for number, handler in self._previous_handlers.items():
            signal.signal(number, handler)
        self._reader.close()
        self._writer.close()
