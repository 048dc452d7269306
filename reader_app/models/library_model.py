"""The library in the window: a table model of the texts, and the controller that adds,
opens and removes them.

Parsing a file (an EPUB of a whole book takes about half a second) runs on a thread pool so
the window keeps answering; so does writing its rows (over a second for a book on the shared
test machine), on a connection of the worker's own, as a sqlite connection belongs to the
thread that made it. The result comes back through a queued signal.
The window reaches the library only through ``LibraryController`` (``ui/`` never imports
``storage/``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from reader_app.domain import progress
from reader_app.domain.importing import TextImportError, TocEntry, import_bytes
from reader_app.domain.text import Document, load_document
from reader_app.models.worker import Worker
from reader_app.storage.db import StorageError, connect
from reader_app.storage.library import (
    AddResult,
    LibraryRepository,
    ReadingState,
    TextSummary,
    read_original,
)

__all__ = ["COLUMNS", "LibraryController", "LibraryModel", "ReadingState"]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a value that sorts as the reader expects
TEXT_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(NamedTuple):
    title: str
    shown: Callable[[TextSummary], str]
    sort_key: Callable[[TextSummary], Any]


def read_fraction(text: TextSummary) -> float:
    """How far the reader has got, from the place saved when the text was last left; the
    status bar's figure by the same rule (domain/progress.py)."""
    return progress.read_fraction(text.position_seq, text.block_count)


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d %b %Y") if moment else "never"


COLUMNS = (
    Column("Title", lambda t: t.title, lambda t: (not t.bundled, t.title.casefold())),
    Column("Author", lambda t: t.author, lambda t: t.author.casefold()),
    Column("Year", lambda t: str(t.year) if t.year else "", lambda t: t.year or 0),
    Column("Read", lambda t: f"{read_fraction(t):.0%}", read_fraction),
    Column("Notes", lambda t: str(t.notes), lambda t: t.notes),
    Column("Last Opened", lambda t: _when(t.last_opened), lambda t: t.last_opened or t.added),
)


class LibraryModel(QAbstractTableModel):
    """One row per text, the bundled text first; ``refresh`` after any change."""

    def __init__(self, texts: Callable[[], list[TextSummary]], parent: QObject | None = None):
        super().__init__(parent)
        self._source = texts
        self._texts: list[TextSummary] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._texts = self._source()
        self.endResetModel()

    def texts(self) -> list[TextSummary]:
        return list(self._texts)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._texts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        text = self._texts[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.shown(text)
        if role == SORT_ROLE:
            return column.sort_key(text)
        if role == TEXT_ID_ROLE:
            return text.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"{text.title} — {text.source_format}" + (" (comes with the app)" * text.bundled)
        return None

    def row_of(self, text_id: str) -> int | None:
        return next((row for row, t in enumerate(self._texts) if t.id == text_id), None)


def _add_file(path: Path, database: tuple[Path, Path] | None) -> object:
    """Read and parse one file off the GUI thread and, given a database file (and its data
    folder), store it there on a connection of its own: the window never waits for a book's
    rows to be written. Returns the stored AddResult, or without a database the
    (ImportedText, bytes) to store on the GUI thread."""
    data = read_original(path)
    parsed = import_bytes(data, path.name)
    if database is None:
        return parsed, data
    database_file, data_dir = database
    connection = connect(database_file)
    try:
        return LibraryRepository(connection, data_dir, path=database_file).add(parsed, data)
    finally:
        connection.close()


def _failure_line(path: Path, error: Exception) -> str:
    """One line naming the file and why it was not added."""
    if isinstance(error, TextImportError):  # names the file already
        return str(error)
    if isinstance(error, StorageError):
        return f"{path.name}: {error}"
    return f"{path.name}: could not be read ({error})."  # a bug in an importer


class LibraryController(QObject):
    """Adding (off the GUI thread), opening and removing texts, and their reading state."""

    # text id, newly added (False: it was here already), what of it could not be read ("")
    text_added = Signal(str, bool, str)
    open_requested = Signal(str)  # the text to show once every file given is dealt with
    add_failed = Signal(str)  # one line naming the file and why
    open_failed = Signal(str)  # why a text cannot be shown
    adding_changed = Signal(int)  # files still being read
    changed = Signal()  # the list of texts or their counts changed

    def __init__(self, library: LibraryRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._worker = Worker(self)  # one file at a time: the machine has other work
        self._pending: dict[Path, bool] = {}  # path → its batch asked to open what it adds
        self._open_next: str | None = None

    # ----- reading ---------------------------------------------------------------------

    def texts(self) -> list[TextSummary]:
        try:
            return self.library.list_texts()
        except StorageError as error:
            self.add_failed.emit(str(error))
            return []

    def open_document(self, text_id: str) -> Document | None:
        """The text to show, or None with an ``open_failed`` message (removed meanwhile,
        an unreadable folder)."""
        try:
            if self.is_bundled(text_id):
                return load_document(text_id)
            return self.library.document(text_id)
        except StorageError as error:
            self.open_failed.emit(str(error))
            return None

    def title_of(self, text_id: str) -> str:
        record = self.library.get(text_id)
        return record.metadata.title if record else text_id

    def is_bundled(self, text_id: str) -> bool:
        record = self.library.get(text_id)
        return record is not None and record.bundled

    def contents(self, text_id: str) -> list[TocEntry]:
        return self.library.contents(text_id)

    def citation_metadata(self, text_id: str) -> dict[str, object]:
        """What ``CitedWork.from_metadata`` reads, from the text's (editable) metadata."""
        record = self.library.get(text_id)
        if record is None:
            return {}
        meta = record.metadata
        return {
            "title": meta.title,
            "author": meta.author,
            "year": meta.year,
            "translator": meta.translator,
            "editor": meta.editor,
            "publisher": meta.publisher,
            "url": meta.url,
            "published": meta.published,
            "page_title": meta.title,
        }

    def last_opened(self) -> str | None:
        """The text the reader had open last, to reopen at start."""
        opened = [t for t in self.texts() if t.last_opened is not None]
        return max(opened, key=lambda t: t.last_opened or t.added).id if opened else None

    def reading_state(self, text_id: str) -> ReadingState:
        try:
            return self.library.reading_state(text_id)
        except StorageError:
            return ReadingState()

    # ----- changing --------------------------------------------------------------------

    def mark_opened(self, text_id: str, state_of_previous: tuple[str, ReadingState] | None) -> None:
        """Record the place left in the previous text and that this one is open now; a
        read-only library records nothing and says nothing (reading still works)."""
        try:
            if state_of_previous is not None:
                self.library.save_reading_state(*state_of_previous)
            self.library.mark_opened(text_id)
        except StorageError:
            return
        self.changed.emit()

    def save_reading_state(self, text_id: str, state: ReadingState) -> None:
        try:
            self.library.save_reading_state(text_id, state)
        except StorageError:
            return

    def add_files(self, paths: list[Path], *, open_last: bool = True) -> None:
        """Parse each file off the GUI thread; ``text_added`` or ``add_failed`` per file."""
        # A read-only library (or an in-memory copy) is asked on the GUI thread, which
        # refuses with the reason; otherwise the rows are written by the worker too.
        library = self.library
        database = None
        if not library.read_only and library.path is not None:
            database = (library.path, library.data_dir)
        for path in paths:
            self._pending[path] = open_last
            self._worker.start(
                functools.partial(_add_file, path, database),
                functools.partial(self._finished, path),
            )
        self.adding_changed.emit(len(self._pending))

    def _finished(self, path: Path, result: object, error: Exception | None) -> None:
        """One file dealt with: ``text_added`` or ``add_failed``, then ``adding_changed``;
        when none is left, ``open_requested`` for the last text added by a batch that
        asked to open (a bad last file does not keep the good ones before it closed)."""
        wants_open = self._pending.pop(path, False)
        try:
            added = self._stored(path, result, error)
            if added is not None:
                self.changed.emit()
                self.text_added.emit(added.text_id, added.added, added.notice)
                if wants_open:
                    self._open_next = added.text_id
        finally:
            self.adding_changed.emit(len(self._pending))
        if not self._pending and self._open_next is not None:
            text_id, self._open_next = self._open_next, None
            self.open_requested.emit(text_id)

    def _stored(self, path: Path, result: object, error: Exception | None) -> AddResult | None:
        if error is not None:
            self.add_failed.emit(_failure_line(path, error))
            return None
        if isinstance(result, AddResult):
            return result
        try:
            return self.library.add(*result)  # type: ignore[misc]
        except StorageError as failure:
            self.add_failed.emit(f"{path.name}: {failure}")
            return None

    def wait_for_imports(self) -> None:
        """Let running parses end (closing the window, or a test's end)."""
        self._worker.wait()

    def remove(self, text_id: str, *, delete_notes: bool) -> str | None:
        """Remove a text; None when done, else a plain-words reason."""
        try:
            self.library.remove(text_id, delete_notes=delete_notes)
        except StorageError as error:
            return str(error)
        self.changed.emit()
        return None
