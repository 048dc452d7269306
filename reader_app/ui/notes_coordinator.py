"""The notes in the window: the controller, the notes panel and the reading view wired together.

The window is a shell of docks and menus; this object owns what notes mean there: the Notes
menu's actions, the highlights drawn over the text, the counts in the status bar, and the
way a note shows its passage (or its glossary entry). Every read and write goes through the
controller in ``models/``, never the storage layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject

from reader_app.domain.formats import EXPORT_FILTERS
from reader_app.domain.highlights import DEFAULT_COLOUR, Colour
from reader_app.ui import dialogs
from reader_app.ui.actions import NOTES_ACTIONS, ActionRegistry

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QUndoGroup
    from PySide6.QtWidgets import QDockWidget, QMenu, QStatusBar, QWidget

    from reader_app.domain.notes import MergeReport, Note
    from reader_app.models.notes_controller import NotesController
    from reader_app.ui.glossary_pane import GlossaryPane
    from reader_app.ui.notes_panel import NotesPanel
    from reader_app.ui.text_view import ReadingView


class NotesHost(Protocol):
    """What the coordinator uses of the window (ui/main_window.py), named here so that the
    two modules do not import each other."""

    reading_view: ReadingView
    notes_dock: QDockWidget
    glossary_pane: GlossaryPane | None
    glossary_headwords: dict[str, str]
    term_lookup_requested: SignalInstance

    def show_status(self, text: str) -> None: ...
    def show_problem(self, message: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...


# Actions that change the notes: off while the notes are read-only or not open.
WRITING_ACTIONS = (
    "add-note",
    "highlight",
    "new-free-note",
    "note-on-entry",
    "delete-note",
    "import-notes",
)

STATUS_MS = 6000


class NotesCoordinator(QObject):
    def __init__(self, window: NotesHost, parent: QWidget, actions: ActionRegistry) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QMenu

        self._window = window
        self._parent = parent  # the window as a widget: dialogs and actions belong to it
        self._actions = actions
        self.panel: NotesPanel | None = None
        self.controller: NotesController | None = None
        self._focus_editor_on_create = False  # set while an action that wants the editor runs
        self._undo: QUndoGroup | None = None
        self._span_clicks_connected = False
        self._wired: list[NotesController] = []  # controllers whose reports reach the window
        # The controller whose import's backup is running: Import stays off till it is done.
        self._importing_into: NotesController | None = None
        actions.add_all(NOTES_ACTIONS, self)
        self.colour_menu: QMenu = QMenu("Highlight in &Colour", parent)
        for colour in Colour:
            action = self.colour_menu.addAction(colour.value.capitalize())
            action.triggered.connect(lambda _=False, c=colour: self.highlight_in(c))
        actions.place_menu(self.colour_menu, "notes", "marking")
        self._set_writable(False)
        actions.action("export-notes").setEnabled(False)

    def _set_writable(self, writable: bool) -> None:
        for action_id in WRITING_ACTIONS:
            self._actions.action(action_id).setEnabled(writable)
        self.colour_menu.setEnabled(writable)
        # One import at a time, whichever text is open while its backup runs.
        importing = self._importing_into is not None
        self._actions.action("import-notes").setEnabled(writable and not importing)

    def attach(self, panel: NotesPanel, controller: NotesController | None) -> None:
        """Give the window its notes: panel always, controller when the notes could be opened.

        Called again for each text the reader opens (ui/library_coordinator.py), with that
        text's panel and controller: Undo then undoes that text's changes. A controller
        seen before (the reader came back to a text) keeps its undo history and is wired
        once; what it reports reaches whichever panel is shown, which is then its own."""
        window = self._window
        self.panel = panel
        self.controller = controller
        if window.glossary_pane is not None:
            window.glossary_pane.offer_notes(self._actions.action("note-on-entry"))
        if controller is None:
            window.show_status("Notes are unavailable; the text and glossary work as usual.")
            return
        self._set_writable(not controller.read_only)
        self._actions.action("export-notes").setEnabled(True)
        self._undo_group().addStack(controller.undo_stack)
        self._undo_group().setActiveStack(controller.undo_stack)
        if controller not in self._wired:
            self._wired.append(controller)
            controller.failed.connect(window.show_problem)
            controller.note_created.connect(self._on_note_created)
            controller.note_restored.connect(self._on_note_restored)
            controller.saved.connect(self._on_saved)
            controller.save_failed.connect(self._on_save_failed)
            controller.about_to_merge.connect(self._flush_panel)
            controller.imported.connect(self._on_imported)
            controller.destroyed.connect(lambda *_: self._forget(controller))
        panel.save_requested.connect(controller.save)
        panel.colour_requested.connect(controller.set_colour_named)
        panel.delete_requested.connect(controller.delete)
        panel.new_free_note_requested.connect(self.new_free_note)
        panel.reattach_requested.connect(self._reattach)
        panel.note_activated.connect(self.show_note_in_text)
        if not self._span_clicks_connected:
            window.reading_view.span_clicked.connect(self._on_span_clicked)
            self._span_clicks_connected = True
        if panel.model is not None:
            panel.model.signals.changed.connect(self.refresh)
            panel.model.read_failed.connect(window.show_problem)
        self.refresh()

    def _forget(self, controller: NotesController) -> None:
        if controller in self._wired:
            self._wired.remove(controller)
        if controller is self._importing_into:  # its text was removed or replaced meanwhile
            self._import_ended()
            self._window.statusBar().showMessage(
                "The import was not made: the text it was for was closed while your notes "
                "were being backed up. Open the text and import the file again.",
                10000,
            )

    def _on_note_restored(self, note_id: str) -> None:
        if self.panel is not None:
            self.panel.select_note(note_id)

    def _on_saved(self, note: Note) -> None:
        self._update_status("saved")
        if self.panel is not None:
            self.panel.mark_saved(note)

    def _on_save_failed(self, note_id: str, message: str) -> None:
        self._update_status("not saved")
        if self.panel is not None:
            self.panel.mark_save_failed(note_id, message)

    def _undo_group(self) -> QUndoGroup:
        """Edit > Undo and Redo, made once: they follow the open text's undo stack."""
        from PySide6.QtGui import QKeySequence, QUndoGroup

        if self._undo is None:
            self._undo = QUndoGroup(self)
            undo = self._undo.createUndoAction(self._parent, "&Undo")
            undo.setShortcuts(QKeySequence.StandardKey.Undo)
            redo = self._undo.createRedoAction(self._parent, "&Redo")
            redo.setShortcuts(QKeySequence.StandardKey.Redo)
            self._actions.place(undo, "edit", "undo", "undo")
            self._actions.place(redo, "edit", "undo", "redo")
        return self._undo

    # ----- what the window shows -----------------------------------------------------------

    def refresh(self) -> None:
        """Highlights, tag lists and counts follow every stored change."""
        from reader_app.domain.bidi import isolate
        from reader_app.models.notes_values import HIGHLIGHT_PREVIEW_CHARS
        from reader_app.ui.text_view import Span

        if self.controller is None or self.panel is None:
            return
        view = self._window.reading_view
        spans = []
        for highlight in self.controller.highlights():
            preview = highlight.preview.strip() or "(highlight without a note)"
            if len(preview) >= HIGHLIGHT_PREVIEW_CHARS:
                preview = preview[: HIGHLIGHT_PREVIEW_CHARS - 1] + "…"
            spans.append(
                Span(
                    view.document_position(highlight.block_id, highlight.start),
                    view.document_position(highlight.block_id, highlight.end),
                    f"highlight:{highlight.colour or DEFAULT_COLOUR}",
                    key=highlight.note_id,
                    tooltip=isolate(preview),
                )
            )
        view.set_marks("highlights", spans)
        self.panel.set_known_tags(self.controller.tag_counts())
        self._update_status("saved")

    def _update_status(self, state: str) -> None:
        if self.controller is None:
            return
        counts = self.controller.counts()
        parts = [f"{counts.total} {'note' if counts.total == 1 else 'notes'}"]
        if counts.detached:
            parts.append(f"{counts.detached} detached")
        parts.append("read-only" if self.controller.read_only else state)
        self._window.show_status(" · ".join(parts))

    def show_note(self, note_id: str) -> None:
        """Select the note in the panel and show its passage (Search Everything's choice)."""
        if self.panel is not None:
            self._window.notes_dock.show()
            self.panel.select_note(note_id)
        self.show_note_in_text(note_id)

    def show_note_in_text(self, note_id: str) -> None:
        from reader_app.domain.notes import NoteKind

        note = self.controller.note(note_id) if self.controller is not None else None
        if note is None:
            return
        if note.kind is NoteKind.GLOSSARY and note.glossary_entry_id:
            self._window.term_lookup_requested.emit(note.glossary_entry_id)
            return
        placement = note.placement
        if note.is_detached or placement is None:
            return
        if placement.block_id is None or placement.start is None:
            return
        view = self._window.reading_view
        view.scroll_to_position(
            view.document_position(placement.block_id, placement.start),
            margin=view.viewport().height() / 3,
        )

    def _on_note_created(self, note_id: str) -> None:
        if self.panel is None:
            return
        self._window.notes_dock.show()
        self._window.notes_dock.raise_()
        self.panel.select_note(note_id, focus_editor=self._focus_editor_on_create)

    def _on_span_clicked(self, layer: str, key: str) -> None:
        if layer == "highlights" and self.panel is not None:
            self._window.notes_dock.show()
            self._window.notes_dock.raise_()
            self.panel.select_note(key)

    # ----- the Notes menu ------------------------------------------------------------------

    def add_note(self) -> Note | None:
        return self._highlight_selection(with_note=True)

    def highlight(self) -> Note | None:
        return self._highlight_selection(with_note=False)

    def highlight_in(self, colour: Colour) -> Note | None:
        return self._highlight_selection(with_note=False, colour=colour)

    def _highlight_selection(
        self, *, with_note: bool, colour: Colour = DEFAULT_COLOUR
    ) -> Note | None:
        if self.controller is None:
            return None
        view = self._window.reading_view
        selected = view.selected_range()
        if selected is None:
            self._window.statusBar().showMessage(
                "Select some words within one paragraph first.", STATUS_MS
            )
            return None
        self._focus_editor_on_create = with_note
        note = self.controller.add_passage_note(*selected, colour)
        self._focus_editor_on_create = False
        if note is not None:
            cursor = view.textCursor()
            cursor.clearSelection()
            view.setTextCursor(cursor)
        return note

    def new_free_note(self) -> None:
        if self.controller is not None:
            self._focus_editor_on_create = True
            self.controller.add_free_note()
            self._focus_editor_on_create = False

    def note_on_entry(self) -> None:
        pane = self._window.glossary_pane
        entry_id = pane.current_entry_id if pane is not None else None
        if self.controller is None:
            return
        if not entry_id:
            self._window.statusBar().showMessage("Open a glossary entry first.", STATUS_MS)
            return
        self._focus_editor_on_create = True
        self.controller.add_glossary_note(entry_id)
        self._focus_editor_on_create = False

    def delete_note(self) -> None:
        if self.panel is not None and self.controller is not None:
            note_id = self.panel.current_note_id()
            if note_id:
                self.controller.delete(note_id)

    def _reattach(self, note_id: str) -> None:
        selected = self._window.reading_view.selected_range()
        if selected is None or self.controller is None:
            self._window.show_problem(
                "Select the passage in the text where the note belongs, then choose Reattach."
            )
            return
        self.controller.reattach(note_id, *selected)

    # ----- the File menu -------------------------------------------------------------------

    def export_notes(self) -> None:
        if self.controller is None:
            return
        filters = {f.dialog_filter: f for f in EXPORT_FILTERS}
        path, chosen = dialogs.save_file_path(
            self._parent,
            "Export Notes",
            str(Path.home() / "study-reader-notes.md"),
            list(filters),
        )
        if not path:
            return
        export_format = filters.get(chosen, EXPORT_FILTERS[0])
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(export_format.suffix)
        try:
            count = self.controller.export_to(
                target, export_format.name, self._window.glossary_headwords
            )
        except OSError as error:
            self._window.show_problem(
                f"The notes could not be written to {target}: {error.strerror or error}."
            )
            return
        if count is not None:  # None: the notes could not be read, and the user was told
            self._window.statusBar().showMessage(f"Exported {count} notes to {target}.", 8000)

    def import_notes(self) -> None:
        """The import merges once its backup is made, off the GUI thread; meanwhile the
        status bar says so and Import is off (``_on_imported`` reports and turns it on)."""
        if self.controller is None or self.controller.importing:
            return
        path = dialogs.open_file_path(
            self._parent, "Import Notes", ["Web Annotation JSON (*.json *.jsonld)", "All files (*)"]
        )
        if not path:
            return
        self._flush_panel()  # words being typed are local edits the merge must see
        # Off first: without a backup to make, the merge is reported before import_from returns.
        self._importing_into = self.controller
        self._set_writable(not self.controller.read_only)
        self._window.statusBar().showMessage("Backing up your notes before the import…")
        if not self.controller.import_from(Path(path)):  # a bad file, told already
            self._import_ended()

    def _import_ended(self) -> None:
        self._importing_into = None
        if self.controller is not None:
            self._set_writable(not self.controller.read_only)

    def _flush_panel(self) -> None:
        if self.panel is not None:
            self.panel.flush()

    def _on_imported(self, report: MergeReport | None) -> None:
        self._import_ended()
        if report is not None:
            self._window.statusBar().showMessage(
                f"Imported: {report.added} new, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.detached} detached.",
                10000,
            )
        elif self._window.statusBar().currentMessage().startswith("Backing up"):
            self._window.statusBar().clearMessage()
