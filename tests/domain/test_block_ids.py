"""Block ids derived from the words: the same on re-adding, kept by blocks an edition left alone."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from reader_app.domain.importing.block_ids import assign_block_ids, block_hash


def _book(blocks: int, seed: int = 7) -> list[str]:
    """A generated text shaped like a book: distinct sentences, a few repeated lines."""
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(3000)]
    texts = [" ".join(rng.choices(vocabulary, k=rng.randint(8, 30))) for _ in range(blocks)]
    for index in range(0, blocks, 500):
        texts[index] = "* * *"  # a scene break repeated through the book
    return texts


def test_a_book_keeps_998_in_1000_ids_after_an_insert_and_50_edits() -> None:
    """The guide's measurement: 31,000 blocks, one inserted near the start, 50 edited."""
    original = _book(31_000)
    rng = random.Random(11)
    edited = list(original)
    edited.insert(100, "A paragraph the corrected edition adds.")
    for index in rng.sample(range(len(edited)), 50):
        edited[index] = edited[index] + " (corrected)"
    before, after = assign_block_ids(original), set(assign_block_ids(edited))
    kept = sum(1 for block_id in before if block_id in after)
    assert kept / len(before) >= 0.998
    unchanged = set(original) & set(edited)
    lost = [i for i, text in enumerate(original) if text in unchanged and before[i] not in after]
    assert lost == []  # every block the edition left alone keeps its id


def test_ids_are_unique_and_repeats_are_counted() -> None:
    ids = assign_block_ids(["Amen.", "Something else.", "Amen.", "Amen."])
    assert len(set(ids)) == 4
    assert ids[2] == f"{ids[0]}.2" and ids[3] == f"{ids[0]}.3"


def test_spacing_and_quote_styles_do_not_change_an_id() -> None:
    assert block_hash("“It’s  here,”\nshe said.") == block_hash('"It\'s here," she said.')
    assert block_hash("Cafe\u0301") == block_hash("Caf\u00e9")  # NFC
    assert block_hash("word") != block_hash("Word")  # a change of case is an edit


def test_ids_do_not_depend_on_the_process() -> None:
    """Stored ids must come out the same after a restart and on every machine: pinned, so
    that a change to the normalisation (which would re-id every stored text) fails here."""
    assert block_hash("In the beginning.") == "2034fb61be96"  # blake2b, 6 bytes, of the UTF-8 text


@given(
    st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=40),
    st.text(min_size=1, max_size=20),
    st.data(),
)
def test_an_insertion_moves_no_other_id(texts: list[str], new: str, data) -> None:
    position = data.draw(st.integers(0, len(texts)))
    before = assign_block_ids(texts)
    after = assign_block_ids([*texts[:position], new, *texts[position:]])
    assert len(set(after)) == len(after)
    new_hash = block_hash(new)
    for index, block_id in enumerate(before):
        moved = index >= position and block_hash(texts[index]) == new_hash
        if not moved:  # only later repeats of the inserted words are renumbered
            assert block_id in after
