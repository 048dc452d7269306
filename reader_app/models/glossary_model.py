"""Glossary entries as a tree grouped by category, with a filter that reads aliases too."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from reader_app.domain.glossary import Category, Glossary

ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def build_glossary_model(
    glossary: Glossary,
    occurrence_counts: dict[str, int],
    personal_ids: frozenset[str] = frozenset(),
) -> QStandardItemModel:
    """Categories in a fixed, reader-friendly order; entries alphabetical within each.

    The reader's own entries (``personal_ids``) say so, so that one beside a bundled entry
    of the same headword is told apart from it."""
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Term"])
    for category in Category:
        entries = sorted(
            (e for e in glossary.entries if e.category is category),
            key=lambda e: (e.headword.casefold(), e.id in personal_ids),
        )
        if not entries:
            continue
        group = QStandardItem(category.plural_label)
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont()
        font.setBold(True)
        group.setFont(font)
        for entry in entries:
            mine = entry.id in personal_ids
            item = QStandardItem(f"{entry.headword} (yours)" if mine else entry.headword)
            item.setData(entry.id, ENTRY_ID_ROLE)
            count = occurrence_counts.get(entry.id, 0)
            where = f"{count} in the text" if count else "background, not in the text"
            item.setToolTip(f"{entry.gloss} ({where})")
            item.setEditable(False)
            group.appendRow(item)
        model.appendRow(group)
    return model


class GlossaryFilterModel(QSortFilterProxyModel):
    """Keeps the entries whose headword, aliases or gloss contain the filter text."""

    def __init__(self, glossary: Glossary) -> None:
        super().__init__()
        self._glossary = glossary
        self._needle = ""
        self.setRecursiveFilteringEnabled(True)

    def set_glossary(self, glossary: Glossary) -> None:
        """The entries changed (the reader's own were added, edited or deleted)."""
        self.beginFilterChange()
        self._glossary = glossary
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_needle(self, needle: str) -> None:
        self.beginFilterChange()
        self._needle = needle
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        entry_id = index.data(ENTRY_ID_ROLE)
        if entry_id is None:
            return False  # a category shows only through its matching entries
        if entry_id not in self._glossary:  # between a change of entries and of the model
            return False
        return self._glossary.entry(entry_id).matches_filter(self._needle)
