"""Fixtures shared by the domain, storage and command-line tests of the notes feature.

None of them touches the user's folders: every data folder is under pytest's ``tmp_path``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader_app.domain.anchors import Anchor, make_anchor
from reader_app.domain.text import Document, load_document, parse_document
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import OpenStatus, open_store


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
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


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
