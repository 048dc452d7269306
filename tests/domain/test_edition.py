"""What goes into the study edition: endnote numbering, highlights and the glossary appendix."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from reader_app.domain.anchors import Placement, PlacementStatus, make_anchor
from reader_app.domain.edition import (
    NoteSection,
    StudyEditionOptions,
    edition_title,
    plan_edition,
    shorten,
)
from reader_app.domain.glossary import find_occurrences, load_glossary
from reader_app.domain.notes import Colour, free_note, glossary_note, passage_note
from reader_app.domain.text import Document
from reader_app.paths import resource_root

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def glossary(document: Document):
    return load_glossary(resource_root() / "glossary" / document.glossary_file)


def placed(document: Document, block_id: str, words: str, body: str = "", minutes: int = 0, **kw):
    """A passage note on ``words``, placed where it was made (as the repository places it)."""
    start = document.block(block_id).text.index(words)
    anchor = make_anchor(document, block_id, start, start + len(words))
    note = passage_note(anchor, body, now=START + timedelta(minutes=minutes), **kw)
    return replace(
        note, placement=Placement(PlacementStatus.EXACT, block_id, start, start + len(words))
    )


def test_endnotes_follow_reading_order_then_the_other_kinds(document: Document, glossary) -> None:
    later_in_text = placed(document, "p3", "Some third person decides your fate", "Definition.")
    outer = placed(
        document, "p1", "Is it to be bureaucracy or self-activity of the masses?", minutes=1
    )
    inner = placed(document, "p1", "self-activity", "Key term.", minutes=2, colour=Colour.BLUE)
    intro = placed(document, "editor-intro", "an essay", "Not an essay.", minutes=3)
    lost = replace(
        placed(document, "p2", "red tape", "Lost passage.", minutes=4),
        placement=Placement.detached(),
    )
    general = free_note("Compare Lenin.", tags=["context"], now=START + timedelta(minutes=5))
    empty = free_note("", now=START + timedelta(minutes=6))
    on_entry = glossary_note("self-activity", "Samodeyatelnost.", now=START)
    notes = [general, later_in_text, on_entry, lost, outer, empty, inner, intro]

    plan = plan_edition(document, notes, glossary)

    assert [(e.number, e.section, e.label) for e in plan.endnotes] == [
        (1, NoteSection.PASSAGE, "Editor’s introduction"),
        (2, NoteSection.PASSAGE, "¶1"),  # "self-activity" ends before the outer passage
        (3, NoteSection.PASSAGE, "¶1"),
        (4, NoteSection.PASSAGE, "¶3"),
        (5, NoteSection.DETACHED, ""),
        (6, NoteSection.FREE, ""),
        (7, NoteSection.GLOSSARY, "Self-activity"),
    ]
    assert [e.text for e in plan.endnotes] == [
        "Editor’s introduction “an essay” — Not an essay.",
        "¶1 “self-activity” — Key term.",
        "¶1 “Is it to be bureaucracy or self-activity of the masses?”",
        "¶3 “Some third person decides your fate” — Definition.",
        "“red tape” — Lost passage.",
        "Compare Lenin. · tags: context",
        "On Self-activity — Samodeyatelnost.",
    ]
    assert [(h.number, h.block_id, h.colour) for h in plan.highlights] == [
        (1, "editor-intro", "yellow"),
        (2, "p1", "blue"),
        (3, "p1", "yellow"),
        (4, "p3", "yellow"),
    ]
    assert [section for section, _ in plan.sections()] == list(NoteSection)
    assert plan.appendix == ()


def test_long_quotes_are_shortened_at_a_word(document: Document) -> None:
    text = document.block("p6").text
    short = shorten(text)
    assert short.endswith("…") and len(short) <= 91
    assert text.startswith(short[:-1])
    assert shorten("“Is it to be bureaucracy") == "Is it to be bureaucracy"


def test_the_appendix_lists_the_entries_the_text_uses_alphabetically(
    document: Document, glossary
) -> None:
    occurrences = find_occurrences(document, glossary)
    plan = plan_edition(
        document, [], glossary, occurrences, StudyEditionOptions(include_glossary=True)
    )
    used = {o.entry_id for o in occurrences}
    assert {item.entry.id for item in plan.appendix} == used
    headwords = [item.entry.headword.casefold() for item in plan.appendix]
    assert headwords == sorted(headwords)
    self_activity = next(item for item in plan.appendix if item.entry.id == "self-activity")
    assert self_activity.places[:2] == ("¶1", "¶6")
    assert plan_edition(document, [], glossary, occurrences).appendix == ()


def test_the_running_title_names_author_and_work(document: Document) -> None:
    assert edition_title(document) == "Kollontai, The Workers’ Opposition — study edition"
