"""Term matching with many terms: the trie-shaped pattern (one regex step per shared
character, where a flat alternation tried every alias at every position of a book) finds
what the plain "longest alias first" alternation finds, for any aliases and text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reader_app.domain.glossary import Category, Entry, Glossary, TermMatcher

ALPHABET = "ab c'’-ß"


def glossary_of(aliases: list[str]) -> Glossary:
    return Glossary(
        tuple(
            Entry(f"e{n}", alias, (), Category.CONCEPT, "g", "x", None, None, False, (), ())
            for n, alias in enumerate(aliases)
        )
    )


def longest_first(aliases: list[str], text: str) -> list[tuple[int, int]]:
    """The matches of the plain alternation, longest alias first (what the trie replaces)."""
    keys = sorted({a.casefold().strip() for a in aliases if a.strip()}, key=len, reverse=True)
    if not keys:
        return []
    pattern = "|".join(re.escape(key) for key in keys)
    regex = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)
    return [(m.start(), m.end()) for m in regex.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=6), min_size=1, max_size=8),
    st.text(alphabet=ALPHABET + "AB", max_size=60),
)
def test_the_trie_pattern_matches_as_the_longest_first_alternation(
    aliases: list[str], text: str
) -> None:
    # Straight apostrophes and hyphens only: folding is TermMatcher's, not the comparison's.
    text = text.replace("’", "'")
    aliases = [a.replace("’", "'") for a in aliases]
    found = [(start, end) for _, start, end in TermMatcher(glossary_of(aliases)).find(text)]
    assert found == longest_first(aliases, text)
