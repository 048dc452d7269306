"""One rule for the characters a reader takes for the same (domain/typography.py): find,
glossary matching and note anchoring all follow it, so they never disagree."""

from __future__ import annotations

import pytest
from conftest import rebuild

from reader_app.domain.anchors import anchor_from_quote
from reader_app.domain.glossary import Category, Entry, Glossary, TermMatcher
from reader_app.domain.search import find_all, find_pattern
from reader_app.domain.text import Document
from reader_app.domain.typography import EQUIVALENT_CLASSES, fold

# (what the reader types or the glossary says, what the text prints)
PAIRS = [
    ("workers' state", "workers’ state"),
    ('the "bureaucracy"', "the “bureaucracy”"),
    ("1917-1921 years", "1917–1921 years"),
    ("self-activity here", "self‐activity here"),
    ("Central Committee", "Central\u00a0Committee"),
]


def test_folding_keeps_every_offset() -> None:
    every = "".join(EQUIVALENT_CLASSES)
    assert len(fold(every)) == len(every)
    assert fold("workers’ “state” 1917–21\u00a0¶") == 'workers\' "state" 1917-21 ¶'


@pytest.mark.parametrize(("typed", "printed"), PAIRS)
def test_find_matches_every_variant(typed: str, printed: str) -> None:
    pattern = find_pattern(typed)
    assert pattern is not None
    assert find_all(f"…{printed}…", pattern) == [(1, 1 + len(printed))]


@pytest.mark.parametrize(("alias", "printed"), PAIRS)
def test_glossary_terms_match_every_variant(alias: str, printed: str) -> None:
    entry = Entry(
        id="term",
        headword=alias,
        aliases=(),
        category=Category.CONCEPT,
        gloss="",
        explanation="",
        start=None,
        end=None,
        context=False,
        see_also=(),
        sources=(),
    )
    matcher = TermMatcher(Glossary((entry,)))
    assert matcher.find(f"In the {printed}.") == [("term", 7, 7 + len(printed))]
    assert entry.matches_filter(printed)


@pytest.mark.parametrize(("quote", "printed"), PAIRS)
def test_a_note_quoting_one_variant_finds_the_other(
    document: Document, quote: str, printed: str
) -> None:
    edition = rebuild(document, [("p1", "body", f"Once more the {printed} was discussed.")])
    _, placement = anchor_from_quote(edition, quote)
    assert placement.is_placed
    assert (placement.block_id, placement.start) == ("p1", len("Once more the "))
