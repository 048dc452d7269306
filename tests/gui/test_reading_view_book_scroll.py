"""A long text shown and scrolled to a place at once (as a benchmark opens a book) shows
that place, though Qt has not yet told the scroll bar how tall the laid-out text is: it
does so when the event loop turns, and until then the bar's range is that of what was
laid out before (seen with the King James Version: the middle of the book shown as its
first page)."""

from __future__ import annotations

from reader_app.domain.text import Block, Role, load_document
from reader_app.ui.text_view import ReadingView

BLOCKS = 3_000


def long_text():  # -> Document
    blocks = tuple(
        Block(f"b{n}", Role.BODY, f"Verse {n}: and the words of the verse go on a while.", n + 1)
        for n in range(BLOCKS)
    )
    return load_document()._replace(id="long", blocks=blocks, provenance={})


def test_a_scroll_bar_not_yet_told_the_texts_height_does_not_stop_a_scroll(qtbot) -> None:
    document = long_text()
    view = ReadingView(document)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    bar = view.verticalScrollBar()
    bar.setMaximum(1_000)  # what Qt had told it when the book was first laid out
    view.scroll_to_block(document.blocks[BLOCKS // 2].id)
    wanted = view.text_block(document.blocks[BLOCKS // 2].id)
    top = view.document().documentLayout().blockBoundingRect(wanted).top()
    assert bar.value() == round(top - 24) > 1_000
