"""The backup a few seconds after start, made on a worker thread.

With a library of books the notes file is hundreds of megabytes, and copying and checking it
on the GUI thread froze the window for about a second at every start. The worker copies the
file through a read-only connection of its own (sqlite's backup of a WAL database is a
consistent snapshot while the window goes on writing), and quitting waits for it, so a
backup is never left half made.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reader_app.storage.db import StorageError
from reader_app.storage.store import backup_database


class _Signals(QObject):
    done = Signal(str)  # "" when the backup is made, else why not, in plain words


class _Backup(QRunnable):
    def __init__(self, data_dir: Path, signals: _Signals) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._signals = signals

    def run(self) -> None:
        try:
            backup_database(self._data_dir)
        except StorageError as error:
            self._signals.done.emit(str(error))
            return
        except Exception as error:  # a bug: reported, never a dead thread
            self._signals.done.emit(f"an unexpected error ({error})")
            return
        self._signals.done.emit("")


class StartupBackup(QObject):
    """One backup of the notes of ``data_dir``, started when asked, waited for on quit."""

    failed = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)

    def start(self) -> None:
        self._pool.start(_Backup(self._data_dir, self._signals))

    def wait(self) -> None:
        """Let a running backup finish: the notes are about to close."""
        self._pool.waitForDone()

    def _done(self, problem: str) -> None:
        if problem:
            self.failed.emit(problem)
