"""The notes panel: search and filters, the list of notes, and an editor that saves itself.

The panel never writes to storage. It asks through signals (``save_requested``,
``delete_requested``, ...) and is told the outcome (``mark_saved``, ``mark_save_failed``).
Until a save is confirmed the typed words stay in the editor, marked as unsaved, so a
failing disk or a locked database never costs the user what they wrote.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader_app.domain.bidi import isolate
from reader_app.domain.highlights import Colour
from reader_app.domain.notes import Note, NoteKind
from reader_app.domain.tags import tags_from_text, tags_to_text
from reader_app.domain.text import Document, in_quotation_marks
from reader_app.models.notes_model import (
    NOTE_ID_ROLE,
    NOTE_ROLE,
    NoteQuery,
    NotesModel,
    citation_of,
)
from reader_app.models.notes_values import NoteOrder
from reader_app.ui.note_delegate import NoteDelegate, colour_swatch
from reader_app.ui.notice import NOTICE, notice_label
from reader_app.ui.tag_edit import TagEdit

AUTOSAVE_DELAY_MS = 700
# The pause above restarts on every key, so steady typing alone would never save: the first
# unsaved keystroke also starts this deadline, which saves however fast the typing goes on.
AUTOSAVE_MAX_WAIT_MS = 2000
SEARCH_DELAY_MS = 150
# The longest note the editor lets a paste (or a drop) make. A million characters is some
# 300 pages, far past any note, and benchmarks/long_note.py shows the window working on a
# note that long without a stall over half a second; a paste that would go past it is refused
# with a message, so pasting a whole book by mistake cannot make the notes crawl.
MAX_NOTE_CHARS = 1_000_000


class NoteEditor(QPlainTextEdit):
    """Emits ``focus_lost`` so the panel can save at once instead of waiting for the timer,
    and refuses a paste or drop that would make the note longer than ``MAX_NOTE_CHARS``."""

    focus_lost = Signal()
    paste_refused = Signal(int)  # how long the note would have become

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            replaced = len(self.textCursor().selectedText())
            length = len(self.toPlainText()) - replaced + len(source.text())
            if length > MAX_NOTE_CHARS:
                self.paste_refused.emit(length)
                return
        super().insertFromMimeData(source)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()


class NotesPanel(QWidget):
    note_activated = Signal(str)  # the user chose a note: show its passage
    save_requested = Signal(str, str, list)  # note id, body, tags
    colour_requested = Signal(str, str)  # note id, colour name
    delete_requested = Signal(str)
    new_free_note_requested = Signal()
    reattach_requested = Signal(str)

    def __init__(
        self,
        model: NotesModel | None,
        document: Document,
        *,
        headword_of=lambda entry_id: entry_id,
        unavailable_reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self.model = model
        self._document = document
        self._current: Note | None = None
        self._headword_of = headword_of
        self._dirty = False
        self._loading = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)

        self.notice_label = notice_label(self, "Notes notice", NOTICE)
        layout.addWidget(self.notice_label)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search notes…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search notes")
        layout.addWidget(self.search_edit)
        layout.addLayout(self._build_filter_row())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        list_area = self._build_list(splitter, document, headword_of)
        editor_area = self._build_editor(splitter)
        splitter.addWidget(list_area)
        splitter.addWidget(editor_area)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self._build_timers()

        self.editor.textChanged.connect(self._on_edited)
        self.tags_edit.textEdited.connect(self._on_edited)
        self.editor.focus_lost.connect(self.flush)
        self.editor.paste_refused.connect(self._on_paste_refused)
        self.tags_edit.editingFinished.connect(self.flush)
        self.search_edit.textChanged.connect(self._search_timer.start)
        for box in (self.tag_filter, self.colour_filter, self.order_box):
            box.currentIndexChanged.connect(self._apply_query)

        self._update_colour_buttons()
        if model is None:
            self._make_unavailable(unavailable_reason)
        else:
            self._show_model(model)

    def _show_model(self, model: NotesModel) -> None:
        self.list_view.setModel(model)
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.list_view.activated.connect(
            lambda index: self.note_activated.emit(index.data(NOTE_ID_ROLE))
        )
        self.list_view.clicked.connect(
            lambda index: self.note_activated.emit(index.data(NOTE_ID_ROLE))
        )
        model.modelReset.connect(self._after_reset)
        self._after_reset()
        self._show_note(None)

    def _build_filter_row(self) -> QHBoxLayout:
        """Tag, colour and order choices, and the New button."""
        filters = QHBoxLayout()
        self.tag_filter = QComboBox(self)
        self.tag_filter.setAccessibleName("Show notes with tag")
        self.colour_filter = QComboBox(self)
        self.colour_filter.setAccessibleName("Show notes of colour")
        self.colour_filter.addItem("All colours", None)
        for colour in Colour:
            self.colour_filter.addItem(colour.value.capitalize(), colour.value)
        self.order_box = QComboBox(self)
        self.order_box.setAccessibleName("Order of notes")
        self.order_box.addItem("Text order", NoteOrder.POSITION.value)
        self.order_box.addItem("Newest first", NoteOrder.UPDATED.value)
        for box in (self.tag_filter, self.colour_filter, self.order_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(box)
        filters.addStretch(1)
        self.new_button = QToolButton(self)
        self.new_button.setText("New")
        self.new_button.setToolTip("New free note (not tied to a passage)")
        self.new_button.setAccessibleName("New free note")
        self.new_button.clicked.connect(self.new_free_note_requested)
        filters.addWidget(self.new_button)
        return filters

    def _build_list(self, splitter: QSplitter, document: Document, headword_of) -> QWidget:
        """The list of notes, or a sentence in its place when there are none to show."""
        list_area = QWidget(splitter)
        self._list_stack = QStackedLayout(list_area)
        self.list_view = QListView(list_area)
        # Typed as a plain QWidget through its object name, so that viewport() (placing the
        # empty list's sentence) does not make PySide set up every widget class's enums at
        # start-up, some 47 of them (see ReadingView's constructor).
        self._list_viewport = self.list_view.findChild(QWidget, "qt_scrollarea_viewport")
        self.list_view.setAccessibleName("Notes")
        self.list_view.setUniformItemSizes(False)
        self.list_view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list_view.setItemDelegate(NoteDelegate(document, headword_of, self.list_view))
        self.empty_label = QLabel(list_area)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setMargin(16)
        self.empty_label.setEnabled(False)
        self.empty_label.setFrameShape(QLabel.Shape.StyledPanel)
        self._list_stack.addWidget(self.list_view)
        self._list_stack.addWidget(self.empty_label)
        return list_area

    def _build_editor(self, splitter: QSplitter) -> QWidget:
        """The note's passage, its words and tags, its colour and actions, and save status."""
        editor_area = QWidget(splitter)
        editor_layout = QVBoxLayout(editor_area)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.setSpacing(4)
        self.context_label = QLabel(editor_area)
        self.context_label.setTextFormat(Qt.TextFormat.PlainText)
        self.context_label.setWordWrap(True)
        self.context_label.setAccessibleName("Passage of the note")
        editor_layout.addWidget(self.context_label)
        self.editor = NoteEditor(editor_area)
        self.editor.setPlaceholderText("Write your note… It saves by itself.")
        self.editor.setAccessibleName("Note text")
        self.editor.setTabChangesFocus(True)
        editor_layout.addWidget(self.editor, 1)
        self.tags_edit = TagEdit(editor_area)
        self.tags_edit.setPlaceholderText("Tags, separated by commas")
        self.tags_edit.setAccessibleName("Tags")
        editor_layout.addWidget(self.tags_edit)

        actions = QHBoxLayout()
        self.colour_buttons: dict[Colour, QToolButton] = {}
        for colour in Colour:
            button = QToolButton(editor_area)
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setFixedSize(22, 22)
            button.setAccessibleName(f"{colour.value.capitalize()} highlight")
            button.setToolTip(f"{colour.value.capitalize()} highlight")
            button.clicked.connect(lambda _=False, c=colour: self._on_colour_clicked(c))
            self.colour_buttons[colour] = button
            actions.addWidget(button)
        actions.addStretch(1)
        self.reattach_button = QPushButton("Reattach to selection", editor_area)
        self.reattach_button.setAccessibleName("Reattach note to the selected passage")
        self.reattach_button.clicked.connect(self._on_reattach_clicked)
        actions.addWidget(self.reattach_button)
        self.delete_button = QPushButton("Delete", editor_area)
        self.delete_button.setAccessibleName("Delete note")
        self.delete_button.clicked.connect(self._on_delete_clicked)
        actions.addWidget(self.delete_button)
        editor_layout.addLayout(actions)
        self.save_label = QLabel(editor_area)
        self.save_label.setTextFormat(Qt.TextFormat.PlainText)
        self.save_label.setWordWrap(True)
        self.save_label.setAccessibleName("Save status")
        editor_layout.addWidget(self.save_label)
        return editor_area

    def _build_timers(self) -> None:
        """Autosave after a pause in typing (or at the latest after a deadline), and search."""
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self.flush)
        self._autosave_deadline = QTimer(self)
        self._autosave_deadline.setSingleShot(True)
        self._autosave_deadline.setInterval(AUTOSAVE_MAX_WAIT_MS)
        self._autosave_deadline.timeout.connect(self.flush)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_query)

    # ----- state shown ------------------------------------------------------------------

    def _make_unavailable(self, reason: str) -> None:
        self.show_notice(reason or "Notes are not available.")
        for widget in (
            self.search_edit,
            self.tag_filter,
            self.colour_filter,
            self.order_box,
            self.new_button,
            self.list_view,
            self.editor,
            self.tags_edit,
            self.delete_button,
            self.reattach_button,
            *self.colour_buttons.values(),
        ):
            widget.setEnabled(False)
        self.context_label.setText("")

    def show_notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))

    def set_read_only(self, reason: str) -> None:
        self.show_notice(reason)
        for widget in (
            self.new_button,
            self.editor,
            self.tags_edit,
            self.delete_button,
            self.reattach_button,
            *self.colour_buttons.values(),
        ):
            widget.setEnabled(False)
        self.editor.setReadOnly(True)

    def _update_colour_buttons(self) -> None:
        for colour, button in self.colour_buttons.items():
            swatch = colour_swatch(colour, self.palette())
            border = self.palette().color(QPalette.ColorRole.Text).name()
            button.setStyleSheet(
                f"QToolButton {{ background: {swatch.name()}; border-radius: 11px;"
                f" border: 1px solid {swatch.darker(130).name()}; }}"
                f" QToolButton:checked {{ border: 2px solid {border}; }}"
            )

    def _after_reset(self) -> None:
        assert self.model is not None
        count = self.model.rowCount()
        query = self.model.query
        self._list_stack.setCurrentWidget(self.list_view if count else self.empty_label)
        if not count:
            if query.text.strip() or query.tag or query.colour:
                self.empty_label.setText("No notes match.")
            else:
                self.empty_label.setText(
                    "No notes yet.\n\nSelect words in the text and press Ctrl+Shift+N "
                    "(or right-click) to highlight them and write a note."
                )
            self.empty_label.setGeometry(
                self.list_view.viewport().rect().adjusted(12, 12, -12, -12)
            )
            self.empty_label.show()
        if self._current is not None:
            row = self.model.row_of(self._current.id)
            if row is not None:
                self._select_row(row)
                fresh = self.model.index(row, 0).data(NOTE_ROLE)
                if not self._dirty:
                    if self._shown_differs_from(fresh):
                        # Changed from outside the editor (an import merged newer words):
                        # show what is stored, or the next keystroke would save the old words.
                        self._show_note(fresh, keep_caret=True)
                    self._current = fresh
                    self._update_context(fresh)
            elif not self._dirty:
                self._show_note(None)

    def set_known_tags(self, tag_counts: dict[str, int]) -> None:
        """Tags in use, for completion and for the filter, which shows how many notes each has."""
        tags = sorted(tag_counts)
        self.tags_edit.set_known_tags(tags)
        current = self.tag_filter.currentData()
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", None)
        for tag in tags:
            self.tag_filter.addItem(f"#{isolate(tag)} ({tag_counts[tag]})", tag)
        index = self.tag_filter.findData(current)
        self.tag_filter.setCurrentIndex(max(index, 0))
        self.tag_filter.blockSignals(False)

    # ----- selection and editing --------------------------------------------------------

    def current_note_id(self) -> str | None:
        return self._current.id if self._current else None

    def select_note(self, note_id: str, *, focus_editor: bool = False) -> bool:
        if self.model is None:
            return False
        self.flush()  # words typed in the note being left are saved before another opens
        row = self.model.row_of(note_id)
        if row is None and self.model.query != NoteQuery(order=self.model.query.order):
            self.clear_filters()
            row = self.model.row_of(note_id)
        if row is None:
            return False
        self._select_row(row)
        self._show_note(self.model.index(row, 0).data(NOTE_ROLE))
        if focus_editor:
            self.editor.setFocus()
            self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)
        return True

    def clear_filters(self) -> None:
        for widget in (self.tag_filter, self.colour_filter):
            widget.blockSignals(True)
            widget.setCurrentIndex(0)
            widget.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self._apply_query()

    def _select_row(self, row: int) -> None:
        assert self.model is not None, "rows exist only when the notes are open"
        index = self.model.index(row, 0)
        selection = self.list_view.selectionModel()
        selection.blockSignals(True)
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.blockSignals(False)
        self.list_view.scrollTo(index)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.flush()
        self._show_note(current.data(NOTE_ROLE) if current.isValid() else None)

    def _shown_differs_from(self, note: Note) -> bool:
        return (self.editor.toPlainText(), tags_from_text(self.tags_edit.text())) != (
            note.body,
            note.tags,
        )

    def _show_note(self, note: Note | None, *, keep_caret: bool = False) -> None:
        caret = self.editor.textCursor().position()
        self._loading = True
        self._current = note
        self._dirty = False
        self.editor.setPlainText(note.body if note else "")
        self.tags_edit.setText(tags_to_text(note.tags) if note else "")
        self._loading = False
        if keep_caret and note is not None:
            cursor = self.editor.textCursor()
            cursor.setPosition(min(caret, self.editor.document().characterCount() - 1))
            self.editor.setTextCursor(cursor)
        has_note = note is not None
        writable = has_note and not self.editor.isReadOnly()
        self.editor.setEnabled(writable)
        self.tags_edit.setEnabled(writable)
        self.delete_button.setEnabled(writable)
        passage = note if note is not None and note.kind is NoteKind.PASSAGE else None
        for colour, button in self.colour_buttons.items():
            button.setVisible(passage is not None)
            button.setEnabled(writable)
            button.setChecked(passage is not None and passage.colour == colour)
        self.reattach_button.setVisible(passage is not None and passage.is_detached)
        self.reattach_button.setEnabled(writable)
        self._update_context(note)
        self.save_label.setText("")

    def _update_context(self, note: Note | None) -> None:
        if note is None:
            self.context_label.setText("Choose a note to read or edit it.")
            return
        headword = self._headword_of(note.glossary_entry_id) if note.glossary_entry_id else None
        citation = citation_of(note, self._document, headword)
        if note.quote:
            quote = " ".join(note.quote.split())
            short = quote if len(quote) <= 140 else quote[:139] + "…"
            text = f"{citation} · {in_quotation_marks(isolate(short))}"
            if note.is_detached:
                text += (
                    "\nThis passage is no longer in the text. "
                    "Select where it belongs and reattach it."
                )
            self.context_label.setText(text)
        else:
            self.context_label.setText(citation)

    def _on_edited(self) -> None:
        if self._loading or self._current is None:
            return
        self._dirty = True
        self.save_label.setText("Editing…")
        self._autosave.start()
        if not self._autosave_deadline.isActive():
            self._autosave_deadline.start()

    def _on_paste_refused(self, length: int) -> None:
        self.save_label.setText(
            f"Not pasted: the note would have {length:,} characters, and a note holds at most "
            f"{MAX_NOTE_CHARS:,}. Paste a shorter part."
        )

    def flush(self) -> None:
        """Ask for the current edits to be saved now (timer, focus loss, switching, quitting)."""
        self._autosave.stop()
        self._autosave_deadline.stop()
        if self._dirty and self._current is not None:
            self.save_requested.emit(
                self._current.id,
                self.editor.toPlainText(),
                list(tags_from_text(self.tags_edit.text())),
            )

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def mark_saved(self, note: Note) -> None:
        if self._current is None or note.id != self._current.id:
            return
        # Compared as stored: "Lenin" typed is "lenin" saved, so the words are saved.
        typed_now = (self.editor.toPlainText(), tags_from_text(self.tags_edit.text()))
        self._current = note
        if typed_now == (note.body, note.tags):
            self._dirty = False
            self.save_label.setText("Saved")
        self._update_context(note)

    def mark_save_failed(self, note_id: str, message: str) -> None:
        if self._current is not None and note_id == self._current.id:
            self.save_label.setText(
                f"Not saved: {message} Your text is kept here and will be saved when possible."
            )

    def _on_colour_clicked(self, colour: Colour) -> None:
        if self._current is not None:
            self.colour_requested.emit(self._current.id, colour.value)

    def _on_delete_clicked(self) -> None:
        if self._current is not None:
            note_id = self._current.id
            self._dirty = False
            self._autosave.stop()
            self._autosave_deadline.stop()
            self.delete_requested.emit(note_id)

    def _on_reattach_clicked(self) -> None:
        if self._current is not None:
            self.reattach_requested.emit(self._current.id)

    # ----- query --------------------------------------------------------------------------

    def _apply_query(self) -> None:
        if self.model is None:
            return
        colour = self.colour_filter.currentData()
        self.model.set_query(
            NoteQuery(
                text=self.search_edit.text(),
                order=NoteOrder(self.order_box.currentData()),
                tag=self.tag_filter.currentData(),
                colour=Colour(colour) if colour else None,
            )
        )
