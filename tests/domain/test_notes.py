"""The Note value: its invariants, tags and time stamps."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from conftest import anchor_on

from reader_app.domain.notes import (
    Colour,
    NoteError,
    NoteKind,
    format_timestamp,
    free_note,
    glossary_note,
    normalise_tags,
    parse_timestamp,
    passage_note,
)
from reader_app.domain.text import Document


def test_tags_are_stripped_lowercased_and_deduplicated() -> None:
    assert normalise_tags([" Bureaucracy ", "bureaucracy", "NEP", "", "  ", "self  activity"]) == (
        "bureaucracy",
        "nep",
        "self activity",
    )


def test_factories_make_each_kind(document: Document) -> None:
    passage = passage_note(anchor_on(document, "p1", "self-activity"), "x", tags=["A", "a"])
    assert passage.kind is NoteKind.PASSAGE and passage.colour is Colour.YELLOW
    assert passage.tags == ("a",) and passage.created == passage.updated
    assert passage.created.tzinfo is UTC
    free = free_note("thought")
    assert free.kind is NoteKind.FREE and free.colour is None and free.anchor is None
    entry = glossary_note("nep", "see Lenin")
    assert entry.kind is NoteKind.GLOSSARY and entry.glossary_entry_id == "nep"


def test_invariants_are_enforced(document: Document) -> None:
    anchor = anchor_on(document, "p1", "self-activity")
    note = passage_note(anchor)
    with pytest.raises(NoteError):
        replace(note, colour=None)
    with pytest.raises(NoteError):
        replace(note, anchor=None)
    with pytest.raises(NoteError):
        replace(note, id="not-a-uuid")
    with pytest.raises(NoteError):
        replace(note, tags=("Upper",))
    with pytest.raises(NoteError):
        replace(note, created=datetime(2024, 1, 1))  # naive
    with pytest.raises(NoteError):
        replace(free_note(), colour=Colour.BLUE)
    with pytest.raises(NoteError):
        replace(glossary_note("x"), glossary_entry_id=None)
    with pytest.raises(NoteError):
        free_note().edited(colour=Colour.BLUE)


def test_a_note_id_is_a_uuid_in_any_spelling_uuid_reads(document: Document) -> None:
    note = passage_note(anchor_on(document, "p1", "self-activity"))
    canonical = "0f8fad5b-d9cb-469f-a165-70867728950e"
    for spelling in (canonical, canonical.upper(), "{" + canonical + "}", "urn:uuid:" + canonical):
        assert replace(note, id=spelling).id == spelling
    for wrong in ("", "0f8fad5b-d9cb-469f-a165-70867728950", canonical.replace("f", "g", 1)):
        with pytest.raises(NoteError):
            replace(note, id=wrong)


def test_edited_moves_updated_only() -> None:
    note = free_note("a", now=datetime(2024, 1, 1, tzinfo=UTC))
    later = datetime(2024, 1, 2, tzinfo=UTC)
    changed = note.edited(body="b", tags=["X"], now=later)
    assert (changed.body, changed.tags, changed.created, changed.updated) == (
        "b",
        ("x",),
        note.created,
        later,
    )


def test_timestamps_round_trip_exactly() -> None:
    moment = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    text = format_timestamp(moment)
    assert text == "2024-05-06T07:08:09.123456Z"
    assert parse_timestamp(text) == moment
    assert parse_timestamp("2024-05-06T09:08:09+02:00") == moment.replace(microsecond=0)
    assert parse_timestamp("2024-05-06T07:08:09").tzinfo is UTC
    with pytest.raises(NoteError):
        format_timestamp(moment.astimezone(timezone(timedelta(hours=2))))
