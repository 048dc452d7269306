"""One writer per data folder: an advisory lock held for the life of the app.

SQLite would keep two writers from corrupting the file, but two windows editing the same
notes would still overwrite each other's words. The first instance takes this lock; a
second one sees it taken and opens the notes read-only (or asks the first to come forward).

The operating system releases the lock when the holding process ends, however it ends, so
a crash never leaves a stale lock behind and no pid guessing is needed.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

LOCK_NAME = "study-reader.lock"

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


class InstanceLock:
    """``acquire()`` is non-blocking: it answers at once whether this process may write."""

    def __init__(self, data_dir: Path, name: str = LOCK_NAME) -> None:
        """``name``: another lock file in the folder, for another role (see single_instance)."""
        self.path = data_dir / name
        self._descriptor: int | None = None

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def acquire(self) -> bool:
        """Take the lock if free. Raises OSError if the lock file cannot be created at all."""
        if self._descriptor is not None:
            return True
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(descriptor):
            os.close(descriptor)
            return False
        # The pid is only information for a curious user; the lock itself is the flock.
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        self._descriptor = descriptor
        return True

    def release(self) -> None:
        if self._descriptor is None:
            return
        try:
            _unlock(self._descriptor)
        finally:
            os.close(self._descriptor)
            self._descriptor = None

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
