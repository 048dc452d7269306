"""Opening the notes at start-up, and saying in plain words what happened.

``open_store`` never raises for conditions of the user's machine: it returns a
``StoreOpenResult`` whose ``status`` tells the UI what to do (carry on, show a notice, offer
a backup, or explain why the notes cannot be opened) and whose ``messages`` are ready to
show. Only bugs raise.
"""

from __future__ import annotations

import contextlib
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from reader_app.domain.text import Document
from reader_app.storage import backup
from reader_app.storage.backup import BackupInfo
from reader_app.storage.db import (
    DEFAULT_BUSY_TIMEOUT_MS,
    DatabaseCorrupt,
    DatabaseTooNew,
    DiskFull,
    ReadOnlyLocation,
    StorageError,
    connect,
    corrupt_error,
    storage_errors,
    translate_os_error,
)
from reader_app.storage.lock import InstanceLock
from reader_app.storage.migrations import (
    LATEST_VERSION,
    migrate,
    peek_user_version,
    too_new_message,
)
from reader_app.storage.notes_repo import NotesRepository, ReanchorReport
from reader_app.storage.snapshot import open_read_only_copy

DATABASE_NAME = "notes.sqlite"
BACKUP_FOLDER = "backups"
# Beside the notes: the file's size, time and inode when it was last closed whole (see
# ``_unchanged_since_closed``); removed again whenever the notes are opened for writing.
CLOSED_MARK_SUFFIX = ".closed"

ANOTHER_INSTANCE_MESSAGE = (
    "These notes are open in another Study Reader window, so this one can only read them. "
    "Close the other window to take notes here."
)


class OpenStatus(StrEnum):
    OPENED = "opened"  # existing notes, ready to read and write
    CREATED = "created"  # no notes yet: a new, empty file
    READ_ONLY = "read_only"  # another instance writes these notes; this one only reads
    BACKUP_OFFERED = "backup_offered"  # damaged file moved aside; ask about ``backup_offer``
    STARTED_FRESH = "started_fresh"  # damaged file moved aside, no backup: new empty file
    FAILED = "failed"  # cannot open (too new, locked, unwritable): see ``error``


@dataclass
class StoreOpenResult:
    status: OpenStatus
    repository: NotesRepository | None
    messages: list[str] = field(default_factory=list)
    error: StorageError | None = None
    moved_aside: Path | None = None
    backup_offer: BackupInfo | None = None
    migrated_from: int | None = None
    reanchor: ReanchorReport | None = None
    lock: InstanceLock | None = None
    # Set when something seen during the session (a backup whose copy failed its check)
    # calls the file's health into doubt: the next start checks it in full.
    check_fully_at_next_open: bool = False

    def close(self) -> None:
        """Close the database and let another instance take over the notes."""
        if self.repository is not None:
            writable = not self.repository.read_only
            path = self.repository.path
            self.repository.close()
            self.repository = None
            if writable and path is not None and not self.check_fully_at_next_open:
                _mark_closed(path)
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_NAME


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_FOLDER


def _damaged_message(moved: Path, offer: BackupInfo | None) -> str:
    kept = (
        "Your notes file is damaged and could not be read. It has been kept, unchanged, "
        f"as {moved.name} in {moved.parent}."
    )
    if offer is None:
        return f"{kept} No earlier backup was found, so a new, empty notes file was started."
    notes = "note" if offer.note_count == 1 else "notes"
    return (
        f"{kept} A backup from {offer.taken:%d %B %Y, %H:%M} UTC with {offer.note_count} "
        f"{notes} can be restored."
    )


def _failed(error: StorageError, lock: InstanceLock | None) -> StoreOpenResult:
    if lock is not None:
        lock.release()
    return StoreOpenResult(OpenStatus.FAILED, None, [str(error)], error=error)


@dataclass
class _Request:
    """Everything one attempt to open the notes needs, passed down as one value."""

    data_dir: Path
    document: Document
    lock: InstanceLock | None
    read_only_reason: str | None  # None: open for writing
    keep_backups: int
    busy_timeout_ms: int
    take_backup: bool
    offer_backup: bool = True  # False: the user declined the offered backup

    @property
    def path(self) -> Path:
        return database_path(self.data_dir)


def _acquire(data_dir: Path, read_only: bool) -> tuple[InstanceLock | None, str | None]:
    """Returns (held lock or None, None or why the notes can only be read)."""
    if read_only:
        return None, "These notes were opened for reading only."
    lock = InstanceLock(data_dir)
    try:
        acquired = lock.acquire()
    except OSError as error:
        # The folder cannot even hold a lock file: reading may still be possible.
        return None, str(translate_os_error(error, data_dir)) + READ_ONLY_NOTICE
    if not acquired:
        return None, ANOTHER_INSTANCE_MESSAGE
    return lock, None


def open_store(
    data_dir: Path,
    document: Document,
    *,
    read_only: bool = False,
    take_backup: bool = True,
    keep_backups: int = backup.DEFAULT_KEEP,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    offer_backup: bool = True,
) -> StoreOpenResult:
    """Open (creating, upgrading, backing up and re-anchoring as needed) the notes in a folder.

    ``read_only=True`` opens without writing anything; otherwise the instance lock decides,
    and a second instance falls back to read-only with a notice. ``take_backup=False``
    skips the start-up backup (for short command-line runs that would otherwise push
    older backups out of the rotation). ``offer_backup=False`` is the user's answer "start
    with no notes" to a ``BACKUP_OFFERED``; until it is given, a damaged file kept aside
    with no notes file in its place makes every start offer the backup again.
    """
    try:
        with storage_errors(data_dir):
            data_dir.mkdir(parents=True, exist_ok=True)
    except StorageError as error:
        return _failed(error, None)
    lock, reason = _acquire(data_dir, read_only)
    request = _Request(
        data_dir, document, lock, reason, keep_backups, busy_timeout_ms, take_backup, offer_backup
    )
    unanswered = None if request.path.exists() else _unanswered_offer(request)
    result = unanswered or _open(request)
    if reason is not None and not read_only and result.repository is not None:
        result.messages.insert(0, reason)
    return result


def restore_and_open(
    data_dir: Path,
    document: Document,
    offer: BackupInfo,
    *,
    keep_backups: int = backup.DEFAULT_KEEP,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> StoreOpenResult:
    """Accept a ``backup_offer``: copy that backup into place and open it."""
    lock, reason = _acquire(data_dir, False)
    if reason is not None:
        return _failed(StorageError(reason, data_dir), lock)
    try:
        backup.restore_backup(offer.path, database_path(data_dir))
    except FileExistsError as error:
        return _failed(StorageError(str(error), data_dir), lock)
    except StorageError as error:
        return _failed(error, lock)
    result = _open(_Request(data_dir, document, lock, None, keep_backups, busy_timeout_ms, True))
    if result.repository is not None:
        result.messages.insert(
            0, f"Your notes were restored from the backup of {offer.taken:%d %B %Y, %H:%M} UTC."
        )
    return result


def _fingerprint(path: Path) -> str:
    status = path.stat()
    return f"{status.st_size} {status.st_mtime_ns} {status.st_ino}\n"


def _mark_closed(path: Path) -> None:
    """Note that the notes were closed whole, if sqlite has folded its log into the file
    (it does when the last connection closes; one still open, a sync's, leaves it)."""
    if path.with_name(path.name + "-wal").exists():
        return
    with contextlib.suppress(OSError):  # no mark: the next start checks in full, as ever
        path.with_name(path.name + CLOSED_MARK_SUFFIX).write_text(_fingerprint(path))


def _unchanged_since_closed(path: Path) -> bool:
    """True when the notes file is as the last session left it on closing, whole: no crash
    since (the mark is removed at every opening, so a session that never closes leaves
    none), no log of unfinished writes, not replaced or touched by anything else.

    Such a file was checked when it was opened and written only by sqlite since, so the
    start-up ``quick_check``, which reads the whole file (half a second for a library of
    twenty books), is left to the first backup, which checks its copy on a worker thread
    (models/startup_backup.py); if that check fails, ``check_fully_at_next_open``."""
    mark = path.with_name(path.name + CLOSED_MARK_SUFFIX)
    try:
        recorded = mark.read_text()
    except (OSError, ValueError):
        return False
    try:
        mark.unlink()
        unchanged = recorded == _fingerprint(path)
    except OSError:
        return False
    return unchanged and not path.with_name(path.name + "-wal").exists()


def _connect_healthy(request: _Request) -> sqlite3.Connection:
    """A writable connection to a database that passes ``quick_check`` (unless it is as a
    clean close left it: ``_unchanged_since_closed``), else DatabaseCorrupt."""
    trusted = _unchanged_since_closed(request.path)
    connection = connect(request.path, busy_timeout_ms=request.busy_timeout_ms)
    if trusted:
        return connection
    try:
        with storage_errors(request.path):
            healthy = connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except BaseException:
        connection.close()
        raise
    if not healthy:
        connection.close()
        raise corrupt_error(request.path)
    return connection


def _unanswered_offer(request: _Request) -> StoreOpenResult | None:
    """The backup offer again, when a damaged file was kept aside and nothing took its
    place: the app was closed, or killed, while it asked."""
    if not request.offer_backup or request.read_only_reason is not None:
        return None
    path = request.path
    damaged = sorted(
        (
            p
            for p in path.parent.glob(f"{path.name}.damaged-*")
            if not p.name.endswith(("-wal", "-shm"))
        ),
        key=lambda p: p.name,
    )
    if not damaged:
        return None
    offer = backup.newest_good_backup(backup_dir(request.data_dir))
    if offer is None:
        return None
    if request.lock is not None:
        request.lock.release()
    return StoreOpenResult(
        OpenStatus.BACKUP_OFFERED,
        None,
        [_damaged_message(damaged[-1], offer)],
        moved_aside=damaged[-1],
        backup_offer=offer,
    )


def unanswered_offer_message(data_dir: Path, document: Document) -> str | None:
    """What the next start will ask about a damaged file kept aside, or None: for runs
    with nobody to answer, which must leave the question for the user."""
    request = _Request(data_dir, document, None, None, 0, DEFAULT_BUSY_TIMEOUT_MS, False)
    if request.path.exists():
        return None
    offer = _unanswered_offer(request)
    return " ".join(offer.messages) if offer is not None else None


def _open(request: _Request) -> StoreOpenResult:
    path = request.path
    existed = path.exists()
    try:
        if existed:
            found = peek_user_version(path)
            if found > LATEST_VERSION:
                raise DatabaseTooNew(too_new_message(found), path)
        if request.read_only_reason is not None:
            return _open_read_only(request, existed)
        connection = _connect_healthy(request)
    except DatabaseCorrupt as error:
        # Only a writer may move the file aside; a reader just says what is wrong.
        return _failed(error, request.lock) if request.read_only_reason else _recover(request)
    except StorageError as error:
        return _unwritable(request, error, existed)
    try:
        return _prepare(request, connection, existed)
    except DatabaseCorrupt:
        connection.close()
        return _recover(request)
    except StorageError as error:  # e.g. an upgrade or re-anchoring could not write
        connection.close()
        return _unwritable(request, error, existed)
    except BaseException:
        connection.close()
        if request.lock is not None:
            request.lock.release()
        raise


def _prepare(request: _Request, connection: sqlite3.Connection, existed: bool) -> StoreOpenResult:
    """Upgrade (after a backup), back up, and re-anchor a healthy, writable database."""
    path = request.path
    with storage_errors(path):
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    migrated_from = None
    if existed and 0 < version < LATEST_VERSION:
        backup.make_backup(
            connection,
            backup_dir(request.data_dir),
            prefix=f"{backup.PRE_MIGRATION_PREFIX}v{version}-",
            keep=1_000_000,  # one per upgrade: never rotated away
        )
        migrated_from = version
    if version < LATEST_VERSION:
        migrate(connection, path)
    if existed and request.take_backup:
        backup.make_backup(connection, backup_dir(request.data_dir), keep=request.keep_backups)
    repository = NotesRepository(connection, request.document, path=path)
    report = repository.reanchor()
    messages = []
    if report.detached:
        count = len(report.detached)
        messages.append(
            f"The text has changed since {count} of your notes were made and "
            f"{'its passage' if count == 1 else 'their passages'} could not be found. "
            f"{'It is' if count == 1 else 'They are'} kept, with the quoted words, under "
            "“Detached notes”."
        )
    return StoreOpenResult(
        OpenStatus.OPENED if existed else OpenStatus.CREATED,
        repository,
        messages,
        migrated_from=migrated_from,
        reanchor=report,
        lock=request.lock,
    )


READ_ONLY_NOTICE = " You can still read, search and export them; changes cannot be saved."


def _open_copy(request: _Request, notice: str | None) -> StoreOpenResult:
    """Read the notes from an in-memory copy (see ``snapshot``): for a folder that cannot
    be written to, or a full disk, where even sqlite's ``-shm`` file could not be made."""
    reason = notice or request.read_only_reason or "These notes can only be read."
    try:
        repository = open_read_only_copy(request.path, request.document, reason=reason)
    except StorageError as error:
        return _failed(error, request.lock)
    if request.lock is not None:
        request.lock.release()  # nothing will be written: another window may take over
    return StoreOpenResult(OpenStatus.READ_ONLY, repository, [notice] if notice else [])


def _unwritable(request: _Request, error: StorageError, existed: bool) -> StoreOpenResult:
    """A folder that cannot be written to or a full disk still lets existing notes be read;
    any other failure (locked, too new, a disk error) is reported as it is."""
    if existed and isinstance(error, ReadOnlyLocation | DiskFull):
        return _open_copy(request, str(error) + READ_ONLY_NOTICE)
    return _failed(error, request.lock)


def _open_read_only(request: _Request, existed: bool) -> StoreOpenResult:
    path = request.path
    if not existed:
        message = f"{request.read_only_reason} There are no notes in {path.parent} yet."
        return _failed(StorageError(message, path), request.lock)
    if not path.with_name(path.name + "-shm").exists():
        # No other instance has the notes open (it would have made this file), so there is
        # nothing live to follow: a copy reads them without leaving a -shm file behind,
        # even in a folder that cannot be written to, and even from an older version.
        return _open_copy(request, None)
    if peek_user_version(path) < LATEST_VERSION:
        return _failed(
            StorageError(
                "These notes need a one-time upgrade, which cannot be done while they are "
                "open read-only. Close the other Study Reader window and try again.",
                path,
            ),
            request.lock,
        )
    connection = connect(path, read_only=True)
    repository = NotesRepository(
        connection, request.document, path=path, read_only_reason=request.read_only_reason
    )
    return StoreOpenResult(OpenStatus.READ_ONLY, repository, [], lock=request.lock)


def _recover(request: _Request) -> StoreOpenResult:
    """Keep a damaged database aside; offer a backup, or start afresh if there is none."""
    try:
        moved = backup.move_aside(request.path)
    except StorageError as error:
        return _failed(error, request.lock)
    offer = backup.newest_good_backup(backup_dir(request.data_dir))
    message = _damaged_message(moved, offer)
    if offer is not None:
        # Nothing is open; release the lock so restore_and_open or open_store can take it.
        if request.lock is not None:
            request.lock.release()
        return StoreOpenResult(
            OpenStatus.BACKUP_OFFERED, None, [message], moved_aside=moved, backup_offer=offer
        )
    fresh = _open(request)
    fresh.messages.insert(0, message)
    if fresh.repository is None:
        return fresh
    fresh.status = OpenStatus.STARTED_FRESH
    fresh.moved_aside = moved
    return fresh


def backup_database(
    data_dir: Path,
    *,
    keep: int = backup.DEFAULT_KEEP,
    connection: sqlite3.Connection | None = None,
) -> Path:
    """A backup of the notes file of ``data_dir`` through ``connection``, else through a
    read-only connection of its own, for a thread other than the one writing (the window's
    start-up backup). Raises StorageError."""
    if connection is not None:
        return backup.make_backup(connection, backup_dir(data_dir), keep=keep)
    with closing(connect(database_path(data_dir), read_only=True)) as own:
        return backup_database(data_dir, keep=keep, connection=own)


def backup_now(result: StoreOpenResult, data_dir: Path, *, keep: int = backup.DEFAULT_KEEP) -> Path:
    """The window's backups (a few seconds after start, before an import), through a
    read-only connection of their own: they are made on a worker thread
    (models/startup_backup.py, models/import_backup.py), where the window's connection must
    not be used, while the window goes on.

    Raises StorageError (no writable notes open, disk full, unwritable folder); the notes
    themselves are unaffected.
    """
    if result.repository is None or result.repository.read_only:
        raise StorageError("There are no writable notes open to back up.", data_dir)
    try:
        return backup_database(data_dir, keep=keep)
    except StorageError:
        # Its copy's check stands in for the start-up one (``_unchanged_since_closed``), as
        # the first backup's does: whatever failed, the next start checks the file in full.
        result.check_fully_at_next_open = True
        raise
