"""The notes file's check at start-up: in full (``PRAGMA quick_check`` reads the whole file,
half a second for a library of twenty books), unless the file is exactly as the last
session left it when it closed the notes whole; then the first backup's check of its copy
(on a worker thread) stands in for it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from reader_app.domain.notes import free_note
from reader_app.domain.text import Document
from reader_app.storage import store
from reader_app.storage.db import StorageError
from reader_app.storage.store import (
    CLOSED_MARK_SUFFIX,
    OpenStatus,
    backup_now,
    database_path,
    open_store,
)


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the files ``open_store`` checked in full, in order."""
    checked: list[str] = []
    connect = store.connect

    def watched_connect(path: Path, **options) -> sqlite3.Connection:
        connection = connect(path, **options)

        def note(statement: str) -> None:
            if statement.strip().upper() == "PRAGMA QUICK_CHECK":
                checked.append(str(path))

        connection.set_trace_callback(note)
        return connection

    monkeypatch.setattr(store, "connect", watched_connect)
    return checked


def mark(data_dir: Path) -> Path:
    path = database_path(data_dir)
    return path.with_name(path.name + CLOSED_MARK_SUFFIX)


def a_session(data_dir: Path, document: Document, *bodies: str) -> None:
    result = open_store(data_dir, document, take_backup=False)
    assert result.repository is not None, result.messages
    try:
        for body in bodies:
            result.repository.add(free_note(body))
    finally:
        result.close()


def the_next_start_checks_in_full(
    data_dir: Path, document: Document, full_checks: list[str]
) -> bool:
    """Opens the notes (and closes them): were they opened, after one full check?"""
    result = open_store(data_dir, document, take_backup=False)
    try:
        return result.status is OpenStatus.OPENED and full_checks == [str(database_path(data_dir))]
    finally:
        result.close()


def test_a_file_closed_whole_is_not_read_in_full_at_the_next_start(
    data_dir: Path, document: Document, full_checks: list[str]
) -> None:
    a_session(data_dir, document, "first")  # a new file, checked (at once: it is empty)
    full_checks.clear()
    a_session(data_dir, document, "second")
    assert full_checks == [], "closed whole by the first session"
    assert mark(data_dir).exists(), "and by the second"
    result = open_store(data_dir, document, take_backup=False)
    try:
        assert not mark(data_dir).exists(), "used once: a crash from here leaves none"
        assert [n.body for n in result.repository.list_notes()] == ["first", "second"]
    finally:
        result.close()


def test_a_session_that_never_closed_leaves_the_next_start_a_full_check(
    data_dir: Path, document: Document, full_checks: list[str]
) -> None:
    a_session(data_dir, document, "kept")
    full_checks.clear()
    crashed = open_store(data_dir, document, take_backup=False)
    crashed.repository.add(free_note("written, then the power went"))
    crashed.repository.close()  # no StoreOpenResult.close: as if the process had died
    crashed.lock.release()
    assert not mark(data_dir).exists()
    assert the_next_start_checks_in_full(data_dir, document, full_checks)


def test_a_file_changed_since_the_close_is_checked_and_its_damage_found(
    data_dir: Path, document: Document, full_checks: list[str]
) -> None:
    a_session(data_dir, document, "first")
    a_session(data_dir, document, "second")
    full_checks.clear()
    path = database_path(data_dir)
    with sqlite3.connect(path) as connection:
        (root,) = connection.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'notes'")
        (size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    data = bytearray(path.read_bytes())
    start = (root[0] - 1) * size
    data[start : start + size] = b"\xa5" * size
    path.write_bytes(bytes(data))  # another program wrote it: its time has changed

    result = open_store(data_dir, document, take_backup=False)
    assert full_checks[:1] == [str(path)], "(then the new file that takes its place)"
    assert result.status is OpenStatus.STARTED_FRESH, "no backups were taken here"
    result.close()


@pytest.mark.parametrize("change", ["log left behind", "replaced by a copy", "touched"])
def test_any_sign_of_change_means_a_full_check(
    data_dir: Path, document: Document, full_checks: list[str], change: str
) -> None:
    a_session(data_dir, document, "first")
    a_session(data_dir, document, "second")
    full_checks.clear()
    path = database_path(data_dir)
    if change == "log left behind":
        with sqlite3.connect(path) as writer:
            writer.execute("PRAGMA journal_mode = WAL")
            writer.execute("PRAGMA wal_autocheckpoint = 0")
            writer.execute("UPDATE notes SET body = body")
            hold = sqlite3.connect(path)  # keeps the log from being folded in on close
            hold.execute("SELECT count(*) FROM notes").fetchone()
        writer.close()
        assert path.with_name(path.name + "-wal").exists()
        hold.close()
    elif change == "replaced by a copy":
        copy = path.with_name("copy.sqlite")
        copy.write_bytes(path.read_bytes())
        status = path.stat()
        os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns))
        copy.replace(path)  # same bytes, same time, another file
    else:
        status = path.stat()
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    assert the_next_start_checks_in_full(data_dir, document, full_checks)


def test_a_doubt_raised_during_the_session_means_a_full_check_next_time(
    data_dir: Path, document: Document, full_checks: list[str]
) -> None:
    a_session(data_dir, document, "first")
    full_checks.clear()
    doubted = open_store(data_dir, document, take_backup=False)
    doubted.check_fully_at_next_open = True  # e.g. the backup's copy failed its check
    doubted.close()
    assert not mark(data_dir).exists()
    assert the_next_start_checks_in_full(data_dir, document, full_checks)


def test_a_failed_backup_before_an_import_means_a_full_check_next_time(
    data_dir: Path, document: Document, full_checks: list[str]
) -> None:
    """Its copy's check stands in for the start-up one as the first backup's does."""
    a_session(data_dir, document, "first")
    full_checks.clear()
    (data_dir / "backups").write_text("a file where the backups folder should be")
    result = open_store(data_dir, document, take_backup=False)
    with pytest.raises(StorageError):
        backup_now(result, data_dir)
    result.close()
    assert not mark(data_dir).exists()
    assert the_next_start_checks_in_full(data_dir, document, full_checks)
