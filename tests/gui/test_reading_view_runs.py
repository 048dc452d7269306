"""A reader's own text is built in runs of one role (ReadingView._build_in_runs), three
times faster for a book; the view it makes must be the one built a block at a time."""

from __future__ import annotations

import pytest

from reader_app.domain.text import Block, Role, load_document
from reader_app.ui.text_view import ReadingView

BLOCKS = (
    Block("h1", Role.HEADING, "Chapter One", None),
    Block("p1", Role.BODY, "In the beginning was the word.", 1),
    Block("p2", Role.BODY, "", 2),
    Block("p3", Role.BODY, "And the word was “quoted”, with a tab\there.", 3),
    Block("h2", Role.HEADING, "Chapter Two", None),
    Block("p4", Role.BODY, "The end.", 4),
)


def own_text(blocks=BLOCKS):  # -> Document
    return load_document()._replace(id="own", blocks=blocks, provenance={})


def shape(view: ReadingView) -> dict:
    """What the rest of the window can see of the view's text and index."""
    document = view.document()
    block = document.begin()
    formats = []
    while block.isValid():
        block_format, char_format = block.blockFormat(), block.charFormat()
        formats.append((block_format.bottomMargin(), char_format.font().pointSizeF()))
        block = block.next()
    source = view.shown_document
    return {
        "text": document.toPlainText(),
        "blocks": document.blockCount(),
        "formats": formats,
        "positions": [view.document_position(b.id, 3) for b in source.blocks],
        "located": [view.locate(p) for p in range(document.characterCount() - 1)],
        "text blocks": [view.text_block(b.id).text() for b in source.blocks],
    }


def built_block_by_block(monkeypatch, qtbot, document) -> dict:
    with monkeypatch.context() as patch:
        patch.setattr(ReadingView, "_build_in_runs", lambda *args: False)
        view = ReadingView(document)
        qtbot.addWidget(view)
        return shape(view)


@pytest.mark.parametrize("blocks", [BLOCKS, BLOCKS[1:2], ()])
def test_a_text_built_in_runs_is_the_text_built_block_by_block(qtbot, monkeypatch, blocks) -> None:
    document = own_text(blocks)
    view = ReadingView(document)
    qtbot.addWidget(view)
    assert shape(view) == built_block_by_block(monkeypatch, qtbot, document)


def test_a_text_qt_would_split_differently_is_built_block_by_block(qtbot, monkeypatch) -> None:
    """A line break inside a block (or Qt's own separators) would give Qt more blocks than
    the text has: such a text is built the careful way, and shows the same."""
    blocks = (*BLOCKS, Block("p5", Role.BODY, "two\nlines and a\u2029separator", 5))
    document = own_text(blocks)
    built: list[bool] = []
    in_runs = ReadingView._can_build_in_runs

    def recording(self):
        built.append(in_runs(self))
        return built[-1]

    monkeypatch.setattr(ReadingView, "_can_build_in_runs", recording)
    view = ReadingView(document)
    qtbot.addWidget(view)
    assert built == [False]
    monkeypatch.undo()
    assert shape(view) == built_block_by_block(monkeypatch, qtbot, document)
    assert view.locate(view.document_position("p4", 2)) == (BLOCKS[-1], 2)
