"""A long text shown and scrolled to a place at once (as a benchmark opens a book) shows
that place, though Qt has not yet told the scroll bar how tall the laid-out text is: it
does so when the event loop turns, and until then the bar's range is that of what was
laid out before (seen with the King James Version: the middle of the book shown as its
first page)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

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


def test_page_down_after_a_scroll_goes_on_from_the_screen_not_the_caret(qtbot) -> None:
    """Opened at a saved place, the caret is still at the top of the text; Page Down moved
    it a page and the view with it, back to the text's second screen."""
    document = long_text()
    view = ReadingView(document)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.scroll_to_block("b200")
    before = view.top_position()
    QTest.keyClick(view.viewport(), Qt.Key.Key_PageDown)
    located = view.locate(view.top_position())
    assert located is not None and 200 < int(located[0].id[1:]) < 240
    assert view.top_position() > before
