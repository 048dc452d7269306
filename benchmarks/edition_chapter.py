"""The study edition PDF of one chapter of the book with its notes, beside the issue-13 budget.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen python benchmarks/edition_chapter.py [BOOK_FOLDER] [--runs 3]

BOOK_FOLDER holds the files written by ``benchmarks/make_book.py``; without it the book is
built in a temporary folder first. The Markdown book (chapters as headings) is read back
from a fresh library; its longest chapter (Psalm 119 in the King James Version, 176
verses) becomes the text of the edition, with 60 passage notes on it (seeded), and
``printed_edition.export_pdf`` writes the PDF. The floor, measured in the same run, is Qt
printing the same chapter's plain text to a PDF (``QTextDocument.print_`` to a
``QPdfWriter``): the least any PDF of the chapter costs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_book import book_folder  # beside this script
from library_add import open_library

from reader_app.domain.anchors import BLOCK_SEPARATOR, make_anchor, resolve
from reader_app.domain.highlights import Colour
from reader_app.domain.notes import Note, NoteKind, new_note_id, utc_now
from reader_app.domain.text import Document, Role

BUDGET_SECONDS = 3.0
NOTES = 60


def longest_chapter(document: Document) -> Document:
    chapters: list[list] = []
    for block in document.blocks:
        if block.role is Role.HEADING or not chapters:
            chapters.append([])
        chapters[-1].append(block)
    blocks = max(chapters, key=len)
    return document._replace(
        blocks=tuple(blocks), raw=BLOCK_SEPARATOR.join(block.text for block in blocks)
    )


def notes_on(chapter: Document, count: int) -> list[Note]:
    rng = random.Random(119)
    body = [block for block in chapter.blocks if block.role is Role.BODY]
    notes = []
    for number in range(count):
        block = rng.choice(body)
        start = rng.randrange(max(1, len(block.text) - 30))
        end = min(len(block.text), start + rng.randint(10, 60))
        anchor = make_anchor(chapter, block.id, start, end)
        now = utc_now()
        note = Note(
            new_note_id(),
            NoteKind.PASSAGE,
            f"Note {number + 1}: a reader's remark on this verse, a sentence or two long.",
            rng.choice(list(Colour)),
            (),
            anchor,
            None,
            now,
            now,
        )
        notes.append(note.__class__(**{**_fields(note), "placement": resolve(anchor, chapter)}))
    return notes


def _fields(note: Note) -> dict[str, object]:
    return {name: getattr(note, name) for name in note.__dataclass_fields__}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="output of make_book.py")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()

    from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument
    from PySide6.QtWidgets import QApplication

    from reader_app.app import configure_application
    from reader_app.domain.edition import plan_edition
    from reader_app.ui.printed_edition.printing import export_pdf

    app = QApplication([])
    configure_application(app)
    with tempfile.TemporaryDirectory() as scratch:
        folder = book_folder(arguments.folder, Path(scratch) / "book")
        result, library = open_library(Path(scratch) / "data")
        try:
            text_id = library.add_file(folder / "book.md").text_id
            document = library.document(text_id)
        finally:
            result.close()
        chapter = longest_chapter(document)
        notes = notes_on(chapter, NOTES)

        def floor_work() -> None:
            writer = QPdfWriter(str(Path(scratch) / "floor.pdf"))
            writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
            plain = QTextDocument()
            plain.setPlainText(chapter.raw)
            plain.print_(writer)
            del writer

        def edition() -> None:
            export_pdf(plan_edition(chapter, notes), Path(scratch) / "edition.pdf")

        floors, times = [], []
        for _ in range(arguments.runs):  # interleaved: both see the same load
            started = time.perf_counter()
            floor_work()
            floors.append(time.perf_counter() - started)
            started = time.perf_counter()
            edition()
            times.append(time.perf_counter() - started)
        size = (Path(scratch) / "edition.pdf").stat().st_size / 1024
        floor, seconds = statistics.median(floors), statistics.median(times)
        verdict = "ok" if seconds <= BUDGET_SECONDS else "OVER"
        print(
            f"chapter: {chapter.blocks[0].text} ({len(chapter.blocks)} blocks), {NOTES} notes; "
            f"median of {arguments.runs} runs"
        )
        print(f"floor (the chapter's plain text printed to PDF by Qt): {floor * 1000:7.0f} ms")
        print(
            f"study edition PDF of the chapter: {seconds * 1000:7.0f} ms ({seconds / floor:.1f}x "
            f"floor, {size:.0f} KiB), budget {BUDGET_SECONDS:.0f} s  {verdict}"
        )
    del app


if __name__ == "__main__":
    main()
