"""Opening the notes at start-up, and saying in plain words what happened.

``open_store`` never raises for conditions of the user's machine: it returns a
``StoreOpenResult`` whose ``status`` tells the UI what to do (carry on, show a notice, offer
a backup, or explain why the notes cannot be opened) and whose ``messages`` are ready to
show. Only bugs raise.
"""

from __future__ import annotations

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
    StorageError,
    connect,
    corrupt_error,
    read_only_error,
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

DATABASE_NAME = "notes.sqlite"
BACKUP_FOLDER = "backups"

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

    def close(self) -> None:
        """Close the database and let another instance take over the notes."""
        if self.repository is not None:
            self.repository.close()
            self.repository = None
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


def _acquire(data_dir: Path, read_only: bool) -> tuple[InstanceLock | None, list[str], bool]:
    """Returns (held lock or None, notices, whether to open read-only)."""
    if read_only:
        return None, [], True
    lock = InstanceLock(data_dir)
    try:
        acquired = lock.acquire()
    except OSError as error:
        # The folder cannot even hold a lock file: reading is still possible.
        return None, [str(translate_os_error(error, data_dir))], True
    if not acquired:
        return None, [ANOTHER_INSTANCE_MESSAGE], True
    return lock, [], False


def open_store(
    data_dir: Path,
    document: Document,
    *,
    read_only: bool = False,
    keep_backups: int = backup.DEFAULT_KEEP,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> StoreOpenResult:
    """Open (creating, upgrading, backing up and re-anchoring as needed) the notes in a folder.

    ``read_only=True`` never writes anything (used by ``export``); otherwise the instance
    lock decides, and a second instance falls back to read-only with a notice.
    """
    try:
        with storage_errors(data_dir):
            data_dir.mkdir(parents=True, exist_ok=True)
    except StorageError as error:
        return _failed(error, None)
    lock, notices, read_only = _acquire(data_dir, read_only)
    result = _open_locked(data_dir, document, lock, read_only, keep_backups, busy_timeout_ms)
    result.messages[:0] = notices
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
    lock, notices, read_only = _acquire(data_dir, False)
    if read_only:
        error = StorageError(" ".join(notices) or str(read_only_error(data_dir)), data_dir)
        return _failed(error, lock)
    try:
        backup.restore_backup(offer.path, database_path(data_dir))
    except (StorageError, FileExistsError) as error:
        storage_error = (
            error if isinstance(error, StorageError) else StorageError(str(error), data_dir)
        )
        return _failed(storage_error, lock)
    result = _open_locked(data_dir, document, lock, False, keep_backups, busy_timeout_ms)
    if result.repository is not None:
        result.messages.insert(
            0, f"Your notes were restored from the backup of {offer.taken:%d %B %Y, %H:%M} UTC."
        )
    return result


def _open_locked(
    data_dir: Path,
    document: Document,
    lock: InstanceLock | None,
    read_only: bool,
    keep_backups: int,
    busy_timeout_ms: int,
) -> StoreOpenResult:
    path = database_path(data_dir)
    existed = path.exists()
    try:
        if existed:
            found = peek_user_version(path)
            if found > LATEST_VERSION:
                raise DatabaseTooNew(too_new_message(found), path)
        if read_only:
            return _open_read_only(path, document, existed, lock)
        connection = connect(path, busy_timeout_ms=busy_timeout_ms)
    except DatabaseCorrupt:
        if read_only:
            return _failed(corrupt_error(path), lock)
        return _recover(data_dir, document, lock, keep_backups, busy_timeout_ms)
    except StorageError as error:
        return _failed(error, lock)

    try:
        with storage_errors(path):
            healthy = connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        if not healthy:
            connection.close()
            return _recover(data_dir, document, lock, keep_backups, busy_timeout_ms)
        with storage_errors(path):
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        migrated_from = None
        if existed and 0 < version < LATEST_VERSION:
            backup.make_backup(
                connection,
                backup_dir(data_dir),
                prefix=f"{backup.PRE_MIGRATION_PREFIX}v{version}-",
                keep=1_000_000,  # one per upgrade: never rotated away
            )
        if version < LATEST_VERSION:
            migrate(connection, path)
            migrated_from = version if existed and version > 0 else None
        if existed:
            backup.make_backup(connection, backup_dir(data_dir), keep=keep_backups)
        repository = NotesRepository(connection, document, path=path)
        report = repository.reanchor()
    except DatabaseCorrupt:
        connection.close()
        return _recover(data_dir, document, lock, keep_backups, busy_timeout_ms)
    except StorageError as error:
        connection.close()
        return _failed(error, lock)
    except BaseException:
        connection.close()
        if lock is not None:
            lock.release()
        raise

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
        lock=lock,
    )


def _open_read_only(
    path: Path, document: Document, existed: bool, lock: InstanceLock | None
) -> StoreOpenResult:
    if not existed:
        return _failed(StorageError(f"There are no notes in {path.parent} yet.", path), lock)
    if peek_user_version(path) < LATEST_VERSION:
        return _failed(
            StorageError(
                "These notes need a one-time upgrade, which cannot be done while they are "
                "open read-only. Close the other Study Reader window and try again.",
                path,
            ),
            lock,
        )
    connection = connect(path, read_only=True)
    repository = NotesRepository(
        connection, document, path=path, read_only_reason=ANOTHER_INSTANCE_MESSAGE
    )
    return StoreOpenResult(OpenStatus.READ_ONLY, repository, [], lock=lock)


def _recover(
    data_dir: Path,
    document: Document,
    lock: InstanceLock | None,
    keep_backups: int,
    busy_timeout_ms: int,
) -> StoreOpenResult:
    """Keep a damaged database aside; offer a backup, or start afresh if there is none."""
    try:
        moved = backup.move_aside(database_path(data_dir))
    except StorageError as error:
        return _failed(error, lock)
    offer = backup.newest_good_backup(backup_dir(data_dir))
    message = _damaged_message(moved, offer)
    if offer is not None:
        # Nothing is open; release the lock so restore_and_open or open_store can take it.
        if lock is not None:
            lock.release()
        return StoreOpenResult(
            OpenStatus.BACKUP_OFFERED, None, [message], moved_aside=moved, backup_offer=offer
        )
    fresh = _open_locked(data_dir, document, lock, False, keep_backups, busy_timeout_ms)
    if fresh.repository is None:
        fresh.messages.insert(0, message)
        return fresh
    fresh.status = OpenStatus.STARTED_FRESH
    fresh.moved_aside = moved
    fresh.messages.insert(0, message)
    return fresh
