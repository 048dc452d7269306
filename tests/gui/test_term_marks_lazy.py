"""Glossary terms of a long text: the view is painted with the terms near the screen
marked, having searched only the blocks near it, and the whole list (the same as marking
everything at once) follows when the event loop turns. Work is counted, not timed."""

from __future__ import annotations

import pytest

from reader_app.domain.glossary import Category, Entry, Glossary, find_occurrences
from reader_app.domain.text import Block, Role, load_document
from reader_app.ui import term_marks
from reader_app.ui.text_view import ReadingView, Span

BLOCKS = 3_000


def entry(number: int, headword: str) -> Entry:
    return Entry(
        f"term-{number}",
        headword,
        (f"{headword}'s",),
        Category.PERSON,
        f"A gloss of {headword}.",
        "",
        None,
        None,
        False,
        (),
        (),
    )


GLOSSARY = Glossary((entry(0, "Moses"), entry(1, "Aaron"), entry(2, "Miriam")))


def long_text():  # -> Document
    names = ("Moses", "Aaron", "Miriam", "Joshua")
    blocks = tuple(
        Block(
            f"b{number}",
            Role.BODY,
            f"And {names[number % 4]} spake unto {names[(number + 1) % 4]}'s people, "
            f"saying the words of verse {number}.",
            number + 1,
        )
        for number in range(BLOCKS)
    )
    return load_document()._replace(id="long", blocks=blocks, provenance={})


@pytest.fixture
def searched(monkeypatch) -> list[int]:
    """How many blocks each search for terms was given."""
    sizes: list[int] = []
    search = term_marks.find_occurrences_in

    def counting(blocks, matcher):
        sizes.append(len(blocks))
        return search(blocks, matcher)

    monkeypatch.setattr(term_marks, "find_occurrences_in", counting)
    return sizes


def shown_at_middle(qtbot, document) -> ReadingView:
    view = ReadingView(document)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.scroll_to_block(document.blocks[BLOCKS // 2].id)
    return view


def test_terms_near_the_screen_are_marked_first_and_all_of_them_after(qtbot, searched) -> None:
    document = long_text()
    view = shown_at_middle(qtbot, document)
    found: list = []
    term_marks.mark_terms(view, document, GLOSSARY, found=found.append)

    # Before the event loop turns: only blocks near the screen were searched...
    assert searched and max(searched) < BLOCKS / 10
    near = view.marks("terms")
    assert near
    shown = view.locate(near[0].start)
    assert shown is not None and abs(shown[0].number - BLOCKS // 2) < BLOCKS / 10
    assert view.extraSelections()  # ...and they are what Qt paints

    qtbot.waitUntil(lambda: bool(found))
    everything = find_occurrences(document, GLOSSARY)
    assert found == [everything]
    assert view.marks("terms") == sorted(
        term_marks.term_spans(view, GLOSSARY, everything), key=lambda s: (s.start, s.end)
    )
    assert len(view.marks("terms")) == 3 * BLOCKS // 2  # Moses, Aaron, Miriam; not Joshua


def test_scrolling_before_the_whole_list_marks_the_terms_at_the_new_place(qtbot) -> None:
    document = long_text()
    view = shown_at_middle(qtbot, document)
    term_marks.mark_terms(view, document, GLOSSARY)
    view.scroll_to_block(document.blocks[10].id)
    first = view.locate(view.marks("terms")[0].start)
    assert first is not None and first[0].number is not None and first[0].number < 100


def test_marks_set_meanwhile_win_over_the_whole_list_still_to_come(qtbot) -> None:
    document = long_text()
    view = shown_at_middle(qtbot, document)
    found: list = []
    term_marks.mark_terms(view, document, GLOSSARY, found=found.append)
    view.set_marks("terms", [Span(0, 3, "term", "term-0")])
    other = load_document()
    term_marks.mark_terms(view, document, GLOSSARY, found=found.append)
    view.show_document(other)  # the whole list of the long text belongs to it, not to this
    qtbot.wait(50)
    assert found == []
    assert view.marks("terms") == []
