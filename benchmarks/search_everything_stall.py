"""The longest time the window stops answering while "the" is typed in Search Everything,
over a library of twenty book-length texts with 10,000 notes, one of the books open.

Run from the repository root::

    python benchmarks/search_everything_stall.py [BOOK_FOLDER] [--data DATA_DIR]
        [--books 20] [--notes 10000] [--runs 5] [--pause 200]

Without ``--data`` the library is built in a temporary folder as
``benchmarks/search_library.py`` builds it (``BOOK_FOLDER`` as there), then the notes are
added, spread over the books. With ``--data`` a data folder holding such a library is
copied first (and the notes added to the copy when it has fewer), so nothing of it changes.

The word is typed one letter at a time, ``--pause`` ms apart (longer than the dialog's
120 ms wait, so "t", "th" and "the" are each searched, as when a person types), then the
script waits for the results of "the". A 5 ms heartbeat timer on the GUI thread measures
the longest gap between two of its ticks: how long the window could not repaint or answer.
Printed per run and as the worst of all, beside the brief's 0.5 s and beside a floor
measured in the same run: the longest gap while the window idles as long. The runs start
once the start-up backup (5 s after start, on a worker thread) is done; the longest stall
until then is printed apart, as it is no part of searching.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Qt before the app's modules, in the order the app itself imports them: PySide's import
# hook treats modules imported before it otherwise, and with the domain imported first the
# first search of a run stalled some 50 ms more than in the app.
import PySide6.QtCore  # noqa: F401
from heartbeat import Heartbeat
from import_book import book_folder  # beside this script
from notes import make_notes
from search_library import fill

from reader_app.domain.text import load_document
from reader_app.storage.library import library_of
from reader_app.storage.store import DATABASE_NAME, open_store

FREEZE_SECONDS = 0.5
WORD = "the"


def add_notes(data: Path, count: int) -> str:
    """Up to ``count`` notes spread over the library's books; returns the first book's id."""
    result = open_store(data, load_document(), take_backup=False)
    assert result.repository is not None, result.messages
    try:
        library = library_of(result.repository, data)
        books = [text.id for text in library.list_texts() if not text.bundled]
        have = result.repository.connection.execute("SELECT count(*) FROM notes").fetchone()[0]
        if have < count:
            per_book = -(-(count - have) // len(books))
            for number, text_id in enumerate(books):
                document = library.document(text_id)
                notes = make_notes(document, per_book, seed=number)
                result.repository.for_text(document).merge(notes)
        return books[0]
    finally:
        result.close()


def run_events_for(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def run_events_until(done, limit: float = 60.0) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    started = time.perf_counter()
    while not done():
        if time.perf_counter() - started > limit:
            sys.exit("the results never came")
        loop = QEventLoop()
        QTimer.singleShot(2, loop.quit)
        loop.exec()


def measure(data: Path, text_id: str, runs: int, pause: float) -> None:
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from reader_app.app import BACKUP_DELAY_MS, configure_application, create_main_window

    app = QApplication.instance() or QApplication([])
    QStandardPaths.setTestModeEnabled(True)  # never the reader's own settings
    configure_application(app)
    window = create_main_window(data, persist_state=False)
    window.resize(1100, 760)
    window.show()
    run_events_until(lambda: getattr(window, "everything", None) is not None)
    window.library.open_text(text_id)
    print(f"open text: {window.document.display_title} ({len(window.document.blocks)} blocks)")
    heartbeat = Heartbeat()
    heartbeat.start()  # the book laid out and painted, and the start-up backup taken
    run_events_for(BACKUP_DELAY_MS / 1000 + 2.0)
    print(
        f"longest stall before any search (start-up backup of the notes file included): "
        f"{heartbeat.stop() * 1000:.0f} ms"
    )
    stalls, waits = [], []
    for run in range(1, runs + 1):
        dialog = window.show_search_everything()
        dialog.edit.clear()
        run_events_until(lambda dialog=dialog: not _searching(dialog))
        heartbeat.start()
        for letter in WORD:
            QTest.keyClick(dialog.edit, letter)
            typed = time.perf_counter()
            run_events_for(pause)
        run_events_until(lambda dialog=dialog: not _searching(dialog))
        shown = time.perf_counter()
        stall = heartbeat.stop()
        stalls.append(stall)
        waits.append(shown - typed)
        verdict = "no freeze" if stall <= FREEZE_SECONDS else "FREEZES"
        print(
            f"  run {run}: longest stall {stall * 1000:6.1f} ms ({verdict}, limit "
            f"{FREEZE_SECONDS * 1000:.0f} ms); results of {WORD!r} "
            f"{(shown - typed) * 1000:6.1f} ms after the last key; {dialog.summary.text()}"
        )
        dialog.hide()
    heartbeat.start()  # the floor: the window idling as long as a run lasts
    run_events_for(pause * len(WORD) + statistics.median(waits))
    floor = heartbeat.stop()
    print(
        f"worst stall {max(stalls) * 1000:.1f} ms (median {statistics.median(stalls) * 1000:.1f}"
        f" ms), floor (the window idling) {floor * 1000:.1f} ms, "
        f"{max(stalls) / floor:.1f}x; results {statistics.median(waits) * 1000:.0f} ms after "
        "the last key (median)"
    )
    window.close()


def _searching(dialog) -> bool:
    """Words typed whose results are not shown yet (a dialog that searched on the GUI
    thread, before the worker, had only its typing pause)."""
    return dialog._timer.isActive() or getattr(dialog, "searching", False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", nargs="?", type=Path)
    parser.add_argument("--data", type=Path, help="a data folder with the library, copied")
    parser.add_argument("--books", type=int, default=20)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=int, default=200, help="ms between two letters")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        if args.data is not None:
            shutil.copytree(args.data, data, ignore=shutil.ignore_patterns("*.lock"))
        else:
            print(f"adding {args.books} copies of the book…", flush=True)
            fill(data, book_folder(args.book, Path(scratch)) / "book.txt", args.books)
        print(f"adding notes up to {args.notes}…", flush=True)
        text_id = add_notes(data, args.notes)
        size = (data / DATABASE_NAME).stat().st_size / 2**20
        print(f"library: {data / DATABASE_NAME} ({size:.0f} MiB)")
        measure(data, text_id, args.runs, args.pause / 1000)


if __name__ == "__main__":
    main()
