"""The details of a text (title, author, year, translator, editor, publisher or site,
address, language) as "About this Text" shows and corrects them.

The library stores them (``LibraryRepository.update_metadata``); citations and exports
read them back through ``library.document``. The bundled text's details come with the
application and are shown, never changed. Errors the user can act on become ``failed``
messages in plain words.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

from reader_app.domain.text_details import DETAIL_FIELDS, checked_changes
from reader_app.storage.db import StorageError
from reader_app.storage.library import LibraryRepository


class TextDetails(NamedTuple):
    text_id: str
    editable: bool  # False for the bundled text
    values: dict[str, str]  # field name → text as shown ("" for no year)


class TextDetailsController(QObject):
    changed = Signal(str)  # text id whose details were saved
    failed = Signal(str)

    def __init__(self, library: LibraryRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library

    def details(self, text_id: str) -> TextDetails | None:
        try:
            record = self._library.get(text_id)
        except StorageError as error:
            self.failed.emit(str(error))
            return None
        if record is None:
            return None
        meta = record.metadata._asdict()
        values = {name: "" if meta[name] is None else str(meta[name]) for name, _ in DETAIL_FIELDS}
        return TextDetails(text_id, not record.bundled, values)

    def save(self, text_id: str, values: dict[str, str]) -> bool:
        """Store corrected details; refused for the bundled text."""
        details = self.details(text_id)
        if details is None or not details.editable:
            self.failed.emit(
                "The bundled text’s details come with Study Reader and stay as they are."
            )
            return False
        try:
            changes = checked_changes(values)
            self._library.update_metadata(text_id, **changes)
        except ValueError as error:
            self.failed.emit(str(error))
            return False
        except StorageError as error:
            self.failed.emit(str(error))
            return False
        self.changed.emit(text_id)
        return True
