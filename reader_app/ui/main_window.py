"""The main window: a reading column in the centre, the glossary and notes as docks.

The window owns layout, menus and persistence of its own state. It knows nothing of how
the glossary or notes work: app.py hands it their panels and connects their signals.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QVBoxLayout, QWidget

from reader_app import APP_NAME, LICENSE, __version__
from reader_app.domain.text import Document
from reader_app.settings import (
    LINE_HEIGHT,
    MEASURE,
    READING_FAMILY,
    READING_POSITION,
    READING_SIZE,
    THEME,
    ZOOM_PERCENT,
    ZOOM_STEP_PERCENT,
    Settings,
)
from reader_app.ui import dialogs
from reader_app.ui.text_view import ReadingStyle, ReadingView, Span
from reader_app.ui.theme import HIGHLIGHT_COLOURS
from reader_app.ui.themes import theme_manager

if TYPE_CHECKING:  # the notes, glossary and dialog modules load after the first paint
    from PySide6.QtGui import QAction, QKeySequence

    from reader_app.domain.notes import Note
    from reader_app.models.notes_controller import NotesController
    from reader_app.storage.store import StoreOpenResult
    from reader_app.ui.find_bar import FindBar
    from reader_app.ui.glossary_pane import GlossaryPane
    from reader_app.ui.notes_panel import NotesPanel
    from reader_app.ui.preferences import PreferencesDialog
    from reader_app.ui.search_everything import SearchEverythingDialog

DEFAULT_SIZE = (1280, 800)

logger = logging.getLogger(__name__)


def typed_keys(sequences: list[QKeySequence]) -> list[str]:
    """Key combinations a reader types, leaving out dedicated keys ("Find", "Zoom In") that
    most keyboards lack; at most two, as menus show them."""
    from PySide6.QtGui import QKeySequence

    shown = []
    for sequence in sequences:
        text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        if "+" in text or re.fullmatch(r"F\d+|Esc|Del|Enter", text):
            shown.append(text)
    return shown[:2]


class MainWindow(QMainWindow):
    term_lookup_requested = Signal(str)  # glossary entry id under the caret
    panels_ready = Signal()  # the glossary and notes panels are attached

    def __init__(
        self,
        document: Document,
        settings: Settings,
        *,
        persist_state: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"{document.display_title} — {APP_NAME}")
        self._document = document
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
            style=self.saved_reading_style(),
            zoom_percent=settings.get(ZOOM_PERCENT),
        )
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.reading_view, 1)
        self._central_layout = central_layout
        self._find_bar: FindBar | None = None
        self.setCentralWidget(central)
        self._search_everything: SearchEverythingDialog | None = None

        self.glossary_pane: GlossaryPane | None = None
        self.notes_panel: NotesPanel | None = None
        self.notes_controller: NotesController | None = None
        self.notes_store: StoreOpenResult | None = None
        self.glossary_headwords: dict[str, str] = {}
        self._focus_editor_on_create = False  # set while an action that wants the editor runs
        self._preferences: PreferencesDialog | None = None
        self.glossary_dock = self._make_dock("Glossary", "glossaryDock", self._loading("glossary"))
        self.notes_dock = self._make_dock("Notes", "notesDock", self._loading("notes"))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.glossary_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes_dock)
        self.resizeDocks(
            [self.glossary_dock, self.notes_dock], [300, 320], Qt.Orientation.Horizontal
        )
        self._default_layout = self.saveState()

        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Status")
        self.statusBar().addWidget(self.status_label, 1)
        self.progress_label = QLabel(self)
        self.progress_label.setAccessibleName("Reading progress")
        self.statusBar().addPermanentWidget(self.progress_label)
        self.zoom_label = QLabel(self)
        self.zoom_label.setAccessibleName("Zoom level")
        self.statusBar().addPermanentWidget(self.zoom_label)

        self._build_menu_bar()
        self.reading_view.zoom_changed.connect(self._on_zoom_changed)
        self.reading_view.verticalScrollBar().valueChanged.connect(self._update_progress)
        self.reading_view.verticalScrollBar().rangeChanged.connect(self._update_progress)
        self._restore_state()
        self.show_status(
            f"{len(document.body_blocks())} paragraphs · {document.author}, {document.year}"
        )

    # ----- construction ----------------------------------------------------------------

    def _loading(self, what: str) -> QLabel:
        label = QLabel(f"Opening the {what}…", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setEnabled(False)
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

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, QKeySequence.StandardKey):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menu_bar(self) -> None:
        """The menus' titles, which the first paint shows; add_menu_actions fills them."""
        bar = self.menuBar()
        self.file_menu: QMenu = bar.addMenu("&File")
        self.edit_menu: QMenu = bar.addMenu("&Edit")
        self.view_menu: QMenu = bar.addMenu("&View")
        self.notes_menu: QMenu = bar.addMenu("&Notes")
        self.help_menu: QMenu = bar.addMenu("&Help")

    def add_menu_actions(self) -> None:
        """The menus' actions and their shortcuts, built just after the first paint (see
        app.complete_window): they are out of sight in closed menus, and QAction and
        QKeySequence cost PySide about 80 enum members to set up."""
        from PySide6.QtGui import QAction, QKeySequence

        self.export_action = self._action("&Export Notes…", self._export_notes, "Ctrl+Shift+E")
        self.import_action = self._action("&Import Notes…", self._import_notes, "Ctrl+Shift+I")
        self.file_menu.addActions([self.export_action, self.import_action])
        self.file_menu.addSeparator()
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        if not self.quit_action.shortcuts():  # some desktops define no standard Quit key
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.file_menu.addAction(self.quit_action)

        self.copy_action = self._action(
            "&Copy", self.reading_view.copy, QKeySequence.StandardKey.Copy
        )
        self.select_all_action = self._action(
            "Select &All", self.reading_view.selectAll, QKeySequence.StandardKey.SelectAll
        )
        self.edit_menu.addActions([self.copy_action, self.select_all_action])
        self.copy_citation_anchor = self.edit_menu.addSeparator()
        self.find_action = self._action(
            "&Find…", self._open_find_bar, QKeySequence.StandardKey.Find
        )
        self.find_next_action = self._action(
            "Find &Next", self._find_next, QKeySequence.StandardKey.FindNext
        )
        self.find_previous_action = self._action(
            "Find Pre&vious", self._find_previous, QKeySequence.StandardKey.FindPrevious
        )
        self.search_everything_action = self._action(
            "&Search Everything…", self.show_search_everything, "Ctrl+Shift+F"
        )
        self.edit_menu.addActions(
            [
                self.find_action,
                self.find_next_action,
                self.find_previous_action,
                self.search_everything_action,
            ]
        )
        self.edit_menu.addSeparator()
        self.preferences_action = self._action(
            "&Preferences…", self.show_preferences, QKeySequence.StandardKey.Preferences
        )
        if not self.preferences_action.shortcuts():
            self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.edit_menu.addSeparator()
        self.look_up_action = self._action("&Look Up in Glossary", self.look_up_at_caret, "Ctrl+D")
        self.look_up_action.setStatusTip("Open the glossary entry for the marked term at the caret")
        self.edit_menu.addAction(self.look_up_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.preferences_action)

        self.zoom_in_action = self._action(
            "Zoom &In", self.zoom_in, QKeySequence.StandardKey.ZoomIn
        )
        self.zoom_out_action = self._action(
            "Zoom &Out", self.zoom_out, QKeySequence.StandardKey.ZoomOut
        )
        self.zoom_reset_action = self._action("&Actual Size", self.zoom_reset, "Ctrl+0")
        self.view_menu.addActions(
            [self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action]
        )
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.glossary_dock.toggleViewAction())
        self.view_menu.addAction(self.notes_dock.toggleViewAction())
        self.restore_layout_action = self._action(
            "&Restore Default Layout", self.restore_default_layout
        )
        self.view_menu.addAction(self.restore_layout_action)
        self.full_screen_action = self._action(
            "&Full Screen", self._toggle_full_screen, QKeySequence.StandardKey.FullScreen
        )
        self.full_screen_action.setCheckable(True)
        self.view_menu.addAction(self.full_screen_action)
        self.view_menu.addSeparator()
        self.go_to_action = self._action("&Go to Paragraph…", self.go_to_paragraph, "Ctrl+J")
        self.next_pane_action = self._action("Next &Pane", lambda: self.cycle_focus(1), "F6")
        self.previous_pane_action = self._action(
            "Previous Pa&ne", lambda: self.cycle_focus(-1), "Shift+F6"
        )
        self.view_menu.addActions(
            [self.go_to_action, self.next_pane_action, self.previous_pane_action]
        )

        self.add_note_action = self._action(
            "&Add Note to Selection",
            lambda: self._highlight_selection(with_note=True),
            "Ctrl+Shift+N",
        )
        self.highlight_action = self._action(
            "&Highlight Selection",
            lambda: self._highlight_selection(with_note=False),
            "Ctrl+Shift+H",
        )
        self.colour_menu = QMenu("Highlight in &Colour", self)
        for colour in HIGHLIGHT_COLOURS:
            action = self._action(
                colour.capitalize(),
                lambda _=False, c=colour: self._highlight_selection(with_note=False, colour=c),
            )
            self.colour_menu.addAction(action)
        self.free_note_action = self._action(
            "New &Free Note", self._new_free_note, QKeySequence.StandardKey.New
        )
        self.entry_note_action = self._action("Note on Glossary &Entry", self._note_on_entry)
        self.delete_note_action = self._action(
            "&Delete Note", self._delete_current_note, "Ctrl+Shift+Del"
        )
        self.notes_menu.addActions([self.add_note_action, self.highlight_action])
        self.notes_menu.addMenu(self.colour_menu)
        self.notes_menu.addSeparator()
        self.notes_menu.addActions([self.free_note_action, self.entry_note_action])
        self.notes_menu.addSeparator()
        self.notes_menu.addAction(self.delete_note_action)
        self.reading_view.context_actions = [
            self.add_note_action,
            self.highlight_action,
            self.look_up_action,
        ]
        self._notes_actions = [
            self.add_note_action,
            self.highlight_action,
            self.free_note_action,
            self.entry_note_action,
            self.delete_note_action,
            self.import_action,
        ]
        self.colour_menu.setEnabled(False)
        for action in (*self._notes_actions, self.export_action):
            action.setEnabled(False)

        self.about_action = self._action(f"&About {APP_NAME}", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_text_action = self._action("About This &Text", self.show_about_text)
        self.shortcuts_action = self._action(
            "&Keyboard Shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents
        )
        self.help_menu.addActions([self.about_text_action, self.shortcuts_action])
        self.help_menu.addSeparator()
        self.help_menu.addAction(self.about_action)
        self.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])

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
        self._settings.set(ZOOM_PERCENT, self.reading_view.zoom_percent)
        self._settings.set(READING_POSITION, self.reading_view.top_position())
        self._settings.sync()

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
        super().closeEvent(event)
        if self.notes_panel is not None:
            self.notes_panel.blockSignals(
                True
            )  # late focus-out saves must not reach a closed store
        if self.notes_store is not None:
            self.notes_store.close()  # releases the database and the single-instance lock
            self.notes_store = None

    def restore_default_layout(self) -> None:
        self.restoreState(self._default_layout)
        self.glossary_dock.show()
        self.notes_dock.show()

    # ----- actions ---------------------------------------------------------------------

    def zoom_in(self) -> None:
        self.reading_view.set_zoom_percent(self.reading_view.zoom_percent + ZOOM_STEP_PERCENT)

    def zoom_out(self) -> None:
        self.reading_view.set_zoom_percent(self.reading_view.zoom_percent - ZOOM_STEP_PERCENT)

    def zoom_reset(self) -> None:
        self.reading_view.set_zoom_percent(ZOOM_PERCENT.default)

    def look_up_at_caret(self) -> None:
        for layer, span in self.reading_view.spans_at_caret():
            if layer == "terms":
                self.term_lookup_requested.emit(span.key)
                return
        self.statusBar().showMessage("No glossary term at the caret.", 4000)

    def _on_zoom_changed(self, percent: int) -> None:
        self.zoom_label.setText(f"{percent}%")

    def _toggle_full_screen(self, checked: bool) -> None:
        self.showFullScreen() if checked else self.showNormal()

    def saved_reading_style(self) -> ReadingStyle:
        return ReadingStyle(
            family=self._settings.get(READING_FAMILY),
            point_size=self._settings.get(READING_SIZE),
            line_height=self._settings.get(LINE_HEIGHT),
            measure=self._settings.get(MEASURE),
        )

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
        self._settings.set(READING_FAMILY, style.family)
        self._settings.set(READING_SIZE, style.point_size)
        self._settings.set(LINE_HEIGHT, style.line_height)
        self._settings.set(MEASURE, style.measure)

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

    def _open_find_bar(self) -> None:
        self.find_bar.open_bar()

    def _find_next(self) -> None:
        if self.find_bar.isHidden():
            self.find_bar.open_bar()
        self.find_bar.find_next()

    def _find_previous(self) -> None:
        if self.find_bar.isHidden():
            self.find_bar.open_bar()
        self.find_bar.find_previous()

    def show_search_everything(self) -> SearchEverythingDialog | None:
        from reader_app.ui.search_everything import SearchEverythingDialog

        if self._search_everything is None:
            if self.glossary_pane is None:  # still opening, a fraction of a second after start
                return None
            repository = self.notes_controller.repository if self.notes_controller else None
            dialog = SearchEverythingDialog(
                self._document, self.glossary_pane.glossary, repository, self
            )
            dialog.text_chosen.connect(self.reading_view.flash)
            dialog.entry_chosen.connect(self.term_lookup_requested)
            dialog.note_chosen.connect(self._show_note_everywhere)
            self._search_everything = dialog
        self._search_everything.show()
        self._search_everything.raise_()
        self._search_everything.edit.setFocus()
        self._search_everything.edit.selectAll()
        return self._search_everything

    def _show_note_everywhere(self, note_id: str) -> None:
        if self.notes_panel is not None:
            self.notes_dock.show()
            self.notes_panel.select_note(note_id)
        self.show_note_in_text(note_id)

    def go_to_paragraph(self) -> None:
        numbers = [block.number for block in self._document.body_blocks()]
        current = self.current_paragraph()
        chosen = dialogs.ask_number(
            self,
            "Go to Paragraph",
            f"Paragraph (¶{numbers[0]}–¶{numbers[-1]}):",
            current or numbers[0],
            numbers[0],
            numbers[-1],
        )
        if chosen is not None:
            self.scroll_to_paragraph(chosen)

    def scroll_to_paragraph(self, number: int) -> None:
        block = next(b for b in self._document.body_blocks() if b.number == number)
        self.reading_view.scroll_to_block(block.id)
        cursor = self.reading_view.textCursor()
        cursor.setPosition(self.reading_view.document_position(block.id, 0))
        self.reading_view.setTextCursor(cursor)

    def current_paragraph(self) -> int | None:
        """The numbered paragraph at the top of the view (the last one begun above it)."""
        located = self.reading_view.locate(self.reading_view.top_position())
        numbered = [b for b in self._document.body_blocks()]
        if located is None:
            top = self.reading_view.top_position()
            before = [b for b in numbered if self.reading_view.text_block(b.id).position() <= top]
            return before[-1].number if before else None
        block = located[0]
        if block.number is not None:
            return block.number
        index = self._document.block_index(block.id)
        before = [b for b in numbered if self._document.block_index(b.id) <= index]
        return before[-1].number if before else None

    def _update_progress(self) -> None:
        bar = self.reading_view.verticalScrollBar()
        percent = 100 if bar.maximum() == 0 else round(100 * bar.value() / bar.maximum())
        paragraph = self.current_paragraph()
        where = (
            f"¶{paragraph} of {len(self._document.body_blocks())}" if paragraph else "Introduction"
        )
        self.progress_label.setText(f"{where} · {percent}% read")

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
        dialogs.show_about(self, "About This Text", self.about_text_html())

    def about_text_html(self) -> str:
        doc = self._document
        from html import escape as esc  # loads only when shown

        provenance = doc.provenance
        rows = [
            ("Title", doc.title),
            ("Author", doc.author),
            ("Year", str(doc.year)),
            ("Written for", provenance.get("written_for", "")),
            ("This extract", provenance.get("chapter", "")),
            ("Translation", provenance.get("translation", "")),
            ("Source of this version", provenance.get("extract_source", "")),
            ("The editor’s introduction", provenance.get("editor_intro", "")),
            ("A note on the introduction", provenance.get("historians_note", "")),
            ("The ellipses", provenance.get("ellipses", "")),
            ("Citing this text", provenance.get("citing", "")),
        ]
        parts = [f"<h3>{esc(doc.display_title)}</h3>"]
        parts += [f"<p><b>{esc(label)}.</b> {esc(value)}</p>" for label, value in rows if value]
        for label, key in (("Full text", "full_text_url"), ("This extract online", "extract_url")):
            url = provenance.get(key, "")
            if url.startswith(("https://", "http://")):
                parts.append(
                    f'<p><b>{label}:</b> <a href="{esc(url, quote=True)}">{esc(url)}</a></p>'
                )
        return "".join(parts)

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(menu, action, keys) for every action that has a shortcut, in menu order."""
        rows = []
        for menu in (
            self.file_menu,
            self.edit_menu,
            self.view_menu,
            self.notes_menu,
            self.help_menu,
        ):
            for action in menu.actions():
                keys = ", ".join(typed_keys(action.shortcuts()))
                if keys and action.text():
                    rows.append(
                        (menu.title().replace("&", ""), action.text().replace("&", ""), keys)
                    )
        rows += [
            ("Glossary", "Back / Forward in the glossary", "Alt+Left, Alt+Right"),
            ("Find bar", "Next / previous match, close", "Enter, Shift+Enter, Escape"),
        ]
        return rows

    def show_shortcuts(self) -> None:
        from html import escape as esc  # loads only when shown

        body = "".join(
            f"<tr><td>{esc(menu)}</td><td>{esc(action)}</td><td><b>{esc(keys)}</b></td></tr>"
            for menu, action, keys in self.shortcut_rows()
        )
        dialogs.show_about(
            self,
            "Keyboard Shortcuts",
            f"<table cellspacing='6'><tr><th align='left'>Menu</th><th align='left'>Action</th>"
            f"<th align='left'>Keys</th></tr>{body}</table>",
        )

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def about_html(self) -> str:
        doc = self._document
        from html import escape as esc  # loads only when shown

        provenance = doc.provenance
        parts = [
            f"<h3>{esc(APP_NAME)} {esc(__version__)}</h3>",
            "<p>An offline study reader: the text, a sourced glossary, and your notes, kept on "
            "this computer.</p>",
            f"<p>License: {esc(LICENSE)}. "
            "Reading face: Noto Serif (SIL Open Font License 1.1).</p>",
            f"<p><b>The text.</b> {esc(doc.author)}, <i>{esc(doc.title)}</i> ({doc.year}), "
            "an extract in English translation.</p>",
        ]
        for key in ("editor_intro", "extract_source", "ellipses"):
            if key in provenance:
                parts.append(f"<p>{esc(provenance[key])}</p>")
        url = provenance.get("full_text_url", "")
        if url.startswith(("https://", "http://")):
            parts.append(f'<p>Full text: <a href="{esc(url, quote=True)}">{esc(url)}</a></p>')
        return "".join(parts)

    def show_about(self) -> None:
        dialogs.show_about(self, f"About {APP_NAME}", self.about_html())

    # ----- notes ------------------------------------------------------------------------

    def attach_notes(
        self, panel: NotesPanel, controller: NotesController | None, store: StoreOpenResult
    ) -> None:
        """Give the window its notes: panel always, controller when the notes could be opened."""
        from PySide6.QtGui import QKeySequence

        self.notes_store = store
        self.notes_panel = panel
        self.notes_controller = controller
        self.notes_dock.setWidget(panel)
        if self.glossary_pane is not None:
            self.glossary_pane.offer_notes(self.entry_note_action)
        if controller is None:
            self.show_status("Notes are unavailable; the text and glossary work as usual.")
            return
        writable = not controller.repository.read_only
        for action in self._notes_actions:
            action.setEnabled(writable)
        self.colour_menu.setEnabled(writable)
        self.export_action.setEnabled(True)
        self.undo_action = controller.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = controller.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(QKeySequence.StandardKey.Redo)
        first = self.edit_menu.actions()[0]
        self.edit_menu.insertActions(first, [self.undo_action, self.redo_action])
        self.edit_menu.insertSeparator(first)
        controller.failed.connect(self.show_problem)
        controller.note_created.connect(self._on_note_created)
        controller.note_restored.connect(panel.select_note)
        controller.saved.connect(lambda _note: self._update_notes_status("saved"))
        controller.save_failed.connect(lambda _id, _m: self._update_notes_status("not saved"))
        panel.save_requested.connect(controller.save)
        controller.saved.connect(panel.mark_saved)
        controller.save_failed.connect(panel.mark_save_failed)
        panel.colour_requested.connect(controller.set_colour_named)
        panel.delete_requested.connect(controller.delete)
        panel.new_free_note_requested.connect(self._new_free_note)
        panel.reattach_requested.connect(self._reattach)
        panel.note_activated.connect(self.show_note_in_text)
        self.reading_view.span_clicked.connect(self._on_span_clicked)
        panel.model.signals.changed.connect(self.refresh_notes)
        self.refresh_notes()

    def refresh_notes(self) -> None:
        """Highlights, tag lists and counts follow every stored change."""
        from reader_app.domain.bidi import isolate
        from reader_app.storage.notes_repo import HIGHLIGHT_PREVIEW_CHARS

        if self.notes_controller is None or self.notes_panel is None:
            return
        repository = self.notes_controller.repository
        view = self.reading_view
        spans = []
        for highlight in repository.highlights():
            preview = highlight.preview.strip() or "(highlight without a note)"
            if len(preview) >= HIGHLIGHT_PREVIEW_CHARS:
                preview = preview[: HIGHLIGHT_PREVIEW_CHARS - 1] + "…"
            spans.append(
                Span(
                    view.document_position(highlight.block_id, highlight.start),
                    view.document_position(highlight.block_id, highlight.end),
                    f"highlight:{highlight.colour or 'yellow'}",
                    key=highlight.note_id,
                    tooltip=isolate(preview),
                )
            )
        view.set_marks("highlights", spans)
        self.notes_panel.set_known_tags(repository.tag_counts())
        self._update_notes_status("saved")

    def _update_notes_status(self, state: str) -> None:
        if self.notes_controller is None:
            return
        counts = self.notes_controller.repository.counts()
        parts = [f"{counts.total} {'note' if counts.total == 1 else 'notes'}"]
        if counts.detached:
            parts.append(f"{counts.detached} detached")
        if self.notes_controller.repository.read_only:
            parts.append("read-only")
        else:
            parts.append(state)
        self.show_status(" · ".join(parts))

    def receive_files(self, paths: list[str]) -> None:
        """Files this launch was given, or a later launch handed over (single_instance.py):
        the window comes forward. Opening the user's own files needs the library, which
        does not exist yet, so the reader is told so in plain words, never shown a pretence."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        if not paths:
            return
        names = ", ".join(Path(path).name for path in paths)
        dialogs.show_notice(
            self,
            "Cannot open files yet",
            f"{APP_NAME} cannot open your own files yet: {names}\n\n"
            "This version reads only the text it comes with. Opening EPUB, Markdown, "
            "text and HTML files arrives with the library, in a later version.",
        )

    def show_problem(self, message: str) -> None:
        """A problem the user can act on: in the status bar, and in a dialog so it is seen."""
        self.statusBar().showMessage(message, 10000)
        dialogs.show_error(self, "Study Reader", message)

    def _highlight_selection(self, *, with_note: bool, colour: str = "yellow") -> Note | None:
        from reader_app.domain.notes import Colour

        if self.notes_controller is None:
            return None
        selected = self.reading_view.selected_range()
        if selected is None:
            self.statusBar().showMessage("Select some words within one paragraph first.", 6000)
            return None
        self._focus_editor_on_create = with_note
        note = self.notes_controller.add_passage_note(*selected, Colour(colour))
        self._focus_editor_on_create = False
        if note is not None:
            cursor = self.reading_view.textCursor()
            cursor.clearSelection()
            self.reading_view.setTextCursor(cursor)
        return note

    def _new_free_note(self) -> None:
        if self.notes_controller is not None:
            self._focus_editor_on_create = True
            self.notes_controller.add_free_note()
            self._focus_editor_on_create = False

    def _note_on_entry(self) -> None:
        entry_id = getattr(self.glossary_pane, "current_entry_id", None)
        if self.notes_controller is None:
            return
        if not entry_id:
            self.statusBar().showMessage("Open a glossary entry first.", 6000)
            return
        self._focus_editor_on_create = True
        self.notes_controller.add_glossary_note(entry_id)
        self._focus_editor_on_create = False

    def _on_note_created(self, note_id: str) -> None:
        if self.notes_panel is None:
            return
        self.notes_dock.show()
        self.notes_dock.raise_()
        self.notes_panel.select_note(note_id, focus_editor=self._focus_editor_on_create)

    def _delete_current_note(self) -> None:
        if self.notes_panel is not None and self.notes_controller is not None:
            note_id = self.notes_panel.current_note_id()
            if note_id:
                self.notes_controller.delete(note_id)

    def _reattach(self, note_id: str) -> None:
        selected = self.reading_view.selected_range()
        if selected is None or self.notes_controller is None:
            self.show_problem(
                "Select the passage in the text where the note belongs, then choose Reattach."
            )
            return
        self.notes_controller.reattach(note_id, *selected)

    def _on_span_clicked(self, layer: str, key: str) -> None:
        if layer == "highlights" and self.notes_panel is not None:
            self.notes_dock.show()
            self.notes_dock.raise_()
            self.notes_panel.select_note(key)

    def show_note_in_text(self, note_id: str) -> None:
        from reader_app.domain.notes import NoteKind

        if self.notes_controller is None:
            return
        note = self.notes_controller.repository.get(note_id)
        if note is None:
            return
        if note.kind is NoteKind.GLOSSARY and note.glossary_entry_id:
            self.term_lookup_requested.emit(note.glossary_entry_id)
            return
        placement = note.placement
        if note.is_detached or placement is None or placement.block_id is None:
            return
        view = self.reading_view
        view.scroll_to_position(
            view.document_position(placement.block_id, placement.start),
            margin=view.viewport().height() / 3,
        )

    def _export_notes(self) -> None:
        if self.notes_controller is None:
            return
        filters = {
            "Markdown (*.md)": ("markdown", ".md"),
            "Web Annotation JSON-LD (*.json)": ("json", ".json"),
            "CSV spreadsheet (*.csv)": ("csv", ".csv"),
        }
        path, chosen = dialogs.save_file_path(
            self, "Export Notes", str(Path.home() / "study-reader-notes.md"), list(filters)
        )
        if not path:
            return
        fmt, suffix = filters.get(chosen, ("markdown", ".md"))
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(suffix)
        try:
            count = self.notes_controller.export_to(target, fmt, self.glossary_headwords)
        except OSError as error:
            self.show_problem(
                f"The notes could not be written to {target}: {error.strerror or error}."
            )
            return
        self.statusBar().showMessage(f"Exported {count} notes to {target}.", 8000)

    def _import_notes(self) -> None:
        if self.notes_controller is None:
            return
        path = dialogs.open_file_path(
            self, "Import Notes", ["Web Annotation JSON (*.json *.jsonld)", "All files (*)"]
        )
        if not path:
            return
        if self.notes_panel is not None:
            self.notes_panel.flush()  # words being typed are local edits the merge must see
        report = self.notes_controller.import_from(Path(path))
        if report is not None:
            self.statusBar().showMessage(
                f"Imported: {report.added} new, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.detached} detached.",
                10000,
            )
