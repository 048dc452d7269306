"""The backup a few seconds after start, made on a worker thread.

With a library of books the notes file is hundreds of megabytes, and copying and checking it
on the GUI thread froze the window for about a second at every start. The worker copies the
file through a read-only connection of its own (sqlite's backup of a WAL database is a
consistent snapshot while the window goes on writing), and quitting waits for it, so a
backup is never left half made.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from reader_app.models.worker import Worker
from reader_app.storage.db import StorageError


class StartupBackup(QObject):
    """One backup of the notes, started when asked."""

    failed = Signal(str)  # why the backup was not made, in plain words

    def __init__(
        self, backup: Callable[[], object], worker: Worker, parent: QObject | None = None
    ) -> None:
        """``backup`` makes a checked backup through a connection of its own, or raises
        (storage.store.backup_now); ``worker``: the thread the notes' other backups run on
        (those before an import, models/import_backup.py, which also waits for it when the
        notes close), so that two backups never write into the backups folder at once."""
        super().__init__(parent)
        self._backup = backup
        self._worker = worker

    def start(self) -> None:
        self._worker.start(self._backup, self._done)

    def _done(self, _made: object, error: Exception | None) -> None:
        if isinstance(error, StorageError):
            self.failed.emit(str(error))
        elif error is not None:  # a bug
            self.failed.emit(f"an unexpected error ({error})")
