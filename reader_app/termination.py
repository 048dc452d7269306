"""Quitting from outside the window (kill, a closed terminal, Ctrl+C) saves the open note.

Python runs its signal handlers only between bytecodes, and while Qt's event loop waits in
C++ no bytecode runs: a plain ``signal.signal`` handler would wait for the next keystroke or
timer. So the C-level handler writes the signal's number into a pipe (``set_wakeup_fd``),
and a QSocketNotifier on the other end wakes the event loop, which then quits properly.
"""

from __future__ import annotations

import os
import signal
import sys
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
        self._channel = _WakeupChannel()
        self._previous_wakeup = signal.set_wakeup_fd(self._channel.write_end)
        self._previous_handlers = {
            number: signal.signal(number, self._note_signal) for number in QUIT_SIGNALS
        }
        self._notifier = QSocketNotifier(self._channel.read_end, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._dispatch)

    @staticmethod
    def _note_signal(_number: int, _frame: object) -> None:
        """The Python-level handler has nothing to do: the wakeup byte carries the signal."""

    def _dispatch(self) -> None:
        try:
            received = self._channel.read()
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
        self._channel.close()


class _WakeupChannel:
    """Where the signal's byte goes: a pipe, or on Windows, where ``set_wakeup_fd`` takes
    only a socket, a socket pair (the socket module is left out of other platforms' start-up,
    which it cost some 4 ms)."""

    def __init__(self) -> None:
        if sys.platform == "win32":
            import socket

            self._sockets = socket.socketpair()
            for end in self._sockets:
                end.setblocking(False)
            self.read_end, self.write_end = (end.fileno() for end in self._sockets)
        else:
            self._sockets = None
            self.read_end, self.write_end = os.pipe()
            for end in (self.read_end, self.write_end):
                os.set_blocking(end, False)

    def read(self) -> bytes:
        if self._sockets is not None:
            return self._sockets[0].recv(64)
        return os.read(self.read_end, 64)

    def close(self) -> None:
        if self._sockets is not None:
            for end in self._sockets:
                end.close()
        else:
            os.close(self.read_end)
            os.close(self.write_end)
