"""How long the window stops answering while book-length texts are added through it.

Run from the repository root (offscreen is enough)::

    QT_QPA_PLATFORM=offscreen python benchmarks/library_window_add.py [BOOK_FOLDER] [--runs 3]

BOOK_FOLDER holds the files written by ``benchmarks/make_book.py``; without it the book is
built in a temporary folder first. Each run opens a window on a fresh data folder, adds the
book's EPUB and plain text through the window's library (``LibraryController.add_files``:
read, parse and store, without opening them) and records the longest gap between ticks of
a 10 ms timer from the moment the files are given until both are in the Library pane: that
gap is how long the window froze. The standard is no freeze over 0.5 s; the floor is the
longest gap of the same timer while the window sits idle for as long, measured in the same
run, which shows how loaded the shared machine was. Opening a book in the reading view is
the book-length issue's to measure, not this script's.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_book import book_folder  # beside this script

FREEZE_BUDGET_SECONDS = 0.5
FILES = ("book.epub", "book.txt")


def longest_gap(app, until, timeout: float = 60.0) -> tuple[float, float]:
    """(longest gap between 10 ms ticks, seconds elapsed) while ``until()`` is false."""
    from PySide6.QtCore import QTimer

    ticks: list[float] = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    while not until() and time.perf_counter() - started < timeout:
        app.processEvents()
        time.sleep(0.002)
    timer.stop()
    ticks.append(time.perf_counter())
    return max(b - a for a, b in itertools.pairwise(ticks)), ticks[-1] - started


def one_run(app, folder: Path, data_dir: Path) -> tuple[float, float, float]:
    from reader_app.app import create_main_window

    window = create_main_window(data_dir, persist_state=False)
    window.resize(1280, 800)
    window.show()
    for _ in range(20):
        app.processEvents()
    library = window.library
    paths = [folder / name for name in FILES]
    library.controller.add_files(paths, open_last=False)
    expected = len(paths) + 1
    freeze, elapsed = longest_gap(app, lambda: len(library.model.texts()) == expected)
    floor, _ = longest_gap(app, lambda: False, timeout=min(elapsed, 5.0))
    window.close()
    return freeze, floor, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="output of make_book.py")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from reader_app.app import configure_application

    app = QApplication([])
    configure_application(app)
    with tempfile.TemporaryDirectory() as scratch:
        folder = book_folder(arguments.folder, Path(scratch) / "book")
        results = [
            one_run(app, folder, Path(scratch) / f"data-{run}") for run in range(arguments.runs)
        ]
    freeze = statistics.median(r[0] for r in results)
    floor = statistics.median(r[1] for r in results)
    elapsed = statistics.median(r[2] for r in results)
    print(f"adding {', '.join(FILES)} through the window: {elapsed:.2f} s until listed")
    print(
        f"longest freeze {freeze * 1000:.0f} ms (budget {FREEZE_BUDGET_SECONDS * 1000:.0f} ms, "
        f"{freeze / FREEZE_BUDGET_SECONDS:.2f} of it); idle floor {floor * 1000:.0f} ms, "
        f"ratio {freeze / floor:.1f}"
    )


if __name__ == "__main__":
    main()
