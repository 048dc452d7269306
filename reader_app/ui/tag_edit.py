"""The tags field of the notes editor: comma-separated tags, completed from those in use."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from reader_app.domain.tags import tags_to_text


class TagEdit(QLineEdit):
    """Comma-separated tags, completing the tag being typed from the tags already in use."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tags = QStringListModel(self)
        self.completer_ = QCompleter(self._tags, self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setWidget(self)
        self.completer_.activated.connect(self._insert_completion)
        self.textEdited.connect(self._complete)

    def set_known_tags(self, tags: list[str]) -> None:
        self._tags.setStringList(tags)

    def _current_prefix(self) -> str:
        return self.text()[: self.cursorPosition()].rsplit(",", 1)[-1].strip()

    def _complete(self) -> None:
        prefix = self._current_prefix()
        if prefix:
            self.completer_.setCompletionPrefix(prefix)
            if self.completer_.completionCount():
                self.completer_.complete()
                return
        popup = self.completer_.popup()
        if popup is not None:
            popup.hide()

    def _insert_completion(self, tag: str) -> None:
        head = self.text()[: self.cursorPosition()]
        tail = self.text()[self.cursorPosition() :]
        kept = head.rsplit(",", 1)[0] + ", " if "," in head else ""
        self.setText(f"{kept}{tags_to_text([tag])}, {tail.lstrip(', ')}".rstrip())
        self.textEdited.emit(self.text())
