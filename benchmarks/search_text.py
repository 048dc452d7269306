"""Search Everything's search of the text being read, over the book-length test text.

Run from the repository root::

    python benchmarks/search_text.py [BOOK_FOLDER] [--runs 7]

BOOK_FOLDER holds the files written by ``benchmarks/make_book.py``; without it the book is
built in a temporary folder first. The plain-text book (some 31,000 verses) is added to a
library and read back as the window reads it. For each word the median time of
``text_matches`` (every match counted, the first fifty listed with their place) is printed
beside a floor measured in the same run: the same pattern run over each block in turn,
which is what Search Everything did before the blocks were searched joined, and the least
a search one block at a time must do. The first search of a text also joins its blocks and
lower-cases them, once; it is printed apart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_book import book_folder, median_time  # beside this script
from library_add import open_library

from reader_app.domain.search import find_all, find_pattern
from reader_app.domain.text import Document
from reader_app.models.search_everything import text_matches

SEARCHES = ("e", "the", "lord", "living water", "jerusa", "shepherd", "Pharaoh")


def read_book(folder: Path, data: Path) -> Document:
    result, library = open_library(data)
    try:
        return library.document(library.add_file(folder / "book.txt").text_id)
    finally:
        result.close()


def block_by_block(needle: str, document: Document) -> int:
    pattern = find_pattern(needle)
    assert pattern is not None
    return sum(len(find_all(block.text, pattern)) for block in document.blocks)


def run(folder: Path, runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        document = read_book(folder, Path(scratch) / "data")
    print(f"{len(document.blocks)} blocks, {sum(len(b.text) for b in document.blocks):,} chars")
    started = time.perf_counter()
    text_matches("the", document)
    first = 1000 * (time.perf_counter() - started)
    print(f"first search of the text (joins and lower-cases it): {first:.1f} ms")
    ratios = []
    for needle in SEARCHES:
        found = text_matches(needle, document).found
        assert found == block_by_block(needle, document), needle
        floor = median_time(lambda word=needle: block_by_block(word, document), runs)
        took = median_time(lambda word=needle: text_matches(word, document), runs)
        ratios.append(took / floor)
        print(
            f"{needle!r:16} {found:7} found  text_matches {1000 * took:6.1f} ms"
            f"   block by block {1000 * floor:6.1f} ms   ratio {took / floor:.2f}"
        )
    print(f"median ratio to block by block: {statistics.median(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="output of make_book.py")
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        run(book_folder(arguments.folder, Path(scratch) / "book"), arguments.runs)


if __name__ == "__main__":
    main()
