"""Find over the whole text at once (ReadingView.find_matches) finds what a search of each
block of the view finds, whatever the case and typography options."""

from __future__ import annotations

import pytest

from reader_app.domain.search import find_all, find_pattern
from reader_app.domain.text import Block, Role, load_document
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


def test_find_after_another_text_is_shown_searches_that_text(qtbot) -> None:
    """The lower-cased copy a case-blind find keeps belongs to the text it was made from."""
    pamphlet = load_document()
    view = ReadingView(pamphlet)
    qtbot.addWidget(view)
    pattern = find_pattern("bureaucracy", match_case=False, whole_words=False)
    assert pattern is not None
    assert view.find_matches(pattern)  # makes the lower-cased copy of the pamphlet
    words = "A short note on BREAD and bread."
    other = pamphlet._replace(
        id="note",
        blocks=(Block("note-1", Role.BODY, words, 1),),
        raw=words,
        provenance={},
    )
    view.show_document(other)
    assert view.find_matches(pattern) == []
    bread = find_pattern("bread", match_case=False, whole_words=False)
    assert bread is not None
    assert len(view.find_matches(bread)) == 2
    assert view.find_matches(bread) == block_by_block(view, bread)


@pytest.mark.parametrize(
    ("needle", "words"),
    [("σ", "Η ΟΔΟΣ ΤΗΣ ΠΟΛΗΣ"), ("moose", "A Mooſe in the ſnow"), ("ΟΔΟΣ", "η οδος")],
)
def test_a_case_blind_find_matches_what_ignoring_case_matches(qtbot, needle, words) -> None:
    """Letters Python takes as one when case is ignored (σ, ς and Σ; s and the long ſ) were
    missed: the find lower-cased the text, and "ΟΔΟΣ".lower() ends in ς, not σ."""
    pamphlet = load_document()
    text = pamphlet._replace(id="greek", blocks=(Block("g-1", Role.BODY, words, 1),))
    view = ReadingView(text)
    qtbot.addWidget(view)
    pattern = find_pattern(needle, match_case=False, whole_words=False)
    assert pattern is not None
    expected = block_by_block(view, pattern)
    assert expected, "the pattern itself finds it"
    assert view.find_matches(pattern) == expected
