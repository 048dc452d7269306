"""Glossary terms marked in the reading view, at any length of text.

A glossary of 200 terms finds some 80,000 occurrences in a book: a second to find, make
into marks and sort, which would delay the first paint by more than the 1.2x the issue
allows. So the terms near the screen are found first (the view asks as it scrolls), and
the whole list once the text is painted (see ``ReadingView.set_marks_lazily``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from reader_app.domain.glossary import (
    Glossary,
    Occurrence,
    TermMatcher,
    find_occurrences_in,
)
from reader_app.domain.text import Block, Document
from reader_app.ui.text_view import ReadingView, Span

LAZY_FROM_BLOCKS = 2_000
"""Blocks from which the whole list of terms waits for the paint: below it, finding them
all takes a few milliseconds (the bundled pamphlet: 200 blocks)."""


def term_spans(
    view: ReadingView, glossary: Glossary, occurrences: Iterable[Occurrence]
) -> list[Span]:
    """The marks of ``occurrences``: clicking one opens its entry, hovering shows its gloss."""
    return [
        Span(
            view.document_position(o.block_id, o.start),
            view.document_position(o.block_id, o.end),
            "term",
            key=o.entry_id,
            tooltip=glossary.entry(o.entry_id).gloss,
        )
        for o in occurrences
    ]


def finds_later(document: Document) -> bool:
    """Whether ``mark_terms`` finds the whole list of ``document``'s terms after the paint."""
    return len(document.blocks) >= LAZY_FROM_BLOCKS


def mark_terms(
    view: ReadingView,
    document: Document,
    glossary: Glossary,
    *,
    occurrences_in: Callable[[Sequence[Block]], list[Occurrence]] | None = None,
    marked: Callable[[list[Occurrence]], list[Occurrence]] = list,
    found: Callable[[list[Occurrence]], None] | None = None,
) -> None:
    """Mark ``glossary``'s terms in ``document`` as shown by ``view``.

    ``occurrences_in`` finds them in some blocks (by default ``glossary`` alone matched),
    ``marked`` chooses those to mark, and ``found`` gets the whole list (the Glossary pane
    lists every occurrence). A text of ``LAZY_FROM_BLOCKS`` blocks or more has the terms
    near the screen marked before the paint and the whole list after it; a shorter text
    has everything at once, in step with whatever ``found`` updates.
    """
    if occurrences_in is None:
        matcher = TermMatcher(glossary)

        def occurrences_in(blocks: Sequence[Block]) -> list[Occurrence]:
            return find_occurrences_in(blocks, matcher)

    finder = occurrences_in

    def near(blocks: Sequence[Block]) -> list[Span]:
        return term_spans(view, glossary, marked(finder(blocks)))

    def everything() -> list[Span]:
        occurrences = finder(document.blocks)
        if found is not None:
            found(occurrences)
        return term_spans(view, glossary, marked(occurrences))

    if finds_later(document):
        view.set_marks_lazily("terms", near, everything)
    else:
        view.set_marks("terms", everything())
