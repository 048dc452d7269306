"""Search everything: one box, results from the text, the glossary and the notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader_app.domain.bidi import isolate
from reader_app.domain.glossary import Glossary
from reader_app.domain.search import context_around, find_all, find_pattern
from reader_app.domain.text import Document, in_quotation_marks

if TYPE_CHECKING:
    from reader_app.models.notes_controller import NotesController

RESULT_ROLE = Qt.ItemDataRole.UserRole + 1
GROUP_LIMIT = 50


class SearchEverythingDialog(QDialog):
    text_chosen = Signal(str, int, int)  # block id, start, end
    entry_chosen = Signal(str)
    note_chosen = Signal(str)

    def __init__(
        self,
        document: Document,
        glossary: Glossary,
        notes: NotesController | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search Everything")
        self.setObjectName("searchEverything")
        self.resize(560, 480)
        self._document = document
        self._glossary = glossary
        self._notes = notes
        layout = QVBoxLayout(self)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Search the text, the glossary and your notes…")
        self.edit.setAccessibleName("Search everything")
        self.edit.setClearButtonEnabled(True)
        layout.addWidget(self.edit)
        self.results = QTreeWidget(self)
        self.results.setHeaderHidden(True)
        self.results.setAccessibleName("Search results")
        self.results.setRootIsDecorated(False)
        self.results.setWordWrap(True)
        layout.addWidget(self.results, 1)
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Search summary")
        layout.addWidget(self.summary)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.run_search)
        self.edit.textChanged.connect(self._timer.start)
        self.edit.returnPressed.connect(self._choose_first)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._choose)

    def run_search(self) -> None:
        needle = self.edit.text()
        self.results.clear()
        pattern = find_pattern(needle)
        if pattern is None:
            self.summary.setText("")
            return
        text_hits = []
        for block in self._document.blocks:
            for start, end in find_all(block.text, pattern):
                label = f"{block.citation_label}   {context_around(block.text, start, end)}"
                text_hits.append((label, ("text", block.id, start, end)))
        entry_hits = [
            (f"{entry.headword} — {entry.gloss}", ("entry", entry.id))
            for entry in self._glossary.entries
            if entry.matches_filter(needle) or pattern.search(entry.explanation)
        ]
        note_hits = []
        if self._notes is not None:
            for hit in self._notes.search(needle, limit=GROUP_LIMIT):
                quote = f"{in_quotation_marks(isolate(hit.note.quote))} " if hit.note.quote else ""
                snippet = isolate(" ".join(hit.snippet.text.split()))
                note_hits.append((f"{quote}{snippet}", ("note", hit.note.id)))
        counts = []
        for title, hits in (("Text", text_hits), ("Glossary", entry_hits), ("Notes", note_hits)):
            group = QTreeWidgetItem(self.results, [f"{title} ({len(hits)})"])
            font = QFont(group.font(0))
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for label, result in hits[:GROUP_LIMIT]:
                item = QTreeWidgetItem(group, [label])
                item.setData(0, RESULT_ROLE, result)
                item.setToolTip(0, "")
            counts.append(len(hits))
            group.setExpanded(True)
        self.summary.setText(
            f"{counts[0]} in the text · {counts[1]} in the glossary · {counts[2]} in your notes"
        )

    def _groups(self) -> list[QTreeWidgetItem]:
        items = (self.results.topLevelItem(row) for row in range(self.results.topLevelItemCount()))
        return [item for item in items if item is not None]

    @staticmethod
    def _children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        items = (group.child(index) for index in range(group.childCount()))
        return [item for item in items if item is not None]

    def _choose_first(self) -> None:
        self._timer.stop()
        self.run_search()
        for group in self._groups():
            for child in self._children(group)[:1]:
                self._choose(child)
                return

    def _choose(self, item: QTreeWidgetItem) -> None:
        result = item.data(0, RESULT_ROLE)
        if not result:
            return
        kind, *rest = result
        if kind == "text":
            self.text_chosen.emit(*rest)
        elif kind == "entry":
            self.entry_chosen.emit(rest[0])
        else:
            self.note_chosen.emit(rest[0])
        self.hide()
