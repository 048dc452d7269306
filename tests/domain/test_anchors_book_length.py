"""Anchoring at book length: a 30,000-block text, a corrected edition, a handful of notes.

The placements are checked one by one; the work is checked by counting the fuzzy
comparisons (``difflib.SequenceMatcher`` objects made), not by timing, so a return to a
fuzzy scan of every block fails here on any machine while the test stays quick.
"""

from __future__ import annotations

import difflib
import random

import pytest

from reader_app.domain.anchors import (
    BLOCK_SEPARATOR,
    Anchor,
    PlacementStatus,
    anchor_from_quote,
    make_anchor,
    resolve,
)
from reader_app.domain.importing.block_ids import assign_block_ids
from reader_app.domain.text import Block, Document, Role

BLOCKS = 30_000
# A fuzzy scan of every block makes at least one matcher a block; the candidate search
# makes a few hundred a note at most.
MATCHERS_PER_NOTE = 2_000


def book(texts: list[str], name: str = "book") -> Document:
    """A Document as the library makes one: ids from the words, blocks joined by blank lines."""
    ids = assign_block_ids(texts)
    blocks = tuple(
        Block(block_id, Role.BODY, text, number)
        for number, (block_id, text) in enumerate(zip(ids, texts, strict=True), start=1)
    )
    return Document(name, name, name, "", 0, blocks, BLOCK_SEPARATOR.join(texts), None, {}, {})


@pytest.fixture(scope="module")
def first_edition() -> list[str]:
    """Paragraphs of a small vocabulary (like a real book's) with a verse number each."""
    rng = random.Random(13)
    syllables = ["an", "el", "or", "ith", "ben", "sa", "mo", "ka", "ru", "ve", "lo", "dan"]
    rare = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(4000)})
    common = ["and", "the", "of", "unto", "he", "that", "in", "shall", "to", "his"] * 400
    words = rare + common
    return [
        f"{number} " + " ".join(rng.choices(words, k=rng.randint(14, 30))).capitalize() + "."
        for number in range(1, BLOCKS + 1)
    ]


class CountedMatcher(difflib.SequenceMatcher):  # type: ignore[type-arg]
    made = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        CountedMatcher.made += 1
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def matchers(monkeypatch: pytest.MonkeyPatch) -> type[CountedMatcher]:
    CountedMatcher.made = 0
    monkeypatch.setattr(difflib, "SequenceMatcher", CountedMatcher)
    return CountedMatcher


def note_on(document: Document, index: int, first_word: int, words: int) -> Anchor:
    """A note on ``words`` words of block ``index``, from its ``first_word``-th word."""
    text = document.blocks[index].text
    spans = text.split(" ")
    start = len(" ".join(spans[:first_word])) + (1 if first_word else 0)
    end = len(" ".join(spans[: first_word + words]))
    return make_anchor(document, document.blocks[index].id, start, end)


def placed(document: Document, anchor: Anchor) -> tuple[PlacementStatus, int | None, str]:
    placement = resolve(anchor, document)
    if placement.block_id is None:
        return placement.status, None, ""
    index = [block.id for block in document.blocks].index(placement.block_id)
    return placement.status, index, document.blocks[index].text[placement.start : placement.end]


def test_a_corrected_edition_places_every_note_without_scanning_every_block(
    first_edition: list[str], matchers: type[CountedMatcher]
) -> None:
    old = book(first_edition)
    texts = list(first_edition)
    # Edits: a word changed inside a quoted passage (block 20,000), a word changed outside
    # it (block 15,000), a paragraph inserted near the start, a passage deleted (block 25,000).
    changed_inside = texts[20_000].split(" ")
    changed_inside[4] = "corrected"
    texts[20_000] = " ".join(changed_inside)
    changed_outside = texts[15_000].split(" ")
    changed_outside[-1] = "EMENDED."
    texts[15_000] = " ".join(changed_outside)
    deleted = texts[25_000]
    texts[25_000] = deleted.split(" ")[0] + " (omitted in this edition)"
    texts.insert(10, "[An editor's note, inserted.]")
    new = book(texts, "book")
    assert old.version != new.version

    notes = {
        "unchanged": note_on(old, 5_000, 2, 6),
        "edited outside": note_on(old, 15_000, 1, 6),
        "edited inside": note_on(old, 20_000, 2, 6),
        "deleted": note_on(old, 25_000, 1, 8),
    }
    matchers.made = 0
    results = {name: placed(new, anchor) for name, anchor in notes.items()}

    assert results["unchanged"] == (PlacementStatus.EXACT, 5_001, notes["unchanged"].exact)
    assert results["edited outside"] == (
        PlacementStatus.MOVED,
        15_001,
        notes["edited outside"].exact,
    )
    status, index, text = results["edited inside"]
    assert (status, index) == (PlacementStatus.FUZZY, 20_001)
    # The passage as corrected, give or take the few characters of a length change that
    # the fuzzy match may leave at its end.
    assert " ".join(changed_inside[2:8]).startswith(text)
    assert " ".join(changed_inside[2:5]) in text
    assert results["deleted"][0] is PlacementStatus.DETACHED
    assert matchers.made <= MATCHERS_PER_NOTE * len(notes)


def test_an_imported_quote_with_a_changed_word_is_found_among_30000_blocks(
    first_edition: list[str], matchers: type[CountedMatcher]
) -> None:
    document = book(first_edition)
    words = first_edition[27_182].split(" ")
    quote_words = words[3:10]
    wanted = " ".join(quote_words)
    quote_words[2] = quote_words[2].upper() + "s"
    anchor, placement = anchor_from_quote(document, " ".join(quote_words))
    assert placement.status is PlacementStatus.FUZZY
    assert placement.block_id == document.blocks[27_182].id
    text = document.blocks[27_182].text[placement.start : placement.end]
    assert text == wanted
    assert anchor.exact == " ".join(quote_words)
    assert matchers.made <= MATCHERS_PER_NOTE


def test_a_sentence_the_book_repeats_is_placed_where_it_was_edited(
    first_edition: list[str], matchers: type[CountedMatcher]
) -> None:
    # Block 12,000 repeats block 11,000 and its neighbours, as books repeat verses; the
    # corrected edition sets a word of the note's passage in capitals in the second copy.
    texts = list(first_edition)
    for offset in (-1, 0, 1):
        texts[12_000 + offset] = texts[11_000 + offset]
    old = book(texts)
    anchor = note_on(old, 12_000, 1, 5)
    words = texts[12_000].split(" ")
    words[3] = words[3].upper()
    corrected = [*texts[:12_000], " ".join(words), *texts[12_001:]]
    corrected.insert(10, "[An editor's note, inserted.]")
    new = book(corrected)

    placement = resolve(anchor, new, previous=old)
    assert placement.block_id == new.blocks[12_001].id
    assert (placement.start, placement.end) == (anchor.start, anchor.end)
    assert matchers.made <= MATCHERS_PER_NOTE
