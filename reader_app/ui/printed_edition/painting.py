"""Painting one page of the laid-out edition, and its footer (running title, "n of N"):
QTextDocument has no page numbers of its own."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QTextDocument,
    QTextFrame,
)

from reader_app.ui.printed_edition.building import (
    INK,
    MUTED,
    RULE,
)


def paint_page(painter: QPainter, doc: QTextDocument, page: QRectF) -> None:
    """One page of the laid-out document: the lines the layout put on it, and backgrounds.

    We draw line by line rather than through QTextDocument.drawContents: the layout draws
    every line of a paragraph that crosses a page break on both pages and leaves it to the
    clip to hide the ones that belong to the other page. Hidden, they would still be in the
    PDF, so a reader's search or copy would find them twice.
    """
    painter.setClipRect(page)
    layout = doc.documentLayout()
    for frame in _frames(doc.rootFrame()):
        frame_format = frame.frameFormat()
        if frame_format.background().style() == Qt.BrushStyle.NoBrush:
            continue
        box = layout.frameBoundingRect(frame).adjusted(
            frame_format.leftMargin(),
            frame_format.topMargin(),
            -frame_format.rightMargin(),
            -frame_format.bottomMargin(),
        )
        painter.fillRect(box & page, frame_format.background())
    painter.setPen(INK)  # the colour of text with none of its own: paper is white
    block = doc.begin()
    while block.isValid():
        text_layout = block.layout()
        # position() is relative to the block's frame; this is the same point in the document.
        origin = layout.blockBoundingRect(block).topLeft()
        for index in range(text_layout.lineCount()):
            line = text_layout.lineAt(index)
            if page.top() - 0.5 <= origin.y() + line.y() < page.bottom() - 0.5:
                line.draw(painter, origin)
        block = block.next()


def _frames(frame: QTextFrame) -> list[QTextFrame]:
    found = [frame]
    for child in frame.childFrames():
        found += _frames(child)
    return found


def paint_footer(
    painter: QPainter,
    title: str,
    font: QFont,
    page_of: tuple[int, int],
    width: float,
    top: float,
) -> None:
    """A hairline, the running title on the left and "page n of N" on the right."""
    device_pt = painter.device().logicalDpiY() / 72.0
    painter.save()
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    rule_y = top + 6.0 * device_pt
    painter.setPen(QPen(RULE, 0.4 * device_pt))
    painter.drawLine(QPointF(0, rule_y), QPointF(width, rule_y))
    baseline = rule_y + 4.0 * device_pt + metrics.ascent()
    painter.setPen(MUTED)
    painter.drawText(QPointF(0, baseline), title)
    number = f"{page_of[0]} of {page_of[1]}"
    painter.drawText(QPointF(width - metrics.horizontalAdvance(number), baseline), number)
    painter.restore()
