"""The backup a few seconds after start, made on a worker thread.

With a library of books the notes file is hundreds of megabytes, and copying and checking it
on the GUI thread froze the window for about a second at every start. The worker copies the
file through a read-only connection of its own (sqlite's backup of a WAL database is a
consistent snapshot while the window goes on writing), and quitting waits for it, so a
backup is never left half made.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reader_app.models.worker import Worker
from reader_app.storage.db import StorageError
from reader_app.storage.store import backup_database


class StartupBackup(QObject):
    """One backup of the notes of ``data_dir``, started when asked, waited for on quit."""

    failed = Signal(str)  # why the backup was not made, in plain words

    def __init__(
        self, data_dir: Path, parent: QObject | None = None, *, worker: Worker | None = None
    ) -> None:
        """``worker``: the thread the notes' other backups run on (those before an import),
        so that two backups never write into the backups folder at once."""
        super().__init__(parent)
        self._data_dir = data_dir
        self._worker = worker if worker is not None else Worker(self)

    def start(self) -> None:
        self._worker.start(lambda: backup_database(self._data_dir), self._done)

    def wait(self) -> None:
        """Let a running backup finish: the notes are about to close."""
        self._worker.wait()

    def _done(self, _made: object, error: Exception | None) -> None:
        if isinstance(error, StorageError):
            self.failed.emit(str(error))
        elif error is not None:  # a bug
            self.failed.emit(f"an unexpected error ({error})")
