"""Reading the notes without writing a byte in the data folder: for export and other readers.

``open_store`` is the writer's way in: it takes the instance lock, upgrades old files, moves
a damaged one aside and re-anchors notes on disk. A command that only reads must do none of
that (an ``export`` run by a script must never be what moves a user's notes aside or
upgrades them behind the app's back), so it works on an in-memory copy instead:

* without a write-ahead log, the file alone is the whole database: its bytes are read once
  and loaded with ``deserialize``. Its header is switched from WAL to rollback mode first,
  because an in-memory database cannot have a WAL; sqlite then never looks for ``-shm``
  or ``-wal`` files, so none is created beside the notes;
* with a non-empty write-ahead log (the app is running, or crashed before a checkpoint),
  the latest committed notes live partly in it, so a ``mode=ro`` connection copies them
  with the backup API, which reads one consistent snapshot while the app goes on writing.

The copy is then checked, upgraded and re-anchored in memory, where nobody else sees it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader_app.domain.text import Document
from reader_app.storage.db import DatabaseCorrupt, DatabaseTooNew, connect, storage_errors
from reader_app.storage.migrations import (
    LATEST_VERSION,
    migrate,
    peek_user_version,
    too_new_message,
)
from reader_app.storage.notes_repo import NotesRepository

READ_ONLY_REASON = "These notes were opened for reading only."

_WRITE_VERSION_OFFSET = 18  # bytes 18 and 19: file format write and read versions (2 = WAL)
_ROLLBACK = b"\x01\x01"


def damaged_message(path: Path) -> str:
    return (
        f"The notes file is damaged and cannot be read ({path}). Nothing was changed; "
        "start Study Reader to keep the damaged file aside and restore a backup."
    )


def _copy_into(connection: sqlite3.Connection, path: Path) -> None:
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        source = connect(path, read_only=True)
        try:
            source.backup(connection)
        finally:
            source.close()
        return
    image = bytearray(path.read_bytes())
    image[_WRITE_VERSION_OFFSET : _WRITE_VERSION_OFFSET + 2] = _ROLLBACK
    connection.deserialize(bytes(image))


def open_read_only_copy(
    path: Path, document: Document, *, reason: str = READ_ONLY_REASON
) -> NotesRepository:
    """A read-only repository over an in-memory copy of the notes database at ``path``.

    ``reason`` is the message of every refused write. Raises DatabaseTooNew,
    DatabaseCorrupt (with a message saying nothing was changed) or another StorageError;
    the file and its folder are never written.
    """
    try:
        found = peek_user_version(path)
    except DatabaseCorrupt:
        raise DatabaseCorrupt(damaged_message(path), path) from None
    if found > LATEST_VERSION:
        raise DatabaseTooNew(too_new_message(found), path)
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        try:
            with storage_errors(path):
                _copy_into(connection, path)
                healthy = connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        except DatabaseCorrupt:
            healthy = False
        if not healthy:
            raise DatabaseCorrupt(damaged_message(path), path)
        connection.execute("PRAGMA foreign_keys = ON")
        if found < LATEST_VERSION:
            migrate(connection)
        NotesRepository(connection, document).reanchor()  # in memory, for text order
        # From here on every write fails as it would on a read-only file: nothing typed
        # into a copy can look saved and then vanish.
        connection.execute("PRAGMA query_only = ON")
    except BaseException:
        connection.close()
        raise
    return NotesRepository(connection, document, path=path, read_only_reason=reason)
