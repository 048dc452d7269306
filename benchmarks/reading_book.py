"""The reading view with the book-length test text open, beside the issue-13 budgets.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen python benchmarks/reading_book.py [BOOK_FOLDER] [--runs 3]

BOOK_FOLDER holds the files written by ``benchmarks/make_book.py``; without it the book is
built in a temporary folder first. The plain-text book is added to a fresh library once;
every figure then reads it back with ``LibraryRepository.document`` as the window does.

Each figure is printed beside its budget and beside a floor measured in the same run, with
the same text: a bare ``QPlainTextEdit`` (which lays out only what is on screen) and, for
find, a bare ``QTextEdit`` holding the same text (``QTextDocument.find``). The machine is
shared, so the floor says how loaded it was.

- open: a fresh process reads the book from the library, builds the view, shows it at a
  saved place (the middle of the book) and paints it; the peak resident memory of that
  process is the memory figure. Runs of the view and of the floor alternate.
- Page Down: 150 presses, each followed by a synchronous repaint; median and worst. A long
  text is held a window at a time (``reader_app/ui/reading_window.py``): the presses that
  moved the window are counted, and their time is in the figures.
- jump: ``scroll_to_block`` to 40 random paragraphs, each with a repaint; median and worst
  (most jumps land outside the window, which is built anew around the paragraph: that is
  in the figure); then again on a view that has idled a second after opening (see
  ``jump_after_idle``).
- find: the find bar given a common and a rare word, until the count is shown and the view
  repainted (the bar finds every match before it shows the first).
- highlights: opening with 10,000 highlight marks set, as a ratio to opening with none.
- glossary: opening with 200 terms marked as the window marks them (those near the screen
  before the paint, the whole list after it), as a ratio to opening with none; and when
  the whole list is in.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGETS = {
    "open": 1.0,
    "memory": 300.0,
    "page-median": 0.016,
    "page-worst": 0.050,
    "jump": 0.100,
    "find-first": 0.050,
    "find-count": 0.200,
    "highlights-ratio": 1.5,
    "glossary-ratio": 1.2,
}
SIZE = (1000, 800)
PAGE_DOWNS = 150  # some 200,000 characters: the reading window moves a few times
GLOSSARY_WORDS = "glossary-words.json"  # beside the library: the 200 headwords
WORDS = ("shepherd", "LORD")


def library_document(data_dir: Path):  # -> Document
    """The book as the window gets it from the library (the one text in ``data_dir``)."""
    from reader_app.domain.text import load_document
    from reader_app.storage.library import library_of
    from reader_app.storage.store import open_store

    result = open_store(data_dir, load_document(), take_backup=False)
    assert result.repository is not None, result.messages
    try:
        library = library_of(result.repository, data_dir)
        text_id = next(t.id for t in library.list_texts() if not t.bundled)
        return library.document(text_id)
    finally:
        result.close()


def child(kind: str, data_dir: str, extra: str) -> None:
    """Runs in a fresh process: open the book at its middle, paint, report time and memory."""
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from reader_app.app import configure_application

    app = QApplication([])
    configure_application(app)  # the bundled reading font, as the window has it
    document = library_document(Path(data_dir))
    middle = document.blocks[len(document.blocks) // 2]
    if kind == "floor":
        from reader_app.domain.anchors import document_text

        widget = bare_floor(document_text(document))
        widget.resize(*SIZE)
        widget.show()
        cursor = widget.textCursor()
        cursor.setPosition(
            widget.document().findBlockByNumber(2 * (len(document.blocks) // 2)).position()
        )
        widget.setTextCursor(cursor)
        widget.centerCursor()
    else:
        from reader_app.ui.text_view import ReadingView

        widget = ReadingView(document)
        widget.resize(*SIZE)
        widget.show()
        if extra == "highlights":
            widget.set_marks("highlights", highlight_spans(widget, document, 10_000))
        elif extra == "glossary":
            mark_glossary(widget, document, Path(data_dir) / GLOSSARY_WORDS)
        widget.scroll_to_block(middle.id)
    widget.viewport().repaint()
    seconds = time.perf_counter() - started  # painted: what the reader waits for
    app.processEvents()  # work left for after the paint (the glossary's whole list)
    settled = time.perf_counter() - started
    if kind != "floor":  # the figure is worth nothing unless the saved place was shown
        place = widget.document().documentLayout().blockBoundingRect(widget.text_block(middle.id))
        if abs(widget.verticalScrollBar().value() - (place.top() - 24)) > 1:
            sys.exit(f"the view did not show the saved place (¶{middle.number})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "settled": settled, "peak": peak}))


def bare_floor(text: str):  # -> QPlainTextEdit
    """The floor: a plain text editor with the same text in the same reading font."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QPlainTextEdit

    from reader_app.settings import READING_FAMILY, READING_SIZE

    widget = QPlainTextEdit()
    widget.setReadOnly(True)
    font = QFont(READING_FAMILY.default)
    font.setPointSizeF(READING_SIZE.default)
    widget.setFont(font)
    widget.setPlainText(text)
    return widget


def highlight_spans(view, document, count: int) -> list:
    from reader_app.domain.text import Role
    from reader_app.ui.text_view import Span

    rng = random.Random(10_000)
    body = [block for block in document.blocks if block.role is Role.BODY]
    spans = []
    for number in range(count):
        block = rng.choice(body)
        start = rng.randrange(max(1, len(block.text) - 20))
        end = min(len(block.text), start + rng.randint(5, 60))
        first = view.document_position(block.id, start)
        spans.append(Span(first, first + (end - start), "highlight-yellow", f"n{number}"))
    return spans


def headwords(document, count: int) -> list[str]:
    """``count`` headwords from the book (the capitalised words of middling frequency,
    names mostly), chosen the same way every run. Chosen by the parent process before any
    open is timed: counting the book's words is the benchmark's work, not the reader's
    (whose glossary comes from the library), and took 0.1 s of each timed open."""
    from collections import Counter

    words = Counter(
        word.strip(".,;:?!()'")
        for block in document.blocks
        for word in block.text.split()
        if word[:1].isupper()
    )
    middling = sorted(w for w, n in words.items() if 20 <= n <= 400 and len(w) > 3 and w.isalpha())
    return random.Random(200).sample(middling, min(count, len(middling)))


def book_glossary(chosen: list[str]):  # -> Glossary
    """An entry for each headword in the bundled glossary's style, with its possessive and
    plural as aliases."""
    from reader_app.domain.glossary import Category, Entry, Glossary

    return Glossary(
        tuple(
            Entry(
                f"term-{number}",
                word,
                (f"{word}'s", f"{word}s"),
                Category.PERSON,
                f"A gloss of {word}.",
                f"A fuller explanation of {word}.",
                None,
                None,
                False,
                (),
                (),
            )
            for number, word in enumerate(chosen)
        )
    )


def mark_glossary(view, document, words_file: Path) -> None:
    """Terms marked as the window marks a text's glossary: those near the screen before
    the first paint, the whole list after it (``ui.term_marks``)."""
    from reader_app.ui.term_marks import mark_terms

    glossary = book_glossary(json.loads(words_file.read_text(encoding="utf-8")))
    mark_terms(view, document, glossary)


def time_child(kind: str, data_dir: Path, extra: str = "") -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(data_dir), extra],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def line(name: str, seconds: float, budget: float, floor: float | None = None) -> None:
    ok = "ok" if seconds <= budget else "OVER"
    against = f"{seconds / floor:6.1f}x floor ({floor * 1000:6.1f} ms)" if floor else ""
    print(f"{name:<34}{seconds * 1000:9.1f} ms  budget {budget * 1000:6.0f} ms  {ok:<4} {against}")


def in_process(data_dir: Path, runs: int) -> None:
    from PySide6.QtWidgets import QApplication

    from reader_app.app import configure_application
    from reader_app.domain.anchors import document_text
    from reader_app.domain.text import Role
    from reader_app.ui.text_view import ReadingView

    app = QApplication.instance() or QApplication([])
    configure_application(app)
    document = library_document(data_dir)
    floor = bare_floor(document_text(document))
    floor.resize(*SIZE)
    floor.show()
    view = ReadingView(document)
    view.resize(*SIZE)
    view.show()
    view.scroll_to_block(document.blocks[len(document.blocks) // 3].id)
    app.processEvents()
    time_page_down(view, floor)

    rng = random.Random(13)
    body = [block for block in document.blocks if block.role is Role.BODY]
    jumps, floor_jumps, moves = [], [], 0
    for _ in range(40):
        block = rng.choice(body)

        def jump_view(block=block) -> None:
            view.scroll_to_block(block.id)
            view.viewport().repaint()

        def jump_floor() -> None:
            number = rng.randrange(floor.document().blockCount())
            cursor = floor.textCursor()
            cursor.setPosition(floor.document().findBlockByNumber(number).position())
            floor.setTextCursor(cursor)
            floor.centerCursor()
            floor.viewport().repaint()

        floor_jumps.append(timed(jump_floor))
        held = view.held_blocks
        jumps.append(timed(jump_view))
        moves += view.held_blocks != held
    line("jump to a ¶, median", statistics.median(jumps), BUDGETS["jump"],
         statistics.median(floor_jumps))  # fmt: skip
    line("jump to a ¶, worst", max(jumps), BUDGETS["jump"], max(floor_jumps))
    print(f"  (the reading window moved at {moves} of the 40 jumps)")
    jump_after_idle(app, document, rng, body)

    time_find(view, document, runs)


def time_page_down(view, floor) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    def page_down(widget) -> float:
        def press() -> None:
            QTest.keyClick(widget.viewport(), Qt.Key.Key_PageDown)
            widget.viewport().repaint()

        return timed(press)

    pages, floor_pages, moves = [], [], 0
    for _ in range(PAGE_DOWNS):
        floor_pages.append(page_down(floor))
        held = view.held_blocks
        pages.append(page_down(view))
        moves += view.held_blocks != held
    line("Page Down, median", statistics.median(pages), BUDGETS["page-median"],
         statistics.median(floor_pages))  # fmt: skip
    line("Page Down, worst", max(pages), BUDGETS["page-worst"], max(floor_pages))
    print(f"  (the reading window moved at {moves} of the {PAGE_DOWNS} presses)")


def jump_after_idle(app, document, rng: random.Random, body: list) -> None:
    """The jumps above come with no idle moment since the view opened, so Qt's layout of
    what it has not shown yet (which it does in idle time, in steps) has not run. Here a
    fresh view opens at the middle and idles one second, as a reader looking at the page
    would, with the longest wait between 5 ms timer ticks as the worst stall; then jumps."""
    from PySide6.QtCore import QTimer

    from reader_app.ui.text_view import ReadingView

    view = ReadingView(document)
    view.resize(*SIZE)
    view.show()
    view.scroll_to_block(document.blocks[len(document.blocks) // 2].id)
    view.viewport().repaint()
    ticks = [time.perf_counter()]
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    idle_until = time.perf_counter() + 1.0
    while time.perf_counter() < idle_until:
        app.processEvents()
    timer.stop()
    stall = max(later - earlier for earlier, later in itertools.pairwise(ticks))
    jumps = []
    for _ in range(40):
        block = rng.choice(body)

        def jump(block=block) -> None:
            view.scroll_to_block(block.id)
            view.viewport().repaint()

        jumps.append(timed(jump))
    line("  idle 1 s, longest stall", stall, BUDGETS["page-worst"])
    line("  then jump to a ¶, median", statistics.median(jumps), BUDGETS["jump"])
    line("  then jump to a ¶, worst", max(jumps), BUDGETS["jump"])


def time_find(view, document, runs: int) -> None:
    from PySide6.QtGui import QTextDocument

    from reader_app.domain.anchors import document_text
    from reader_app.ui.find_bar import FindBar

    bar = FindBar(view)
    bar.show()
    floor_document = QTextDocument()
    floor_document.setPlainText(document_text(document))
    for word in WORDS:
        counts = []
        floor_times = []
        for _ in range(runs):
            floor_times.append(timed(lambda word=word: floor_document.find(word)))
            bar.edit.clear()

            def find(word=word) -> None:
                bar.edit.setText(word)
                view.viewport().repaint()

            counts.append(timed(find))
        label = bar.count_label.text()
        line(f"find {word!r} ({label.split(' of ')[-1]} matches)", statistics.median(counts),
             BUDGETS["find-first"], statistics.median(floor_times))  # fmt: skip
    bar.close_bar()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="output of make_book.py")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    from import_book import book_folder  # beside this script
    from library_add import open_library

    with tempfile.TemporaryDirectory() as scratch:
        folder = book_folder(arguments.folder, Path(scratch) / "book")
        data_dir = Path(scratch) / "data"
        result, library = open_library(data_dir)
        try:
            library.add_file(folder / "book.txt")
        finally:
            result.close()
        words = headwords(library_document(data_dir), 200)
        (data_dir / GLOSSARY_WORDS).write_text(json.dumps(words), encoding="utf-8")
        opens: dict[str, list[dict[str, float]]] = {}
        for _ in range(arguments.runs):  # interleaved: every kind sees the same load
            kinds = (("floor", ""), ("view", ""), ("view", "highlights"), ("view", "glossary"))
            for kind, extra in kinds:
                opens.setdefault(f"{kind} {extra}".strip(), []).append(
                    time_child(kind, data_dir, extra)
                )
        medians = {
            name: statistics.median(run["seconds"] for run in runs) for name, runs in opens.items()
        }
        peaks = {name: max(run["peak"] for run in runs) for name, runs in opens.items()}
        print(f"book: {folder / 'book.txt'}; median of {arguments.runs} runs; floor: a bare "
              f"QPlainTextEdit (find: QTextDocument.find) with the same text")  # fmt: skip
        line("open at a saved place, painted", medians["view"], BUDGETS["open"], medians["floor"])
        print(
            f"{'peak memory, book open':<34}{peaks['view']:9.0f} MiB budget "
            f"{BUDGETS['memory']:6.0f} MiB {'ok' if peaks['view'] <= BUDGETS['memory'] else 'OVER'}"
            f"   floor {peaks['floor']:.0f} MiB"
        )
        ratio = medians["view highlights"] / medians["view"]
        print(
            f"{'open with 10,000 highlights':<34}{medians['view highlights'] * 1000:9.1f} ms  "
            f"{ratio:.2f}x open without (budget {BUDGETS['highlights-ratio']}x)  "
            f"{'ok' if ratio <= BUDGETS['highlights-ratio'] else 'OVER'}"
        )
        ratio = medians["view glossary"] / medians["view"]
        print(
            f"{'open with 200 glossary terms':<34}{medians['view glossary'] * 1000:9.1f} ms  "
            f"{ratio:.2f}x open without (budget {BUDGETS['glossary-ratio']}x)  "
            f"{'ok' if ratio <= BUDGETS['glossary-ratio'] else 'OVER'}"
        )
        settled = statistics.median(run["settled"] for run in opens["view glossary"])
        print(f"{'  all 200 terms found, after it':<34}{settled * 1000:9.1f} ms  (not budgeted)")
        in_process(data_dir, arguments.runs)


if __name__ == "__main__":
    main()
