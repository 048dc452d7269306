"""Page breaks a reader would choose: no caption or headword last on a page, no paragraph
split to leave a single line behind."""

from __future__ import annotations

import math

from PySide6.QtGui import (
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from reader_app.ui.printed_edition.building import (
    ROLE_PROPERTY,
)

KEEP_WITH_NEXT = {"label", "heading", "entry"}  # captions and headwords: never last on a page
# Paragraphs up to this many lines are never split across pages; a longer one is, but never
# leaves a single line alone. The text's own paragraphs and the notes are kept whole.
KEEP_WHOLE_LINES = {"body": 8, "endnote": 8}
KEEP_WHOLE_LINES_OTHERWISE = 3


def keep_lines_together(doc: QTextDocument, page_height: float) -> int:
    """Move blocks to the next page where a page would end badly; how many were moved.

    QTextDocument has no widow, orphan or keep-with-next control, so this adds page breaks
    after layout, one at a time from the top: a caption or headword never ends a page, a
    short paragraph (see KEEP_WHOLE_LINES) is never split, and a longer one never leaves a
    single line alone on either page. The whole document is laid out again after each
    break (it is small): QTextDocumentLayout's incremental relayout, asked for positions
    while it catches up, can leave later blocks unlaid.
    """
    moved = 0
    while (block := _bad_break(doc, page_height)) is not None and moved < doc.blockCount():
        block_format = QTextBlockFormat()
        block_format.setPageBreakPolicy(
            block.blockFormat().pageBreakPolicy() | QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
        )
        QTextCursor(block).mergeBlockFormat(block_format)
        doc.markContentsDirty(0, doc.characterCount())
        moved += 1
    return moved


def _bad_break(doc: QTextDocument, page_height: float) -> QTextBlock | None:
    """The first block that should start a new page and does not yet."""
    layout = doc.documentLayout()

    def pages_of(block: QTextBlock) -> list[int]:
        top = layout.blockBoundingRect(block).top()
        text_layout = block.layout()
        return [
            math.floor((top + text_layout.lineAt(i).y()) / page_height + 1e-6)
            for i in range(text_layout.lineCount())
        ]

    block = doc.begin()
    while block.isValid():
        following = block.next()
        lines = pages_of(block)
        policy = block.blockFormat().pageBreakPolicy()
        if lines and not policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
            role = block.blockFormat().property(ROLE_PROPERTY)
            split = lines[0] != lines[-1]
            whole = KEEP_WHOLE_LINES.get(str(role), KEEP_WHOLE_LINES_OTHERWISE)
            if split and len(lines) > whole:
                split = lines[0] != lines[1] or lines[-1] != lines[-2]
            if role in KEEP_WITH_NEXT and following.isValid():
                after = pages_of(following)
                split = split or (bool(after) and after[0] != lines[-1])
            if split:
                return _with_captions(block)
        block = following
    return None


def _with_captions(block: QTextBlock) -> QTextBlock:
    """The block, or the caption or headword before it, which must move to the page with it."""
    previous = block.previous()
    while (
        previous.isValid()
        and previous.blockFormat().property(ROLE_PROPERTY) in KEEP_WITH_NEXT
        and not previous.blockFormat().pageBreakPolicy()
        & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
    ):
        block, previous = previous, previous.previous()
    return block
