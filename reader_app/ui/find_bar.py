"""Find in text: a bar under the reading view with a live count, next/previous and options."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from reader_app.domain.search import find_pattern
from reader_app.ui.text_view import ReadingView, Span


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, view: ReadingView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self._view = view
        self._matches: list[tuple[int, int]] = []
        self._current = -1

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in text")
        self.edit.setAccessibleName("Find in text")
        self.edit.setClearButtonEnabled(True)
        # Room for a few words: beside two docks the buttons otherwise squeeze it to "Fi…".
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("x" * 16))
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Matches")
        self.count_label.setMinimumWidth(90)
        self.previous_button = self._button("Previous", "Previous match (Shift+Enter)")
        self.next_button = self._button("Next", "Next match (Enter)")
        self.case_box = QCheckBox("Match &case", self)
        self.case_box.setAccessibleName("Match case")
        self.word_box = QCheckBox("&Whole words", self)
        self.word_box.setAccessibleName("Whole words")
        self.close_button = self._button("Close", "Close the find bar (Escape)")
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count_label)
        for widget in (self.previous_button, self.next_button, self.case_box, self.word_box):
            layout.addWidget(widget)
        layout.addWidget(self.close_button)

        self.edit.textChanged.connect(self.refresh)
        self.case_box.toggled.connect(self.refresh)
        self.word_box.toggled.connect(self.refresh)
        self.edit.returnPressed.connect(self.find_next)
        self.next_button.clicked.connect(self.find_next)
        self.previous_button.clicked.connect(self.find_previous)
        self.close_button.clicked.connect(self.close_bar)
        self.edit.installEventFilter(self)

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        return button

    def open_bar(self) -> None:
        selected = self._view.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.edit.setText(selected)
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()
        self.refresh()

    def close_bar(self) -> None:
        self.hide()
        self._view.set_marks("find", [])
        self._view.setFocus()
        self.closed.emit()

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
        ):
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.find_previous()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel) or event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    # ----- matching ---------------------------------------------------------------------

    def refresh(self) -> None:
        pattern = find_pattern(
            self.edit.text(),
            match_case=self.case_box.isChecked(),
            whole_words=self.word_box.isChecked(),
        )
        self._matches = self._view.find_matches(pattern) if pattern is not None else []
        selected = self._view.selection_range()
        caret = selected[0] if selected else self._view.caret_position()
        self._current = next(
            (i for i, (start, _) in enumerate(self._matches) if start >= caret),
            0 if self._matches else -1,
        )
        self._show()

    def _show(self) -> None:
        spans = [
            Span(start, end, "find-current" if i == self._current else "find")
            for i, (start, end) in enumerate(self._matches)
        ]
        self._view.set_marks("find", spans)
        has_text = bool(self.edit.text().strip())
        if not self._matches:
            self.count_label.setText("No matches" if has_text else "")
        else:
            self.count_label.setText(f"{self._current + 1} of {len(self._matches)}")
            start, _ = self._matches[self._current]
            self._view.set_caret(start)  # the window moved to it, in a long text
            self._view.ensureCursorVisible()
        self.edit.setStyleSheet(
            ""
            if self._matches or not has_text
            else "QLineEdit { background: #f6d5d5; color: #1c1c1c; }"
        )

    def _step(self, delta: int) -> None:
        if not self._matches:
            return
        wrapped = not 0 <= self._current + delta < len(self._matches)
        self._current = (self._current + delta) % len(self._matches)
        self._show()
        if wrapped:
            self.count_label.setText(self.count_label.text() + " (wrapped)")

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)
