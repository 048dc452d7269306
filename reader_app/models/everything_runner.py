"""Search Everything off the GUI thread: the library's FTS5 search, the slow part (ranking
the blocks of a 20-book library that hold "the" takes over half a second), runs on a worker
with a read-only connection of its own to the same database file (WAL lets it read while
the window writes), after the text being read (one pass over its blocks joined, some 20 ms
for one letter in a book, and the joining, once, 30-70 ms). The glossaries and the notes
are searched on the GUI thread when the worker is done, on the window's connection: some
30 ms with 10,000 notes.

Each request has a generation number. A newer request interrupts the running query
(``sqlite3.Connection.interrupt``), and whatever an older one still delivers is dropped, so
the results shown are always those of the last words typed.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, Signal

from reader_app.models.search_everything import (
    LIBRARY_HITS,
    EverythingSearch,
    TextGroup,
    TextMatches,
    text_matches,
)
from reader_app.models.worker import Worker
from reader_app.storage.db import StorageError, connect
from reader_app.storage.library import BlockHit, LibraryRepository
from reader_app.storage.notes_repo import fts_query

if TYPE_CHECKING:
    from reader_app.domain.glossary import Glossary
    from reader_app.domain.text import Document


CANCEL_CHECK_STEPS = 100_000
"""sqlite virtual-machine steps between two looks at whether a search was cancelled: a few
milliseconds of ranking (a word in a fifth of the 20-book library's blocks takes 2 million
steps, "the" 9 million), and a few dozen calls into Python per search."""


class _Job:
    """One library search, which the GUI thread may cancel at any moment. The interrupt
    stops its query at once; but sqlite forgets an interrupt that comes while no statement
    runs (between the two queries, or while one is being prepared), so the query also looks
    at the flag every ``CANCEL_CHECK_STEPS`` steps."""

    def __init__(self, generation: int, needle: str) -> None:
        self.generation = generation
        self.needle = needle
        self._lock = threading.Lock()
        self._cancelled = False
        self._connection: sqlite3.Connection | None = None

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._connection is not None:
                self._connection.interrupt()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def should_stop(self) -> bool:
        """sqlite's progress handler: True ends the query as interrupted."""
        return self._cancelled

    def attach(self, connection: sqlite3.Connection | None) -> bool:
        """The connection the query runs on (None once done); False when cancelled already."""
        with self._lock:
            self._connection = connection
            return not self._cancelled


class _Found(NamedTuple):
    in_text: TextMatches | None  # None: to be searched again (see _library_done)
    library_hits: list[BlockHit] | None  # None: the library could not be searched


class _LibrarySearch:
    """The work given to the worker: the text being read searched, then the library; what
    was found, and the problem in plain words or "". A failure of either is told, with
    what was found before it."""

    def __init__(self, job: _Job, document: Document, database: Path, data_dir: Path) -> None:
        self._job = job
        self._document = document
        self._database = database
        self._data_dir = data_dir

    def __call__(self) -> tuple[_Found, str]:
        in_text = TextMatches(self._document, 0, [])  # should its own search fail
        try:
            in_text = text_matches(self._job.needle, self._document)
            hits = self._search()  # None: cancelled before it began, and dropped
        except Exception as error:  # a bug too: told in the dialog
            return _Found(in_text, None), self._plain_words(error)
        return _Found(in_text, hits), ""

    @staticmethod
    def _plain_words(error: Exception) -> str:
        if isinstance(error, StorageError):  # locked, damaged: the reader can act on it
            return str(error)
        return f"The search failed ({error})."

    def _search(self) -> list[BlockHit] | None:
        if not self._database.exists():  # sqlite would say it cannot be written to
            raise StorageError(
                f"The library cannot be searched: its file is gone ({self._database}).",
                self._database,
            )
        connection = connect(self._database, read_only=True)
        try:
            if not self._job.attach(connection):
                return None
            connection.set_progress_handler(self._job.should_stop, CANCEL_CHECK_STEPS)
            library = LibraryRepository(connection, self._data_dir, path=self._database)
            return library.search(self._job.needle, limit=LIBRARY_HITS)
        finally:
            self._job.attach(None)
            connection.close()


class EverythingRunner(QObject):
    """Asks ``EverythingSearch`` for what was typed without holding up the window;
    ``finished`` brings the groups and any problem for the latest request only."""

    finished = Signal(object, str)  # the groups (list of TextGroup), a problem or ""

    def __init__(
        self,
        everything: Callable[[], EverythingSearch],
        context: Callable[[], tuple[Document, Glossary]],
        parent: QObject | None = None,
    ) -> None:
        """``everything`` gives the window's search (its notes open later than it may be
        asked); ``context`` the text being read and what its glossary pane shows, asked
        when the library's hits arrive (another text may have been opened meanwhile)."""
        super().__init__(parent)
        self._worker = Worker(self)  # one thread: a stale search is interrupted, not raced
        self._everything = everything
        self._context = context
        self._generation = 0
        self._job: _Job | None = None

    @property
    def searching(self) -> bool:
        """A request whose results have not come yet."""
        return self._job is not None

    def request(self, needle: str) -> None:
        """Search for ``needle``, superseding any search still running. Without a database
        file to open a second connection to (an in-memory library), or with no words to
        look for, the search runs here and ``finished`` is emitted before this returns."""
        self.cancel()
        source = self._everything().library_source()
        if source is None or fts_query(needle) is None:
            self._finish(needle, None, "")  # all of it here, at once
            return
        self._job = _Job(self._generation, needle)
        document, _ = self._context()
        done = functools.partial(self._library_done, self._generation)
        self._worker.start(_LibrarySearch(self._job, document, *source), done)

    def cancel(self) -> None:
        """Drop the running search (interrupted) and anything it would still deliver."""
        self._generation += 1
        self._worker.clear()  # a search queued and not started never starts
        if self._job is not None:
            self._job.cancel()
            self._job = None

    def shutdown(self) -> None:
        """Cancel, then wait for the worker to let go of its connection (closing)."""
        self.cancel()
        self._worker.wait()

    def _library_done(
        self, generation: int, outcome: tuple[_Found, str] | None, error: Exception | None
    ) -> None:
        if generation != self._generation or self._job is None:
            return  # superseded or cancelled
        needle, self._job = self._job.needle, None
        if outcome is None:  # _LibrarySearch tells its failures; this would be a bug in it
            outcome = _Found(None, None), f"The search failed ({error})."
        self._finish(needle, *outcome)

    def _finish(self, needle: str, found: _Found | None, problem: str) -> None:
        """The groups from what the worker found (``found``), else searched here; the text
        is searched again here if another one (or a new edition of it) was opened meanwhile."""
        document, glossary = self._context()
        everything = self._everything()
        groups: list[TextGroup] = everything.search(
            needle,
            document,
            glossary,
            library_hits=None if found is None else found.library_hits or [],
            in_text=None if found is None else found.in_text,
        )
        problems = ([problem] if problem else []) + everything.failed
        self.finished.emit(groups, problems[0] if problems else "")
