"""The backup before an import, made on a worker thread.

An import changes many notes at once, so the notes are backed up first. With a library of
books the notes file is hundreds of megabytes, and copying and checking it on the GUI thread
froze the window for about a second at every Notes > Import. The backup runs on a ``Worker``
(the start-up backup's, so two backups never write into the backups folder at once), through a
connection of its own, and the import follows on the GUI thread once the backup is whole.

Quitting waits for a running backup, as it does for the start-up backup, and then makes the
import it was taken for: the reader asked for it and its way back exists, so closing the
window never drops it in silence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from reader_app.models.worker import Worker

Then = Callable[[Exception | None], None]


@dataclass(eq=False)
class _Waiting:
    """A backup asked for and what is to follow it; ``error`` is written by the worker
    thread before the work ends, and read on the GUI thread only after it has."""

    then: Then
    error: Exception | None = None


class BackupBeforeImport(QObject):
    """Backups of the notes, one at a time on the worker, each followed on the GUI thread by
    the import it was taken for. Shared by the notes controllers of every text, so that one
    import runs at a time whichever text is open."""

    def __init__(
        self, backup: Callable[[], object], worker: Worker, parent: QObject | None = None
    ) -> None:
        """``backup`` makes a checked backup through a connection of its own (it runs off the
        GUI thread, where the window's connection must not be used), or raises."""
        super().__init__(parent)
        self._backup = backup
        self._worker = worker
        self._waiting: list[_Waiting] = []

    @property
    def busy(self) -> bool:
        """A backup is under way, or made with the import after it not done yet."""
        return bool(self._waiting)

    def start(self, then: Then) -> None:
        """Back up, then call ``then(None)`` on the GUI thread, or ``then(error)`` with what
        the backup raised (a StorageError the reader can act on, or a bug)."""
        waiting = _Waiting(then)
        self._waiting.append(waiting)

        def work() -> object:
            try:
                return self._backup()
            except Exception as error:
                waiting.error = error
                raise

        self._worker.start(work, lambda _made, _error: self._follow(waiting))

    def finish(self) -> None:
        """The notes are about to close: let the backups end and do now what each was for
        (their outcomes, still on their way through the event loop, then find nothing left)."""
        self._worker.wait()
        for waiting in list(self._waiting):
            self._follow(waiting)

    def _follow(self, waiting: _Waiting) -> None:
        if waiting in self._waiting:
            self._waiting.remove(waiting)
            waiting.then(waiting.error)
