"""Carries out what the window asks of the reader's own glossary, with undo.

As for notes, every change is stored first and pushed onto the undo stack only once it is,
on the open text's notes' stack (one Undo for everything the reader changed in that text,
in order). An entry
is checked by writing it as a glossary file and reading it back before it is stored, so
every stored entry can be exported and imported again. Errors the user can act on become
``failed`` messages in plain words; ``changed`` follows every stored change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from reader_app.domain.glossary import Glossary, GlossaryError, Occurrence
from reader_app.domain.personal_glossary import (
    MergePlan,
    PersonalEntry,
    export_toml,
    find_all_occurrences,
    glossary_for_text,
    import_toml,
)
from reader_app.domain.text import Block, Document
from reader_app.storage.db import StorageError
from reader_app.storage.glossary_repo import PersonalGlossaryRepository

T = TypeVar("T")

MAX_GLOSSARY_FILE_BYTES = 8 * 1024 * 1024
"""A glossary file larger than this is refused unread: thousands of entries fit in 1 MB."""


class _EntryCommand(QUndoCommand):
    """Puts back ``before`` on undo and ``after`` on redo (None: the entry is deleted); the
    first redo already happened when the command was pushed."""

    def __init__(
        self,
        controller: PersonalGlossaryController,
        text: str,
        before: PersonalEntry | None,
        after: PersonalEntry | None,
    ) -> None:
        super().__init__(text)
        self._controller = controller
        self._before, self._after = before, after
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._controller._put(self._before, self._after)

    def undo(self) -> None:
        self._controller._put(self._after, self._before)


class PersonalGlossaryController(QObject):
    changed = Signal()
    failed = Signal(str)

    def __init__(
        self,
        store: PersonalGlossaryRepository,
        bundled: Glossary,
        undo_stack: QUndoStack,
        parent: QObject | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._bundled = bundled
        self._undo_stack = undo_stack
        self.read_only = read_only

    def use_undo_stack(self, undo_stack: QUndoStack) -> None:
        """Changes from now on go on ``undo_stack``: the open text's notes' stack, so that
        Undo undoes what the reader did in the text in front of them, in order."""
        self._undo_stack = undo_stack

    # ----- reading ------------------------------------------------------------------------

    def entries(self, text_id: str | None = None) -> list[PersonalEntry]:
        return self._guard(lambda: self._store.entries(text_id)) or []

    def entry(self, entry_id: str) -> PersonalEntry | None:
        return self._guard(lambda: self._store.get(entry_id))

    def glossary_for(self, document: Document) -> tuple[Glossary, list[Occurrence], dict[str, str]]:
        """What the pane and the marks show for a text: the bundled entries (for the bundled
        text) with the reader's own that apply to it, their occurrences, and where each of
        the reader's entries applies."""
        combined, scopes = self.entries_for(document)
        return combined, self.occurrences_in(document, combined, document.blocks), scopes

    def entries_for(self, document: Document) -> tuple[Glossary, dict[str, str]]:
        """``glossary_for`` without the occurrences, which take a book's whole text."""
        personal = self.entries(document.id)
        combined = glossary_for_text(self._bundled_for(document), personal, document.id)
        scopes = {
            p.id: "for every text" if p.text_id is None else "for this text"
            for p in personal
            if p.id in combined
        }
        return combined, scopes

    def occurrences_in(
        self, document: Document, combined: Glossary, blocks: Sequence[Block]
    ) -> list[Occurrence]:
        """The occurrences of ``combined`` (from ``entries_for``) in some of the text's blocks:
        all of them, or those near the screen while a book's whole list is still to come."""
        part = document._replace(blocks=tuple(blocks))
        return find_all_occurrences(part, self._bundled_for(document), combined)

    def _bundled_for(self, document: Document) -> Glossary:
        return self._bundled if document.glossary_file else Glossary(())

    # ----- changing -------------------------------------------------------------------------

    def _guard(self, action: Callable[[], T]) -> T | None:
        try:
            return action()
        except StorageError as error:
            self.failed.emit(str(error))
        return None

    def _put(self, current: PersonalEntry | None, wanted: PersonalEntry | None) -> None:
        """Store ``wanted`` in place of ``current`` (None: no entry)."""

        def change() -> None:
            if wanted is not None:
                self._store.save(wanted)
            elif current is not None:
                self._store.delete(current.id)

        self._guard(change)
        self.changed.emit()

    def _checked(self, entry: PersonalEntry) -> bool:
        """Whether the entry survives being written to a glossary file and read back."""
        try:
            import_toml(export_toml([entry], title="", text_id=None), source="entry")
        except GlossaryError as error:
            # "entry, line 9: entry 'my-x-1a2b': source …" names a file the reader never saw.
            reason = re.sub(r"^entry(, line \d+)?: (entry '[^']*':? )?", "", str(error))
            self.failed.emit(f"This entry cannot be saved: {reason}")
            return False
        return True

    def add(self, entry: PersonalEntry) -> bool:
        if not self._checked(entry):
            return False
        if self._guard(lambda: self._store.save(entry)) is None:
            return False
        self._undo_stack.push(_EntryCommand(self, "Add Glossary Entry", None, entry))
        self.changed.emit()
        return True

    def edit(self, entry: PersonalEntry) -> bool:
        before = self.entry(entry.id)
        if before is None or not self._checked(entry):
            return False
        if self._guard(lambda: self._store.save(entry)) is None:
            return False
        self._undo_stack.push(_EntryCommand(self, "Edit Glossary Entry", before, entry))
        self.changed.emit()
        return True

    def delete(self, entry_id: str) -> bool:
        before = self._guard(lambda: self._store.delete(entry_id))
        if before is None:
            return False
        self._undo_stack.push(_EntryCommand(self, "Delete Glossary Entry", before, None))
        self.changed.emit()
        return True

    # ----- files ----------------------------------------------------------------------------

    def export(
        self, path: Path, entries: list[PersonalEntry], *, title: str, text_id: str | None
    ) -> bool:
        """Write ``entries`` as a glossary file; an OS error is reported, never raised."""
        # Imported when used: the export package (Markdown, citations, CSV, W3C) is not
        # needed to show the glossary, and loading it cost start-up some 8 ms.
        from reader_app.domain.export import write_atomically

        data = export_toml(entries, title=title, text_id=text_id).encode("utf-8")
        try:
            write_atomically(path, data)
        except OSError as error:
            self.failed.emit(f"{path.name} could not be written ({error.strerror or error}).")
            return False
        return True

    def import_file(self, path: Path) -> MergePlan | None:
        """Merge a glossary file into the reader's entries (``plan_merge``); a file that
        cannot be read or is malformed changes nothing and is reported as "file, line N:
        what". Not undoable: an import can touch hundreds of entries, and loses none."""
        try:
            with path.open("rb") as file:
                data = file.read(MAX_GLOSSARY_FILE_BYTES + 1)
        except OSError as error:
            self.failed.emit(f"{path.name} cannot be read ({error.strerror or error}).")
            return None
        if len(data) > MAX_GLOSSARY_FILE_BYTES:
            self.failed.emit(f"{path.name}: larger than a glossary file can be (8 MB).")
            return None
        try:
            entries = import_toml(data.decode("utf-8"), source=path.name)
        except UnicodeDecodeError as error:
            self.failed.emit(f"{path.name}: not UTF-8 text ({error.reason}).")
            return None
        except GlossaryError as error:
            self.failed.emit(str(error))
            return None
        reserved = {entry.id for entry in self._bundled.entries}
        plan = self._guard(lambda: self._store.merge(entries, reserved_ids=reserved))
        if plan is None:
            return None
        self.changed.emit()
        return plan
