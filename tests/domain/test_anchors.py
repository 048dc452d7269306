"""Anchoring: making anchors, and placing them again in edited editions of the text."""

from __future__ import annotations

import pytest
from conftest import anchor_on, blocks_of, rebuild

from reader_app import resources
from reader_app.domain.anchors import (
    CONTEXT_CHARS,
    AnchorError,
    PlacementStatus,
    anchor_from_quote,
    block_offsets,
    document_text,
    make_anchor,
    normalise,
    resolve,
)
from reader_app.domain.text import Document

QUOTE = "Some third person decides your fate"


def edit(document: Document, block_id: str, old: str, new: str) -> Document:
    blocks = blocks_of(document)
    changed = []
    for bid, role, original in blocks:
        text = original
        if bid == block_id:
            assert old in text, f"{old!r} not in {bid}"
            text = text.replace(old, new, 1)
        changed.append((bid, role, text))
    return rebuild(document, changed)


def placed_text(document: Document, placement) -> str:
    return document.block(placement.block_id).text[placement.start : placement.end]


def test_document_text_is_the_bundled_file(document: Document) -> None:
    # Exported TextPositionSelectors count characters of this string, so other tools can
    # use them on the bundled file itself.
    raw = resources.read_text("texts/kollontai-workers-opposition-1921.txt")
    assert document_text(document) == raw.strip("\n")
    offsets = block_offsets(document)
    for block in document.blocks:
        start = offsets[block.id]
        assert raw[start : start + len(block.text)] == block.text


def test_make_anchor_keeps_quote_context_and_version(document: Document) -> None:
    anchor = anchor_on(document, "p3", QUOTE)
    text = document.block("p3").text
    assert anchor.exact == QUOTE
    assert text[anchor.start : anchor.end] == QUOTE
    assert len(anchor.prefix) == CONTEXT_CHARS and text[: anchor.start].endswith(anchor.prefix)
    assert len(anchor.suffix) == CONTEXT_CHARS and text[anchor.end :].startswith(anchor.suffix)
    assert anchor.text_version == document.version


def test_context_crosses_block_boundaries(document: Document) -> None:
    first_words = document.block("p2").text[:10]
    anchor = make_anchor(document, "p2", 0, 10)
    assert anchor.exact == first_words
    assert anchor.prefix.endswith("\n\n")
    assert document.block("p1").text.endswith(anchor.prefix[:-2])


@pytest.mark.parametrize(
    ("block_id", "start", "end"), [("nope", 0, 1), ("p1", 5, 5), ("p1", -1, 3), ("p1", 0, 10**6)]
)
def test_make_anchor_rejects_impossible_ranges(
    document: Document, block_id: str, start: int, end: int
) -> None:
    with pytest.raises(AnchorError):
        make_anchor(document, block_id, start, end)


def test_same_text_places_exactly(document: Document) -> None:
    anchor = anchor_on(document, "p3", QUOTE)
    placement = resolve(anchor, document)
    assert placement.status is PlacementStatus.EXACT
    assert (placement.block_id, placement.start, placement.end) == ("p3", anchor.start, anchor.end)


def test_words_changed_before_the_quote_move_it_within_its_block(document: Document) -> None:
    anchor = anchor_on(document, "p3", QUOTE)
    edition = edit(document, "p3", "arrived at either by one person", "reached by one person")
    assert edition.version != document.version
    placement = resolve(anchor, edition)
    assert placement.status is PlacementStatus.MOVED
    assert placement.block_id == "p3"
    assert placed_text(edition, placement) == QUOTE


def test_repeated_word_is_told_apart_by_its_context(document: Document) -> None:
    # "bureaucracy" occurs many times; the one ending ¶3 must be found again, not the first.
    text = document.block("p3").text
    last = text.rindex("bureaucracy")
    anchor = make_anchor(document, "p3", last, last + len("bureaucracy"))
    edition = edit(document, "p3", "These decisions", "All these bureaucracy decisions")
    placement = resolve(anchor, edition)
    assert placement.status is PlacementStatus.MOVED
    assert placement.start == edition.block("p3").text.rindex("bureaucracy")


def test_inserted_paragraph_keeps_notes_on_their_block(document: Document) -> None:
    blocks = blocks_of(document)
    index = next(i for i, b in enumerate(blocks) if b[0] == "p2")
    blocks.insert(index, ("p1a", "body", "A paragraph restored by the corrected edition."))
    edition = rebuild(document, blocks)
    anchor = anchor_on(document, "p3", QUOTE)
    placement = resolve(anchor, edition)
    # Block ids are permanent, so the offsets still hold; only the ¶ number changed.
    assert placement.status is PlacementStatus.EXACT
    assert edition.block("p3").number == document.block("p3").number + 1


def test_quote_moved_to_another_block_is_found(document: Document) -> None:
    # The edition moves the sentence from ¶3 to the end of ¶4.
    sentence = "Some third person decides your fate: this is the whole essence of bureaucracy."
    blocks = []
    for bid, role, original in blocks_of(document):
        text = original
        if bid == "p3":
            text = text.replace(" " + sentence, "")
        if bid == "p4":
            text = text + " " + sentence
        blocks.append((bid, role, text))
    edition = rebuild(document, blocks)
    placement = resolve(anchor_on(document, "p3", QUOTE), edition)
    assert placement.status is PlacementStatus.MOVED
    assert placement.block_id == "p4"
    assert placed_text(edition, placement) == QUOTE


def test_changed_words_inside_the_quote_are_placed_fuzzily(document: Document) -> None:
    quote = "not by means of an open exchange of opinions"
    anchor = anchor_on(document, "p2", quote)
    edition = edit(document, "p2", "an open exchange of opinions", "a free exchange of views")
    placement = resolve(anchor, edition)
    assert placement.status is PlacementStatus.FUZZY
    assert placement.block_id == "p2"
    assert placed_text(edition, placement).startswith("not by means of a free exchange")


def test_curly_and_straight_apostrophes_and_spacing_are_alike(document: Document) -> None:
    quote = "the Workers’ Opposition"
    anchor = anchor_on(document, "p1", quote)
    edition = edit(document, "p1", "the Workers’ Opposition", "the  Workers'\nOpposition")
    placement = resolve(anchor, edition)
    assert placement.status is not PlacementStatus.DETACHED
    assert normalise(placed_text(edition, placement)) == normalise(quote)


def test_deleted_passage_is_detached_not_misplaced(document: Document) -> None:
    anchor = anchor_on(document, "p3", QUOTE)
    edition = edit(document, "p3", "Some third person decides your fate: ", "")
    assert resolve(anchor, edition).status is PlacementStatus.DETACHED


def test_deleted_block_detaches(document: Document) -> None:
    anchor = anchor_on(document, "p3", QUOTE)
    edition = rebuild(document, [b for b in blocks_of(document) if b[0] != "p3"])
    assert resolve(anchor, edition).status is PlacementStatus.DETACHED


def test_anchor_from_quote_finds_and_keeps_given_context(document: Document) -> None:
    anchor, placement = anchor_from_quote(document, QUOTE, "entirely absent. ", ": this")
    assert placement.status is PlacementStatus.EXACT
    assert anchor.block_id == "p3" and anchor.exact == QUOTE
    assert anchor.prefix == "entirely absent. " and anchor.text_version == document.version
    assert resolve(anchor, document).status is PlacementStatus.EXACT


def test_anchor_from_quote_not_in_text_is_detached_with_quote(document: Document) -> None:
    anchor, placement = anchor_from_quote(document, "The cat sat on the mat quietly.")
    assert placement.status is PlacementStatus.DETACHED
    assert (anchor.block_id, anchor.start, anchor.end) == (None, None, None)
    assert anchor.exact == "The cat sat on the mat quietly."
    assert resolve(anchor, document).status is PlacementStatus.DETACHED


def test_placing_a_note_does_not_import_at_every_comparison(
    document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """difflib is imported when first needed (start-up does without it), but once: an
    import statement inside the comparison ran at every comparison (34 times for this one
    note), each a trip through the import machinery, which PySide's hook makes cost some
    2 µs."""
    import builtins

    quote = "not by means of an open exchange of opinions"
    anchor = anchor_on(document, "p2", quote)
    edition = edit(document, "p2", "an open exchange of opinions", "a free exchange of views")
    resolve(anchor, edition)  # whatever is imported on first use, imported now
    imports = []
    real_import = builtins.__import__

    def counting_import(name, *args, **kwargs):
        imports.append(name)
        return real_import(name, *args, **kwargs)

    other = edit(document, "p2", "an open exchange of opinions", "an honest exchange of views")
    assert other.version  # hashed (once per text) before counting
    monkeypatch.setattr(builtins, "__import__", counting_import)
    placement = resolve(anchor, other)
    monkeypatch.undo()
    assert placement.status is PlacementStatus.FUZZY
    assert imports == []
