"""Reads fail as gracefully as writes: a busy or damaged file while listing or searching is a
``StorageError`` in plain words, and a missing note is its own ``NoteNotFound``, not a bare
``KeyError`` that a broad ``except`` would also catch."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader_app.domain.notes import free_note
from reader_app.domain.text import Document
from reader_app.storage.db import DatabaseLocked, NoteNotFound, StorageError
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import database_path


class BusyReads(sqlite3.Connection):
    """A connection whose reads find the file busy (another program holding it) on demand."""

    busy = False

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
        if self.busy and sql.lstrip().upper().startswith("SELECT"):
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY  # as sqlite itself sets it
            raise error
        return super().execute(sql, *args)


@pytest.fixture
def busy_repo(
    open_repo: Callable[..., NotesRepository], data_dir: Path, document: Document
) -> Iterator[tuple[NotesRepository, BusyReads]]:
    open_repo(data_dir).add(free_note("words", tags=["t"]))
    connection = sqlite3.connect(database_path(data_dir), factory=BusyReads)
    repository = NotesRepository(connection, document, path=database_path(data_dir))
    yield repository, connection
    connection.close()


READS: dict[str, Callable[[NotesRepository], object]] = {
    "get": lambda r: r.get("some-id"),
    "list_notes": lambda r: r.list_notes(),
    "list_note_ids": lambda r: r.list_note_ids(),
    "highlights": lambda r: r.highlights(),
    "detached_notes": lambda r: r.detached_notes(),
    "revisions": lambda r: r.revisions("some-id"),
    "all_revisions": lambda r: r.all_revisions(),
    "tag_counts": lambda r: r.tag_counts(),
    "counts": lambda r: r.counts(),
    "search": lambda r: r.search("words"),
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_a_busy_file_while_reading_is_a_storage_error(
    busy_repo: tuple[NotesRepository, BusyReads], read: Callable[[NotesRepository], object]
) -> None:
    repository, connection = busy_repo
    read(repository)  # works while the file is free
    connection.busy = True
    with pytest.raises(DatabaseLocked, match="notes"):
        read(repository)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update("no-such-note", body="x"),
        lambda r: r.delete("no-such-note"),
    ],
    ids=["update", "delete"],
)
def test_a_missing_note_is_not_found_not_a_key_error(
    repo: NotesRepository, change: Callable[[NotesRepository], object]
) -> None:
    with pytest.raises(NoteNotFound) as raised:
        change(repo)
    assert isinstance(raised.value, StorageError)
    assert not isinstance(raised.value, KeyError)
    assert "no longer exists" in str(raised.value)
