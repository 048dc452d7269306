"""The cloze picker: the reader chooses which words of a highlighted passage a card hides.

A click on a word hides it, a second click shows it again; a selection hides (or shows)
several words at once, from the keyboard too (select with Shift+arrows, press H). The
passage stays plain text (never HTML), and the hidden words are marked with the reading
view's own highlight colours. Words hidden side by side become one blank, as a reader
would write the card by hand: "[…] decides your fate", not "[…] […] decides your fate".

``pick_cloze_ranges`` is the one way to show it, and the function tests replace.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader_app.domain.review import cloze_text
from reader_app.settings import READING_FAMILY

_WORD = re.compile(r"\w[\w'’-]*")


def word_at(text: str, position: int) -> tuple[int, int] | None:
    """The word of ``text`` at ``position`` (or just before it, at a word's end)."""
    for match in _WORD.finditer(text):
        if match.start() <= position <= match.end():
            return match.start(), match.end()
        if match.start() > position:
            break
    return None


def joined(text: str, ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges, with neighbours separated only by spaces made one."""
    result: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if result and not text[result[-1][1] : start].strip():
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


class ClozePicker(QDialog):
    def __init__(
        self,
        quote: str,
        source: str,
        initial: Sequence[tuple[int, int]] = (),
        parent: QWidget | None = None,
    ) -> None:
        # Whole on purpose: the dialog's widgets from top to bottom, as it appears on screen.
        super().__init__(parent)
        self.setWindowTitle("Make Cloze Card")
        self.setAccessibleName("Make cloze card")
        self.resize(560, 380)
        self.quote = quote
        self._hidden: list[tuple[int, int]] = [
            (a, b) for a, b in initial if 0 <= a < b <= len(quote)
        ]

        intro = QLabel(
            "Click the words the card should hide (click again to show them), or select "
            "words and press H.",
            self,
        )
        intro.setWordWrap(True)
        self.source = QLabel(source, self)
        self.source.setTextFormat(Qt.TextFormat.PlainText)
        self.source.setAccessibleName("Passage")
        bold = self.source.font()
        bold.setBold(True)
        self.source.setFont(bold)
        self.passage = QPlainTextEdit(self)
        self.passage.setPlainText(quote)
        self.passage.setReadOnly(True)
        self.passage.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.passage.setAccessibleName("Passage: choose the words to hide")
        font = QFont(READING_FAMILY.default)
        font.setPointSizeF(max(self.font().pointSizeF() * 1.3, 12))
        self.passage.setFont(font)
        self.passage.viewport().installEventFilter(self)
        self.passage.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.passage.installEventFilter(self)  # H hides or shows the selection

        preview_title = QLabel("The card will show:", self)
        self.preview = QLabel(self)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("Card preview")

        self.toggle_button = QPushButton("&Hide or Show Selection", self)
        self.toggle_button.setAccessibleName("Hide or show the selected words")
        self.toggle_button.clicked.connect(self.toggle_selection)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Make Card")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for button in self.buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))

        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(intro)
        layout.addWidget(self.passage, 1)
        layout.addWidget(self.toggle_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(preview_title)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self._update()
        self.passage.setFocus()

    def ranges(self) -> list[tuple[int, int]]:
        """The ranges to hide, neighbours joined."""
        return joined(self.quote, self._hidden)

    def toggle(self, start: int, end: int) -> None:
        """Hide ``quote[start:end]`` (trimmed), or show it again if any of it was hidden."""
        while start < end and self.quote[start].isspace():
            start += 1
        while end > start and self.quote[end - 1].isspace():
            end -= 1
        if start >= end:
            return
        overlapping = [(a, b) for a, b in self._hidden if a < end and start < b]
        if overlapping:
            self._hidden = [r for r in self._hidden if r not in overlapping]
        else:
            self._hidden.append((start, end))
        self._update()

    def toggle_word_at(self, position: int) -> None:
        word = word_at(self.quote, position)
        if word is not None:
            self.toggle(*word)

    def toggle_selection(self) -> None:
        cursor = self.passage.textCursor()
        if cursor.hasSelection():
            self.toggle(cursor.selectionStart(), cursor.selectionEnd())
        else:
            self.toggle_word_at(cursor.position())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_H
            and not event.modifiers()
        ):
            self.toggle_selection()
            return True
        if (
            isinstance(event, QMouseEvent)
            and event.type() == QEvent.Type.MouseButtonRelease
            and event.button() == Qt.MouseButton.LeftButton
            and not self.passage.textCursor().hasSelection()
        ):
            self.toggle_word_at(
                self.passage.cursorForPosition(event.position().toPoint()).position()
            )
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter makes the card only once something is hidden (the OK button is off before).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.ranges():
            return
        super().keyPressEvent(event)

    def _update(self) -> None:
        marks = []
        palette = self.passage.palette()
        for start, end in self.ranges():
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.passage.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format.setBackground(palette.highlight())
            selection.format.setForeground(palette.highlightedText())
            selection.format.setFontUnderline(True)
            selection.format.setUnderlineColor(QColor(palette.highlightedText().color()))
            marks.append(selection)
        self.passage.setExtraSelections(marks)
        ranges = self.ranges()
        self.preview.setText(
            cloze_text(self.quote, ranges, reveal=False) if ranges else "(nothing hidden yet)"
        )
        self.ok_button.setEnabled(bool(ranges))


def pick_cloze_ranges(
    parent: QWidget | None, quote: str, source: str, initial: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]] | None:
    """The ranges of ``quote`` the reader chose to hide; None when cancelled."""
    picker = ClozePicker(quote, source, initial, parent)
    accepted = picker.exec() == QDialog.DialogCode.Accepted
    ranges = picker.ranges()
    picker.deleteLater()
    return ranges if accepted else None


def choose_question_side(parent: QWidget | None, note: str, quote: str) -> bool | None:
    """True: the note is the question and the passage the answer; False: the reverse;
    None: cancelled."""
    from PySide6.QtWidgets import QMessageBox

    def short(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= 90 else text[:89] + "…"

    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Make Question Card",
        f"Which side does your note go on?\n\nNote: {short(note)}\nPassage: “{short(quote)}”",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    asks = box.addButton("Note Asks, Passage Answers", QMessageBox.ButtonRole.AcceptRole)
    answers = box.addButton("Passage Asks, Note Answers", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(asks)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is asks else False if clicked is answers else None
