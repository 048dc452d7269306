"""One pass over a book's blocks joined (domain/search.py ``JoinedBlocks``) finds exactly
what a pass of the same pattern over each block finds, case-blind searches made over a
lower-cased copy included: Python's own case-blind matching is the reference."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reader_app.domain.search import (
    SEPARATOR,
    JoinedBlocks,
    caseless_pattern,
    caseless_text,
    find_all,
    find_pattern,
)


def block_by_block(texts: list[str], pattern: re.Pattern[str]) -> list[tuple[int, int, int]]:
    """What Search Everything did before: ``find_all`` in each block in turn."""
    return [
        (index, start, end)
        for index, text in enumerate(texts)
        for start, end in find_all(text, pattern)
    ]


def assert_same(texts: list[str], pattern: re.Pattern[str]) -> None:
    """Every match, the first few, and the count, as block by block."""
    expected = block_by_block(texts, pattern)
    joined = JoinedBlocks(texts)
    assert joined.find(pattern) == expected
    assert joined.find(pattern, limit=2) == expected[:2]
    assert joined.count(pattern) == len(expected)


# Letters whose case is odd (dotted and dotless i, long s, final sigma, the Kelvin sign,
# sharp s, ypogegrammeni), typographic variants, spaces and the separator itself.
TRICKY = "aAeEiIİısSſσςΣkKKßẞµμι\u0345ᾳΐΐвᲀ'’ʼ\"“-–—. \u00a0\n…\0"
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=30)


@settings(max_examples=600)
@given(
    texts=st.lists(tricky_text, max_size=6),
    needle=st.text(alphabet=st.sampled_from(TRICKY), min_size=1, max_size=4),
    match_case=st.booleans(),
    whole_words=st.booleans(),
)
def test_joined_finds_what_each_block_finds_in_tricky_letters(
    texts: list[str], needle: str, match_case: bool, whole_words: bool
) -> None:
    pattern = find_pattern(needle, match_case=match_case, whole_words=whole_words)
    if pattern is not None:
        assert_same(texts, pattern)


@settings(max_examples=300)
@given(texts=st.lists(st.text(max_size=40), max_size=5), needle=st.text(min_size=1, max_size=3))
def test_joined_finds_what_each_block_finds_in_any_text(texts: list[str], needle: str) -> None:
    pattern = find_pattern(needle)
    if pattern is not None:
        assert_same(texts, pattern)


def test_every_cased_letter_is_found_as_case_blind_matching_finds_it() -> None:
    """Each letter of the Basic Multilingual Plane that has a case, looked for in all of
    them: the lower-cased copy finds what Python's case-blind matching finds."""
    letters = "".join(
        chr(code)
        for code in range(0x10000)
        if not 0xD800 <= code < 0xE000 and chr(code) not in "İ\u0345"
    )
    folded = caseless_text(letters)
    assert folded is not None and len(folded) == len(letters)
    for letter in letters:
        if letter.lower() == letter and letter.upper() == letter:
            continue
        pattern = re.compile(re.escape(letter), re.IGNORECASE)
        fast = caseless_pattern(pattern)
        assert fast is not None
        found = [match.start() for match in fast.finditer(folded)]
        assert found == [match.start() for match in pattern.finditer(letters)], letter


def test_a_book_of_verses_finds_the_same_verses_and_places() -> None:
    verses = [f"{n}:{n % 31} And the LORD said unto Moses, Go in unto Pharaoh." for n in range(500)]
    for needle in ("lord", "e", "unto pharaoh", "LORD said", "moses, go", "31 and"):
        pattern = find_pattern(needle)
        assert pattern is not None
        assert_same(verses, pattern)


def test_a_needle_holding_the_separator_never_matches_across_blocks() -> None:
    texts = ["the end", "start of the next"]
    pattern = find_pattern(f"end{SEPARATOR}start")
    assert pattern is not None
    assert JoinedBlocks(texts).find(pattern) == [] and JoinedBlocks(texts).count(pattern) == 0
    texts = ["the end\0start", "end", "start"]  # a block that holds one itself
    assert_same(texts, pattern)


def test_patterns_that_heed_case_or_lower_casing_would_change_are_not_made_caseless() -> None:
    assert caseless_pattern(re.compile("Lord")) is None  # heeds case
    assert caseless_pattern(re.compile(r"\S+", re.IGNORECASE)) is None  # \s means the opposite
    assert caseless_pattern(re.compile("İ", re.IGNORECASE)) is None  # lower-cased, two letters
    assert caseless_text("İstanbul") is None


def test_a_combining_ypogegrammeni_keeps_the_word_beside_it_a_whole_word() -> None:
    """U+0345 is a case-blind ι to Python but no word character: written as ι, it would
    join the word after it and hide it from a whole-word search."""
    texts = ["\u0345a", "ᾳ a"]
    for needle in ("a", "ι"):
        pattern = find_pattern(needle, whole_words=True)
        assert pattern is not None
        assert_same(texts, pattern)
    assert JoinedBlocks(texts).find(find_pattern("a", whole_words=True)) == [(0, 1, 2), (1, 2, 3)]
