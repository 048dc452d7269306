"""The main window: a reading column in the centre, the glossary and notes as docks.

The window owns layout, menus and persistence of its own state. It knows nothing of how
the glossary or notes work: app.py hands it their panels and connects their signals.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QWidget

from reader_app import APP_NAME, LICENSE, __version__
from reader_app.domain.text import Document
from reader_app.settings import READING_POSITION, ZOOM_PERCENT, ZOOM_STEP_PERCENT, Settings
from reader_app.ui import dialogs
from reader_app.ui.text_view import ReadingView

DEFAULT_SIZE = (1280, 800)


class MainWindow(QMainWindow):
    term_lookup_requested = Signal(str)  # glossary entry id under the caret

    def __init__(
        self,
        document: Document,
        settings: Settings,
        glossary_panel: QWidget,
        notes_panel: QWidget,
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

        self.reading_view = ReadingView(document, self)
        self.setCentralWidget(self.reading_view)

        self.glossary_pane = glossary_panel
        self.glossary_dock = self._make_dock("Glossary", "glossaryDock", glossary_panel)
        self.notes_dock = self._make_dock("Notes", "notesDock", notes_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.glossary_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes_dock)
        self.resizeDocks(
            [self.glossary_dock, self.notes_dock], [300, 320], Qt.Orientation.Horizontal
        )
        self._default_layout = self.saveState()

        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Status")
        self.statusBar().addWidget(self.status_label, 1)
        self.zoom_label = QLabel(self)
        self.zoom_label.setAccessibleName("Zoom level")
        self.statusBar().addPermanentWidget(self.zoom_label)

        self._build_menus()
        self.reading_view.zoom_changed.connect(self._on_zoom_changed)
        self._restore_state()
        self.show_status(
            f"{len(document.body_blocks())} paragraphs · {document.author}, {document.year}"
        )

    # ----- construction ----------------------------------------------------------------

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
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, QKeySequence.StandardKey):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu: QMenu = bar.addMenu("&File")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.file_menu.addAction(self.quit_action)

        self.edit_menu: QMenu = bar.addMenu("&Edit")
        self.copy_action = self._action(
            "&Copy", self.reading_view.copy, QKeySequence.StandardKey.Copy
        )
        self.select_all_action = self._action(
            "Select &All", self.reading_view.selectAll, QKeySequence.StandardKey.SelectAll
        )
        self.edit_menu.addActions([self.copy_action, self.select_all_action])
        self.edit_menu.addSeparator()
        self.look_up_action = self._action("&Look Up in Glossary", self.look_up_at_caret, "Ctrl+D")
        self.look_up_action.setStatusTip("Open the glossary entry for the marked term at the caret")
        self.edit_menu.addAction(self.look_up_action)

        self.view_menu: QMenu = bar.addMenu("&View")
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

        self.help_menu: QMenu = bar.addMenu("&Help")
        self.about_action = self._action(f"&About {APP_NAME}", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.help_menu.addAction(self.about_action)
        self.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])

    # ----- state -----------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry, layout = self._settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        if layout is not None:
            self.restoreState(layout)
        self.reading_view.set_zoom_percent(self._settings.get(ZOOM_PERCENT))
        self._on_zoom_changed(self.reading_view.zoom_percent)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._position_restored:
            self._position_restored = True
            # After the first layout pass, when line positions are known.
            QTimer.singleShot(0, self._restore_reading_position)

    def _restore_reading_position(self) -> None:
        self.reading_view.scroll_to_position(self._settings.get(READING_POSITION))

    def save_state(self) -> None:
        if not self._persist_state:
            return
        self._settings.save_window_state(self.saveGeometry(), self.saveState())
        self._settings.set(ZOOM_PERCENT, self.reading_view.zoom_percent)
        self._settings.set(READING_POSITION, self.reading_view.top_position())
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)

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

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def about_html(self) -> str:
        doc = self._document
        esc = html.escape
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
