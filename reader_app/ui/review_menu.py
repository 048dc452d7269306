"""The Review menu's owner: sittings, the due count, statistics, Anki export, retention.

The number of cards due shows in the status bar and in the Review menu's Start Review
entry; it is counted again after every answer and every card added, and once a minute,
because cards fall due as time passes. Desired retention is a row of Preferences, saved in
the settings and given to the scheduler at once. Card making is ``ui/review_cards.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer

from reader_app.settings import DESIRED_RETENTION, Settings
from reader_app.ui import dialogs
from reader_app.ui.actions import REVIEW_ACTIONS, ActionRegistry
from reader_app.ui.due_field import due_field, due_text
from reader_app.ui.review_cards import CardMaker

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QDockWidget, QLabel, QStatusBar, QWidget

    from reader_app.domain.review import ReviewCard
    from reader_app.domain.text import Document
    from reader_app.models.review_controller import CardPlace, ReviewController
    from reader_app.ui.glossary_pane import GlossaryPane
    from reader_app.ui.notes_coordinator import NotesCoordinator
    from reader_app.ui.preferences import PreferencesDialog
    from reader_app.ui.review_chart import ReviewStatistics
    from reader_app.ui.review_window import ReviewWindow
    from reader_app.ui.text_view import ReadingView

RECOUNT_MS = 60_000
STATUS_MS = 8000
CARD_FILTERS = {"Anki package (*.apkg)": "apkg", "CSV for Anki (*.csv)": "csv"}


class ReviewHost(Protocol):
    """What review uses of the window (ui/main_window.py)."""

    document: Document
    reading_view: ReadingView
    glossary_pane: GlossaryPane | None
    glossary_dock: QDockWidget
    notes: NotesCoordinator | None
    term_lookup_requested: SignalInstance

    def statusBar(self) -> QStatusBar: ...
    def show_problem(self, message: str) -> None: ...
    def show_preferences(self) -> PreferencesDialog | None: ...
    def raise_(self) -> None: ...
    def activateWindow(self) -> None: ...


class ReviewMenu(QObject):
    """Review > Start Review (Ctrl+R) and the rest; ``attach`` gives it the cards once the
    notes are open (before that, its commands say so in the status bar)."""

    def __init__(
        self, window: ReviewHost, parent: QWidget, actions: ActionRegistry, settings: Settings
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._parent = parent
        self._actions = actions
        self._settings = settings
        self.controller: ReviewController | None = None
        self.window: ReviewWindow | None = None
        self.statistics: ReviewStatistics | None = None
        self._preferences: PreferencesDialog | None = None
        actions.add_all(REVIEW_ACTIONS, self)
        self.cards = CardMaker(window, parent, actions)
        self.due_label: QLabel = due_field(window.statusBar())
        self._timer = QTimer(self)
        self._timer.setInterval(RECOUNT_MS)
        self._timer.timeout.connect(self.update_due_count)
        actions.action("preferences").triggered.connect(self._offer_retention)

    def attach(self, controller: ReviewController) -> None:
        self.controller = controller
        controller.setParent(self)
        controller.set_desired_retention(self._settings.get(DESIRED_RETENTION))
        controller.changed.connect(self.update_due_count)
        controller.failed.connect(self._window.show_problem)
        self.cards.attach(controller)
        self.due_label.show()
        self.update_due_count()
        self._timer.start()

    def _unavailable(self) -> bool:
        if self.controller is None:
            self._window.statusBar().showMessage(
                "Review is unavailable until the notes are open.", STATUS_MS
            )
            return True
        return False

    def update_due_count(self) -> int:
        """Count the cards due now and show the number; returns it."""
        if self.controller is None:
            return 0
        due = self.controller.due_count()
        self.due_label.setText(due_text(due))
        self._actions.action("start-review").setText(
            f"&Start Review… ({due} due)" if due else "&Start Review…"
        )
        here = self.controller.due_count(self.controller.document.id) if due else 0
        self._actions.action("review-this-text").setText(
            f"Review &This Text… ({here} due)" if here else "Review &This Text…"
        )
        return due

    # ----- sittings ---------------------------------------------------------------------

    def start(self) -> None:
        """Review > Start Review: a sitting of the cards due now, of every text."""
        self._start(None)

    def start_this_text(self) -> None:
        """Review > Review This Text: only the open text's cards due now."""
        if self.controller is not None:
            self._start(self.controller.document.id)
        else:
            self._unavailable()

    def _start(self, text_id: str | None) -> None:
        from reader_app.ui.review_window import ReviewWindow

        if self._unavailable():
            return
        assert self.controller is not None
        if self.window is not None:
            self.window.close()
        self.window = ReviewWindow(self.controller.session(text_id), self._parent)
        self.window.answered.connect(self.update_due_count)
        self.window.open_requested.connect(self.open_in_text)
        self.window.show()

    def open_in_text(self, card: ReviewCard) -> None:
        """Show the card's passage (or glossary entry) in the main window, opening the
        card's text first when the window shows another."""
        if self.controller is None:
            return
        window = self._window
        other_text = card.text_id != window.document.id
        if other_text and self.controller.text_document(card.text_id) is None:
            title = card.snapshot.title or "another text"
            self._say(
                f"This card's text, “{title}”, is no longer in the library; "
                "add it again to see the passage."
            )
            return
        place = self.controller.place_of(card)
        if place is None:
            self._say("This card's passage cannot be found in the text any more.")
        elif place.entry_id is not None:
            window.term_lookup_requested.emit(place.entry_id)
        elif place.block_id is None:
            return
        elif other_text:
            library = getattr(window, "library", None)
            if library is None or not library.open_text(place.text_id):
                return  # the library has said why
            # After the text's own saved place, restored once its layout is done.
            QTimer.singleShot(0, lambda: self._show_passage(place))
        else:
            self._show_passage(place)
        window.raise_()
        window.activateWindow()

    def _show_passage(self, place: CardPlace) -> None:
        view = self._window.reading_view
        if place.block_id is None or place.text_id != self._window.document.id:
            return  # another text was opened meanwhile
        view.flash(place.block_id, place.start, place.end)
        view.setFocus()

    def _say(self, message: str) -> None:
        self._window.statusBar().showMessage(message, STATUS_MS)

    # ----- statistics, export, preferences ----------------------------------------------

    def show_statistics(self) -> None:
        from reader_app.ui.review_chart import ReviewStatistics

        if self._unavailable():
            return
        assert self.controller is not None
        if self.statistics is None:
            self.statistics = ReviewStatistics(self._parent)
        self.statistics.show_data(
            self.controller.forecast(),
            self.controller.weekly_retention(),
            self.update_due_count(),
            self._settings.get(DESIRED_RETENTION),
        )
        self.statistics.show()
        self.statistics.raise_()

    def export_cards(self) -> None:
        if self._unavailable():
            return
        assert self.controller is not None
        path, chosen = dialogs.save_file_path(
            self._parent,
            "Export Cards for Anki",
            str(Path.home() / "study-reader-cards.apkg"),
            list(CARD_FILTERS),
        )
        if not path:
            return
        typed = Path(path).suffix.lower().lstrip(".")  # a typed .csv or .apkg wins
        card_format = typed if typed in CARD_FILTERS.values() else CARD_FILTERS.get(chosen, "apkg")
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(f".{card_format}")
        try:
            count = self.controller.export_cards(target, card_format)
        except OSError as error:
            self._window.show_problem(
                f"The cards could not be written to {target}: {error.strerror or error}."
            )
            return
        if count is not None:
            cards = "card" if count == 1 else "cards"
            self._window.statusBar().showMessage(
                f"Exported {count} {cards} to {target}.", STATUS_MS
            )

    def _offer_retention(self) -> None:
        """Preferences shows a desired-retention row once review is there to use it."""
        if self.controller is None or self._preferences is not None:
            return
        dialog = self._window.show_preferences()
        if dialog is None:
            return
        self._preferences = dialog
        dialog.offer_retention(self._settings.get(DESIRED_RETENTION))
        dialog.retention_changed.connect(self.set_desired_retention)

    def set_desired_retention(self, value: float) -> None:
        self._settings.set(DESIRED_RETENTION, value)
        if self.controller is not None:
            self.controller.set_desired_retention(value)
