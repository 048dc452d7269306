"""Where the reader is in the text, in numbered paragraphs: the status bar's progress and
Go to Paragraph. Positions are the text's (block id and offset), never a widget's."""

from __future__ import annotations

from reader_app.domain.text import Document
from reader_app.ui.text_view import ReadingView


def current_paragraph(view: ReadingView, document: Document) -> int | None:
    """The numbered paragraph at the top of the view (the last one begun above it)."""
    top = view.top_position()
    located = view.locate(top)
    numbered = document.body_blocks()
    if located is None:
        before = [b for b in numbered if view.text_block(b.id).position() <= top]
        return before[-1].number if before else None
    block = located[0]
    if block.number is not None:
        return block.number
    # One pass: asking each paragraph for its index made this quadratic, and a book's
    # heading at the top of the view froze the window for minutes.
    last_number = None
    for candidate in document.blocks:
        if candidate.id == block.id:
            break
        if candidate.number is not None:
            last_number = candidate.number
    return last_number


def progress_text(view: ReadingView, document: Document) -> str:
    """ "¶12 of 40 · 30% read", or "Before ¶1 · 0% read" above the first paragraph: what
    comes before it is a title, an editor's introduction or a preface, depending on the text."""
    bar = view.verticalScrollBar()
    percent = 100 if bar.maximum() == 0 else round(100 * bar.value() / bar.maximum())
    paragraph = current_paragraph(view, document)
    where = f"¶{paragraph} of {len(document.body_blocks())}" if paragraph else "Before ¶1"
    return f"{where} · {percent}% read"


def scroll_to_paragraph(view: ReadingView, document: Document, number: int) -> None:
    """Bring paragraph ``number`` to the top and put the caret at its start."""
    block = next(b for b in document.body_blocks() if b.number == number)
    view.scroll_to_block(block.id)
    cursor = view.textCursor()
    cursor.setPosition(view.document_position(block.id, 0))
    view.setTextCursor(cursor)
