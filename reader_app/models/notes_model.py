"""Notes as a list model, refreshed from the repository's change reports.

The model never writes: it re-reads the list when storage says something changed, in the
order, filter or search the panel asked for. Search results carry match ranges (not
markup), which the delegate paints.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from reader_app.domain.bidi import isolate
from reader_app.domain.highlights import Colour
from reader_app.domain.notes import Note, NoteKind
from reader_app.domain.text import Document, in_quotation_marks
from reader_app.storage.db import StorageError
from reader_app.storage.notes_repo import MarkedText, NoteOrder, NotesChanged, NotesRepository

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
MATCHES_ROLE = Qt.ItemDataRole.UserRole + 3  # MarkedText of the body snippet when searching


class RepositorySignals(QObject):
    """Turns the repository's plain callbacks into a Qt signal that views can connect to.

    It stops listening when it is deleted (the panel of a text the reader left), so the
    repository never calls into a deleted Qt object.
    """

    changed = Signal(object)  # NotesChanged

    def __init__(self, repository: NotesRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        unsubscribe = repository.subscribe(self.changed.emit)
        self.destroyed.connect(lambda *_: unsubscribe())


@dataclass(frozen=True)
class NoteQuery:
    text: str = ""
    order: NoteOrder = NoteOrder.POSITION
    tag: str | None = None
    colour: Colour | None = None


FIRST_LINE_CHARS = 300  # more than a list row shows; a 1 MB one-line note costs no more


def first_line(body: str) -> str:
    """The note's first non-blank line as a list shows it, without splitting a long body."""
    head = body.lstrip()[:FIRST_LINE_CHARS]
    return head.split("\n", 1)[0].rstrip()


def citation_of(note: Note, document: Document, glossary_headword: str | None = None) -> str:
    """Where a note belongs, in the words a reader uses: ¶3, Free note, Glossary: NEP."""
    if note.kind is NoteKind.FREE:
        return "Free note"
    if note.kind is NoteKind.GLOSSARY:
        return f"Glossary: {glossary_headword or note.glossary_entry_id}"
    if note.is_detached or note.placement is None or note.placement.block_id is None:
        return "Detached"
    return document.block(note.placement.block_id).citation_label


class NotesModel(QAbstractListModel):
    read_failed = Signal(str)  # a plain-words message: the notes could not be read

    def __init__(self, repository: NotesRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._repository = repository
        self._ids: list[str] = []
        self._cache: dict[str, Note] = {}  # notes fetched for display since the last refresh
        self._matches: dict[str, MarkedText] = {}
        self._query = NoteQuery()
        self.signals = RepositorySignals(repository, self)
        self.signals.changed.connect(self._on_changed)
        self.refresh()

    @property
    def query(self) -> NoteQuery:
        return self._query

    def set_query(self, query: NoteQuery) -> None:
        if query != self._query:
            self._query = query
            self.refresh()

    def refresh(self) -> None:
        """Read the list again; a busy or damaged file leaves it empty and says why."""
        query = self._query
        self.beginResetModel()
        self._ids, self._cache, self._matches = [], {}, {}
        try:
            if query.text.strip():
                hits = self._repository.search(query.text, tag=query.tag, colour=query.colour)
                self._ids = [hit.note.id for hit in hits]
                self._cache = {hit.note.id: hit.note for hit in hits}
                self._matches = {hit.note.id: hit.snippet for hit in hits}
            else:
                self._ids = self._repository.list_note_ids(
                    query.order, tag=query.tag, colour=query.colour
                )
        except StorageError as error:
            self.read_failed.emit(str(error))
        finally:
            self.endResetModel()

    def _on_changed(self, _change: NotesChanged) -> None:
        self.refresh()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        """No tooltip role on purpose: a tooltip would read the note as rich text."""
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        note = self.note_at(index.row())
        if note is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            quote = f"{in_quotation_marks(isolate(note.quote))} " if note.quote else ""
            return f"{quote}{isolate(first_line(note.body)) or '(empty note)'}"
        by_role = {NOTE_ROLE: note, NOTE_ID_ROLE: note.id, MATCHES_ROLE: self._matches.get(note.id)}
        return by_role.get(role)

    def note_at(self, row: int) -> Note | None:
        note_id = self._ids[row]
        note = self._cache.get(note_id)
        if note is None:
            try:
                note = self._repository.get(note_id)
            except StorageError:
                return None  # painting a row: the next refresh says what went wrong
            if note is not None:
                self._cache[note_id] = note
        return note

    def row_of(self, note_id: str) -> int | None:
        try:
            return self._ids.index(note_id)
        except ValueError:
            return None
