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


def mark_terms_lazily(
    view: ReadingView,
    document: Document,
    glossary: Glossary,
    found: Callable[[list[Occurrence]], None] | None = None,
) -> None:
    """Mark ``glossary``'s terms in ``document`` as shown by ``view``: those near the
    screen before the paint, all of them after; ``found`` gets the whole list then (for
    the Glossary pane's occurrences)."""
    matcher = TermMatcher(glossary)

    def near(blocks: Sequence[Block]) -> list[Span]:
        return term_spans(view, glossary, find_occurrences_in(blocks, matcher))

    def everything() -> list[Span]:
        occurrences = find_occurrences_in(document.blocks, matcher)
        if found is not None:
            found(occurrences)
        return term_spans(view, glossary, occurrences)

    view.set_marks_lazily("terms", near, everything)
