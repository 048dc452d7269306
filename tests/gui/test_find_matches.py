"""Find over the whole text at once (ReadingView.find_matches) finds what a search of each
block of the view finds, whatever the case and typography options."""

from __future__ import annotations

import pytest

from reader_app.domain.search import find_all, find_pattern
from reader_app.domain.text import load_document
from reader_app.ui.text_view import ReadingView


def block_by_block(view: ReadingView, pattern) -> list[tuple[int, int]]:
    """The find bar's former way: ask Qt for every block and search each."""
    found = []
    block = view.document().begin()
    while block.isValid():
        base = block.position()
        found += [(base + s, base + e) for s, e in find_all(block.text(), pattern)]
        block = block.next()
    return found


@pytest.mark.parametrize(
    ("needle", "match_case", "whole_words"),
    [
        ("the", False, False),
        ("The", True, False),
        ("the", False, True),
        ("workers' opposition", False, False),
        ("BUREAUCRACY", False, False),
        ("self-activity", False, False),
        ("party  congress", False, True),
    ],
)
def test_find_matches_agrees_with_a_search_of_each_block(
    qtbot, needle: str, match_case: bool, whole_words: bool
) -> None:
    view = ReadingView(load_document())
    qtbot.addWidget(view)
    pattern = find_pattern(needle, match_case=match_case, whole_words=whole_words)
    assert pattern is not None
    expected = block_by_block(view, pattern)
    assert view.find_matches(pattern) == expected
    if needle == "the":
        assert len(expected) > 50
