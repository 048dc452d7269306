"""The Library pane (every text, filtered as one types, sorted by any column) and the
Contents pane (the chapters of the open text). Both only ask: the coordinator in
``ui/library_coordinator.py`` opens, adds and removes."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader_app.domain.importing import TocEntry
from reader_app.models.library_model import SORT_ROLE, TEXT_ID_ROLE, LibraryModel

BLOCK_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class _TextsTable(QTableView):
    """Enter opens the current text, as a double click does."""

    activated_by_key = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_by_key.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class LibraryPane(QWidget):
    open_requested = Signal(str)  # text id
    remove_requested = Signal(str)
    add_requested = Signal()

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)  # title, author, year: any column matches

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter texts…")
        self.filter_edit.setAccessibleName("Filter texts")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)

        self.table = _TextsTable(self)
        self.table.setAccessibleName("Texts in the library")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the bundled text first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated_by_key.connect(self._open_index)
        self.filter_edit.returnPressed.connect(self._open_first)

        self.add_button = QPushButton("Add Text…", self)
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button = QPushButton("Remove…", self)
        self.remove_button.clicked.connect(self._remove_current)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        model.modelReset.connect(self._update_buttons)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def current_text_id(self) -> str | None:
        index = self.table.currentIndex()
        return str(index.data(TEXT_ID_ROLE)) if index.isValid() else None

    def select_text(self, text_id: str) -> None:
        row = self.model.row_of(text_id)
        if row is not None:
            self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(str(index.data(TEXT_ID_ROLE)))

    def _open_first(self) -> None:
        self._open_index(self.proxy.index(0, 0))

    def _remove_current(self) -> None:
        text_id = self.current_text_id()
        if text_id is not None:
            self.remove_requested.emit(text_id)

    def _update_buttons(self) -> None:
        index = self.table.currentIndex()
        row = self.proxy.mapToSource(index).row() if index.isValid() else -1
        texts = self.model.texts()
        removable = 0 <= row < len(texts) and not texts[row].bundled
        self.remove_button.setEnabled(removable)
        self.remove_button.setToolTip(
            "" if removable or row < 0 else "The text that comes with Study Reader stays."
        )


class ContentsPane(QTreeWidget):
    """The open text's chapters; choosing one moves the reading view there."""

    chapter_requested = Signal(str)  # block id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setAccessibleName("Contents")
        self.itemActivated.connect(self._on_activated)
        self.itemClicked.connect(self._on_activated)

    def show_contents(self, entries: list[TocEntry]) -> None:
        self.clear()
        open_levels: list[tuple[int, QTreeWidgetItem]] = []  # the path to the last entry
        for entry in entries:
            while open_levels and open_levels[-1][0] >= entry.depth:
                open_levels.pop()
            item = QTreeWidgetItem([entry.title])
            item.setData(0, BLOCK_ID_ROLE, entry.block_id)
            item.setToolTip(0, entry.title)
            if open_levels:
                open_levels[-1][1].addChild(item)
            else:
                self.addTopLevelItem(item)
            open_levels.append((entry.depth, item))
        self.expandAll()

    def _on_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.chapter_requested.emit(str(item.data(0, BLOCK_ID_ROLE)))
