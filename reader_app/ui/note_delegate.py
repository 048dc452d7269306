"""How a note looks in the notes list: its colour, quote, first line and tags on one row.

The delegate paints from the list model's roles (the note, and the match ranges when
searching); user text is isolated so its direction controls cannot reorder the row.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QWidget

from reader_app.domain.bidi import isolate
from reader_app.domain.highlights import SHADES, Colour
from reader_app.domain.notes import Note
from reader_app.domain.text import Document, in_quotation_marks
from reader_app.models.notes_model import (
    MATCHES_ROLE,
    NOTE_ROLE,
    citation_of,
    first_line,
)
from reader_app.models.notes_values import MarkedText
from reader_app.ui.reading_colours import blend, is_dark

if TYPE_CHECKING:
    # Imported when a note is painted: an empty list is drawn without them, and their first
    # use costs PySide some 20 enum classes (about 6 ms of start-up).
    from PySide6.QtWidgets import QStyleOptionViewItem


def colour_swatch(colour: Colour | None, palette: QPalette) -> QColor:
    if colour is None:
        return blend(
            palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.3
        )
    shades = SHADES[colour]
    return QColor(shades.dark if is_dark(palette) else shades.light).darker(
        115 if not is_dark(palette) else 80
    )


def note_row_lines(note: Note) -> tuple[str, str, str]:
    """The quote, first line and tags a list row shows, each piece of user text isolated so
    that its direction controls cannot reorder the row (see domain/bidi.py)."""
    quote = in_quotation_marks(isolate(" ".join(note.quote.split()))) if note.quote else ""
    tags = "  ".join(f"#{isolate(tag)}" for tag in note.tags)
    return quote, isolate(first_line(note.body)), tags


class NoteDelegate(QStyledItemDelegate):
    """Paints a note as citation, quote, first line and tags; all plain text, matches marked."""

    PADDING = 8

    def __init__(self, document: Document, headword_of, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._headword_of = headword_of

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))
        bold = QFont(small)
        bold.setBold(True)
        italic = QFont(base)
        italic.setItalic(True)
        return bold, italic, small

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        note: Note | None = index.data(NOTE_ROLE)
        bold, italic, small = self._fonts(option)
        height = self.PADDING * 2 + QFontMetrics(bold).height() + QFontMetrics(option.font).height()
        if note is None:  # gone, or unreadable, since the list was read: an empty row
            return QSize(200, height + 4)
        if note.quote:
            height += QFontMetrics(italic).height() + 2
        if note.tags:
            height += QFontMetrics(small).height() + 2
        return QSize(200, height + 4)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # Whole on purpose: one row painted top to bottom, each line's y following the last.
        from PySide6.QtWidgets import QStyle  # imported when used: see the imports at the top

        note: Note | None = index.data(NOTE_ROLE)
        if note is None:  # gone, or unreadable, since the list was read: an empty row
            return
        matches: MarkedText | None = index.data(MATCHES_ROLE)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = (
            blend(text_colour, palette.color(QPalette.ColorRole.Base), 0.62)
            if not selected
            else text_colour
        )
        bar = QRect(option.rect.left() + 2, option.rect.top() + 6, 4, option.rect.height() - 12)
        painter.fillRect(bar, colour_swatch(note.colour, palette))
        bold, italic, small = self._fonts(option)
        left = option.rect.left() + self.PADDING + 8
        width = option.rect.width() - self.PADDING * 2 - 8
        y = option.rect.top() + self.PADDING

        headword = self._headword_of(note.glossary_entry_id) if note.glossary_entry_id else None
        citation = citation_of(note, self._document, headword)
        date = note.updated.astimezone().strftime("%d %b %Y")
        painter.setFont(bold)
        painter.setPen(QColor("#b03a2e") if note.is_detached and not selected else muted)
        line_height = QFontMetrics(bold).height()
        painter.drawText(QRect(left, y, width, line_height), Qt.AlignmentFlag.AlignLeft, citation)
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(QRect(left, y, width, line_height), Qt.AlignmentFlag.AlignRight, date)
        y += line_height

        quote_line, first, tags = note_row_lines(note)
        if quote_line:
            painter.setFont(italic)
            painter.setPen(text_colour)
            metrics = QFontMetrics(italic)
            quote = metrics.elidedText(quote_line, Qt.TextElideMode.ElideRight, width)
            painter.drawText(
                QRect(left, y, width, metrics.height()), Qt.AlignmentFlag.AlignLeft, quote
            )
            y += metrics.height() + 2

        painter.setFont(option.font)
        metrics = QFontMetrics(option.font)
        if matches is not None and matches.text.strip():
            self._paint_marked(painter, matches, left, y, width, metrics, text_colour, palette)
        else:
            painter.setPen(text_colour if first else muted)
            first = first or "(no text yet)"
            painter.drawText(
                QRect(left, y, width, metrics.height()),
                Qt.AlignmentFlag.AlignLeft,
                metrics.elidedText(first, Qt.TextElideMode.ElideRight, width),
            )
        y += metrics.height() + 2

        if tags:
            painter.setFont(small)
            painter.setPen(muted)
            small_metrics = QFontMetrics(small)
            painter.drawText(
                QRect(left, y, width, small_metrics.height()),
                Qt.AlignmentFlag.AlignLeft,
                small_metrics.elidedText(tags, Qt.TextElideMode.ElideRight, width),
            )
        painter.restore()

    @staticmethod
    def _paint_marked(
        painter, marked: MarkedText, left, y, width, metrics, colour, palette
    ) -> None:
        """Draw a snippet run by run, with a background behind each search match."""
        text = " ".join(marked.text.split("\n"))
        boundaries = sorted({0, len(text), *[p for span in marked.spans for p in span]})
        spans = set(marked.spans)
        x = left
        match_background = blend(
            palette.color(QPalette.ColorRole.Highlight),
            palette.color(QPalette.ColorRole.Base),
            0.35,
        )
        for start, end in pairwise(boundaries):
            run = text[start:end]
            run_width = metrics.horizontalAdvance(run)
            if x + run_width > left + width:
                run = metrics.elidedText(run, Qt.TextElideMode.ElideRight, left + width - x)
                run_width = metrics.horizontalAdvance(run)
            rect = QRect(x, y, run_width, metrics.height())
            if (start, end) in spans:
                painter.fillRect(rect, match_background)
            painter.setPen(colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft, run)
            x += run_width
            if x >= left + width:
                break
