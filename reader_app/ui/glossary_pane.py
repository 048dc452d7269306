"""The glossary pane: entries by category, a filter, the entry view, and a timeline.

The pane shows entries and asks for things it does not own through signals: jumping to an
occurrence in the text is the window's business. Entry text is plain data; the HTML shown
is assembled here with every value escaped, so nothing in the data file acts as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStyledItemDelegate,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader_app.domain.glossary import Entry, Glossary, Occurrence, format_date
from reader_app.domain.text import Document
from reader_app.domain.typography import fold
from reader_app.models.glossary_model import (
    ENTRY_ID_ROLE,
    GlossaryFilterModel,
    build_glossary_model,
)
from reader_app.ui import links
from reader_app.ui.notice import WARNING, notice_label
from reader_app.ui.reading_colours import blend
from reader_app.ui.safe_browser import SafeBrowser
from reader_app.ui.text_view import READING_FONT_FAMILY

if TYPE_CHECKING:
    # Imported when used: the pane is drawn without them, and the first use of QStyle,
    # its options and QUrl costs PySide some 25 enum classes (about 7 ms of start-up).
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QStyleOptionViewItem

CONTEXT_CHARACTERS = 28
OCCURRENCE_ROLE = Qt.ItemDataRole.UserRole + 2
TIMELINE_DATE_ROLE = Qt.ItemDataRole.UserRole + 3
TIMELINE_NAME_ROLE = Qt.ItemDataRole.UserRole + 4


def occurrence_context(document: Document, occurrence: Occurrence) -> str:
    """A few words either side of an occurrence, cut at word boundaries."""
    text = document.block(occurrence.block_id).text
    before = text[max(0, occurrence.start - CONTEXT_CHARACTERS) : occurrence.start]
    after = text[occurrence.end : occurrence.end + CONTEXT_CHARACTERS]
    if occurrence.start > CONTEXT_CHARACTERS and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if occurrence.end + CONTEXT_CHARACTERS < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return f"{before}{text[occurrence.start : occurrence.end]}{after}".replace("\n", " ")


class TimelineDelegate(QStyledItemDelegate):
    """Each event as its date, small and quiet, over its name: a chronology to scan."""

    PADDING = 6

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        date_font = QFont(option.font)
        date_font.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.88))
        name_font = QFont(option.font)
        name_font.setWeight(QFont.Weight.DemiBold)
        return date_font, name_font

    def _name_rect(self, option: QStyleOptionViewItem, text: str) -> QRect:
        _, name_font = self._fonts(option)
        width = max(60, option.rect.width() - 2 * self.PADDING)
        return QFontMetrics(name_font).boundingRect(
            QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text
        )

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        date_font, _ = self._fonts(option)
        name = self._name_rect(option, index.data(TIMELINE_NAME_ROLE))
        height = QFontMetrics(date_font).height() + name.height() + 2 * self.PADDING + 2
        return QSize(option.rect.width(), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        from PySide6.QtWidgets import QStyle  # imported when used: see the imports at the top

        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        elif index.row() % 2:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.AlternateBase))
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        date_font, name_font = self._fonts(option)
        left = option.rect.left() + self.PADDING
        top = option.rect.top() + self.PADDING
        width = option.rect.width() - 2 * self.PADDING
        date_height = QFontMetrics(date_font).height()
        painter.setFont(date_font)
        painter.setPen(
            text if selected else blend(text, palette.color(QPalette.ColorRole.Base), 0.7)
        )
        painter.drawText(QRect(left, top, width, date_height), 0, index.data(TIMELINE_DATE_ROLE))
        painter.setFont(name_font)
        painter.setPen(text)
        name = index.data(TIMELINE_NAME_ROLE)
        painter.drawText(
            QRect(left, top + date_height + 2, width, option.rect.height()),
            int(Qt.TextFlag.TextWordWrap),
            name,
        )
        painter.restore()


class GlossaryPane(QWidget):
    occurrence_requested = Signal(str, int, int)  # block id, start, end within the block
    entry_opened = Signal(str)  # entry id (the window enables Edit/Delete for the reader's own)
    entries_changed = Signal()

    def __init__(
        self,
        glossary: Glossary,
        document: Document,
        occurrences: list[Occurrence],
        *,
        warning: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("glossaryPane")
        self._glossary = glossary
        self._document = document
        self._occurrences: dict[str, list[Occurrence]] = {}
        for occurrence in occurrences:
            self._occurrences.setdefault(occurrence.entry_id, []).append(occurrence)
        self._personal: dict[str, str] = {}  # the reader's own entries: id → where they apply
        self._history: list[str] = []
        self._note_action: QAction | None = None
        self._history_index = -1
        self.current_entry_id: str | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)

        self.warning_label = notice_label(self, "Glossary warning", WARNING)
        self.warning_label.setText(warning)
        self.warning_label.setVisible(bool(warning))
        layout.addWidget(self.warning_label)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter terms…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter glossary terms")
        layout.addWidget(self.filter_edit)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Glossary views")
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setAccessibleName("Glossary views")
        layout.addWidget(self.tabs, 1)

        self._build_entries_tab(occurrences)
        self._build_timeline_tab()

        self.filter_edit.textChanged.connect(self._apply_filter)
        self.filter_edit.returnPressed.connect(self._open_first_match)
        self._show_placeholder()

    # ----- construction ----------------------------------------------------------------

    def _build_entries_tab(self, occurrences: list[Occurrence]) -> None:
        # Whole on purpose: the tab's widgets from top to bottom, as it appears on screen.
        counts = {entry_id: len(found) for entry_id, found in self._occurrences.items()}
        self._source_model = build_glossary_model(self._glossary, counts)
        self.filter_model = GlossaryFilterModel(self._glossary)
        self.filter_model.setSourceModel(self._source_model)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        self.tree = QTreeView(splitter)
        self.tree.setModel(self.filter_model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Glossary terms")
        self.tree.expandAll()
        self.tree.activated.connect(self._on_tree_activated)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)

        entry_area = QWidget(splitter)
        entry_layout = QVBoxLayout(entry_area)
        entry_layout.setContentsMargins(0, 0, 0, 0)
        entry_layout.setSpacing(4)
        navigation = QHBoxLayout()
        self.back_button = self._nav_button("Back", QKeySequence.StandardKey.Back, self.back)
        self.forward_button = self._nav_button(
            "Forward", QKeySequence.StandardKey.Forward, self.forward
        )
        self.back_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.forward_button.setArrowType(Qt.ArrowType.RightArrow)
        navigation.addWidget(self.back_button)
        navigation.addWidget(self.forward_button)
        navigation.addStretch(1)
        self.note_button = QToolButton(self)
        self.note_button.setText("Add Note")
        self.note_button.setToolTip("Write a note on this entry (it appears in the Notes pane)")
        self.note_button.setAccessibleName("Add a note on this entry")
        self.note_button.setEnabled(False)
        self.note_button.hide()  # shown once the window offers notes (see offer_notes)
        navigation.addWidget(self.note_button)
        entry_layout.addLayout(navigation)

        self.entry_view = SafeBrowser(entry_area)
        self.entry_view.setAccessibleName("Glossary entry")
        entry_font = QFont(READING_FONT_FAMILY)
        entry_font.setPointSizeF(max(self.font().pointSizeF() + 1.5, 10.5))
        self.entry_view.document().setDefaultFont(entry_font)
        self.entry_view.document().setDocumentMargin(8)
        self.entry_view.anchorClicked.connect(self._on_link)
        entry_layout.addWidget(self.entry_view, 3)

        self.occurrences_label = QLabel("Occurrences", entry_area)
        entry_layout.addWidget(self.occurrences_label)
        self.occurrence_list = QListWidget(entry_area)
        self.occurrence_list.setAccessibleName("Occurrences in the text")
        self.occurrence_list.setWordWrap(True)
        self.occurrence_list.itemActivated.connect(self._on_occurrence_activated)
        self.occurrence_list.itemClicked.connect(self._on_occurrence_activated)
        self.occurrences_label.setBuddy(self.occurrence_list)
        entry_layout.addWidget(self.occurrence_list, 1)

        splitter.addWidget(self.tree)
        splitter.addWidget(entry_area)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.tabs.addTab(splitter, "&Entries")
        self._update_navigation()

    def _nav_button(self, name: str, keys: QKeySequence.StandardKey, slot) -> QToolButton:
        action = QAction(name, self)
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setAccessibleName(f"{name} in glossary history")
        button.setToolTip(
            f"{name} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        return button

    def set_glossary(
        self,
        glossary: Glossary,
        occurrences: list[Occurrence],
        personal: dict[str, str],
        *,
        document: Document | None = None,
    ) -> None:
        """Show a new set of entries (the reader added, edited, deleted or imported their
        own, or opened another text: ``document``, which the occurrences are in);
        ``personal`` maps each of the reader's entries to where it applies. The open entry
        stays open if it still exists."""
        if document is not None and document is not self._document:
            self._document = document
            self._history = []  # entries read in another text
        self._glossary = glossary
        self._personal = dict(personal)
        self._occurrences = {}
        for occurrence in occurrences:
            self._occurrences.setdefault(occurrence.entry_id, []).append(occurrence)
        counts = {entry_id: len(found) for entry_id, found in self._occurrences.items()}
        self.filter_model.set_glossary(glossary)
        self._source_model = build_glossary_model(glossary, counts, frozenset(personal))
        self.filter_model.setSourceModel(self._source_model)
        self.tree.expandAll()
        self._fill_timeline()
        self._history = [entry_id for entry_id in self._history if entry_id in glossary]
        self._history_index = len(self._history) - 1
        current = self.current_entry_id
        if current is not None and current in glossary:
            self.open_entry(current, record=False)
        else:
            self.current_entry_id = None
            self.occurrence_list.clear()
            self._show_placeholder()
            self._update_navigation()
        self.entries_changed.emit()

    def is_personal(self, entry_id: str | None) -> bool:
        return entry_id is not None and entry_id in self._personal

    def _build_timeline_tab(self) -> None:
        self.timeline = QListWidget(self)
        self.timeline.setAccessibleName("Timeline of events and periods")
        self.timeline.setWordWrap(True)
        self.timeline.setItemDelegate(TimelineDelegate(self.timeline))
        self.timeline.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.timeline.setResizeMode(QListWidget.ResizeMode.Adjust)
        self._fill_timeline()
        self.timeline.itemActivated.connect(self._on_timeline_activated)
        self.timeline.itemClicked.connect(self._on_timeline_activated)
        self.tabs.addTab(self.timeline, "&Timeline")

    def _fill_timeline(self) -> None:
        self.timeline.clear()
        for entry in self._glossary.timeline():
            item = QListWidgetItem(f"{entry.dates_label}: {entry.headword}")
            item.setData(ENTRY_ID_ROLE, entry.id)
            item.setData(TIMELINE_DATE_ROLE, entry.dates_label)
            item.setData(TIMELINE_NAME_ROLE, entry.headword)
            item.setToolTip(entry.gloss)
            self.timeline.addItem(item)

    # ----- navigation ------------------------------------------------------------------

    def open_entry(self, entry_id: str, *, record: bool = True) -> None:
        if entry_id not in self._glossary:
            return
        if record and (not self._history or self._history[self._history_index] != entry_id):
            del self._history[self._history_index + 1 :]
            self._history.append(entry_id)
            self._history_index = len(self._history) - 1
        self.current_entry_id = entry_id
        entry = self._glossary.entry(entry_id)
        self.entry_view.setHtml(self.entry_html(entry))
        self._fill_occurrences(entry)
        self._select_in_tree(entry_id)
        self.tabs.setCurrentIndex(0)
        self._update_navigation()
        self.entry_opened.emit(entry_id)

    def offer_notes(self, note_action: QAction) -> None:
        """Show "Add Note" for the open entry; the window's action does the work."""
        self._note_action = note_action
        self.note_button.clicked.connect(note_action.trigger)
        self.note_button.show()
        note_action.changed.connect(self._update_navigation)
        self._update_navigation()

    def back(self) -> None:
        if self._history_index > 0:
            self._history_index -= 1
            self.open_entry(self._history[self._history_index], record=False)

    def forward(self) -> None:
        if self._history_index < len(self._history) - 1:
            self._history_index += 1
            self.open_entry(self._history[self._history_index], record=False)

    def _update_navigation(self) -> None:
        action = self._note_action
        self.note_button.setEnabled(
            self.current_entry_id is not None and action is not None and action.isEnabled()
        )
        self.back_button.setEnabled(self._history_index > 0)
        self.forward_button.setEnabled(self._history_index < len(self._history) - 1)

    def _select_in_tree(self, entry_id: str) -> None:
        matches = self._source_model.match(
            self._source_model.index(0, 0),
            ENTRY_ID_ROLE,
            entry_id,
            1,
            Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
        )
        if not matches:
            return
        proxy_index = self.filter_model.mapFromSource(matches[0])
        if proxy_index.isValid():
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(proxy_index)
            self.tree.selectionModel().blockSignals(False)
            self.tree.scrollTo(proxy_index)

    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry_id = current.data(ENTRY_ID_ROLE)
        if entry_id:
            self.open_entry(entry_id)

    def _on_tree_activated(self, index: QModelIndex) -> None:
        entry_id = index.data(ENTRY_ID_ROLE)
        if entry_id:
            self.open_entry(entry_id)
            self.entry_view.setFocus()

    def _on_timeline_activated(self, item: QListWidgetItem) -> None:
        self.open_entry(item.data(ENTRY_ID_ROLE))

    def _apply_filter(self, text: str) -> None:
        self.filter_model.set_needle(text)
        self.tree.expandAll()

    def _open_first_match(self) -> None:
        for row in range(self.filter_model.rowCount()):
            group = self.filter_model.index(row, 0)
            if self.filter_model.rowCount(group):
                self.open_entry(self.filter_model.index(0, 0, group).data(ENTRY_ID_ROLE))
                return

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "entry":
            self.open_entry(url.path())
        else:
            links.open_external(url)

    # ----- occurrences -----------------------------------------------------------------

    @property
    def glossary(self) -> Glossary:
        return self._glossary

    def occurrences_of(self, entry_id: str) -> list[Occurrence]:
        return list(self._occurrences.get(entry_id, []))

    def _fill_occurrences(self, entry: Entry) -> None:
        self.occurrence_list.clear()
        found = self._occurrences.get(entry.id, [])
        self.occurrences_label.setText(
            f"&Occurrences ({len(found)})" if found else "&Occurrences: none in this text"
        )
        for occurrence in found:
            block = self._document.block(occurrence.block_id)
            item = QListWidgetItem(
                f"{block.citation_label}   {occurrence_context(self._document, occurrence)}"
            )
            item.setData(OCCURRENCE_ROLE, (occurrence.block_id, occurrence.start, occurrence.end))
            self.occurrence_list.addItem(item)

    def _on_occurrence_activated(self, item: QListWidgetItem) -> None:
        block_id, start, end = item.data(OCCURRENCE_ROLE)
        self.occurrence_requested.emit(block_id, start, end)

    # ----- rendering -------------------------------------------------------------------

    def _show_placeholder(self) -> None:
        if len(self._glossary):
            self.entry_view.setHtml(
                "<p style='color:palette(placeholder-text)'>Choose a term, or click a marked "
                "word in the text, to read its entry.</p>"
            )
        self.occurrences_label.setText("&Occurrences")

    def entry_html(self, entry: Entry) -> str:
        # Imported when used: start-up shows no entry (QUrl: see the imports at the top).
        from html import escape as esc

        from PySide6.QtCore import QUrl

        meta = [entry.category.value.capitalize()]
        if entry.id in self._personal:
            meta.append(f"your entry, {self._personal[entry.id]}")
        if entry.dates_label:
            meta.append(entry.dates_label)
        parts = [
            f"<h2 style='margin-bottom:2px'>{esc(entry.headword)}</h2>",
            f"<p style='margin-top:0'><small>{esc(' · '.join(meta))}</small></p>",
            f"<p><i>{esc(entry.gloss)}</i></p>",
        ]
        parts += [f"<p>{esc(p.strip())}</p>" for p in entry.explanation.split("\n\n") if p.strip()]
        if entry.context:
            parts.append(
                "<p><small>Background: this term does not occur in the extract.</small></p>"
            )
        namesakes = [
            other
            for other in self._glossary.entries
            if other.id != entry.id
            and fold(other.headword).casefold() == fold(entry.headword).casefold()
        ]
        if namesakes:
            refs = ", ".join(
                f"<a href='entry:{esc(other.id, quote=True)}'>{esc(other.headword)}"
                f"{' (yours)' if other.id in self._personal else ''}</a>"
                for other in namesakes
            )
            parts.append(f"<p><b>Beside it:</b> {refs}</p>")
        if entry.see_also:
            refs = ", ".join(
                f"<a href='entry:{esc(target, quote=True)}'>"
                f"{esc(self._glossary.entry(target).headword)}</a>"
                for target in entry.see_also
                if target in self._glossary
            )
            parts.append(f"<p><b>See also:</b> {refs}</p>")
        if not entry.sources:
            return "".join(parts)
        parts.append("<p><b>Sources</b></p><ol style='margin-top:0'>")
        for source in entry.sources:
            citation = esc(source.citation)
            if source.url and links.is_web_link(QUrl(source.url)):
                address = esc(source.url, quote=True)
                citation += f"<br><a href='{address}'>{esc(source.url)}</a>"
            remarks = []
            if source.accessed:
                remarks.append(f"accessed {format_date(source.accessed)}")
            if source.supports:
                remarks.append("source for the dates")
            if remarks:
                citation += f"<br><small>{esc(' · '.join(remarks))}</small>"
            parts.append(f"<li>{citation}</li>")
        parts.append("</ol>")
        return "".join(parts)
