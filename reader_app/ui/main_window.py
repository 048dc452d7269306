"""The main window, a shell: a reading column in the centre, the glossary and notes as docks.

The window owns the layout, the status bar and the persistence of its own state, and the
commands that move around the text. Its menus are filled from the table in ui/actions.py;
the notes are wired by ui/notes_coordinator.py and the Help pages built by ui/about.py.
It knows nothing of how the glossary or notes work: app.py hands it their panels.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QVBoxLayout, QWidget

from reader_app import APP_NAME
from reader_app.domain.text import DEFAULT_TEXT_ID, Document
from reader_app.settings import READING_POSITION, THEME, ZOOM_PERCENT, Settings
from reader_app.ui import dialogs, paragraphs
from reader_app.ui.dock_widths import DockWidths
from reader_app.ui.menus import build_menu_bar
from reader_app.ui.text_view import ReadingStyle, ReadingView
from reader_app.ui.themes import theme_manager

if TYPE_CHECKING:  # the notes, glossary and dialog modules load after the first paint
    from collections.abc import Callable

    from PySide6.QtGui import QAction

    from reader_app.models.notes_controller import NotesController
    from reader_app.models.search_everything import EverythingSearch
    from reader_app.ui.actions import ActionRegistry
    from reader_app.ui.find_bar import FindBar
    from reader_app.ui.glossary_pane import GlossaryPane
    from reader_app.ui.notes_coordinator import NotesCoordinator
    from reader_app.ui.notes_panel import NotesPanel
    from reader_app.ui.preferences import PreferencesDialog
    from reader_app.ui.search_everything import SearchEverythingDialog

DEFAULT_SIZE = (1280, 800)

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    term_lookup_requested = Signal(str)  # glossary entry id under the caret
    panels_ready = Signal()  # the glossary and notes panels are attached
    saving_state = Signal()  # the window saves its state: the open text's place goes too

    def __init__(self, document: Document, settings: Settings, *, persist_state: bool = True):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"{document.display_title} — {APP_NAME}")
        self.document = document
        self._settings = settings
        self._persist_state = persist_state
        self._position_restored = False
        self._ending_session = False  # quitting for a signal: no question can be answered

        # The saved theme, style and zoom go in before the text is built, so that it is built
        # in its final look instead of being restyled before the first paint.
        theme_manager().apply(settings.get(THEME))
        self.reading_view = ReadingView(
            document,
            self,
            style=ReadingStyle.saved(settings),
            zoom_percent=settings.get(ZOOM_PERCENT),
        )
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.reading_view, 1)
        # The docks give way before the text does: in a small window the Library and Notes
        # left it a sliver, one letter a line.
        self.reading_view.setMinimumWidth(
            self.reading_view.fontMetrics().horizontalAdvance("x" * 30)
        )
        self._central_layout = central_layout
        self._find_bar: FindBar | None = None
        self.setCentralWidget(central)
        self.search_everything: SearchEverythingDialog | None = None  # made on first use
        self.everything: EverythingSearch | None = None  # the library's part, with the notes

        self.glossary_pane: GlossaryPane | None = None
        self.notes: NotesCoordinator | None = None  # built with the menus' actions
        self._close_notes: Callable[[], None] | None = None
        self.glossary_headwords: dict[str, str] = {}
        self._preferences: PreferencesDialog | None = None
        self.glossary_dock = self._make_dock("Glossary", "glossaryDock", self._loading("glossary"))
        self.notes_dock = self._make_dock("Notes", "notesDock", self._loading("notes"))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.glossary_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes_dock)
        usual = {self.glossary_dock: 300, self.notes_dock: 320}
        self.resizeDocks([*usual], [*usual.values()], Qt.Orientation.Horizontal)
        self.dock_widths = DockWidths(self, usual)
        self._default_layout = self.saveState()

        self.status_label = self._status_field("Status", stretch=1)
        self.progress_label = self._status_field("Reading progress")
        self.zoom_label = self._status_field("Zoom level")

        self._menus = build_menu_bar(self.menuBar())  # titles now, actions after the paint
        self.actions_table: ActionRegistry  # made with the actions, in add_menu_actions
        self.reading_view.zoom_changed.connect(self._on_zoom_changed)
        self.reading_view.verticalScrollBar().valueChanged.connect(self._update_progress)
        self.reading_view.verticalScrollBar().rangeChanged.connect(self._update_progress)
        self._restore_state()
        self.show_status(f"{len(document.body_blocks())} paragraphs · {document.author}")

    def _loading(self, what: str) -> QLabel:
        label = QLabel(f"Opening the {what}…", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setEnabled(False)
        return label

    def _status_field(self, name: str, *, stretch: int = 0) -> QLabel:
        """The status bar's message (stretching) or one of its permanent fields at the right."""
        label = QLabel(self)
        label.setAccessibleName(name)
        if stretch:
            self.statusBar().addWidget(label, stretch)
        else:
            self.statusBar().addPermanentWidget(label)
        return label

    def attach_glossary(self, pane: GlossaryPane) -> None:
        self.glossary_pane = pane
        self.glossary_dock.setWidget(pane)
        self.glossary_headwords = {entry.id: entry.headword for entry in pane.glossary.entries}

    def _make_dock(self, title: str, name: str, panel: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(panel)
        dock.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        dock.toggleViewAction().setText(f"{title} Pane")
        return dock

    def add_menu_actions(self) -> None:
        """The menus' actions and their shortcuts, built just after the first paint (see
        app.complete_window): they are out of sight in closed menus, and QAction and
        QKeySequence cost PySide about 80 enum members to set up."""
        from reader_app.ui.actions import WINDOW_ACTIONS, ActionRegistry
        from reader_app.ui.notes_coordinator import NotesCoordinator

        self.actions_table = ActionRegistry(self._menus, self)

        self.actions_table.place(self.glossary_dock.toggleViewAction(), "view", "panes")
        self.actions_table.place(self.notes_dock.toggleViewAction(), "view", "panes")
        self.actions_table.add_all(WINDOW_ACTIONS, self)
        # Zoom keys work with the menu bar hidden (full screen) too.
        self.addActions([self.action(name) for name in ("zoom-in", "zoom-out", "zoom-reset")])
        self.reading_view.context_actions = self.actions_table.context_actions
        self.reading_view.notice.connect(self.show_status)  # a selection the window cut
        self.notes = NotesCoordinator(self, self, self.actions_table)

    def action(self, action_id: str) -> QAction:
        """A command of the window by its id in ui/actions.py (what tests and features use)."""
        return self.actions_table.action(action_id)

    # ----- state -----------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry, layout = self._settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        if layout is not None:
            self.restoreState(layout)
        self._on_zoom_changed(self.reading_view.zoom_percent)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._position_restored:
            self._position_restored = True
            # After the first layout pass, when line positions are known.
            QTimer.singleShot(0, self._restore_reading_position)

    def _restore_reading_position(self) -> None:
        position = self._settings.get(READING_POSITION)
        if position > 0:  # at the start, keep the page's top margin in view
            self.reading_view.scroll_to_position(position)

    def save_state(self) -> None:
        if not self._persist_state:
            return
        self._settings.save_window_state(self.saveGeometry(), self.saveState())
        if self.document.id == DEFAULT_TEXT_ID:  # other texts' places are in the library
            self._settings.set(ZOOM_PERCENT, self.reading_view.zoom_percent)
            self._settings.set(READING_POSITION, self.reading_view.top_position())
        self._settings.sync()
        self.saving_state.emit()

    def show_text(self, document: Document) -> None:
        """Show another text (the library's Open; ui/library_coordinator.py does the rest)."""
        self.document = document
        self.setWindowTitle(f"{document.display_title} — {APP_NAME}")
        self.reading_view.show_document(document)
        self._update_progress()

    def commit_data(self) -> None:
        """The session manager is about to log out: save the open note and the window now."""
        if self.notes_panel is not None:
            self.notes_panel.flush()
        self.save_state()

    def end_session(self) -> None:
        """Close for a signal (kill, a closed terminal, Ctrl+C): save, close, never ask."""
        self._ending_session = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.notes_panel is not None:
            self.notes_panel.flush()
            if self._ending_session and self.notes_panel.has_unsaved_changes():
                logger.error("Quitting for a signal with a note whose last changes failed to save")
            elif self.notes_panel.has_unsaved_changes() and dialogs.ask(
                self,
                "Unsaved note",
                "Your latest changes to a note could not be saved, and quitting now would "
                "lose them. Keep the window open to try again or copy them?",
                "Keep Window Open",
                "Quit Without Saving",
            ):
                event.ignore()
                return
        self.save_state()
        if self.search_everything is not None:  # a search typed a moment ago must not run
            self.search_everything.close()  # on notes about to close
        super().closeEvent(event)
        if self.notes_panel is not None:  # late focus-out saves must not reach a closed store
            self.notes_panel.blockSignals(True)
        if self._close_notes is not None:
            self._close_notes()  # releases the database and the single-instance lock
            self._close_notes = None

    def restore_default_layout(self) -> None:
        self.restoreState(self._default_layout)
        self.glossary_dock.show()
        self.notes_dock.show()

    def look_up_at_caret(self) -> None:
        for layer, span in self.reading_view.spans_at_caret():
            if layer == "terms":
                self.term_lookup_requested.emit(span.key)
                return
        self.statusBar().showMessage("No glossary term at the caret.", 4000)

    def _on_zoom_changed(self, percent: int) -> None:
        self.zoom_label.setText(f"{percent}%")

    def full_screen(self, checked: bool) -> None:
        self.showFullScreen() if checked else self.showNormal()

    def show_preferences(self) -> PreferencesDialog:
        from reader_app.ui.preferences import PreferencesDialog

        if self._preferences is None:
            self._preferences = PreferencesDialog(
                theme_manager().current, self.reading_view.reading_style, self
            )
            self._preferences.changed.connect(self.apply_preferences)
        self._preferences.show()
        self._preferences.raise_()
        return self._preferences

    def apply_preferences(self, theme: str, style: ReadingStyle) -> None:
        """Apply live and remember: the theme for the whole app, the style for the text."""
        theme_manager().apply(theme)
        self.reading_view.set_reading_style(style)
        self._settings.set(THEME, theme)
        style.save(self._settings)

    # ----- finding and moving around ------------------------------------------------------

    @property
    def find_bar(self) -> FindBar:
        """Built on first use: most sessions never open it, and start-up stays lean."""
        if self._find_bar is None:
            from reader_app.ui.find_bar import FindBar

            self._find_bar = FindBar(self.reading_view, self.centralWidget())
            self._find_bar.hide()
            self._central_layout.addWidget(self._find_bar)
        return self._find_bar

    def open_find_bar(self) -> None:
        self.find_bar.open_bar()

    def find_next(self) -> None:
        self._open_find_bar_if_hidden().find_next()

    def find_previous(self) -> None:
        self._open_find_bar_if_hidden().find_previous()

    def _open_find_bar_if_hidden(self) -> FindBar:
        if self.find_bar.isHidden():
            self.find_bar.open_bar()
        return self.find_bar

    def show_search_everything(self) -> SearchEverythingDialog | None:
        from reader_app.ui.search_everything import show_search_everything

        return show_search_everything(self, self)

    def go_to_paragraph(self) -> None:
        """Ctrl+J: ask for a paragraph number and move there."""
        numbers = [b.number for b in self.document.body_blocks() if b.number is not None]
        current = paragraphs.current_paragraph(self.reading_view, self.document)
        chosen = dialogs.ask_number(
            self,
            "Go to Paragraph",
            f"Paragraph (¶{numbers[0]}–¶{numbers[-1]}):",
            current or numbers[0],
            numbers[0],
            numbers[-1],
        )
        if chosen is not None:
            paragraphs.scroll_to_paragraph(self.reading_view, self.document, chosen)

    def _update_progress(self) -> None:
        self.progress_label.setText(paragraphs.progress_text(self.reading_view, self.document))

    def focus_areas(self) -> list[QWidget]:
        areas: list[QWidget] = [self.reading_view]
        if self.glossary_dock.isVisible() and self.glossary_pane is not None:
            areas.append(self.glossary_pane.filter_edit)
        if self.notes_dock.isVisible() and self.notes_panel is not None:
            areas.append(self.notes_panel.search_edit)
        return areas

    def cycle_focus(self, step: int) -> None:
        """F6 / Shift+F6: text, glossary, notes, as in other multi-pane applications."""
        areas = self.focus_areas()
        focused = self.focusWidget()
        current = 0
        for index, area in enumerate(areas):
            owner = area if index == 0 else area.parentWidget()
            if focused is not None and (focused is area or (owner and owner.isAncestorOf(focused))):
                current = index
        areas[(current + step) % len(areas)].setFocus(Qt.FocusReason.OtherFocusReason)

    def show_about_text(self) -> None:
        from reader_app.ui.about import about_text_html

        dialogs.show_about(self, "About This Text", about_text_html(self.document))

    def show_shortcuts(self) -> None:
        from reader_app.ui.about import shortcuts_html

        dialogs.show_about(
            self, "Keyboard Shortcuts", shortcuts_html(self.actions_table.shortcut_rows())
        )

    def show_about(self) -> None:
        from reader_app.ui.about import about_html

        dialogs.show_about(self, f"About {APP_NAME}", about_html(self.document))

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def attach_notes(
        self,
        panel: NotesPanel,
        controller: NotesController | None,
        close_notes: Callable[[], None],
    ) -> None:
        """Give the window its notes: panel always, controller when the notes could be opened;
        ``close_notes`` releases the database and its lock when the window closes."""
        assert self.notes is not None, "add_menu_actions builds the notes coordinator first"
        self._close_notes = close_notes
        self.notes_dock.setWidget(panel)
        self.notes.attach(panel, controller)

    @property
    def notes_panel(self) -> NotesPanel | None:
        return self.notes.panel if self.notes is not None else None

    @property
    def notes_controller(self) -> NotesController | None:
        return self.notes.controller if self.notes is not None else None

    def show_problem(self, message: str) -> None:
        """A problem the user can act on: in the status bar, and in a dialog so it is seen."""
        self.statusBar().showMessage(message, 10000)
        dialogs.show_error(self, "Study Reader", message)
