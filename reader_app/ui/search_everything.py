"""Search everything: one box, results from every text, the glossaries and the notes,
grouped by text (the text being read first), then by kind. What is found is the business
of ``models/search_everything.py``, asked through ``models/everything_runner.py`` so the
library's search runs off the GUI thread; this widget shows "Searching…" until the results
of the last words typed come, shows them, and says what was chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QHideEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader_app.models.everything_runner import EverythingRunner
from reader_app.models.search_everything import (
    EVERY_TEXT,
    GROUP_LIMIT,
    EverythingSearch,
    SearchResult,
    TextGroup,
)

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from reader_app.domain.glossary import Glossary
    from reader_app.domain.text import Document
    from reader_app.ui.glossary_pane import GlossaryPane
    from reader_app.ui.notes_coordinator import NotesCoordinator
    from reader_app.ui.text_view import ReadingView

RESULT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_TITLES = (("text", "Text"), ("entry", "Glossary"), ("note", "Notes"))
SEARCHING = "Searching…"


class SearchEverythingDialog(QDialog):
    text_chosen = Signal(str, int, int)  # block id, start, end in the text being read
    other_text_chosen = Signal(str, str)  # text id, block id: a hit in another text
    entry_chosen = Signal(str)
    note_chosen = Signal(str)
    other_note_chosen = Signal(str, str)  # text id, note id: a note on another text
    other_entry_chosen = Signal(str, str)  # text id, entry id: the reader's entry for another
    results_shown = Signal()  # the results of the last words typed replaced "Searching…"

    def __init__(self, runner: EverythingRunner, parent: QWidget | None = None) -> None:
        """``runner`` searches the text being read and the rest of the library; the
        dialog adopts it, so closing the window ends its worker with it."""
        super().__init__(parent)
        self.setWindowTitle("Search Everything")
        self.setObjectName("searchEverything")
        self.resize(600, 520)
        self._runner = runner
        runner.setParent(self)
        runner.finished.connect(self._show_results)
        self._choose_when_shown = False  # Enter pressed before the results came
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
        self.edit.textChanged.connect(self._forget_enter)
        self.edit.returnPressed.connect(self._choose_first)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._choose)

    def hideEvent(self, event: QHideEvent) -> None:
        """A search still waiting for the typing to pause, or running, is dropped: the
        window may be closing its notes, and nobody is looking at the results."""
        self._timer.stop()
        self._runner.cancel()
        self._choose_when_shown = False
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closed with the window: the worker lets go of the database before it closes."""
        self._runner.shutdown()
        super().closeEvent(event)

    @property
    def searching(self) -> bool:
        """Words typed whose results are not shown yet."""
        return self._timer.isActive() or self._runner.searching

    @staticmethod
    def _bold(item: QTreeWidgetItem) -> None:
        font = QFont(item.font(0))
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)

    def run_search(self) -> None:
        """Search for what is typed now; the results replace the old ones when they come
        (at once, when there is nothing to look for or no library file to search apart)."""
        self._timer.stop()
        if not self.edit.text().strip():
            self._runner.cancel()
            self._show_results([], "")
            return
        self.summary.setText(SEARCHING)
        self._runner.request(self.edit.text())

    def _forget_enter(self) -> None:
        self._choose_when_shown = False  # typing on after Enter: the first hit may change

    def _show_results(self, groups: list[TextGroup], problem: str) -> None:
        self.results.clear()
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
        texts = sum(1 for g in groups if g.text_id)
        if not self.edit.text().strip():
            self.summary.setText("")
        elif not groups:
            self.summary.setText(problem or "Nothing found")
        else:
            counted = f"{total} found in {texts} {'text' if texts == 1 else 'texts'}"
            self.summary.setText(f"{counted}. {problem}" if problem else counted)
        self.results_shown.emit()
        if self._choose_when_shown:
            self._choose_when_shown = False
            self._choose_first_shown()

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
        """Enter: the first result of what is typed, at once if it is shown, else as soon
        as it comes (the window stays live meanwhile)."""
        if not self.searching:
            self._choose_first_shown()
            return
        self._choose_when_shown = True
        if self._timer.isActive():
            self.run_search()

    def _choose_first_shown(self) -> None:
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


def show_search_everything(window: SearchHost, parent: QWidget) -> SearchEverythingDialog | None:
    """Ctrl+Shift+F: the window's dialog, made on first use, searching the text being read
    (``window.document``, with what its glossary pane shows) and the rest of the library."""
    if window.search_everything is None:
        if window.glossary_pane is None:  # still opening, a fraction of a second after start
            return None

        def context() -> tuple[Document, Glossary]:
            assert window.glossary_pane is not None
            return window.document, window.glossary_pane.glossary

        def everything() -> EverythingSearch:
            return window.everything or EverythingSearch()  # the notes not open (yet)

        dialog = SearchEverythingDialog(EverythingRunner(everything, context), parent)
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
