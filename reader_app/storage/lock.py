"""One writer per data folder: an advisory lock held for the life of the app.

SQLite would keep two writers from corrupting the file, but two windows editing the same
notes would still overwrite each other's words. The first instance takes this lock; a
second one sees it taken and opens the notes read-only (or asks the first to come forward).

The operating system releases the lock when the holding process ends, however it ends, so
a crash never leaves a stale lock behind and no pid guessing is needed.

A lock on a file is only as good as the file: if a cleaning tool deletes it, the next
instance would create a new one and lock that. So on POSIX systems the data folder itself
is locked as well (``flock`` works on a folder's descriptor, and the folder cannot vanish
while it holds the notes), and the lock file is checked to be the file that was locked.
On Windows an open lock file cannot be deleted, which gives the same guarantee.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

LOCK_NAME = "study-reader.lock"

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
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

    def _lock_folder(folder: Path) -> int | bool | None:
        return None  # nothing to add: an open lock file cannot be deleted on Windows

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

    def _lock_folder(folder: Path) -> int | bool | None:
        """The folder's locked descriptor; False if another instance holds it; None if this
        file system cannot lock folders (some network file systems), where the lock file
        alone decides."""
        try:
            descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return None
        try:
            if _try_lock(descriptor):
                return descriptor
        except OSError:
            os.close(descriptor)
            return None
        os.close(descriptor)
        return False


class InstanceLock:
    """``acquire()`` is non-blocking: it answers at once whether this process may write."""

    def __init__(self, data_dir: Path, name: str = LOCK_NAME, *, lock_folder: bool = True) -> None:
        """``name``: another lock file in the folder, for another role (see single_instance).
        ``lock_folder``: lock the folder itself too; off for a lock in a folder that other
        locks share (the runtime folder), where a folder lock would shut them all out."""
        self.path = data_dir / name
        self._folder = data_dir if lock_folder else None
        self._descriptor: int | None = None
        self._folder_descriptor: int | None = None

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def acquire(self) -> bool:
        """Take the lock if free. Raises OSError if the lock file cannot be created at all."""
        if self._descriptor is not None:
            return True
        folder = _lock_folder(self._folder) if self._folder is not None else None
        if folder is False:
            return False
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(descriptor) or not self._is_the_lock_file(descriptor):
            os.close(descriptor)
            if isinstance(folder, int):
                os.close(folder)  # closing the descriptor releases the folder's lock
            return False
        # The pid is only information for a curious user; the lock itself is the flock.
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        self._descriptor = descriptor
        self._folder_descriptor = folder if isinstance(folder, int) else None
        return True

    def _is_the_lock_file(self, descriptor: int) -> bool:
        """False if the file at ``path`` is no longer the one locked (deleted or replaced
        between opening and locking): a lock on a file nobody else can find guards nothing."""
        try:
            on_disk = self.path.stat()
        except FileNotFoundError:
            return False
        locked = os.fstat(descriptor)
        return (on_disk.st_dev, on_disk.st_ino) == (locked.st_dev, locked.st_ino)

    def release(self) -> None:
        if self._descriptor is None:
            return
        try:
            _unlock(self._descriptor)
        finally:
            os.close(self._descriptor)
            self._descriptor = None
            if self._folder_descriptor is not None:
                os.close(self._folder_descriptor)
                self._folder_descriptor = None

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
