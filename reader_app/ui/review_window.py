"""The Review window: one due card at a time, answered from the keyboard.

Space shows the answer, 1–4 rate it Again/Hard/Good/Easy, O opens the card's passage in
the main window, and the sitting ends with a summary. Card text is shown as plain text,
never as HTML. Everything is read and written through a
``models.review_session.ReviewSession``; the window only asks its owner
(``ui/review_menu.py``) to open a passage, by a signal.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reader_app.models.review_session import RATINGS, ReviewSession
from reader_app.settings import READING_FAMILY

_RATING_KEYS = {Qt.Key.Key_1: 1, Qt.Key.Key_2: 2, Qt.Key.Key_3: 3, Qt.Key.Key_4: 4}


def _text_label(name: str, *, point_scale: float = 1.0, reading: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # a note's words are never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(name)
    if point_scale != 1.0 or reading:
        font = label.font()
        if reading:  # the card's words in the face the text is read in
            font.setFamily(READING_FAMILY.default)
        font.setPointSizeF(font.pointSizeF() * point_scale)
        label.setFont(font)
    return label


class ReviewWindow(QDialog):
    answered = Signal()  # an answer was saved: the due count changed
    open_requested = Signal(object)  # the ReviewCard whose passage to show

    def __init__(self, session: ReviewSession, parent: QWidget | None = None) -> None:
        # Whole on purpose: the window's widgets from top to bottom, as it appears on screen.
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Review")
        self.setAccessibleName("Review")
        self.resize(640, 440)

        self.progress = _text_label("Progress")
        self.source = _text_label("Source")
        self.missing = _text_label("Source deleted")
        self.missing.setText(
            "What this card was made from (a note or a glossary entry) has been deleted; "
            "the card is shown as it last was. Answer it to keep it, or remove it."
        )
        self.remove_button = QPushButton("&Remove Card from Review")
        self.remove_button.setAccessibleName("Remove this card from review")
        self.remove_button.clicked.connect(self.remove_card)
        self.front = _text_label("Question", point_scale=1.5, reading=True)
        self.rule = QFrame()
        self.rule.setFrameShape(QFrame.Shape.HLine)
        self.back = _text_label("Answer", point_scale=1.25, reading=True)
        self.problem = _text_label("Problem")
        self.summary = _text_label("Summary", point_scale=1.2)

        self.show_button = QPushButton("Show Answer (Space)")
        self.show_button.setAccessibleName("Show answer")
        self.show_button.clicked.connect(self.show_answer)
        self.rating_buttons: dict[int, QPushButton] = {}
        ratings = QHBoxLayout()
        for value, name in RATINGS:
            button = QPushButton(f"{value}  {name}")
            button.setAccessibleName(f"Rate {name}")
            button.clicked.connect(lambda _=False, v=value: self.rate(v))
            ratings.addWidget(button)
            self.rating_buttons[value] = button
        self.open_button = QPushButton("&Open in Text (O)")
        self.open_button.setAccessibleName("Open the card's passage in the text")
        self.open_button.clicked.connect(self.open_in_text)
        ratings.addSpacing(16)
        ratings.addWidget(self.open_button)
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close review")
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        for widget in (self.progress, self.source, self.missing):
            layout.addWidget(widget)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        # A long explanation scrolls instead of pushing the buttons out of the window.
        card = QWidget()
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(0, 0, 8, 0)
        for part in (self.front, self.rule, self.back):
            card_layout.addWidget(part)
        card_layout.addStretch(1)
        self.card_area = QScrollArea()
        self.card_area.setWidgetResizable(True)
        self.card_area.setFrameShape(QFrame.Shape.NoFrame)
        self.card_area.setWidget(card)
        self.card_area.setAccessibleName("Card")
        layout.addWidget(self.card_area, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addWidget(self.show_button)
        layout.addLayout(ratings)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        self._answer_shown = False
        self._show_card()

    @property
    def is_over(self) -> bool:
        return self.session.current is None

    def _show_card(self) -> None:
        faces, card = self.session.faces, self.session.current
        self._answer_shown = False
        self.problem.hide()
        done = faces is None or card is None
        for widget in (self.progress, self.source, self.card_area):
            widget.setVisible(not done)
        source_gone = not done and bool(card and card.source_missing)
        self.missing.setVisible(source_gone)
        self.remove_button.setVisible(source_gone)
        self.back.hide()
        self.rule.hide()  # the line between question and answer comes with the answer
        self.show_button.setVisible(not done)
        for button in self.rating_buttons.values():
            button.setVisible(False)
        self.open_button.setVisible(False)
        self.summary.setVisible(done)
        self.close_button.setVisible(done)
        if faces is None:
            self.summary.setText(self.session.summary())
            self.close_button.setFocus()
            return
        again = " · once more, after Again" if self.session.coming_round_again else ""
        self.progress.setText(
            f"Card {min(self.session.position + 1, self.session.total)} of "
            f"{self.session.total}{again}"
        )
        source = " · ".join(part for part in (faces.title, faces.passage_label) if part)
        self.source.setText(source)
        self.source.setVisible(bool(source))
        self.front.setText(faces.front)
        self.back.setText(faces.back)
        self.show_button.setFocus()

    def show_answer(self) -> None:
        if self.is_over or self._answer_shown:
            return
        self._answer_shown = True
        self.rule.show()
        self.back.show()
        self.show_button.hide()
        for button in self.rating_buttons.values():
            button.setVisible(True)
        self.open_button.setVisible(True)
        self.rating_buttons[3].setFocus()

    def open_in_text(self) -> None:
        """Once the answer is shown (the passage would give it away before)."""
        card = self.session.current
        if card is not None and self._answer_shown:
            self.open_requested.emit(card)

    def remove_card(self) -> None:
        """Offered for a card whose source is gone: keep it (answer it) or let it go."""
        problem = self.session.remove_current()
        if problem is not None:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.answered.emit()
        self._show_card()

    def rate(self, rating: int) -> None:
        if self.is_over or not self._answer_shown:
            return
        problem = self.session.rate(rating)
        if problem is not None:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.answered.emit()
        self._show_card()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Space and not self.is_over:
            self.show_answer()
        elif key in _RATING_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.rate(_RATING_KEYS[key])
        elif key == Qt.Key.Key_O and not event.modifiers():
            self.open_in_text()
        else:
            super().keyPressEvent(event)
