"""Opening the notes database, transactions, and errors a user can act on.

Two kinds of failure are kept apart on purpose. ``StorageError`` and its subclasses are
conditions of the user's machine (file locked, folder read-only, disk full, file damaged,
file from a newer app) and carry a message in plain words for the UI to show while the
typed text stays in the editor. Anything else from sqlite (a syntax error, a broken
constraint) is a bug in this program and propagates unchanged, so it is never mistaken for
something the user should fix.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_BUSY_TIMEOUT_MS = 5000


class StorageError(Exception):
    """A problem with the notes file that the user can do something about."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class DatabaseLocked(StorageError):  # noqa: N818 - named for what the user sees
    pass


class ReadOnlyLocation(StorageError):  # noqa: N818 - named for what the user sees
    pass


class DiskFull(StorageError):  # noqa: N818 - named for what the user sees
    pass


class DatabaseCorrupt(StorageError):  # noqa: N818 - named for what the user sees
    pass


class DatabaseTooNew(StorageError):  # noqa: N818 - named for what the user sees
    pass


class NoteNotFound(StorageError):  # noqa: N818 - named for what the user sees
    """The note was deleted meanwhile (in the panel, by an undo, by an import)."""

    def __init__(self, note_id: str, path: Path | None = None) -> None:
        super().__init__("That note no longer exists.", path)
        self.note_id = note_id


def _where(path: Path | None) -> str:
    return f" ({path})" if path is not None else ""


def locked_error(path: Path | None) -> DatabaseLocked:
    return DatabaseLocked(
        "The notes file is busy: another copy of Study Reader or another program is using it. "
        f"Close it and try again{_where(path)}.",
        path,
    )


def read_only_error(path: Path | None) -> ReadOnlyLocation:
    return ReadOnlyLocation(
        "The notes cannot be saved because their folder or file cannot be written to"
        f"{_where(path)}. Check the folder's permissions or choose another data folder.",
        path,
    )


def disk_full_error(path: Path | None) -> DiskFull:
    return DiskFull(
        f"The notes cannot be saved because the disk is full{_where(path)}. "
        "Free some space and try again.",
        path,
    )


def corrupt_error(path: Path | None) -> DatabaseCorrupt:
    return DatabaseCorrupt(f"The notes file is damaged and cannot be read{_where(path)}.", path)


def disk_error(path: Path | None) -> StorageError:
    return StorageError(
        f"The notes file could not be read or written because of a disk error{_where(path)}.",
        path,
    )


_PRIMARY_CODES: dict[int, type[StorageError]] = {
    sqlite3.SQLITE_BUSY: DatabaseLocked,
    sqlite3.SQLITE_LOCKED: DatabaseLocked,
    sqlite3.SQLITE_READONLY: ReadOnlyLocation,
    sqlite3.SQLITE_CANTOPEN: ReadOnlyLocation,
    sqlite3.SQLITE_PERM: ReadOnlyLocation,
    sqlite3.SQLITE_FULL: DiskFull,
    sqlite3.SQLITE_CORRUPT: DatabaseCorrupt,
    sqlite3.SQLITE_NOTADB: DatabaseCorrupt,
    sqlite3.SQLITE_IOERR: StorageError,
}

_FACTORIES = {
    DatabaseLocked: locked_error,
    ReadOnlyLocation: read_only_error,
    DiskFull: disk_full_error,
    DatabaseCorrupt: corrupt_error,
    StorageError: disk_error,
}


def translate(error: sqlite3.Error, path: Path | None) -> StorageError | None:
    """The user-facing error for an sqlite error, or None when it is a bug."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    kind = _PRIMARY_CODES.get(code & 0xFF)
    if kind is None:
        return None
    return _FACTORIES[kind](path)


def translate_os_error(error: OSError, path: Path | None) -> StorageError:
    """File-system failures around the database (making folders, moving files, backups)."""
    if error.errno == errno.ENOSPC:
        return disk_full_error(path)
    if error.errno in {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST}:
        return read_only_error(path)
    return disk_error(path)


@contextmanager
def storage_errors(path: Path | None) -> Iterator[None]:
    """Turn sqlite and OS errors the user can act on into ``StorageError``; let bugs through."""
    try:
        yield
    except sqlite3.Error as error:
        translated = translate(error, path)
        if translated is None:
            raise
        raise translated from error
    except StorageError:
        raise
    except OSError as error:
        raise translate_os_error(error, path) from error


def connect(
    path: Path, *, read_only: bool = False, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
) -> sqlite3.Connection:
    """Open the notes database with the settings every connection must have.

    Autocommit mode (``isolation_level=None``) so that ``transaction()`` alone decides where
    transactions begin and end. A read-only connection uses a ``mode=ro`` URI and changes
    nothing, not even the journal mode: it is how a second instance and the too-new check
    look at a file without touching it.
    """
    with storage_errors(path):
        if read_only:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        else:
            connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            connection.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = FULL")
            # Reading the schema makes sqlite look at the file now, so a damaged file or a
            # non-database fails here with a clear error rather than at the first query.
            connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        except BaseException:
            connection.close()
            raise
    return connection


@contextmanager
def transaction(connection: sqlite3.Connection, path: Path | None = None) -> Iterator[None]:
    """One ``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back entirely if anything fails.

    IMMEDIATE takes the write lock at the start, so a busy database fails before any work is
    done instead of half-way through.
    """
    with storage_errors(path):
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            connection.execute("COMMIT")
        except BaseException:
            # sqlite may already have rolled back by itself (after SQLITE_FULL, for one).
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


class SharedConnectionRepository:
    """Base of the stores that live in the notes database beside the notes (review cards, the
    reader's own glossary): one connection, one transaction at a time, and one answer to a
    read-only folder, so a card or an entry is written with the same guarantees as a note."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        path: Path | None = None,
        read_only_reason: str | None = None,
    ) -> None:
        self._connection = connection
        self._path = path
        self._read_only_reason = read_only_reason

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        if self._read_only_reason is not None:
            raise ReadOnlyLocation(self._read_only_reason, self._path)
        with transaction(self._connection, self._path):
            yield self._connection

    def _rows(self, sql: str, params: Iterable[object] = ()) -> list[Any]:
        with storage_errors(self._path):
            return self._connection.execute(sql, tuple(params)).fetchall()
