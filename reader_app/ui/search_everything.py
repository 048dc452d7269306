"""Search everything: one box, results from every text, the glossaries and the notes,
grouped by text (the text being read first), then by kind. What is found is the business
of ``models/search_everything.py``; this widget shows it and says what was chosen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader_app.models.search_everything import (
    EVERY_TEXT,
    GROUP_LIMIT,
    EverythingSearch,
    SearchResult,
    TextGroup,
)

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QStatusBar

    from reader_app.domain.text import Document
    from reader_app.ui.glossary_pane import GlossaryPane
    from reader_app.ui.notes_coordinator import NotesCoordinator
    from reader_app.ui.text_view import ReadingView

RESULT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_TITLES = (("text", "Text"), ("entry", "Glossary"), ("note", "Notes"))


class SearchEverythingDialog(QDialog):
    text_chosen = Signal(str, int, int)  # block id, start, end in the text being read
    other_text_chosen = Signal(str, str)  # text id, block id: a hit in another text
    entry_chosen = Signal(str)
    note_chosen = Signal(str)
    other_note_chosen = Signal(str, str)  # text id, note id: a note on another text
    other_entry_chosen = Signal(str, str)  # text id, entry id: the reader's entry for another

    def __init__(
        self, search: Callable[[str], list[TextGroup]], parent: QWidget | None = None
    ) -> None:
        """``search`` gives the groups for what was typed (``EverythingSearch.search`` on
        the text being read)."""
        super().__init__(parent)
        self.setWindowTitle("Search Everything")
        self.setObjectName("searchEverything")
        self.resize(600, 520)
        self._search = search
        layout = QVBoxLayout(self)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Search every text, the glossaries and your notes…")
        self.edit.setAccessibleName("Search everything")
        self.edit.setClearButtonEnabled(True)
        layout.addWidget(self.edit)
        self.results = QTreeWidget(self)
        self.results.setHeaderHidden(True)
        self.results.setAccessibleName("Search results")
        self.results.setWordWrap(True)
        layout.addWidget(self.results, 1)
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Search summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.run_search)
        self.edit.textChanged.connect(self._timer.start)
        self.edit.returnPressed.connect(self._choose_first)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._choose)

    def hideEvent(self, event: QHideEvent) -> None:
        """A search still waiting for the typing to pause is dropped: the window may be
        closing its notes, and nobody is looking at the results."""
        self._timer.stop()
        super().hideEvent(event)

    @staticmethod
    def _bold(item: QTreeWidgetItem) -> None:
        font = QFont(item.font(0))
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)

    def run_search(self) -> None:
        self.results.clear()
        groups = self._search(self.edit.text())
        total = 0
        for group in groups:
            title = f"{group.title} (this text)" if group.current else group.title
            text_item = QTreeWidgetItem(self.results, [title])
            self._bold(text_item)
            for kind, kind_title in KIND_TITLES:
                found = [r for r in group.results if r.kind == kind]
                if not found:
                    continue
                count = group.text_hits if kind == "text" else len(found)
                total += count
                kind_item = QTreeWidgetItem(text_item, [f"{kind_title} ({count})"])
                kind_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                for result in found[:GROUP_LIMIT]:
                    item = QTreeWidgetItem(kind_item, [result.label])
                    item.setData(0, RESULT_ROLE, (group.text_id, group.current, result))
                kind_item.setExpanded(True)
            text_item.setExpanded(True)
        if not self.edit.text().strip():
            self.summary.setText("")
        else:
            texts = sum(1 for g in groups if g.text_id)
            self.summary.setText(
                f"{total} found in {texts} {'text' if texts == 1 else 'texts'}"
                if groups
                else "Nothing found"
            )

    def _groups(self) -> list[QTreeWidgetItem]:
        items = (self.results.topLevelItem(row) for row in range(self.results.topLevelItemCount()))
        return [item for item in items if item is not None]

    @staticmethod
    def _children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        items = (group.child(index) for index in range(group.childCount()))
        return [item for item in items if item is not None]

    def _leaves(self) -> list[QTreeWidgetItem]:
        leaves = []
        for group in self._groups():
            for kind_item in self._children(group):
                leaves += self._children(kind_item)
        return leaves

    def _choose_first(self) -> None:
        self._timer.stop()
        self.run_search()
        for leaf in self._leaves()[:1]:
            self._choose(leaf)

    def _choose(self, item: QTreeWidgetItem) -> None:
        chosen = item.data(0, RESULT_ROLE)
        if not chosen:
            return
        text_id, current, result = chosen
        assert isinstance(result, SearchResult)
        if result.kind == "text" and current:
            block_id, start, end = result.target
            self.text_chosen.emit(block_id, start, end)
        elif result.kind == "text":
            self.other_text_chosen.emit(text_id, result.target[0])
        elif result.kind == "entry" and not current and text_id != EVERY_TEXT:
            self.other_entry_chosen.emit(text_id, result.target[0])
        elif result.kind == "entry":
            self.entry_chosen.emit(result.target[0])
        elif current:
            self.note_chosen.emit(result.target[0])
        else:
            self.other_note_chosen.emit(text_id, result.target[0])
        self.hide()


class SearchHost(Protocol):
    """What Search Everything needs of the window."""

    document: Document
    reading_view: ReadingView
    glossary_pane: GlossaryPane | None
    notes: NotesCoordinator | None
    everything: EverythingSearch | None
    search_everything: SearchEverythingDialog | None
    term_lookup_requested: SignalInstance

    def statusBar(self) -> QStatusBar: ...


def show_search_everything(window: SearchHost, parent: QWidget) -> SearchEverythingDialog | None:
    """Ctrl+Shift+F: the window's dialog, made on first use, searching the text being read
    (``window.document``, with what its glossary pane shows) and the rest of the library."""
    if window.search_everything is None:
        if window.glossary_pane is None:  # still opening, a fraction of a second after start
            return None

        def search(needle: str) -> list[TextGroup]:
            everything = window.everything or EverythingSearch()  # without the notes
            assert window.glossary_pane is not None
            groups = everything.search(needle, window.document, window.glossary_pane.glossary)
            for problem in everything.failed[:1]:
                window.statusBar().showMessage(problem, 10000)
            return groups

        dialog = SearchEverythingDialog(search, parent)
        dialog.text_chosen.connect(window.reading_view.flash)
        dialog.entry_chosen.connect(window.term_lookup_requested)
        if window.notes is not None:
            dialog.note_chosen.connect(window.notes.show_note)
        # Other texts open in the window (ui/library_coordinator.py), where the library is.
        library = getattr(window, "library", None)
        if library is not None:
            dialog.other_text_chosen.connect(library.open_at_block)
            dialog.other_note_chosen.connect(library.open_at_note)
            dialog.other_entry_chosen.connect(library.open_at_entry)
        window.search_everything = dialog
    dialog = window.search_everything
    if dialog.edit.text().strip():  # another text may be open now: its results come first
        dialog.run_search()
    dialog.show()
    dialog.raise_()
    dialog.edit.setFocus()
    dialog.edit.selectAll()
    return dialog
