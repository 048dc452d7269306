"""``study-reader --self-test``: one real round trip through the app, for a frozen build.

It opens a temporary data folder (with ``--data-dir``, a copy of that folder, which is left
unchanged), renders the main window, checks that the text, the glossary and the icon were
found in the bundle, saves a note through the real controller and repository, finds it by
full-text search, exports it and reads the export back, and writes the study edition as a
PDF (the print support). Each step
prints one line; the first failure prints the reason on stderr and the exit status is 1.
Nothing here is mocked: a build that passes has what it needs.
"""

from __future__ import annotations

import json
import shutil
import stat
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader_app import APP_NAME, EXECUTABLE, __version__

WINDOW_SIZE = (1280, 800)


class SelfTestError(Exception):
    """A step found something wrong; the message says what."""


def _strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _check(condition: object, reason: str) -> None:
    if not condition:
        raise SelfTestError(reason)


COPY_IGNORES = ("study-reader.lock", "*-shm", "logs", "backups")
"""Not copied for a self-test: the lock and shared memory belong to a running app, and the
logs and backups are not needed to check that the notes open."""


@contextmanager
def _data_folder(requested: Path | None) -> Iterator[Path]:
    """A temporary folder; with ``--data-dir``, holding a copy of that folder's notes and
    settings, so the self-test checks the user's real notes and never changes them."""
    info = None
    if requested is not None:
        try:
            info = requested.stat()
        except FileNotFoundError:
            info = None  # nothing there yet: check a fresh folder
        except OSError as error:
            raise SelfTestError(f"cannot use the data folder {requested}: {error}") from None
        if info is not None and not stat.S_ISDIR(info.st_mode):
            raise SelfTestError(f"cannot use the data folder {requested}: not a folder")
    with tempfile.TemporaryDirectory(
        prefix=f"{EXECUTABLE}-self-test-", ignore_cleanup_errors=True
    ) as folder:
        work = Path(folder) / "data"
        if requested is not None and info is not None:
            try:
                shutil.copytree(requested, work, ignore=shutil.ignore_patterns(*COPY_IGNORES))
            except OSError as error:
                raise SelfTestError(f"cannot copy the data folder {requested}: {error}") from None
        work.mkdir(exist_ok=True)
        yield work


Say = Callable[[str], None]
WindowFactory = Callable[..., Any]  # (data_dir, *, persist_state) -> the main window


def _check_application(data_dir: Path, say: Say) -> None:
    from PySide6.QtWidgets import QApplication

    from reader_app.logs import log_path, setup_logging

    app = QApplication.instance()
    _check(isinstance(app, QApplication), "no QApplication")
    say(f"platform: {QApplication.platformName()}; data folder: {data_dir}")
    log_file = setup_logging(data_dir)
    _check(log_file is not None and log_file.is_file(), f"no log file at {log_path(data_dir)}")
    say(f"log: {log_file}")
    icon = QApplication.windowIcon()
    _check(not icon.isNull(), "the application icon was not found")
    say(f"icon: sizes {', '.join(str(size.width()) for size in icon.availableSizes())}")


def _check_window(window, say: Say) -> None:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    window.resize(*WINDOW_SIZE)
    window.show()
    for _ in range(3):
        QApplication.processEvents()
    image = window.grab().toImage()
    _check(not image.isNull(), "the window could not be rendered")
    _check(image.width() >= 600 and image.height() >= 400, f"window too small: {image.size()}")
    text = window.reading_view.viewport().grab().toImage()
    text = text.convertToFormat(QImage.Format.Format_RGB32)
    colours = {
        text.pixel(x, y) for x in range(0, text.width(), 5) for y in range(0, text.height(), 5)
    }
    _check(len(colours) > 8, "the reading view rendered blank (no text drawn)")
    say(f"window: rendered {image.width()}x{image.height()}, {len(colours)} colours in the text")


def _check_text_and_glossary(window, say: Say) -> None:
    _check(
        window.notes_controller is not None,
        "the notes could not be opened: " + window.status_label.text(),
    )
    document = window.notes_controller.repository.document
    body = document.body_blocks()
    _check(body, "the text has no paragraphs")
    shown = window.reading_view.toPlainText()
    _check(all(block.text[:40] in shown for block in body), "the text is not all shown")
    say(f"text: {document.title!r}, {len(body)} paragraphs")

    terms = window.reading_view.marks("terms")
    _check(window.glossary_headwords, "the glossary is empty (not bundled, or not readable)")
    _check(terms, "no glossary terms are marked in the text")
    say(f"glossary: {len(window.glossary_headwords)} entries, {len(terms)} terms marked")


def _check_note_round_trip(window, data_dir: Path, say: Say) -> None:
    """Save a note, find it by full-text search, export it and read the export back."""
    from reader_app.domain.highlights import Colour

    controller = window.notes_controller
    repository = controller.repository
    failures: list[str] = []
    controller.failed.connect(failures.append)
    controller.save_failed.connect(lambda _id, message: failures.append(message))
    block = repository.document.body_blocks()[0]
    end = block.text.find(" ", 20)
    note = controller.add_passage_note(
        block.id, 0, end if end > 0 else len(block.text), Colour.YELLOW
    )
    _check(note is not None, "the note could not be added: " + "; ".join(failures))
    marker = f"selftest{uuid.uuid4().hex[:10]}"
    controller.save(note.id, f"Checking the notes ({marker}).", ["self-test"])
    _check(not failures, "the note could not be saved: " + "; ".join(failures))
    stored = repository.get(note.id)
    _check(stored is not None and marker in stored.body, "the saved note did not read back")
    say(f"note: saved on {block.citation_label} ({stored.quote!r})")

    hits = repository.search(marker)
    _check([hit.note.id for hit in hits] == [note.id], f"search for {marker} found {hits}")
    say(f"search: found the note by {marker!r}")

    export = data_dir / "self-test-export.json"
    expected = repository.counts().total
    count = controller.export_to(export, "json", window.glossary_headwords)
    _check(count == expected, f"the export holds {count} notes, expected {expected}")
    strings = set(_strings(json.loads(export.read_text(encoding="utf-8"))))
    _check(any(marker in text for text in strings), "the export lacks the note's text")
    _check(stored.quote in strings, "the export lacks the quoted passage")
    say(f"export: {export.name}, {export.stat().st_size} bytes, note and quote present")


def _check_study_edition(window, data_dir: Path, say: Say) -> None:
    """Lay out the study edition with the note and the glossary, and write it as a PDF."""
    from reader_app.domain.edition import StudyEditionOptions
    from reader_app.ui.printed_edition.printing import export_pdf, new_printer

    plan = window.study_output.plan(StudyEditionOptions(include_glossary=True))
    target = data_dir / "self-test-edition.pdf"
    result = export_pdf(plan, target)
    _check(target.read_bytes()[:5] == b"%PDF-", "the study edition PDF was not written")
    _check(result.pages >= 2 and result.endnotes >= 1, f"unexpected study edition: {result}")
    printer = new_printer(title="self-test")
    _check(printer.isValid(), "no printer could be set up (print support missing)")
    say(
        f"study edition: {target.name}, {result.pages} pages, "
        f"{result.endnotes} endnotes, printer ready"
    )


def _steps(data_dir: Path, say: Say, create_window: WindowFactory) -> None:
    from PySide6.QtWidgets import QApplication

    from reader_app.unattended import notes_problem

    _check_application(data_dir, say)
    problem = notes_problem(data_dir)
    _check(problem is None, f"the notes cannot be opened: {problem}")
    window = create_window(data_dir, persist_state=False)
    try:
        _check_window(window, say)
        _check_text_and_glossary(window, say)
        _check_note_round_trip(window, data_dir, say)
        _check_study_edition(window, data_dir, say)
    finally:
        window.close()  # releases the notes database and its lock
        window.deleteLater()
        QApplication.processEvents()


def run_self_test(requested_data_dir: Path | None, create_window: WindowFactory) -> int:
    """Run every step; 0 when all pass, 1 (with the reason on stderr) when one fails.

    ``create_window`` is app.create_main_window, passed in so that this module and app.py,
    which runs it, do not import each other."""
    import traceback

    from reader_app.logs import logger, shutdown_logging

    def say(line: str) -> None:
        print(f"self-test: {line}", flush=True)
        logger.info("self-test: %s", line)

    say(f"{APP_NAME} {__version__} ({'frozen' if getattr(sys, 'frozen', False) else 'source'})")
    if requested_data_dir is not None:
        say(f"working on a copy of {requested_data_dir}, which is left unchanged")
    failure = ""
    try:
        with _data_folder(requested_data_dir) as data_dir:
            try:
                _steps(data_dir, say, create_window)
            except SelfTestError as error:
                failure = str(error)
            except Exception as error:
                traceback.print_exc()
                failure = f"unexpected error: {error!r}"
                logger.exception("self-test: unexpected error")
            if failure:
                logger.error("self-test: FAILED: %s", failure)  # still open: Windows reads it
            shutdown_logging()
    except SelfTestError as error:
        failure = str(error)
    if failure:
        print(f"self-test: FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    print("self-test: passed", flush=True)
    return 0
