"""Replace with a New Edition: what the window asks, done on the library and the notes.

Errors the user can act on (a file that cannot be a text, the bundled text, a busy or
read-only data folder) become ``failed`` messages in plain words and change nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from reader_app.domain.importing import TextImportError
from reader_app.storage.db import StorageError
from reader_app.storage.library import LibraryRepository
from reader_app.storage.notes_repo import NotesRepository

if TYPE_CHECKING:  # replacing an edition is a menu command: its module loads when it runs
    from reader_app.storage.editions import EditionReport

# EditionReport only for annotations: ui/new_edition.py names it, and ui/ never imports storage/.
__all__ = ["EditionReport", "NewEditionController", "report_text"]


def report_text(report: EditionReport) -> str:
    """One sentence for the status bar: how many notes moved and how many are detached."""

    def notes(count: int) -> str:
        return f"{count} {'note' if count == 1 else 'notes'}"

    if not report.notes:
        return f"“{report.title}” now reads from the new edition; it has no passage notes."
    return (
        f"“{report.title}” now reads from the new edition: {notes(report.in_place)} in place, "
        f"{notes(report.moved)} moved, {notes(report.detached)} detached (kept in the Notes "
        "pane, to place again by hand)."
    )


class NewEditionController(QObject):
    replaced = Signal(str)  # text id: the window shows the new edition if it is open
    failed = Signal(str)

    def __init__(
        self, library: LibraryRepository, notes: NotesRepository, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._notes = notes

    def is_bundled(self, text_id: str) -> bool:
        try:
            record = self._library.get(text_id)
        except StorageError:
            return False
        return record is not None and record.bundled

    def replace(self, text_id: str, path: Path) -> EditionReport | None:
        from reader_app.storage.editions import replace_with_file

        try:
            report = replace_with_file(
                self._library, self._notes.connection, text_id, path, db_path=self._notes.path
            )
        except (TextImportError, StorageError) as error:
            self.failed.emit(str(error))
            return None
        self.replaced.emit(text_id)
        return report
