"""The library in the window: the Library and Contents panes, File > Add Text…, dropped
files, files from the command line or a later launch, and opening a text.

The window shows one text at a time. Opening another rebinds everything that belongs to a
text: the reading view, its notes (panel, controller, undo, highlights), the glossary (the
bundled glossary belongs to the bundled text only), citations, Contents, the title and the
status bar; the place and zoom of the text left are kept in the library and those of the
text opened restored. Every read and write goes through ``models/library_model.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget

from reader_app.domain.text import Document
from reader_app.models.library_model import LibraryController, LibraryModel, ReadingState
from reader_app.ui import library_dialogs, paragraphs
from reader_app.ui.actions import LIBRARY_ACTIONS
from reader_app.ui.library_dialogs import RemoveChoice
from reader_app.ui.library_pane import ContentsPane, LibraryPane

if TYPE_CHECKING:
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from reader_app.models.notes_controller import NotesController
    from reader_app.ui.main_window import MainWindow
    from reader_app.ui.personal_glossary import PersonalGlossaryCoordinator

STATUS_MS = 8000
LIBRARY_WIDTH = 560  # pixels: title, author, year, read, notes and last opened side by side


def local_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files being dropped (links to web pages and other things are not)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class LibraryCoordinator(QObject):
    text_opened = Signal(str)  # text id, once the window shows it

    def __init__(
        self,
        window: MainWindow,
        controller: LibraryController,
        personal_glossary: PersonalGlossaryCoordinator,
        *,
        saved_layout: QByteArray | None = None,
    ) -> None:
        """``personal_glossary`` shows each text's glossary (the reader's own entries, and
        the bundled ones for the bundled text); ``saved_layout``: the window's saved dock
        layout, applied again now that the Library and Contents docks exist (the window
        restored it before they did)."""
        super().__init__(window)
        self._window = window
        self.controller = controller
        self._personal_glossary = personal_glossary
        self.current_text_id = window.document.id
        self._store_notes: NotesController | None = window.notes_controller
        # Each text's notes controller, kept while the window is open: its undo history
        # survives opening another text and coming back.
        self._notes_by_text: dict[str, NotesController] = {}
        if self._store_notes is not None:
            self._notes_by_text[self.current_text_id] = self._store_notes
        self._failures: list[str] = []
        self._pending_place: ReadingState | None = None  # restored after the next layout
        self._arrived_at: int | None = None  # the view's top once it got to a restored place

        self.model = LibraryModel(controller.texts, self)
        self.pane = LibraryPane(self.model, window)
        self.contents = ContentsPane(window)
        self.library_dock = self._dock("Library", "libraryDock", self.pane)
        self.contents_dock = self._dock("Contents", "contentsDock", self.contents)
        self.contents_dock.hide()
        if saved_layout is not None:
            window.restoreState(saved_layout)

        self._name_tab_bars()

        table = window.actions_table
        table.add_all(LIBRARY_ACTIONS, self)
        table.place(self.library_dock.toggleViewAction(), "view", "panes")
        table.place(self.contents_dock.toggleViewAction(), "view", "panes")

        self.pane.open_requested.connect(self.open_text)
        self.pane.remove_requested.connect(self.remove_text)
        self.pane.add_requested.connect(self.add_texts)
        self.contents.chapter_requested.connect(window.reading_view.scroll_to_block)
        controller.changed.connect(self.model.refresh)
        controller.text_added.connect(self._on_added)
        controller.open_requested.connect(self.open_text)
        controller.add_failed.connect(self._failures.append)
        controller.open_failed.connect(window.show_problem)
        controller.adding_changed.connect(self._on_adding_changed)
        window.saving_state.connect(self._save_place)
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        self._follow_notes()
        self._show_contents(self.current_text_id)

    def _dock(self, title: str, name: str, panel) -> QDockWidget:
        window = self._window
        dock = QDockWidget(title, window)
        dock.setObjectName(name)
        dock.setWidget(panel)
        dock.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        dock.toggleViewAction().setText(f"{title} Pane")
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        window.tabifyDockWidget(window.glossary_dock, dock)
        window.glossary_dock.raise_()
        window.dock_widths.add(dock)
        return dock

    def _name_tab_bars(self) -> None:
        """The tabs Qt makes for docks sharing a place have no name a screen reader can say."""
        from PySide6.QtWidgets import QTabBar

        for bar in self._window.findChildren(QTabBar):
            if not bar.accessibleName() and bar.parentWidget() is self._window:
                bar.setAccessibleName("Panes in this place")

    def reopen_last(self) -> None:
        """At start: the text the reader had open last comes back where it was left."""
        last = self.controller.last_opened()
        if last is not None and last != self.current_text_id:
            self.open_text(last)
            return
        # The text shown at start is already in place (its position from the settings);
        # the glossary entry left open in it comes back too. It is being read now, so the
        # Library's "Last Opened" says so (on a first start it said "never").
        self.controller.mark_opened(self.current_text_id, None)
        self._restore_entry(self.controller.reading_state(self.current_text_id))

    # ----- File > Add Text…, dropping, the command line and later launches ----------------

    def show_library(self) -> None:
        """File > Library: the pane comes forward, wide enough to show its columns."""
        self.library_dock.show()
        self.library_dock.raise_()
        if self.library_dock.width() < LIBRARY_WIDTH:
            self._window.resizeDocks(
                [self.library_dock], [LIBRARY_WIDTH], Qt.Orientation.Horizontal
            )
        self.pane.filter_edit.setFocus()

    def add_texts(self) -> None:
        paths = library_dialogs.open_file_paths(self._window, "Add Texts to the Library")
        if paths:
            self.add_files([Path(path) for path in paths])

    def add_files(self, paths: list[Path]) -> None:
        """Add (or find) each file, then open the last one that could be added."""
        self.controller.add_files(paths)

    def receive_files(self, paths: list[str]) -> None:
        """From ``study-reader FILE…`` or a later launch: come forward, add, open."""
        window = self._window
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
        if paths:
            self.add_files([Path(path) for path in paths])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop):
            files = local_files(event)  # type: ignore[arg-type]
            if files:
                event.acceptProposedAction()  # type: ignore[attr-defined]
                if event.type() == QEvent.Type.Drop:
                    self.add_files(files)
                return True
        return super().eventFilter(watched, event)

    def _on_adding_changed(self, waiting: int) -> None:
        bar = self._window.statusBar()
        if waiting:
            bar.showMessage(f"Adding {waiting} {'file' if waiting == 1 else 'files'}…")
            return
        if bar.currentMessage().startswith("Adding "):  # not the last "Added …"
            bar.clearMessage()
        if self._failures:
            failures = list(self._failures)
            self._failures.clear()  # the list add_failed appends to: cleared, never replaced
            count = len(failures)
            self._window.show_problem(
                f"{count} {'file was' if count == 1 else 'files were'} not added:\n"
                + "\n".join(failures)
            )

    def _on_added(self, text_id: str, added: bool, notice: str) -> None:
        title = self.controller.title_of(text_id)
        message = f"Added “{title}” to the library." if added else f"“{title}” is already here."
        if notice:  # chapters missing: said where the reader looks, and left up longer
            message += f" {notice[0].upper()}{notice[1:]}"
        self._window.statusBar().showMessage(message, 3 * STATUS_MS if notice else STATUS_MS)

    # ----- opening a text ----------------------------------------------------------------

    def open_text(self, text_id: str, *, again: bool = False) -> bool:
        """Show ``text_id`` in the window; False (and the reader told why) if it cannot be.
        ``again``: read the open text anew (a new edition), at the place it is read at."""
        window = self._window
        if text_id == self.current_text_id and not again:
            self.pane.select_text(text_id)
            return True
        document = self.controller.open_document(text_id)
        if document is None:
            return False
        if window.notes_panel is not None:
            window.notes_panel.flush()  # the words being typed belong to the text left
        left = (self.current_text_id, self._place_now())
        window.show_text(document)
        self.current_text_id = text_id
        self._bind_glossary()
        self._bind_notes(document)
        self._bind_citation(text_id, document)
        self._show_contents(text_id)
        self.controller.mark_opened(text_id, left)
        self._restore_place(text_id)
        find_bar = window.find_bar
        if find_bar.isVisible():
            find_bar.refresh()
        self.pane.select_text(text_id)
        self.text_opened.emit(text_id)
        return True

    def open_at_block(self, text_id: str, block_id: str) -> None:
        """Open a text at a passage (Search Everything's hit in another text): the passage
        is shown and flashed instead of the place the reader left the text at."""
        if not self.open_text(text_id):
            return
        view = self._window.reading_view
        shown = view.shown_document
        if block_id in {block.id for block in shown.blocks}:
            self._pending_place = None  # the saved place would scroll away from it
            view.flash(block_id, 0, len(shown.block(block_id).text))

    def open_at_note(self, text_id: str, note_id: str) -> None:
        """Open a text with one of its notes shown (Search Everything's note in another text)."""
        if self.open_text(text_id) and self._window.notes is not None:
            self._pending_place = None
            self._window.notes.show_note(note_id)

    def open_at_entry(self, text_id: str, entry_id: str) -> None:
        """Open a text with one of the reader's glossary entries for it shown."""
        if self.open_text(text_id):
            self._window.term_lookup_requested.emit(entry_id)

    def show_new_edition(self, text_id: str) -> None:
        """Replace with a New Edition swapped a text's file: its Library row, and if it is
        open, the reading view and its notes come from the new edition, at the same place.
        Its notes controller (and undo history) belonged to the old edition's words."""
        self.model.refresh()
        old = self._notes_by_text.pop(text_id, None)
        if text_id == self.current_text_id:
            self.open_text(text_id, again=True)
        if old is not None:
            old.deleteLater()

    def show_new_details(self, text_id: str) -> None:
        """Details of This Text were corrected: the Library row, and for the open text the
        window's title and what citations and the study edition cite, at once."""
        from reader_app import APP_NAME

        self.model.refresh()
        if text_id != self.current_text_id:
            return
        corrected = self.controller.open_document(text_id)
        if corrected is None:
            return
        window = self._window
        window.document = window.document._replace(
            title=corrected.title,
            display_title=corrected.display_title,
            author=corrected.author,
            year=corrected.year,
            citation=corrected.citation,
        )
        window.setWindowTitle(f"{corrected.display_title} — {APP_NAME}")
        window.reading_view.setAccessibleDescription(
            f"{corrected.display_title}, by {corrected.author}"
        )
        self._bind_citation(text_id, window.document)
        notes = self._notes_by_text.get(text_id)
        if notes is not None:  # exports name the text as it is now called
            notes.repository.use_details_of(window.document)

    def _place_now(self) -> ReadingState:
        """Where the reader is in the open text: the block and offset at the top of the view
        (the end of the text when it is on screen, or where the view is about to scroll),
        the zoom and the open glossary entry."""
        view = self._window.reading_view
        pane = self._window.glossary_pane
        entry = pane.current_entry_id if pane is not None else None
        zoom = float(view.zoom_percent)
        if self._pending_place is not None:  # left (or closed) before the view got there
            return self._pending_place._replace(zoom=zoom, glossary_entry_id=entry)
        located = paragraphs.reading_place(view, self._window.document)
        if located is None:
            return ReadingState(None, 0, zoom, entry)
        block, offset = located
        return ReadingState(block.id, offset, zoom, entry)

    def _save_place(self) -> None:
        """The window is saving its state (closing, or the session ending): keep the open
        text's place too, and let files being added finish before the notes file closes."""
        self.controller.save_reading_state(self.current_text_id, self._place_now())
        self.controller.wait_for_imports()

    def follow_place(self, text_id: str) -> None:
        """A sync brought another computer's place in ``text_id``: if it is open and the
        reader has not moved since it was shown at its place, go to the new place, so that
        leaving it does not save the old place as a later move. Otherwise the page is not
        moved under the reader."""
        if text_id != self.current_text_id:
            return
        view = self._window.reading_view
        if self._pending_place is not None or view.top_position() == self._arrived_at:
            self._restore_place(text_id)

    def _restore_place(self, text_id: str) -> None:
        self._pending_place = None
        self._arrived_at = None
        state = self.controller.reading_state(text_id)
        view = self._window.reading_view
        if state.zoom:
            view.set_zoom_percent(round(state.zoom))
        if state.block_id and state.block_id in {b.id for b in view.shown_document.blocks}:
            position = view.document_position(state.block_id, state.offset)

            def scroll() -> None:  # after a layout pass, when line positions are known
                QTimer.singleShot(0, arrive)

            def arrive() -> None:
                if self._pending_place is state:  # not another text opened meanwhile
                    view.scroll_to_position(position)
                    self._pending_place = None
                    self._arrived_at = view.top_position()

            self._pending_place = state

            if view.isVisible():
                scroll()
            else:  # reopened at start, before the window is first shown
                view.first_painted.connect(scroll, Qt.ConnectionType.SingleShotConnection)
        else:
            self._arrived_at = 0  # a text with no place yet opens at its start
        self._restore_entry(state)

    def _restore_entry(self, state: ReadingState) -> None:
        pane = self._window.glossary_pane
        if pane is not None and state.glossary_entry_id in self._window.glossary_headwords:
            pane.open_entry(str(state.glossary_entry_id))

    def _bind_glossary(self) -> None:
        """The one glossary pane shows the open text's entries: the bundled glossary for the
        bundled text, with the reader's own entries that apply (``ui/personal_glossary.py``
        rebuilds the pane and the marks, or shows a line saying how to make an entry)."""
        window = self._window
        pane = window.glossary_pane
        if pane is not None:  # a problem loading the bundled glossary is not this text's
            pane.warning_label.setVisible(
                self.controller.is_bundled(self.current_text_id) and bool(pane.warning_label.text())
            )
        self._personal_glossary.refresh()

    def _bind_notes(self, document: Document) -> None:
        """The opened text's notes in the panel, the highlights and the status bar."""
        from reader_app.models.notes_model import NotesModel
        from reader_app.ui.notes_panel import NotesPanel

        window = self._window
        notes = window.notes
        if self._store_notes is None or notes is None:  # the notes could not be opened
            return
        old_panel = notes.panel
        controller = self._notes_by_text.get(document.id)
        if controller is None:
            controller = self._store_notes.for_text(document, window)
            self._notes_by_text[document.id] = controller
        panel = NotesPanel(
            NotesModel(controller.repository),
            document,
            headword_of=lambda entry_id: window.glossary_headwords.get(entry_id, entry_id),
        )
        window.notes_dock.setWidget(panel)
        notes.attach(panel, controller)
        self._personal_glossary.controller.use_undo_stack(controller.undo_stack)
        if controller.read_only:
            panel.set_read_only(
                "These notes are open in another window, so here they can only be read."
            )
        self._follow_notes()
        if old_panel is not None:
            old_panel.deleteLater()

    def _follow_notes(self) -> None:
        """The library's notes counts follow the open text's notes."""
        panel = self._window.notes_panel
        if panel is not None and panel.model is not None:
            panel.model.signals.changed.connect(lambda _change: self.model.refresh())

    def _bind_citation(self, text_id: str, document: Document) -> None:
        output = getattr(self._window, "study_output", None)
        if output is None:
            return
        # Imported when used: the panels are drawn without it (the study output, made after
        # them, loads it anyway).
        from reader_app.domain.citation import CitedWork

        if self.controller.is_bundled(text_id):
            work = CitedWork.from_document(document)
        else:
            work = CitedWork.from_metadata(self.controller.citation_metadata(text_id))
        output.set_document(document, work)

    def _show_contents(self, text_id: str) -> None:
        entries = self.controller.contents(text_id)
        self.contents.show_contents(entries)
        self.contents_dock.setVisible(bool(entries))
        self.contents_dock.toggleViewAction().setEnabled(bool(entries))

    # ----- removing --------------------------------------------------------------------

    def remove_text(self, text_id: str) -> None:
        """Remove… asks: keep the notes (default), or export them to a file and delete them."""
        summary = next((t for t in self.model.texts() if t.id == text_id), None)
        if summary is None or summary.bundled:
            return
        choice = library_dialogs.ask_remove(self._window, summary.title, summary.notes)
        if choice is RemoveChoice.CANCEL:
            return
        delete_notes = choice is RemoveChoice.EXPORT_AND_DELETE_NOTES
        if delete_notes and not self._export_notes_of(text_id, summary.title):
            return  # nothing deleted unless the notes are safely in a file
        if text_id == self.current_text_id:
            self.open_text(self.model.texts()[0].id)  # the bundled text
        problem = self.controller.remove(text_id, delete_notes=delete_notes)
        if problem is not None:
            self._window.show_problem(problem)
            return
        removed = self._notes_by_text.pop(text_id, None)
        if removed is not None:  # its undo history would act on a text no longer here
            removed.deleteLater()
        self._window.statusBar().showMessage(f"Removed “{summary.title}”.", STATUS_MS)

    def _export_notes_of(self, text_id: str, title: str) -> bool:
        from reader_app.domain.formats import EXPORT_FILTERS
        from reader_app.ui import dialogs

        if self._store_notes is None:
            return False
        filters = {f.dialog_filter: f for f in EXPORT_FILTERS}
        path, chosen = dialogs.save_file_path(
            self._window,
            f"Export the Notes on “{title}”",
            str(Path.home() / f"{text_id}-notes.md"),
            list(filters),
        )
        if not path:
            return False
        export_format = filters.get(chosen, EXPORT_FILTERS[0])
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(export_format.suffix)
        document = self.controller.open_document(text_id)
        if document is None:
            return False
        notes = self._store_notes.for_text(document, self)
        try:
            written = notes.export_to(target, export_format.name, {})
        except OSError as error:
            self._window.show_problem(
                f"The notes could not be written to {target}: {error.strerror or error}. "
                "Nothing was removed."
            )
            written = None
        finally:
            notes.deleteLater()
        return written is not None
