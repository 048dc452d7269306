"""Adding the book-length test text to the library, per format, beside the issue-13 budget.

Run from the repository root::

    python benchmarks/library_add.py [BOOK_FOLDER] [--runs 3]

BOOK_FOLDER holds the files written by ``benchmarks/make_book.py``; without it the book is
built in a temporary folder first. Each run adds the file to a fresh data folder through
``LibraryRepository.add_file`` (read, fingerprint, parse, copy the original into the data
folder, store blocks, contents and the FTS index in one transaction, commit with
``synchronous=FULL``); the median is printed beside the budget (≤ 2 s), split into the
parse alone and the rest, and as a ratio to a floor measured in the same run: reading the
plain file, decoding it and splitting it into paragraphs, the least any addition must do.
The machine is shared, so the floor shows how loaded it was. The last lines time replacing
the EPUB with the corrected edition, and a ranked search over the library holding all
the formats.
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

from reader_app.domain.importing import import_file
from reader_app.domain.text import load_document, split_blocks
from reader_app.storage.library import LibraryRepository, library_of
from reader_app.storage.store import StoreOpenResult, open_store

BUDGET_SECONDS = 2.0
SEARCH_BUDGET_SECONDS = 0.1
FORMATS = ("txt", "md", "epub", "html")
SEARCHES = ("shepherd", "living water", "beginning", "faith hope charity", "jerusa")


def open_library(folder: Path) -> tuple[StoreOpenResult, LibraryRepository]:
    result = open_store(folder, load_document(), take_backup=False)
    assert result.repository is not None, result.messages
    return result, library_of(result.repository, folder)


def time_add(path: Path, scratch: Path, runs: int) -> tuple[float, int]:
    """Median seconds to add ``path`` to a fresh library, and the blocks stored."""
    times = []
    blocks = 0
    for run in range(runs):
        folder = scratch / f"{path.suffix[1:]}-{run}"
        result, library = open_library(folder)
        try:
            started = time.perf_counter()
            added = library.add_file(path)
            times.append(time.perf_counter() - started)
            blocks = library.get(added.text_id).block_count
        finally:
            result.close()
    return statistics.median(times), blocks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="output of make_book.py")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        run(book_folder(arguments.folder, Path(scratch) / "book"), Path(scratch), arguments.runs)


def run(folder: Path, scratch: Path, runs: int) -> None:
    plain = folder / "book.txt"

    def floor_work() -> None:
        split_blocks(plain.read_bytes().decode("utf-8"))

    floor = median_time(floor_work, runs)
    print(f"book: {plain.stat().st_size / 1e6:.1f} MB plain text, median of {runs} runs")
    print(f"floor (read + decode + split the plain file): {floor * 1000:7.0f} ms")
    print(
        f"{'format':<8}{'blocks':>8}{'parse':>9}{'store':>9}{'add':>9}{'x floor':>9}{'budget':>9}"
    )
    for suffix in FORMATS:
        path = folder / f"book.{suffix}"
        parse = median_time(lambda path=path: import_file(path), runs)
        total, blocks = time_add(path, scratch, runs)
        verdict = "ok" if total <= BUDGET_SECONDS else "OVER"
        print(
            f"{suffix:<8}{blocks:>8,}{parse * 1000:>7.0f}ms{(total - parse) * 1000:>7.0f}ms"
            f"{total * 1000:>7.0f}ms{total / floor:>8.1f}x{BUDGET_SECONDS:>8.1f}s  {verdict}"
        )

    result, library = open_library(scratch / "all")
    try:
        ids = [library.add_file(folder / f"book.{suffix}").text_id for suffix in FORMATS]
        corrected = folder / "book-corrected.epub"
        imported, data = import_file(corrected), corrected.read_bytes()
        started = time.perf_counter()
        replaced = library.replace_edition(ids[FORMATS.index("epub")], imported, data)
        seconds = time.perf_counter() - started
        print(
            f"replace the EPUB with the corrected edition (store only, no notes re-anchored "
            f"yet): {seconds * 1000:.0f} ms; block ids kept: {replaced.blocks_kept:,} of "
            f"{len(replaced.old.blocks):,}"
        )
        times = []
        for query in SEARCHES:
            library.search(query)  # warm the page cache once per query
            times.append(median_time(lambda query=query: library.search(query), runs))
        median = statistics.median(times)
        size = (scratch / "all" / "notes.sqlite").stat().st_size / 1e6
        print(
            f"search everything, {len(FORMATS)} copies of the book ({size:.0f} MB database), "
            f"ranked, first 100 hits: median {median * 1000:.1f} ms over {len(SEARCHES)} "
            f"queries (budget {SEARCH_BUDGET_SECONDS * 1000:.0f} ms for 20 books, issue 13)"
        )
    finally:
        result.close()


if __name__ == "__main__":
    main()
