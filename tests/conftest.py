"""Shared fixtures: every test gets its own data folder and never sees the real user folders.

Nothing here loads Qt, so ``tests/domain`` and ``tests/storage`` run without it; the window's
fixtures (a QApplication, dialogs replaced, themes reset) live in ``tests/gui/conftest.py``,
and every test under ``tests/gui`` is marked ``gui``: ``pytest -m "not gui"`` runs the rest
without a display."""

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

GUI_TESTS = Path(__file__).parent / "gui"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if GUI_TESTS in item.path.parents:
            item.add_marker(pytest.mark.gui)


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


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


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
