"""Connection settings, and errors a user can act on versus bugs.

About read-only cases: the tests run as root in CI, and root ignores permission bits, so a
``chmod``-ed folder is still writable there. What is tested for real as root: a database
opened with sqlite's ``mode=ro`` (what a second instance uses), and a data folder whose
path runs through a regular file (no one, not even root, can create a folder there). The
``chmod`` case runs only for an ordinary user.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import anchor_on

from reader_app.domain.notes import free_note, passage_note
from reader_app.domain.text import Document
from reader_app.storage.db import (
    DatabaseCorrupt,
    DatabaseLocked,
    DiskFull,
    ReadOnlyLocation,
    StorageError,
    connect,
    transaction,
    translate,
)
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import OpenStatus, database_path, open_store


def test_connection_settings(tmp_path: Path) -> None:
    connection = connect(tmp_path / "n.sqlite", busy_timeout_ms=1234)
    try:
        pragma = lambda name: connection.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 1234
    finally:
        connection.close()


def test_transaction_commits_or_rolls_back_everything(tmp_path: Path) -> None:
    connection = connect(tmp_path / "n.sqlite")
    try:
        connection.execute("CREATE TABLE t (x UNIQUE)")
        with transaction(connection):
            connection.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(sqlite3.IntegrityError), transaction(connection):
            connection.execute("INSERT INTO t VALUES (2)")
            connection.execute("INSERT INTO t VALUES (1)")  # a bug, not the user's problem
        assert connection.execute("SELECT x FROM t").fetchall() == [(1,)]
        assert not connection.in_transaction
    finally:
        connection.close()


def test_bugs_are_not_disguised_as_storage_errors(tmp_path: Path) -> None:
    connection = connect(tmp_path / "n.sqlite")
    try:
        with pytest.raises(sqlite3.OperationalError) as caught, transaction(connection):
            connection.execute("SELEC nonsense")
        assert not isinstance(caught.value, StorageError)
        assert translate(caught.value, None) is None
    finally:
        connection.close()


def test_locked_database_gives_a_plain_message(
    open_repo: Callable[..., NotesRepository], data_dir: Path, document: Document
) -> None:
    repo = open_repo(data_dir, busy_timeout_ms=50)
    other = sqlite3.connect(database_path(data_dir), isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseLocked) as caught:
            repo.add(free_note("typed while locked"))
        assert "busy" in str(caught.value) and "\n" not in str(caught.value)
        other.execute("ROLLBACK")
    finally:
        other.close()
    # Once the other program lets go, the same words can be saved again.
    repo.add(free_note("typed while locked"))
    assert repo.counts().total == 1


def test_disk_full_gives_a_plain_message(repo: NotesRepository) -> None:
    # sqlite reports a database that hit max_page_count exactly as a full disk (SQLITE_FULL).
    pages = repo.connection.execute("PRAGMA page_count").fetchone()[0]
    repo.connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull, match="disk is full"):
        repo.add(free_note("x" * 100_000))
    assert repo.counts().total == 0
    repo.connection.execute("PRAGMA max_page_count = 1073741823")
    repo.add(free_note("x" * 100_000))
    assert repo.counts().total == 1


def test_not_a_database_is_reported_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseCorrupt, match="damaged"):
        connect(path)


def test_read_only_connection_refuses_writes_with_a_plain_message(
    open_repo: Callable[..., NotesRepository], data_dir: Path, document: Document
) -> None:
    writer = open_repo(data_dir)
    writer.add(passage_note(anchor_on(document, "p3", "Some third person"), "kept"))
    reader = open_repo(data_dir, read_only=True)
    assert reader.read_only
    assert [n.body for n in reader.list_notes()] == ["kept"]
    with pytest.raises(ReadOnlyLocation):
        reader.add(free_note("refused"))
    with pytest.raises(ReadOnlyLocation):
        reader.update(reader.list_notes()[0].id, body="refused")
    assert [n.body for n in writer.list_notes()] == ["kept"]


def test_data_folder_that_cannot_exist_fails_cleanly(tmp_path: Path, document: Document) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    result = open_store(a_file / "data", document)
    assert result.status is OpenStatus.FAILED and result.repository is None
    assert isinstance(result.error, ReadOnlyLocation)
    assert "cannot be written" in result.messages[0]


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """Make a folder unwritable even for root: root ignores permission bits, but not the
    immutable attribute, so as root the folder is made immutable with chattr instead."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip(f"cannot make a folder unwritable as root here: {made.stderr!r}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        return
    folder.chmod(0o500)
    try:
        yield
    finally:
        folder.chmod(0o700)


def test_unwritable_folder_opens_read_only_or_fails_cleanly(
    data_dir: Path, document: Document
) -> None:
    first = open_store(data_dir, document)
    assert first.repository is not None
    first.repository.add(free_note("saved before"))
    first.close()
    with unwritable(data_dir):
        result = open_store(data_dir, document)
        try:
            assert result.status in {OpenStatus.READ_ONLY, OpenStatus.FAILED}
            assert result.messages
            if result.repository is not None:
                assert [n.body for n in result.repository.list_notes()] == ["saved before"]
                with pytest.raises(StorageError):
                    result.repository.add(free_note("refused"))
        finally:
            result.close()
