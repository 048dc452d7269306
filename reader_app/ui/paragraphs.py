"""Where the reader is in the text, in numbered paragraphs: the status bar's progress and
Go to Paragraph. Positions are the text's (block id and offset), never a widget's."""

from __future__ import annotations

from reader_app.domain.progress import read_fraction
from reader_app.domain.text import Block, Document
from reader_app.ui.text_view import ReadingView


def current_paragraph(view: ReadingView, document: Document) -> int | None:
    """The numbered paragraph at the top of the view (the last one begun above it)."""
    top = view.top_position()
    located = view.locate(top)
    numbered = document.body_blocks()
    if located is None:
        before = [b for b in numbered if view.document_position(b.id, 0) <= top]
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


def reading_place(view: ReadingView, document: Document) -> tuple[Block, int] | None:
    """The block and offset the reader's place is saved as: the top of the view, or the end
    of the last block when the end of the text is on screen (see domain/progress.py), which
    reopens on the same last screen. None on our own labels above the text."""
    if document.blocks and view.end_on_screen():
        last = document.blocks[-1]
        return last, len(last.text)
    return view.locate(view.top_position())


class _ReadingOrder:
    """Each block's index in reading order, for the text last asked about: the status bar
    asks on every scroll step, and a linear search of a 30,000-block book cost 5 ms each."""

    def __init__(self) -> None:
        self._blocks: tuple[Block, ...] = ()
        self._index: dict[str, int] = {}

    def index(self, document: Document, block_id: str) -> int:
        if document.blocks is not self._blocks:
            self._blocks = document.blocks
            self._index = {block.id: seq for seq, block in enumerate(document.blocks)}
        return self._index.get(block_id, 0)


_reading_order = _ReadingOrder()


def _place_seq(view: ReadingView, document: Document) -> int:
    place = reading_place(view, document)
    return 0 if place is None else _reading_order.index(document, place[0].id)


def progress_text(view: ReadingView, document: Document) -> str:
    """ "¶12 of 40 · 30% read", or "Before ¶1 · 0% read" above the first paragraph: what
    comes before it is a title, an editor's introduction or a preface, depending on the text.
    The percentage is the Library's "Read" figure for the place that would be saved now."""
    fraction = read_fraction(_place_seq(view, document), len(document.blocks))
    percent = round(100 * fraction)
    paragraph = current_paragraph(view, document)
    where = f"¶{paragraph} of {len(document.body_blocks())}" if paragraph else "Before ¶1"
    return f"{where} · {percent}% read"


def scroll_to_paragraph(view: ReadingView, document: Document, number: int) -> None:
    """Bring paragraph ``number`` to the top and put the caret at its start."""
    block = next(b for b in document.body_blocks() if b.number == number)
    view.scroll_to_block(block.id)
    view.set_caret(view.document_position(block.id, 0))
