"""Carries out what the notes panel and the reading view ask for, with undo.

Every change goes to the repository first and is pushed onto the undo stack only once it
has been stored, so the stack never claims a change the database does not have. Storage
errors the user can act on become ``failed`` messages in plain words; bugs propagate.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from reader_app.domain.anchors import AnchorError, make_anchor
from reader_app.domain.highlights import Colour
from reader_app.domain.notes import (
    Note,
    free_note,
    glossary_note,
    passage_note,
)
from reader_app.domain.text import Document
from reader_app.storage.db import NoteNotFound, StorageError
from reader_app.storage.notes_repo import (
    Highlight,
    NoteCounts,
    NoteOrder,
    NotesRepository,
    SearchHit,
)

if TYPE_CHECKING:
    from reader_app.domain.export import ImportBatch
    from reader_app.models.import_backup import BackupBeforeImport

T = TypeVar("T")
R = TypeVar("R")


class _StoredCommand(QUndoCommand):
    """An undoable change whose first ``redo`` already happened when it was pushed."""

    def __init__(self, controller: NotesController, text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._controller._guard(self.apply)

    def undo(self) -> None:
        self._controller._guard(self.revert)

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class _AddCommand(_StoredCommand):
    def __init__(self, controller: NotesController, note: Note, text: str) -> None:
        super().__init__(controller, text)
        self._note_id = note.id
        self._note = note

    def apply(self) -> None:
        self._controller.repository.restore(self._note)

    def revert(self) -> None:
        # Keep what was typed since, so Redo brings back the note as it was when undone.
        self._note = self._controller.repository.delete(self._note_id)


class _DeleteCommand(_StoredCommand):
    def __init__(self, controller: NotesController, deleted: Note) -> None:
        super().__init__(controller, "Delete Note")
        self._note = deleted

    def apply(self) -> None:
        self._controller.repository.delete(self._note.id)

    def revert(self) -> None:
        self._controller.repository.restore(self._note)
        self._controller.note_restored.emit(self._note.id)


class _ColourCommand(_StoredCommand):
    def __init__(self, controller: NotesController, note_id: str, old: Colour, new: Colour) -> None:
        super().__init__(controller, "Change Highlight Colour")
        self._note_id, self._old, self._new = note_id, old, new

    def apply(self) -> None:
        self._controller.repository.update(self._note_id, colour=self._new)

    def revert(self) -> None:
        self._controller.repository.update(self._note_id, colour=self._old)


class NotesController(QObject):
    note_created = Signal(str)  # note id, to select and edit
    note_restored = Signal(str)
    saved = Signal(object)  # Note
    save_failed = Signal(str, str)  # note id, message
    failed = Signal(str)  # a plain-words message for the status bar or a dialog
    about_to_merge = Signal()  # an import is about to change the notes: save what is typed
    imported = Signal(object)  # the MergeReport of an import, or None: nothing imported

    def __init__(
        self,
        repository: NotesRepository,
        parent: QObject | None = None,
        *,
        backup: BackupBeforeImport | None = None,
    ) -> None:
        """``backup`` backs up the notes before an import, off the GUI thread."""
        super().__init__(parent)
        self.repository = repository
        self.undo_stack = QUndoStack(self)
        self._backup = backup

    def for_text(self, document: Document, parent: QObject | None = None) -> NotesController:
        """The controller of another text's notes, on the same database and backups, with an
        undo history of its own; its notes are placed in this edition of the text first."""
        controller = NotesController(
            self.repository.for_text(document), parent, backup=self._backup
        )
        controller._read(controller.repository.reanchor, None)
        return controller

    # ----- reading: the window's way to the notes (ui/ never reaches storage/) ---------------

    @property
    def read_only(self) -> bool:
        return self.repository.read_only

    def note(self, note_id: str) -> Note | None:
        return self._read(lambda: self.repository.get(note_id), None)

    def highlights(self) -> list[Highlight]:
        return self._read(self.repository.highlights, [])

    def tag_counts(self) -> dict[str, int]:
        return self._read(self.repository.tag_counts, {})

    def counts(self) -> NoteCounts:
        return self._read(self.repository.counts, NoteCounts(0, 0, 0, 0, 0))

    def search(self, text: str, *, limit: int) -> list[SearchHit]:
        return self._read(lambda: self.repository.search(text, limit=limit), [])

    def notes_in_text_order(self) -> list[Note]:
        return self._read(lambda: self.repository.list_notes(NoteOrder.POSITION), [])

    def _read(self, read: Callable[[], R], otherwise: R) -> R:
        """A read, or ``otherwise`` with a plain-words ``failed`` message when the file is
        busy or damaged: a read fails as gracefully as a write."""
        try:
            return read()
        except StorageError as error:
            self.failed.emit(str(error))
            return otherwise

    def _guard(self, action: Callable[[], T]) -> T | None:
        try:
            return action()
        except StorageError as error:  # NoteNotFound too: "That note no longer exists."
            self.failed.emit(str(error))
        return None

    # ----- creating ---------------------------------------------------------------------

    def add_passage_note(self, block_id: str, start: int, end: int, colour: Colour) -> Note | None:
        try:
            anchor = make_anchor(self.repository.document, block_id, start, end)
        except AnchorError:
            self.failed.emit("Select some words within one paragraph to highlight them.")
            return None
        return self._add(passage_note(anchor, colour=colour), "Add Highlight")

    def add_free_note(self) -> Note | None:
        return self._add(free_note(), "Add Note")

    def add_glossary_note(self, entry_id: str) -> Note | None:
        return self._add(glossary_note(entry_id), "Add Note on Glossary Entry")

    def _add(self, note: Note, text: str) -> Note | None:
        stored = self._guard(lambda: self.repository.add(note))
        if stored is None:
            return None
        self.undo_stack.push(_AddCommand(self, stored, text))
        self.note_created.emit(stored.id)
        return stored

    # ----- changing ---------------------------------------------------------------------

    def save(self, note_id: str, body: str, tags: list[str]) -> None:
        """Autosave target. Not undoable here: the editor has its own typing undo."""
        try:
            note = self.repository.update(note_id, body=body, tags=tags)
        except NoteNotFound:
            self.save_failed.emit(note_id, "the note was deleted.")
            return
        except StorageError as error:
            self.save_failed.emit(note_id, str(error))
            return
        self.saved.emit(note)

    def set_colour(self, note_id: str, colour: Colour) -> None:
        current = self.repository.get(note_id)
        if current is None or current.colour is None or current.colour == colour:
            return
        if self._guard(lambda: self.repository.update(note_id, colour=colour)) is not None:
            self.undo_stack.push(_ColourCommand(self, note_id, current.colour, colour))

    def set_colour_named(self, note_id: str, colour_name: str) -> None:
        self.set_colour(note_id, Colour(colour_name))

    def delete(self, note_id: str) -> None:
        deleted = self._guard(lambda: self.repository.delete(note_id))
        if deleted is not None:
            self.undo_stack.push(_DeleteCommand(self, deleted))

    def reattach(self, note_id: str, block_id: str, start: int, end: int) -> None:
        try:
            anchor = make_anchor(self.repository.document, block_id, start, end)
        except AnchorError:
            self.failed.emit("Select the words within one paragraph to reattach the note.")
            return
        self._guard(lambda: self.repository.reattach(note_id, anchor))

    # ----- files --------------------------------------------------------------------------

    def export_to(self, path: Path, fmt: str, glossary_headwords: dict[str, str]) -> int | None:
        """Write every note in text order, with the versions kept from import merges (the
        JSON export carries them, as the command line's does); returns how many notes, or
        None (with a ``failed`` message) when the notes could not be read. Raises OSError
        for the caller: the file could not be written."""
        # Imported on first use: the export formats are not needed to open the window.
        from reader_app.domain.export import render, write_atomically

        try:
            notes = self.repository.list_notes(NoteOrder.POSITION)
            revisions = self.repository.all_revisions()
        except StorageError as error:
            self.failed.emit(str(error))
            return None
        data = render(
            fmt,
            notes,
            self.repository.document,
            glossary_headwords=glossary_headwords,
            revisions=revisions,
        )
        write_atomically(path, data)
        return len(notes)

    @property
    def importing(self) -> bool:
        """An import is under way (its backup running), in this text's notes or another's."""
        return self._backup is not None and self._backup.busy

    def import_from(self, path: Path) -> bool:
        """Start merging a file into the notes, after a backup: an import changes many notes
        at once, and the backup is the way back from a file that was not what the user
        thought. The file is read and parsed first, so a bad one is reported before any
        backup is made; the backup runs off the GUI thread, and ``imported`` tells the
        outcome. Returns whether the import started (False: told through ``failed``)."""
        from reader_app.domain.export import NotesImportError, parse_import, read_import_file

        if self.importing:
            self.failed.emit("An import is already under way; wait for it to finish.")
            return False
        try:
            batch = parse_import(read_import_file(path), self.repository.document)
        except NotesImportError as error:
            self.failed.emit(str(error))
            return False
        if self._backup is None:
            self._merge(batch)
        else:
            self._backup.start(lambda error: self._merge_after_backup(batch, error))
        return True

    def _merge_after_backup(self, batch: ImportBatch, error: Exception | None) -> None:
        if not shiboken6.isValid(self):  # this text's notes were let go meanwhile
            return
        if isinstance(error, StorageError):
            self.failed.emit(
                "Nothing was imported, because a backup of your notes could not be made "
                f"first: {error}"
            )
            self.imported.emit(None)
        elif error is not None:  # a bug: nothing imported, and it is not hidden
            self.imported.emit(None)
            raise error
        else:
            self._merge(batch)

    def _merge(self, batch: ImportBatch) -> None:
        self.about_to_merge.emit()
        try:
            report = self.repository.merge(batch.notes, undated=batch.undated)
        except StorageError as error:
            self.failed.emit(str(error))
            report = None
        self.imported.emit(report)
