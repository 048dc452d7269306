"""Notes belong to one text: a repository serves the notes of the text it was made for, and
the notes of every other text are never listed, counted, searched, re-anchored, detached,
changed or moved by it. No Qt."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from reader_app.domain.anchors import PlacementStatus, make_anchor
from reader_app.domain.highlights import Colour
from reader_app.domain.notes import free_note, passage_note
from reader_app.domain.text import DEFAULT_TEXT_ID, Document
from reader_app.storage.db import NoteNotFound
from reader_app.storage.library import LibraryRepository, library_of
from reader_app.storage.notes_repo import NotesRepository

ESSAY = "An Essay on Bread\n\nThe first paragraph speaks of bread.\n\nThe second speaks of peace.\n"


@pytest.fixture
def library(repo: NotesRepository, data_dir: Path) -> LibraryRepository:
    return library_of(repo, data_dir)


@pytest.fixture
def essay(library: LibraryRepository, tmp_path: Path) -> Document:
    path = tmp_path / "essay.txt"
    path.write_text(ESSAY, encoding="utf-8")
    return library.document(library.add_file(path).text_id)


def _passage(document: Document, quote: str):
    block = next(b for b in document.body_blocks() if quote in b.text)
    start = block.text.index(quote)
    return passage_note(
        make_anchor(document, block.id, start, start + len(quote)), colour=Colour.BLUE
    )


def _text_of(repo: NotesRepository, note_id: str) -> str:
    return repo.connection.execute("SELECT text_id FROM notes WHERE id = ?", (note_id,)).fetchone()[
        0
    ]


def test_each_text_lists_counts_and_searches_only_its_own_notes(
    repo: NotesRepository, essay: Document, library: LibraryRepository
) -> None:
    reading_essay = repo.for_text(essay)
    bundled = repo.add(replace(free_note("kollontai thoughts"), tags=("bundled",)))
    own = reading_essay.add(replace(_passage(essay, "bread"), body="essay thoughts"))

    assert _text_of(repo, own.id) == essay.id
    assert _text_of(repo, bundled.id) == DEFAULT_TEXT_ID
    assert [n.id for n in reading_essay.list_notes()] == [own.id]
    assert reading_essay.list_note_ids() == [own.id]
    assert [n.id for n in repo.list_notes()] == [bundled.id]
    assert [h.note_id for h in reading_essay.highlights()] == [own.id]
    assert repo.highlights() == []
    assert reading_essay.counts().total == 1 and repo.counts().total == 1
    assert reading_essay.tag_counts() == {} and repo.tag_counts() == {"bundled": 1}
    assert [h.note.id for h in reading_essay.search("thoughts")] == [own.id]
    assert [h.note.id for h in repo.search("thoughts")] == [bundled.id]
    assert reading_essay.get(bundled.id) is None
    notes = {s.id: s.notes for s in library.list_texts()}
    assert notes == {DEFAULT_TEXT_ID: 1, essay.id: 1}


def test_another_texts_notes_cannot_be_changed_from_this_one(
    repo: NotesRepository, essay: Document
) -> None:
    reading_essay = repo.for_text(essay)
    bundled = repo.add(free_note("kept as it is"))
    with pytest.raises(NoteNotFound):
        reading_essay.update(bundled.id, body="overwritten")
    with pytest.raises(NoteNotFound):
        reading_essay.delete(bundled.id)
    assert repo.get(bundled.id).body == "kept as it is"


def test_re_anchoring_one_text_never_touches_the_notes_of_another(
    repo: NotesRepository, essay: Document, open_repo, data_dir: Path
) -> None:
    reading_essay = repo.for_text(essay)
    own = reading_essay.add(_passage(essay, "peace"))
    assert own.placement.status is PlacementStatus.EXACT

    # The bundled text's re-anchoring, as at every start, must leave the essay's note alone.
    assert repo.reanchor().checked == 0
    assert repo.detached_notes() == []
    row = repo.connection.execute(
        "SELECT placement_status, placed_text_version FROM notes WHERE id = ?", (own.id,)
    ).fetchone()
    assert row == ("exact", essay.version)
    assert reading_essay.get(own.id).placement.status is PlacementStatus.EXACT


def test_undo_merge_and_reattach_keep_the_note_in_its_text(
    repo: NotesRepository, essay: Document
) -> None:
    reading_essay = repo.for_text(essay)
    note = reading_essay.add(_passage(essay, "bread"))
    deleted = reading_essay.delete(note.id)
    reading_essay.restore(deleted)
    assert _text_of(repo, note.id) == essay.id

    block = essay.body_blocks()[2]
    reading_essay.reattach(note.id, make_anchor(essay, block.id, 4, 10))
    assert _text_of(repo, note.id) == essay.id

    newer = replace(
        reading_essay.get(note.id), body="merged words", updated=note.updated + timedelta(hours=1)
    )
    imported = free_note("an imported note")
    report = reading_essay.merge([newer, imported])
    assert (report.added, report.updated) == (1, 1)
    assert {_text_of(repo, note.id), _text_of(repo, imported.id)} == {essay.id}
    assert repo.list_notes() == []


def test_merging_a_note_that_belongs_to_another_text_keeps_both_versions(
    repo: NotesRepository, essay: Document
) -> None:
    """An import into the essay naming a note of the bundled text neither moves nor
    overwrites it; the file's words are kept as a revision, so nothing is lost."""
    reading_essay = repo.for_text(essay)
    bundled = repo.add(free_note("the bundled words"))
    incoming = replace(
        bundled, body="the file's words", updated=bundled.updated + timedelta(hours=1)
    )
    report = reading_essay.merge([incoming])
    assert (report.added, report.updated, report.unchanged, report.revisions_kept) == (0, 0, 1, 1)
    assert repo.get(bundled.id).body == "the bundled words"
    assert _text_of(repo, bundled.id) == DEFAULT_TEXT_ID
    assert [r.body for r in repo.revisions(bundled.id)] == ["the file's words"]
    assert reading_essay.list_notes() == []


def test_revisions_are_exported_with_their_own_text_only(
    repo: NotesRepository, essay: Document
) -> None:
    reading_essay = repo.for_text(essay)
    bundled = repo.add(free_note("first"))
    repo.merge([replace(bundled, body="second", updated=bundled.updated + timedelta(hours=1))])
    assert set(repo.all_revisions()) == {bundled.id}
    assert reading_essay.all_revisions() == {}


def test_a_read_only_repository_serves_other_texts_read_only(
    repo: NotesRepository, essay: Document, open_repo, data_dir: Path
) -> None:
    repo.for_text(essay).add(free_note("on the essay"))
    reader = open_repo(data_dir, read_only=True)
    reading_essay = reader.for_text(essay)
    assert reading_essay.read_only
    assert [n.body for n in reading_essay.list_notes()] == ["on the essay"]
    assert reader.list_notes() == []
