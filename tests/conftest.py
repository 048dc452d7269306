"""Shared fixtures: every test gets its own data folder and never sees the real user folders."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader_app.domain.anchors import Anchor, make_anchor
from reader_app.domain.text import Document, load_document, parse_document
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import OpenStatus, open_store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _isolated_qt_application(qapp):
    """Test mode keeps QStandardPaths away from the real folders; fonts and icon as in the app."""
    from PySide6.QtCore import QStandardPaths

    from reader_app.app import configure_application, install_application_icon

    QStandardPaths.setTestModeEnabled(True)
    configure_application(qapp)
    install_application_icon(qapp)
    return qapp


def run_app(*args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m reader_app`` in its own process, with HOME and the XDG folders in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
    )
    return subprocess.run(
        [sys.executable, "-m", "reader_app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


class DialogRecorder:
    """Stands in for every modal dialog: records what would have been shown, never blocks."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []  # (kind, title, text)
        self.answer = True  # what ``ask`` answers
        self.save_path: tuple[str, str] = ("", "")
        self.open_path = ""
        self.number: int | None = None  # what ``ask_number`` answers (None: cancelled)
        self.study_options = None  # what ``study_edition_options`` answers (None: cancelled)
        self.print_accepted = False  # what ``print_setup`` answers

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from reader_app.ui import dialogs

        monkeypatch.setattr(
            dialogs, "show_about", lambda p, t, h: self.shown.append(("about", t, h))
        )
        monkeypatch.setattr(
            dialogs, "show_error", lambda p, t, m: self.shown.append(("error", t, m))
        )
        monkeypatch.setattr(dialogs, "ask", self._ask)
        monkeypatch.setattr(dialogs, "save_file_path", lambda *a: self.save_path)
        monkeypatch.setattr(dialogs, "open_file_path", lambda *a: self.open_path)
        monkeypatch.setattr(dialogs, "ask_number", lambda *a: self.number)
        monkeypatch.setattr(dialogs, "study_edition_options", self._study_options)
        monkeypatch.setattr(dialogs, "print_setup", self._print_setup)

    def _ask(self, parent, title: str, message: str, accept: str, reject: str) -> bool:
        self.shown.append(("ask", title, message))
        return self.answer

    def _study_options(self, parent, title: str, accept: str, options):
        self.shown.append(("study-options", title, accept))
        return self.study_options

    def _print_setup(self, parent, title: str, printer) -> bool:
        self.shown.append(("print", title, printer.outputFileName()))
        return self.print_accepted

    def texts(self, kind: str) -> list[str]:
        return [text for shown_kind, _, text in self.shown if shown_kind == kind]


@pytest.fixture(autouse=True)
def dialogs_shown(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    recorder = DialogRecorder()
    recorder.install(monkeypatch)
    return recorder


@pytest.fixture(autouse=True)
def _system_theme_after_each_test():
    """Themes change the application palette, which outlives a window: reset it."""
    yield
    from reader_app.ui.themes import theme_manager

    theme_manager().apply("system")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def make_window(qtbot, data_dir: Path):
    """Build a main window on ``data_dir`` (or another folder) registered with qtbot."""
    from reader_app.app import create_main_window

    def factory(folder: Path | None = None, *, show: bool = True):
        window = create_main_window(folder or data_dir)
        qtbot.addWidget(window)
        if show:
            window.resize(1100, 760)
            window.show()
            qtbot.waitExposed(window)
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
        return window

    return factory


# ----- notes: documents, anchors and stores for the domain and storage tests -----


@pytest.fixture(scope="session")
def document() -> Document:
    return load_document()


def rebuild(document: Document, blocks: list[tuple[str, str, str]]) -> Document:
    """A new edition of ``document`` from ``(id, role, text)`` triples, parsed for real."""
    metadata = {
        "id": document.id,
        "title": document.title,
        "author": document.author,
        "year": document.year,
        "blocks": [{"id": block_id, "role": role} for block_id, role, _ in blocks],
    }
    return parse_document(metadata, "\n\n".join(text for _, _, text in blocks))


def blocks_of(document: Document) -> list[tuple[str, str, str]]:
    return [(b.id, b.role.value, b.text) for b in document.blocks]


def anchor_on(document: Document, block_id: str, quote: str, occurrence: int = 0) -> Anchor:
    """Anchor the ``occurrence``-th appearance of ``quote`` in a block, as a selection would."""
    text = document.block(block_id).text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return make_anchor(document, block_id, start, start + len(quote))


@pytest.fixture
def open_repo(document: Document) -> Iterator[Callable[..., NotesRepository]]:
    """Open stores on demand and close them all at the end of the test."""
    results = []

    def opener(folder: Path, doc: Document | None = None, **kwargs: object) -> NotesRepository:
        result = open_store(folder, doc or document, **kwargs)  # type: ignore[arg-type]
        results.append(result)
        assert result.repository is not None, result.messages
        assert result.status in {OpenStatus.OPENED, OpenStatus.CREATED, OpenStatus.READ_ONLY}
        return result.repository

    yield opener
    for result in results:
        result.close()


@pytest.fixture
def repo(open_repo: Callable[..., NotesRepository], data_dir: Path) -> NotesRepository:
    return open_repo(data_dir)
