"""Making review cards from what the reader marked: a word, a highlight, a note, an entry.

The commands live in the Review menu and, for the text, in its context menu. A highlight
or note is the one right-clicked in the text, else the one at the caret, else the note
chosen in the Notes pane; a glossary entry is the one open in the Glossary pane (whose
list of terms offers the same two commands on a right click). Everything is stored through
``models.review_controller.ReviewController``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent

from reader_app.ui import cloze_picker
from reader_app.ui.actions import REVIEW_CARD_ACTIONS, ActionRegistry

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from reader_app.domain.notes import Note
    from reader_app.models.review_controller import ReviewController
    from reader_app.ui.glossary_pane import GlossaryPane
    from reader_app.ui.notes_coordinator import NotesCoordinator
    from reader_app.ui.text_view import ReadingView

STATUS_MS = 6000


class CardsHost(Protocol):
    """What card making uses of the window (ui/main_window.py)."""

    reading_view: ReadingView
    glossary_pane: GlossaryPane | None
    notes: NotesCoordinator | None

    def statusBar(self) -> QStatusBar: ...


class CardMaker(QObject):
    def __init__(self, window: CardsHost, parent: QWidget, actions: ActionRegistry) -> None:
        super().__init__(parent)
        self._window = window
        self._parent = parent
        self._actions = actions
        self.controller: ReviewController | None = None
        self._clicked_position: int | None = None  # where the text's context menu was asked
        actions.add_all(REVIEW_CARD_ACTIONS, self)
        self._set_enabled(False)
        window.reading_view.viewport().installEventFilter(self)

    def attach(self, controller: ReviewController) -> None:
        self.controller = controller
        self._set_enabled(not controller.read_only)
        pane = self._window.glossary_pane
        if pane is not None:  # a right click on a term offers the same commands
            pane.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            pane.tree.addActions(
                [self._actions.action(name) for name in ("glossary-entry-to-review",
                                                         "glossary-entry-both-ways")]
            )  # fmt: skip

    def _set_enabled(self, enabled: bool) -> None:
        for spec in REVIEW_CARD_ACTIONS:
            self._actions.action(spec.id).setEnabled(enabled)

    def _say(self, message: str) -> None:
        self._window.statusBar().showMessage(message, STATUS_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Remember which highlight a context menu was opened on, for as long as it is open."""
        if isinstance(event, QContextMenuEvent):
            view = self._window.reading_view
            self._clicked_position = view.position_at(QPointF(event.pos()))
            try:
                view.contextMenuEvent(event)
            finally:
                self._clicked_position = None
            return True
        return super().eventFilter(watched, event)

    # ----- the commands -----------------------------------------------------------------

    def save_word(self) -> None:
        if self.controller is None:
            return
        selected = self._window.reading_view.selected_range()
        if selected is None:
            self._say("Select a word (or a few) within one paragraph first.")
            return
        card = self.controller.save_word(*selected)
        if card is not None:
            gloss = (
                " with its gloss" if card.saved_word and card.saved_word.glossary_entry_id else ""
            )
            self._say(f"Saved “{card.snapshot.front}”{gloss} for review.")

    def make_cloze_card(self) -> None:
        note = self._chosen_note()
        if note is None or self.controller is None:
            return
        header = " · ".join(
            part for part in (self.controller.document.title, self._label(note)) if part
        )
        ranges = cloze_picker.pick_cloze_ranges(
            self._parent, note.quote, header, self.controller.cloze_ranges(note.id)
        )
        if ranges is None:
            return
        if self.controller.add_cloze(note.id, ranges) is not None:
            self._say("Cloze card saved for review.")

    def make_question_card(self) -> None:
        note = self._chosen_note()
        if note is None or self.controller is None:
            return
        if not note.body.strip():
            self._say("Write the note first: an empty note cannot ask or answer.")
            return
        side = cloze_picker.choose_question_side(self._parent, note.body, note.quote)
        if side is None:
            return
        if self.controller.add_question(note.id, note_is_question=side) is not None:
            self._say("Question card saved for review.")

    def add_glossary_entry(self, both_ways: bool = False) -> None:
        pane = self._window.glossary_pane
        entry_id = pane.current_entry_id if pane is not None else None
        if self.controller is None:
            return
        if not entry_id:
            self._say("Open a glossary entry first.")
            return
        added = self.controller.add_glossary_entry(entry_id, reverse=both_ways)
        if added is None:
            return
        headword = self.controller.glossary.entry(entry_id).headword
        if added:
            cards = "card" if added == 1 else "cards"
            self._say(f"Added {added} {cards} for “{headword}” to review.")
        else:
            self._say(f"“{headword}” is in review already.")

    # ----- which note -------------------------------------------------------------------

    def _chosen_note(self) -> Note | None:
        """The highlight clicked or at the caret, else the note chosen in the Notes pane."""
        from reader_app.domain.notes import NoteKind

        if self.controller is None:
            return None
        view = self._window.reading_view
        position = self._clicked_position
        if position is None:
            position = view.caret_position()
        note_id = next(
            (s.key for layer, s in view.spans_at(position) if layer == "highlights"), None
        )
        notes = self._window.notes
        if note_id is None and notes is not None and notes.panel is not None:
            note_id = notes.panel.current_note_id()
        note = self.controller.note(note_id) if note_id else None
        if note is None or note.kind is not NoteKind.PASSAGE:
            self._say("Right-click a highlight in the text, or choose a note on a passage first.")
            return None
        return note

    def _label(self, note: Note) -> str:
        placement = note.placement
        if placement is None or placement.block_id is None or self.controller is None:
            return ""
        try:
            return self.controller.document.block(placement.block_id).citation_label
        except KeyError:
            return ""
