"""NotesRepository: changes, undo of delete, listing, filtering, search, listeners, re-anchoring."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import anchor_on, blocks_of, rebuild

from reader_app.domain.anchors import PlacementStatus
from reader_app.domain.notes import Colour, NoteKind, free_note, glossary_note, passage_note
from reader_app.domain.text import Document
from reader_app.storage.db import NoteNotFound
from reader_app.storage.notes_repo import (
    ChangeKind,
    MarkedText,
    NoteOrder,
    NotesChanged,
    NotesRepository,
    fts_query,
)
from reader_app.storage.store import OpenStatus, open_store

THIRD = "Some third person decides your fate"
T0 = datetime(2025, 1, 1, 9, tzinfo=UTC)


def test_add_get_update(repo: NotesRepository, document: Document) -> None:
    note = repo.add(passage_note(anchor_on(document, "p3", THIRD), "first", tags=["A"], now=T0))
    assert note.placement.status is PlacementStatus.EXACT
    assert repo.get(note.id) == note
    changed = repo.update(note.id, body="second", tags=["b", "A"], colour=Colour.PURPLE)
    stored = repo.get(note.id)
    assert stored == changed
    assert (stored.body, stored.tags, stored.colour) == ("second", ("b", "a"), Colour.PURPLE)
    assert stored.created == T0 and stored.updated > T0
    assert repo.update(note.id, body="third").tags == ("b", "a")  # untouched fields kept
    same = repo.get(note.id)
    assert repo.update(note.id, body="third", tags=["B", "a"]) == same  # an idle autosave
    assert repo.get(note.id).updated == same.updated
    with pytest.raises(NoteNotFound):
        repo.update("00000000-0000-4000-8000-000000000000", body="x")
    assert repo.get("00000000-0000-4000-8000-000000000000") is None


def test_delete_then_restore_brings_back_the_identical_note(
    repo: NotesRepository, document: Document
) -> None:
    note = repo.add(
        passage_note(
            anchor_on(document, "p3", THIRD),
            "precious words",
            colour=Colour.GREEN,
            tags=["undo", "bureaucracy"],
            now=T0,
        )
    )
    other = repo.add(free_note("stays"))
    deleted = repo.delete(note.id)
    assert deleted == note
    assert repo.get(note.id) is None
    assert repo.search("precious") == []
    assert repo.tag_counts() == {}
    restored = repo.restore(deleted)
    assert restored == note
    assert repo.get(note.id) == note
    assert [h.note.id for h in repo.search("precious")] == [note.id]
    assert [h.note.id for h in repo.search("undo")] == [note.id]
    assert {n.id for n in repo.list_notes()} == {note.id, other.id}
    with pytest.raises(NoteNotFound):
        repo.delete("00000000-0000-4000-8000-000000000000")


def _sample(repo: NotesRepository, document: Document) -> dict[str, str]:
    ids = {}
    ids["p3"] = repo.add(
        passage_note(anchor_on(document, "p3", THIRD), "c", tags=["power"], now=T0)
    ).id
    ids["p1"] = repo.add(
        passage_note(
            anchor_on(document, "p1", "self-activity"),
            "a",
            colour=Colour.BLUE,
            tags=["power", "masses"],
            now=T0 + timedelta(hours=1),
        )
    ).id
    ids["p1-late"] = repo.add(
        passage_note(
            anchor_on(document, "p1", "workers’ republic"), "b", now=T0 + timedelta(hours=2)
        )
    ).id
    ids["free"] = repo.add(free_note("d", tags=["todo"], now=T0 + timedelta(hours=3))).id
    ids["glossary"] = repo.add(glossary_note("nep", "e", now=T0 + timedelta(hours=4))).id
    return ids


def test_list_orders(repo: NotesRepository, document: Document) -> None:
    ids = _sample(repo, document)
    by_position = [n.id for n in repo.list_notes(NoteOrder.POSITION)]
    assert by_position == [ids["p1"], ids["p1-late"], ids["p3"], ids["free"], ids["glossary"]]
    by_created = [n.id for n in repo.list_notes(NoteOrder.CREATED)]
    assert by_created == [ids["glossary"], ids["free"], ids["p1-late"], ids["p1"], ids["p3"]]
    repo.update(ids["p3"], body="touched")
    assert repo.list_notes(NoteOrder.UPDATED)[0].id == ids["p3"]


def test_filters_tags_and_counts(repo: NotesRepository, document: Document) -> None:
    ids = _sample(repo, document)
    assert {n.id for n in repo.list_notes(tag="Power ")} == {ids["p1"], ids["p3"]}
    assert [n.id for n in repo.list_notes(colour=Colour.BLUE)] == [ids["p1"]]
    assert [n.id for n in repo.list_notes(kind=NoteKind.FREE)] == [ids["free"]]
    assert [n.id for n in repo.list_notes(tag="power", colour=Colour.YELLOW)] == [ids["p3"]]
    assert list(repo.tag_counts()) == ["masses", "power", "todo"]
    assert repo.tag_counts() == {"masses": 1, "power": 2, "todo": 1}
    glossary_notes = repo.list_notes(kind=NoteKind.GLOSSARY)
    assert [n.id for n in glossary_notes if n.glossary_entry_id == "nep"] == [ids["glossary"]]
    counts = repo.counts()
    assert (counts.total, counts.passage, counts.free, counts.glossary, counts.detached) == (
        5,
        3,
        1,
        1,
        0,
    )


def test_search_bodies_quotes_and_tags_with_marked_matches(
    repo: NotesRepository, document: Document
) -> None:
    note = repo.add(
        passage_note(
            anchor_on(document, "p3", THIRD),
            "Bureaucracy means decisions without the people concerned.",
            tags=["centralism"],
        )
    )
    repo.add(free_note("Nothing about that here."))
    (hit,) = repo.search("bureaucracy")
    assert hit.note.id == note.id
    assert [hit.body.text[s:e] for s, e in hit.body.spans] == ["Bureaucracy"]
    assert MarkedText.parse(hit.snippet.text) == MarkedText(hit.snippet.text, ())
    assert hit.snippet.spans

    (hit,) = repo.search("third pers")  # the last word still being typed
    assert [hit.quote.text[s:e] for s, e in hit.quote.spans] == ["third", "person"]
    assert hit.body.spans == ()

    (hit,) = repo.search("centralism")
    assert hit.matched_tags == ("centralism",)

    assert repo.search("bureaucracy nothing") == []  # every word must match
    assert [h.note.id for h in repo.search("BUREAUCRACY", tag="centralism")] == [note.id]
    assert repo.search("bureaucracy", colour=Colour.PINK) == []
    assert repo.search("   ") == []
    for hostile in ['"', "AND OR NOT", "(*)", "body:x", "NEAR(a b)", "' ; DROP TABLE notes"]:
        repo.search(hostile)  # never an FTS syntax error
    repo.update(note.id, body="Replaced entirely.")
    assert repo.search("means") == []
    assert [h.note.id for h in repo.search("replaced")] == [note.id]


def test_search_ignores_accents_and_counts_fast_prefixes(repo: NotesRepository) -> None:
    note = repo.add(free_note("Notes on the Kronstadt rébellion"))
    assert [h.note.id for h in repo.search("rebellion")] == [note.id]
    assert [h.note.id for h in repo.search("kr")] == [note.id]


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("self-activity of") == '"self" "activity" "of"*'
    assert fts_query("masses ") == '"masses"'
    assert fts_query('"") (') is None


def test_listeners_hear_committed_changes_only(repo: NotesRepository, document: Document) -> None:
    heard: list[NotesChanged] = []
    unsubscribe = repo.subscribe(heard.append)
    note = repo.add(free_note("x"))
    repo.update(note.id, body="y")
    deleted = repo.delete(note.id)
    repo.restore(deleted)
    with pytest.raises(NoteNotFound):
        repo.update("00000000-0000-4000-8000-000000000000", body="x")
    assert heard == [
        NotesChanged(ChangeKind.ADDED, (note.id,)),
        NotesChanged(ChangeKind.UPDATED, (note.id,)),
        NotesChanged(ChangeKind.DELETED, (note.id,)),
        NotesChanged(ChangeKind.RESTORED, (note.id,)),
    ]
    unsubscribe()
    repo.add(free_note("unheard"))
    assert len(heard) == 4


def _edition(document: Document) -> Document:
    """A corrected edition: words changed, a paragraph inserted, a quoted passage deleted."""
    blocks = []
    for block_id, role, original in blocks_of(document):
        text = original
        if block_id == "p2":
            text = text.replace("an open exchange of opinions", "a free exchange of views")
        if block_id == "p3":
            text = text.replace("arrived at either by one person", "reached by one person")
            text = text.replace(" Some third person decides your fate:", "")
        blocks.append((block_id, role, text))
        if block_id == "p1":
            blocks.append(("p1a", "body", "A paragraph the first edition left out."))
    return rebuild(document, blocks)


def test_reanchoring_when_the_text_changes(
    data_dir: Path, document: Document, open_repo: Callable[..., NotesRepository]
) -> None:
    first = open_store(data_dir, document)
    repo = first.repository
    exact = repo.add(passage_note(anchor_on(document, "p1", "self-activity"), "stays"))
    moved = repo.add(passage_note(anchor_on(document, "p3", "extremely limited collective"), "m"))
    fuzzy = repo.add(
        passage_note(anchor_on(document, "p2", "not by means of an open exchange of opinions"), "f")
    )
    lost = repo.add(passage_note(anchor_on(document, "p3", THIRD), "lost", tags=["keep"]))
    free = repo.add(free_note("free"))
    first.close()

    edition = _edition(document)
    second = open_store(data_dir, edition)
    try:
        assert second.status is OpenStatus.OPENED
        report = second.reanchor
        assert (report.checked, report.exact, report.moved, report.fuzzy) == (4, 1, 1, 1)
        assert [n.id for n in report.detached] == [lost.id]
        assert any("could not be found" in m for m in second.messages)
        repo = second.repository
        placements = {n.id: n.placement for n in repo.list_notes()}
        assert placements[exact.id].status is PlacementStatus.EXACT
        assert placements[moved.id].status is PlacementStatus.MOVED
        block = edition.block("p3").text
        p = placements[moved.id]
        assert block[p.start : p.end] == "extremely limited collective"
        assert placements[fuzzy.id].status is PlacementStatus.FUZZY
        assert placements[free.id] is None
        kept = repo.get(lost.id)
        assert kept.is_detached and kept.quote == THIRD and kept.body == "lost"
        assert kept.anchor == lost.anchor  # the original anchor is never rewritten
        assert kept.tags == ("keep",)
        assert [n.id for n in repo.detached_notes()] == [lost.id]
        assert repo.counts().detached == 1
        # Detached notes come after the placed ones in text order, before free notes.
        order = [n.id for n in repo.list_notes()]
        assert order.index(lost.id) > order.index(fuzzy.id)
    finally:
        second.close()

    third = open_store(data_dir, edition)
    try:
        assert third.reanchor.checked == 0  # already placed in this edition
    finally:
        third.close()


def test_read_only_repository_places_notes_in_memory(
    data_dir: Path, document: Document, open_repo: Callable[..., NotesRepository]
) -> None:
    writer = open_repo(data_dir)
    note = writer.add(passage_note(anchor_on(document, "p3", "extremely limited collective")))
    reader = open_repo(data_dir, _edition(document), read_only=True)
    assert reader.get(note.id).placement.status is PlacementStatus.MOVED


def test_reattach_a_detached_note(
    data_dir: Path, document: Document, open_repo: Callable[..., NotesRepository]
) -> None:
    edition = _edition(document)
    first = open_store(data_dir, document)
    note = first.repository.add(passage_note(anchor_on(document, "p3", THIRD), "lost"))
    first.close()
    repo = open_repo(data_dir, edition)
    assert repo.get(note.id).is_detached
    fixed = repo.reattach(note.id, anchor_on(edition, "p3", "the whole essence of bureaucracy"))
    assert fixed.placement.status is PlacementStatus.EXACT
    assert (fixed.body, fixed.created) == (note.body, note.created)
    assert repo.detached_notes() == []


def test_restore_uses_the_note_as_deleted_even_after_edits(
    repo: NotesRepository, document: Document
) -> None:
    note = repo.add(passage_note(anchor_on(document, "p1", "self-activity"), "v1"))
    edited = repo.update(note.id, body="v2")
    deleted = repo.delete(note.id)
    assert deleted == edited
    assert repo.restore(replace(deleted)) == edited
