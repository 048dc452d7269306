"""Backups of the notes database, and keeping damaged files aside.

A backup is only worth having if it is whole: each is copied with sqlite's online backup
API (consistent even while the app writes), checked with ``PRAGMA quick_check`` while it
still has a temporary name, and only then renamed into place, so a crash or a bad copy
can never push out the last good backup. A damaged database is renamed, never deleted or
overwritten: the user's only copy of something may be in it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reader_app.domain.notes import utc_now
from reader_app.storage.db import StorageError, connect, storage_errors

BACKUP_PREFIX = "notes-"
BACKUP_SUFFIX = ".sqlite"
PRE_MIGRATION_PREFIX = "pre-migration-"
DEFAULT_KEEP = 10
_STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """A backup file the UI can offer, with what the user needs to choose it."""

    path: Path
    taken: datetime
    note_count: int


def _stamp(now: datetime | None = None) -> str:
    return (now or utc_now()).strftime(_STAMP)


def _unused(path: Path) -> Path:
    """``path`` or, if something is already there, ``path`` with ``-2``, ``-3``... added."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _fsync_directory(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def check_database(path: Path) -> bool:
    """True when ``path`` is an sqlite database that passes ``quick_check``."""
    try:
        connection = connect(path, read_only=True)
    except StorageError:
        return False
    try:
        result = connection.execute("PRAGMA quick_check").fetchall()
        return result == [("ok",)]
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def make_backup(
    connection: sqlite3.Connection,
    backup_dir: Path,
    *,
    keep: int = DEFAULT_KEEP,
    prefix: str = BACKUP_PREFIX,
    now: datetime | None = None,
) -> Path:
    """Copy the open database into ``backup_dir``, verify it, and keep the newest ``keep``.

    Raises StorageError (disk full, unwritable folder) if the backup cannot be made; the
    existing backups are then untouched.
    """
    with storage_errors(backup_dir):
        backup_dir.mkdir(parents=True, exist_ok=True)
        final = _unused(backup_dir / f"{prefix}{_stamp(now)}{BACKUP_SUFFIX}")
        temporary = final.with_name(f".{final.name}.tmp")
        try:
            target = sqlite3.connect(temporary)
            try:
                connection.backup(target)
                # A rollback-journal copy is one self-contained file (no -wal beside it).
                target.execute("PRAGMA journal_mode = DELETE")
                ok = target.execute("PRAGMA quick_check").fetchall() == [("ok",)]
            finally:
                target.close()
            if not ok:
                raise StorageError(f"A backup of the notes failed its check ({temporary}).")
            with temporary.open("rb+") as file:
                os.fsync(file.fileno())
            temporary.replace(final)
            _fsync_directory(backup_dir)
        finally:
            temporary.unlink(missing_ok=True)
        rotate(backup_dir, keep=keep, prefix=prefix)
    return final


def list_backups(backup_dir: Path, *, prefix: str = BACKUP_PREFIX) -> list[Path]:
    """Backups with this prefix, newest first (names sort by their UTC time stamp)."""
    if not backup_dir.is_dir():
        return []
    found = [
        path
        for path in backup_dir.iterdir()
        if path.name.startswith(prefix) and path.name.endswith(BACKUP_SUFFIX)
    ]
    return sorted(found, key=lambda path: path.name, reverse=True)


DAILY_GENERATIONS = 7
WEEKLY_GENERATIONS = 8


def rotate(backup_dir: Path, *, keep: int = DEFAULT_KEEP, prefix: str = BACKUP_PREFIX) -> None:
    """Delete old backups, but never the only copy of something the newest ones lack.

    Kept: the newest ``keep``; the newest of each of the last seven days and of the last
    eight weeks that have backups (generations, as Zotero and Anki keep them, so a burst of
    start-ups cannot push last week out); and the newest of the backups holding the most
    notes, so backups of an emptied or truncated notebook never rotate the full one away.
    """
    backups = list_backups(backup_dir, prefix=prefix)
    if len(backups) <= keep:
        return
    kept = set(backups[:keep])
    days: dict[object, Path] = {}
    weeks: dict[object, Path] = {}
    for path in backups:  # newest first, so the first seen of a day or week is its newest
        taken = _taken(path, prefix)
        if taken is None:
            kept.add(path)  # not one of ours by name: leave it alone
            continue
        if len(days) < DAILY_GENERATIONS:
            days.setdefault(taken.date(), path)
        if len(weeks) < WEEKLY_GENERATIONS:
            weeks.setdefault(taken.isocalendar()[:2], path)
    kept |= set(days.values()) | set(weeks.values())
    counts = {path: _note_count(path) for path in backups}
    fullest = max(backups, key=lambda path: (counts[path] or 0, path.name))
    kept.add(fullest)
    for old in backups:
        if old not in kept:
            old.unlink(missing_ok=True)


def _note_count(path: Path) -> int | None:
    """How many notes a backup holds, or None if it cannot be read as a notes database."""
    try:
        connection = connect(path, read_only=True)
    except StorageError:
        return None
    try:
        return int(connection.execute("SELECT count(*) FROM notes").fetchone()[0])
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()


def _taken(path: Path, prefix: str) -> datetime | None:
    stamp = path.name.removeprefix(prefix).removesuffix(BACKUP_SUFFIX).split("-")[0]
    try:
        return datetime.strptime(stamp, _STAMP).replace(tzinfo=utc_now().tzinfo)
    except ValueError:
        return None


def newest_good_backup(backup_dir: Path) -> BackupInfo | None:
    """The most recent backup (regular or pre-migration) that passes its check and holds
    notes; a backup of an empty notebook is no rescue for a damaged one."""
    candidates: list[tuple[datetime, Path]] = []
    for prefix in (BACKUP_PREFIX, PRE_MIGRATION_PREFIX):
        for path in list_backups(backup_dir, prefix=prefix):
            taken = _taken(path, prefix)
            if taken is not None:
                candidates.append((taken, path))
    for taken, path in sorted(candidates, reverse=True):
        if not check_database(path):
            continue
        count = _note_count(path)
        if count:
            return BackupInfo(path, taken, count)
    return None


def move_aside(database: Path, *, now: datetime | None = None) -> Path:
    """Rename a damaged database (and its -wal/-shm files) out of the way; never delete it."""
    with storage_errors(database):
        target = _unused(database.with_name(f"{database.name}.damaged-{_stamp(now)}"))
        database.replace(target)
        for suffix in ("-wal", "-shm"):
            companion = database.with_name(database.name + suffix)
            if companion.exists():
                companion.replace(target.with_name(target.name + suffix))
        _fsync_directory(database.parent)
    return target


def restore_backup(backup: Path, database: Path) -> None:
    """Copy a backup into the place of a database that is no longer there.

    Refuses to overwrite an existing database: the caller moves a damaged one aside first.
    The copy is made with the backup API and renamed into place, like a backup.
    """
    if database.exists():
        raise FileExistsError(f"Refusing to overwrite the notes database {database}.")
    with storage_errors(database):
        temporary = database.with_name(f".{database.name}.restoring")
        try:
            source = connect(backup, read_only=True)
            target = sqlite3.connect(temporary)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            with temporary.open("rb+") as file:
                os.fsync(file.fileno())
            temporary.replace(database)
            _fsync_directory(database.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
