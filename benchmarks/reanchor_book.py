"""Re-anchoring 1,000 notes when the book is replaced by its corrected edition (issue 13).

Run from the repository root::

    python benchmarks/reanchor_book.py [BOOK_FOLDER] [--runs 3] [--notes 1000]

BOOK_FOLDER holds the files written by ``benchmarks/make_book.py``; without it the book is
built in a temporary folder first. The plain-text book is added to a fresh library and
replaced by ``book-corrected.txt`` (1 % of paragraphs with a word changed, 100 paragraphs
inserted), which gives the two editions as the window gets them. Notes are made on the
first edition, seeded: a fifth of them on the edited paragraphs, across the changed word
(the hard case: the quote is nowhere verbatim, so only the fuzzy search can place it), the
rest on random paragraphs (an edit there rarely touches them). Every note is then placed in
the corrected edition with ``domain.anchors.resolve``, the cached indexes of the edition
dropped before each run so each run pays for building them: once knowing the first edition
(``previous=``, as replacing a text with a new edition does) and once from the anchors alone
(as an import of annotations, or a note whose text changed underneath it, does).

Each placement is checked against where the passage really is: the corrected edition keeps
the first edition's paragraphs in order, so leaving out the inserted ones pairs every
paragraph with its corrected self. A note placed in another paragraph, or away from its
words, is "wrongly placed"; one that could not be placed is "detached" (kept for the reader
to repair, not an error of placement). The floor, measured in the same run, is the least a
re-anchoring could do: one ``str.find`` of each note's quote in the corrected text.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_book import book_folder  # beside this script
from library_add import open_library

from reader_app.domain import anchors
from reader_app.domain.anchors import Anchor, Placement, document_text, make_anchor, resolve
from reader_app.domain.importing import import_file
from reader_app.domain.text import Document, Role

BUDGET_SECONDS = 2.0
SEED = 1013
INSERTED = "[Inserted note"


class Note(NamedTuple):
    anchor: Anchor
    new_index: int  # the paragraph of the corrected edition that holds the passage
    start: int  # where the passage is in it
    end: int
    edited: bool  # the quote itself was changed


def editions(folder: Path, scratch: Path) -> tuple[Document, Document]:
    result, library = open_library(scratch / "library")
    try:
        text_id = library.add_file(folder / "book.txt").text_id
        corrected = folder / "book-corrected.txt"
        replaced = library.replace_edition(text_id, import_file(corrected), corrected.read_bytes())
        return replaced.old, replaced.new
    finally:
        result.close()


def word_span(text: str, first: int, count: int) -> tuple[int, int]:
    words = text.split(" ")
    start = len(" ".join(words[:first])) + (1 if first else 0)
    return start, len(" ".join(words[: first + count]))


def make_notes(old: Document, new: Document, count: int) -> list[Note]:
    """Notes on the first edition and where their passages are in the corrected one."""
    counterpart = [i for i, block in enumerate(new.blocks) if not block.text.startswith(INSERTED)]
    assert len(counterpart) == len(old.blocks), "the corrected edition is not the expected one"
    body = [i for i, block in enumerate(old.blocks) if block.role is Role.BODY]
    edited = [i for i in body if old.blocks[i].text != new.blocks[counterpart[i]].text]
    rng = random.Random(SEED)
    notes: list[Note] = []
    while len(notes) < count:
        hard = len(notes) % 5 == 0
        index = rng.choice(edited if hard else body)
        old_words = old.blocks[index].text.split(" ")
        new_text = new.blocks[counterpart[index]].text
        new_words = new_text.split(" ")
        if len(old_words) != len(new_words) or len(old_words) < 4:
            continue
        length = min(len(old_words) - 1, rng.randint(3, 12))
        changed = [w for w, (a, b) in enumerate(zip(old_words, new_words, strict=True)) if a != b]
        if hard and changed:
            first = max(0, min(changed[0] - rng.randint(0, length - 1), len(old_words) - length))
        else:
            first = rng.randint(0, len(old_words) - length)
        start, end = word_span(old.blocks[index].text, first, length)
        new_start, new_end = word_span(new_text, first, length)
        touched = any(first <= w < first + length for w in changed)
        anchor = make_anchor(old, old.blocks[index].id, start, end)
        notes.append(Note(anchor, counterpart[index], new_start, new_end, touched))
    return notes


def verdict(note: Note, placement: Placement, new: Document) -> str:
    if not placement.is_placed:
        return "detached"
    assert placement.start is not None and placement.end is not None
    if placement.block_id != new.blocks[note.new_index].id:
        return "wrongly placed"
    overlap = min(placement.end, note.end) - max(placement.start, note.start)
    if overlap < 0.5 * (note.end - note.start):
        return "wrongly placed"
    return placement.status.value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="output of make_book.py")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--notes", type=int, default=1000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = book_folder(arguments.folder, Path(scratch) / "book")
        run(folder, Path(scratch), arguments.runs, arguments.notes)


def run(folder: Path, scratch: Path, runs: int, count: int) -> None:
    old, new = editions(folder, scratch)
    notes = make_notes(old, new, count)
    corrected_text = document_text(new)

    def floor_work() -> None:
        for note in notes:
            corrected_text.find(note.anchor.exact)

    def reanchor(previous: Document | None) -> list[Placement]:
        anchors._VIEWS.clear()  # each run builds the corrected edition's indexes afresh
        return [resolve(note.anchor, new, previous=previous) for note in notes]

    hard = sum(1 for note in notes if note.edited)
    print(
        f"book: {len(old.blocks):,} blocks, corrected edition {len(new.blocks):,} blocks; "
        f"{len(notes):,} notes, {hard} of them across a changed word; median of {runs} runs"
    )
    for previous, how in ((old, "knowing the first edition"), (None, "from the anchors alone")):
        floors, times = [], []
        placements: list[Placement] = []
        for _ in range(runs):  # interleaved, so both see the same load
            floors.append(timed(floor_work))
            started = time.perf_counter()
            placements = reanchor(previous)
            times.append(time.perf_counter() - started)
        report(how, notes, placements, new, statistics.median(floors), times)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def report(
    how: str,
    notes: list[Note],
    placements: list[Placement],
    new: Document,
    floor: float,
    times: list[float],
) -> None:
    seconds = statistics.median(times)
    verdicts = Counter(verdict(n, p, new) for n, p in zip(notes, placements, strict=True))
    mark = "ok" if seconds <= BUDGET_SECONDS and not verdicts["wrongly placed"] else "OVER"
    print(f"{how}:")
    print(f"  floor (one str.find of each quote in the corrected text): {floor * 1000:7.0f} ms")
    print(
        f"  re-anchor {len(notes):,} notes: {seconds * 1000:7.0f} ms ({seconds / floor:.2f}x "
        f"floor, worst run {max(times) * 1000:.0f} ms), budget {BUDGET_SECONDS:.0f} s  {mark}"
    )
    print("  placements: " + ", ".join(f"{name} {n}" for name, n in sorted(verdicts.items())))
    if verdicts["wrongly placed"]:
        print("  WRONGLY PLACED: budget not met")


if __name__ == "__main__":
    main()
