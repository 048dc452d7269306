"""Backups, damaged databases kept aside, the backup offered and restored, and start-up."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader_app.domain.notes import free_note
from reader_app.domain.text import Document
from reader_app.storage import backup
from reader_app.storage.backup import (
    check_database,
    list_backups,
    make_backup,
    move_aside,
    newest_good_backup,
    restore_backup,
)
from reader_app.storage.db import StorageError
from reader_app.storage.store import (
    OpenStatus,
    backup_database,
    backup_dir,
    backup_now,
    database_path,
    open_store,
    restore_and_open,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store_with_notes(data_dir: Path, document: Document, *bodies: str) -> None:
    result = open_store(data_dir, document)
    try:
        for body in bodies:
            result.repository.add(free_note(body))
    finally:
        result.close()


def test_first_start_creates_then_later_starts_back_up(data_dir: Path, document: Document) -> None:
    first = open_store(data_dir, document)
    assert first.status is OpenStatus.CREATED and first.messages == []
    first.repository.add(free_note("one"))
    first.close()
    assert list_backups(backup_dir(data_dir)) == []

    second = open_store(data_dir, document)
    assert second.status is OpenStatus.OPENED
    second.close()
    (made,) = list_backups(backup_dir(data_dir))
    assert check_database(made)
    connection = sqlite3.connect(made)
    assert connection.execute("SELECT body FROM notes").fetchall() == [("one",)]
    connection.close()


def test_backups_are_checked_renamed_and_rotated(data_dir: Path, document: Document) -> None:
    result = open_store(data_dir, document)
    try:
        result.repository.add(free_note("x"))
        folder = backup_dir(data_dir)
        start = datetime(2025, 1, 1, tzinfo=UTC)
        made = [
            make_backup(
                result.repository.connection, folder, keep=3, now=start + timedelta(hours=h)
            )
            for h in range(5)
        ]
        assert list_backups(folder) == made[:1:-1]  # the newest three, newest first
        assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
        kept = _sha(made[-1])
        again = make_backup(
            result.repository.connection, folder, keep=10, now=start + timedelta(hours=4)
        )
        assert again != made[-1] and _sha(made[-1]) == kept  # same stamp: a new name
    finally:
        result.close()


def test_a_backup_failing_its_check_never_replaces_good_ones(
    data_dir: Path, document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = open_store(data_dir, document)
    try:
        folder = backup_dir(data_dir)
        good = make_backup(result.repository.connection, folder, keep=1)
        before = _sha(good)

        class BadCheck(sqlite3.Connection):
            def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
                if "quick_check" in sql:
                    return super().execute("SELECT 'page 3 is never used'")
                return super().execute(sql, *args)

        real_connect = sqlite3.connect
        monkeypatch.setattr(
            backup.sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=BadCheck, **k)
        )
        with pytest.raises(backup.StorageError, match="failed its check"):
            make_backup(result.repository.connection, folder, keep=1)
        monkeypatch.undo()
        assert list_backups(folder) == [good] and _sha(good) == before
        assert sorted(p.name for p in folder.iterdir()) == [good.name]
    finally:
        result.close()


@pytest.mark.parametrize("damage", ["garbage", "torn page"])
def test_damaged_database_is_moved_aside_and_a_backup_offered(
    damage: str, data_dir: Path, document: Document
) -> None:
    _store_with_notes(data_dir, document, "first")
    _store_with_notes(data_dir, document, "second")  # start-up backup now holds "first"
    path = database_path(data_dir)
    if damage == "garbage":
        path.write_bytes(b"\x00garbage\xff" * 5000)
    else:
        connection = sqlite3.connect(path)
        (root,) = connection.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'notes'")
        (size,) = connection.execute("PRAGMA page_size").fetchone()
        connection.close()
        data = bytearray(path.read_bytes())
        start = (root[0] - 1) * size  # keep the file header, wreck the notes table's root page
        data[start : start + size] = b"\xa5" * size
        path.write_bytes(bytes(data))
    damaged = _sha(path)

    result = open_store(data_dir, document)
    assert result.status is OpenStatus.BACKUP_OFFERED and result.repository is None
    assert not path.exists()
    assert result.moved_aside is not None and _sha(result.moved_aside) == damaged
    assert "damaged" in result.messages[0] and result.moved_aside.name in result.messages[0]
    offer = result.backup_offer
    assert offer is not None and offer.note_count >= 1
    assert "can be restored" in result.messages[0]

    restored = restore_and_open(data_dir, document, offer)
    try:
        assert restored.status is OpenStatus.OPENED, restored.messages
        assert "restored from the backup" in restored.messages[0]
        assert [n.body for n in restored.repository.list_notes()] == ["first"]
    finally:
        restored.close()
    assert _sha(result.moved_aside) == damaged  # still kept, untouched


def test_damaged_database_without_backup_starts_fresh_and_keeps_the_file(
    data_dir: Path, document: Document
) -> None:
    path = database_path(data_dir)
    path.write_bytes(b"not a database at all" * 100)
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.STARTED_FRESH
        assert result.repository is not None and result.repository.counts().total == 0
        assert result.moved_aside.read_bytes() == b"not a database at all" * 100
        assert "No earlier backup" in result.messages[0]
    finally:
        result.close()


def test_declining_the_offer_starts_fresh_without_losing_anything(
    data_dir: Path, document: Document
) -> None:
    _store_with_notes(data_dir, document, "kept")
    _store_with_notes(data_dir, document)
    database_path(data_dir).write_bytes(b"junk" * 1000)
    offered = open_store(data_dir, document)
    assert offered.status is OpenStatus.BACKUP_OFFERED
    fresh = open_store(data_dir, document, offer_backup=False)  # "start with no notes"
    try:
        assert fresh.status is OpenStatus.CREATED
        assert offered.backup_offer.path.exists() and offered.moved_aside.exists()
    finally:
        fresh.close()


def test_newest_good_backup_skips_damaged_ones(data_dir: Path, document: Document) -> None:
    _store_with_notes(data_dir, document, "a")
    _store_with_notes(data_dir, document, "b")
    _store_with_notes(data_dir, document)
    older, newer = sorted(list_backups(backup_dir(data_dir)))
    newer.write_bytes(b"broken backup" * 100)
    offer = newest_good_backup(backup_dir(data_dir))
    assert offer is not None and offer.path == older and offer.note_count == 1


def test_restore_and_move_aside_never_overwrite(
    tmp_path: Path, data_dir: Path, document: Document
) -> None:
    _store_with_notes(data_dir, document, "x")
    path = database_path(data_dir)
    with pytest.raises(FileExistsError):
        restore_backup(path, path)
    first = move_aside(path, now=datetime(2025, 1, 1, tzinfo=UTC))
    _store_with_notes(data_dir, document, "y")
    second = move_aside(path, now=datetime(2025, 1, 1, tzinfo=UTC))
    assert first != second and first.exists() and second.exists()


def _backup_with(folder: Path, count: int, now: datetime, keep: int = 10) -> Path:
    """A backup holding ``count`` free notes, taken at ``now``."""
    source = sqlite3.connect(":memory:")
    try:
        source.execute("CREATE TABLE notes (id TEXT)")
        source.executemany("INSERT INTO notes VALUES (?)", [(str(i),) for i in range(count)])
        source.commit()
        return make_backup(source, folder, keep=keep, now=now)
    finally:
        source.close()


@pytest.mark.parametrize("content", [b"", b"\x00" * 4096], ids=["zero bytes", "no header"])
def test_an_empty_or_headerless_notes_file_is_damage_and_the_backup_is_offered(
    content: bytes, data_dir: Path, document: Document
) -> None:
    _store_with_notes(data_dir, document, "first", "second")
    _store_with_notes(data_dir, document)  # the start-up backup holds both notes
    path = database_path(data_dir)
    path.write_bytes(content)  # a sync tool or a crash left this behind

    result = open_store(data_dir, document)
    assert result.status is OpenStatus.BACKUP_OFFERED, result.messages
    assert result.repository is None and not path.exists()
    assert result.moved_aside is not None and result.moved_aside.read_bytes() == content
    assert result.backup_offer is not None and result.backup_offer.note_count == 2
    restored = restore_and_open(data_dir, document, result.backup_offer)
    try:
        assert sorted(n.body for n in restored.repository.list_notes()) == ["first", "second"]
    finally:
        restored.close()


def test_the_offered_backup_is_the_newest_that_holds_notes(data_dir: Path) -> None:
    folder = backup_dir(data_dir)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    full = _backup_with(folder, 3, start)
    _backup_with(folder, 0, start + timedelta(hours=1))  # taken of an emptied notebook
    offer = newest_good_backup(folder)
    assert offer is not None and (offer.path, offer.note_count) == (full, 3)


def test_backups_with_fewer_notes_never_rotate_the_fullest_away(data_dir: Path) -> None:
    folder = backup_dir(data_dir)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    fullest = _backup_with(folder, 50, start)
    for minutes in range(1, 25):  # a day of start-ups on an emptied notebook
        _backup_with(folder, 0, start + timedelta(minutes=minutes), keep=10)
    kept = list_backups(folder)
    assert fullest in kept
    assert len(kept) == 11  # the newest ten, and the fullest


def test_backups_keep_daily_and_weekly_generations(data_dir: Path) -> None:
    folder = backup_dir(data_dir)
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    days = [_backup_with(folder, 1, start + timedelta(days=d), keep=3) for d in range(40)]
    # Many start-ups today push nothing of the past week or month out.
    for minutes in range(1, 30):
        _backup_with(folder, 1, start + timedelta(days=39, minutes=minutes), keep=3)
    kept = set(list_backups(folder))
    assert set(days[-7:-1]) <= kept  # one a day for the last seven days (today: the newest)
    weekly = {d for d in days[:-7] if d in kept}
    assert len(weekly) >= 3  # and one a week before that
    assert len(kept) <= 3 + 7 + 8 + 1


def test_an_unanswered_backup_offer_is_made_again_at_the_next_start(
    data_dir: Path, document: Document
) -> None:
    _store_with_notes(data_dir, document, "kept")
    _store_with_notes(data_dir, document)
    database_path(data_dir).write_bytes(b"junk" * 1000)
    offered = open_store(data_dir, document)
    assert offered.status is OpenStatus.BACKUP_OFFERED
    # The app was closed (or killed) while it asked: no answer, no notes file.
    again = open_store(data_dir, document)
    assert again.status is OpenStatus.BACKUP_OFFERED, again.messages
    assert again.backup_offer == offered.backup_offer
    assert again.moved_aside == offered.moved_aside
    assert not database_path(data_dir).exists()
    declined = open_store(data_dir, document, offer_backup=False)
    try:
        assert declined.status is OpenStatus.CREATED
    finally:
        declined.close()


def test_the_backup_before_an_import_and_the_start_up_backup_hold_the_same_notes(
    data_dir: Path, document: Document
) -> None:
    """Both made on a worker thread through a read-only connection of their own, while the
    window's connection stays open: both a checked copy of every note, the newest included.
    The one before an import is refused for notes opened read-only."""
    result = open_store(data_dir, document, take_backup=False)
    try:
        result.repository.add(free_note("kept"))
        made = [backup_now(result, data_dir), backup_database(data_dir)]
    finally:
        result.close()
    for path in made:
        assert check_database(path)
        connection = sqlite3.connect(path)
        assert connection.execute("SELECT body FROM notes").fetchall() == [("kept",)]
        connection.close()
    read_only = open_store(data_dir, document, read_only=True)
    try:
        with pytest.raises(StorageError, match="no writable notes"):
            backup_now(read_only, data_dir)
    finally:
        read_only.close()
