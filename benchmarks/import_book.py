"""How long the importers take on the book-length test text, beside the issue-13 budget.

Run from the repository root::

    python benchmarks/import_book.py [BOOK_FOLDER] [--runs 3]

BOOK_FOLDER holds the files written by ``benchmarks/make_book.py``; without it, the book is
built in a temporary folder first. For each format the median of ``--runs`` imports is
printed beside the budget (adding a book to the library: ≤ 2 s, of which importing is one
part) and as a ratio to a floor measured in the same run: reading the plain file, decoding
it and splitting it into paragraphs, the least any import must do. The machine is shared,
so the floor shows how loaded it was.

It also imports the corrected edition and counts how many block ids of the first edition
survive in it, the property that keeps notes attached (99.8 % is what the guide reports).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader_app.domain.importing import ImportedText, import_file
from reader_app.domain.text import split_blocks

BUDGET_SECONDS = 2.0
FORMATS = ("txt", "md", "epub", "html")


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def surviving_ids(first: ImportedText, second: ImportedText) -> tuple[int, int, int]:
    """(ids of the first edition kept, blocks of the first edition, unchanged blocks)."""
    before = {block.id for block in first.blocks}
    after = {block.id for block in second.blocks}
    texts_after = {block.text for block in second.blocks}
    unchanged = sum(1 for block in first.blocks if block.text in texts_after)
    return len(before & after), len(before), unchanged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="output of make_book.py")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        run(book_folder(arguments.folder, Path(scratch) / "book"), arguments.runs)


def book_folder(given: Path | None, fresh: Path) -> Path:
    """The book make_book.py wrote to ``given``, or a new one made in ``fresh``."""
    if given is not None:
        return given
    script = Path(__file__).with_name("make_book.py")
    subprocess.run([sys.executable, str(script), str(fresh)], check=True)
    return fresh


def run(folder: Path, runs: int) -> None:
    plain = folder / "book.txt"

    def floor_work() -> None:
        split_blocks(plain.read_bytes().decode("utf-8"))

    floor = median_time(floor_work, runs)
    print(f"book: {plain.stat().st_size / 1e6:.1f} MB plain text, median of {runs} runs")
    print(f"floor (read + decode + split the plain file): {floor * 1000:7.0f} ms")
    print(f"{'format':<10}{'blocks':>8}{'chapters':>10}{'import':>10}{'x floor':>9}"
          f"{'budget':>9}  ")  # fmt: skip
    for suffix in FORMATS:
        path = folder / f"book.{suffix}"
        imported = import_file(path)
        seconds = median_time(lambda path=path: import_file(path), runs)
        verdict = "ok" if seconds <= BUDGET_SECONDS else "OVER"
        print(
            f"{suffix:<10}{len(imported.blocks):>8,}{len(imported.chapter_titles()):>10,}"
            f"{seconds * 1000:>8.0f}ms{seconds / floor:>8.1f}x{BUDGET_SECONDS:>8.1f}s  {verdict}"
        )
        again = import_file(path)
        corrected = import_file(folder / f"book-corrected.{suffix}")
        kept, total, unchanged = surviving_ids(imported, corrected)
        same = [b.id for b in again.blocks] == [b.id for b in imported.blocks]
        print(
            f"{'':<10}ids kept in the corrected edition: {kept:,} of {total:,} "
            f"({kept / total:.2%}); blocks left unchanged: {unchanged:,} "
            f"({unchanged / total:.2%}); same ids on re-adding: {'yes' if same else 'NO'}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
