"""Replace with a New Edition: a library text's notes placed again, detached ones kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader_app.domain.anchors import PlacementStatus, make_anchor
from reader_app.domain.importing import TextImportError
from reader_app.domain.notes import passage_note
from reader_app.domain.text import DEFAULT_TEXT_ID, Document
from reader_app.storage.editions import replace_with_file
from reader_app.storage.library import LibraryError, library_of
from reader_app.storage.notes_repo import NotesRepository

FIRST = "Bread for the towns.\n\nLand for the peasants.\n\nPeace for the soldiers.\n"
SECOND = (
    "A new opening paragraph.\n\nBread for the towns.\n\nLand for the peasants.\n\n"
    "An afterword instead of the last paragraph.\n"
)


def _note_on(repo: NotesRepository, document: Document, block_index: int, words: str) -> str:
    """A passage note on an added text, as the window will make one once it shows them."""
    block = document.blocks[block_index]
    start = block.text.index(words)
    anchor = make_anchor(document, block.id, start, start + len(words))
    scoped = NotesRepository(repo.connection, document, path=repo.path)
    note = scoped.add(passage_note(anchor, body=words))
    repo.connection.execute("UPDATE notes SET text_id = ? WHERE id = ?", (document.id, note.id))
    return note.id


def _placement(repo: NotesRepository, note_id: str) -> tuple:
    return repo.connection.execute(
        "SELECT placement_status, placed_block_id, placed_start, placed_text_version "
        "FROM notes WHERE id = ?",
        (note_id,),
    ).fetchone()


def test_a_new_edition_moves_kept_notes_and_detaches_lost_ones(
    repo: NotesRepository, data_dir: Path, tmp_path: Path, document: Document
) -> None:
    library = library_of(repo, data_dir)
    first = tmp_path / "decree.txt"
    first.write_text(FIRST)
    text_id = library.add_file(first).text_id
    old = library.document(text_id)
    bread = _note_on(repo, old, 0, "Bread")
    land = _note_on(repo, old, 1, "peasants")
    peace = _note_on(repo, old, 2, "soldiers")
    bundled_note = repo.add(passage_note(make_anchor(document, "p3", 0, 10)))
    bundled_before = _placement(repo, bundled_note.id)

    second = tmp_path / "decree-corrected.txt"
    second.write_text(SECOND)
    report = replace_with_file(library, repo.connection, text_id, second, db_path=repo.path)

    new = library.document(text_id)
    assert (report.notes, report.in_place, report.moved, report.detached) == (3, 2, 0, 1)
    for note_id, words in ((bread, "Bread"), (land, "peasants")):
        status, block_id, start, version = _placement(repo, note_id)
        assert version == new.version and status in {"exact", "moved"}
        assert new.block(block_id).text[start : start + len(words)] == words
    status, block_id, _, version = _placement(repo, peace)
    assert (status, block_id, version) == (PlacementStatus.DETACHED.value, None, new.version)
    # The detached note is kept, with the words it was made on.
    assert repo.connection.execute(
        "SELECT anchor_exact, text_id FROM notes WHERE id = ?", (peace,)
    ).fetchone() == ("soldiers", text_id)
    assert _placement(repo, bundled_note.id) == bundled_before
    assert repo.connection.execute(
        "SELECT text_id FROM notes WHERE id = ?", (bundled_note.id,)
    ).fetchone() == (DEFAULT_TEXT_ID,)


def test_a_bad_file_or_the_bundled_text_changes_nothing(
    repo: NotesRepository, data_dir: Path, tmp_path: Path
) -> None:
    library = library_of(repo, data_dir)
    first = tmp_path / "decree.txt"
    first.write_text(FIRST)
    text_id = library.add_file(first).text_id
    before = library.document(text_id)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(TextImportError):
        replace_with_file(library, repo.connection, text_id, empty)
    with pytest.raises(LibraryError, match="bundled"):
        replace_with_file(library, repo.connection, DEFAULT_TEXT_ID, first)
    assert library.document(text_id) == before
