"""What goes into a printed study edition, decided without Qt.

The edition is the text with the reader's highlights, an endnote number after each
highlighted passage, a Notes section, and optionally the glossary entries the text uses.
This module numbers the endnotes and chooses the appendix entries; ``ui/printed_edition/``
sets them in type.

Endnotes are numbered once, through the whole Notes section:

1. every passage note placed in the text (a highlight, with or without a note), in the
   order their numbers appear while reading (by paragraph, then where the passage ends);
2. passage notes whose words are no longer found in this edition (kept with their quote);
3. free notes, oldest first;
4. notes on glossary entries, oldest first.

Free and glossary notes with neither text nor tags say nothing and are left out; a highlight
without a note is kept, since the highlight itself is what the reader marked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reader_app.domain.citation import CitationStyle, CitedWork, quotable
from reader_app.domain.glossary import Entry, Glossary, Occurrence
from reader_app.domain.highlights import DEFAULT_COLOUR
from reader_app.domain.notes import Note, NoteKind
from reader_app.domain.text import Block, Document, in_quotation_marks

QUOTE_LIMIT = 90
"""Characters of a highlighted passage repeated in its endnote; the text itself is above."""


@dataclass(frozen=True, slots=True)
class StudyEditionOptions:
    include_glossary: bool = False


class NoteSection(StrEnum):
    PASSAGE = "On the text"
    DETACHED = "Passages not found in this edition"
    FREE = "General notes"
    GLOSSARY = "On glossary entries"


@dataclass(frozen=True, slots=True)
class Endnote:
    number: int
    section: NoteSection
    label: str  # "¶3", "Editor’s introduction", a glossary headword, or ""
    quote: str  # the passage, shortened, ready to go inside quotation marks
    body: str
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        """The note as one line of plain text: ``¶3 “quote” — note text · tags: a, b``."""
        head = " ".join(
            part
            for part in (self.label, in_quotation_marks(self.quote) if self.quote else "")
            if part
        )
        if self.section is NoteSection.GLOSSARY:
            head = f"On {self.label}"
        parts = [head] if head else []
        if self.body.strip():
            parts.append(" ".join(self.body.split()))
        text = " — ".join(parts)
        if self.tags:
            text += f" · tags: {', '.join(self.tags)}"
        return text


@dataclass(frozen=True, slots=True)
class Highlight:
    """A highlighted passage in a block, with the endnote number set after it."""

    number: int
    block_id: str
    start: int
    end: int
    colour: str  # a colour name of reader_app.domain.notes.Colour


@dataclass(frozen=True, slots=True)
class AppendixEntry:
    entry: Entry
    places: tuple[str, ...]  # where the term occurs: "¶1", "¶8", "Editor’s introduction"


@dataclass(frozen=True)
class EditionPlan:
    document: Document
    highlights: tuple[Highlight, ...]
    endnotes: tuple[Endnote, ...]
    appendix: tuple[AppendixEntry, ...]  # empty unless the glossary was asked for
    citation_style: CitationStyle = CitationStyle.CHICAGO  # for the edition's “Cite as” line

    def highlights_in(self, block_id: str) -> list[Highlight]:
        return [h for h in self.highlights if h.block_id == block_id]

    def sections(self) -> list[tuple[NoteSection, list[Endnote]]]:
        """Non-empty sections of the Notes, in order."""
        return [
            (section, notes)
            for section in NoteSection
            if (notes := [n for n in self.endnotes if n.section is section])
        ]


def edition_title(document: Document) -> str:
    """The running title of the edition: the PDF's title and every page's footer."""
    work = CitedWork.from_document(document)
    return f"{work.author_family}, {work.title} — study edition"


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A quotation cut at a word boundary, with an ellipsis when it was cut."""
    words = quotable(text)
    if len(words) <= limit:
        return words
    cut = words[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:.") if " " in words else words[:limit]
    return cut + "…"


def _says_something(note: Note) -> bool:
    return bool(note.body.strip() or note.tags)


def plan_edition(
    document: Document,
    notes: Iterable[Note],
    glossary: Glossary | None = None,
    occurrences: Sequence[Occurrence] = (),
    options: StudyEditionOptions = StudyEditionOptions(),
    citation_style: CitationStyle = CitationStyle.CHICAGO,
) -> EditionPlan:
    # Whole on purpose: one pass that sorts the notes into text order, numbers the endnotes
    # and picks the appendix, each step using the one before; split, the order would hide.
    notes = list(notes)
    placed: list[tuple[tuple[int, int, int], Note, Block]] = []
    detached: list[Note] = []
    for note in notes:
        if note.kind is not NoteKind.PASSAGE:
            continue
        placement = note.placement
        block_id = placement.block_id if placement is not None else None
        if note.is_detached or placement is None or block_id is None:
            detached.append(note)
            continue
        try:
            index = document.block_index(block_id)
        except KeyError:
            detached.append(note)
            continue
        key = (index, placement.end or 0, placement.start or 0)
        placed.append((key, note, document.blocks[index]))
    placed.sort(key=lambda item: item[0])

    endnotes: list[Endnote] = []
    highlights: list[Highlight] = []

    def add(section: NoteSection, note: Note, label: str, quote: str) -> int:
        number = len(endnotes) + 1
        endnotes.append(Endnote(number, section, label, quote, note.body, note.tags))
        return number

    for _key, note, block in placed:
        placement = note.placement
        assert placement is not None and placement.start is not None
        assert placement.end is not None
        quote = shorten(block.text[placement.start : placement.end])
        number = add(NoteSection.PASSAGE, note, block.citation_label, quote)
        colour = (note.colour or DEFAULT_COLOUR).value
        highlights.append(Highlight(number, block.id, placement.start, placement.end, colour))
    for note in sorted(detached, key=lambda n: (n.created, n.id)):
        add(NoteSection.DETACHED, note, "", shorten(note.quote))
    for note in sorted(notes, key=lambda n: (n.created, n.id)):
        if note.kind is NoteKind.FREE and _says_something(note):
            add(NoteSection.FREE, note, "", "")
    for note in sorted(notes, key=lambda n: (n.created, n.id)):
        if note.kind is NoteKind.GLOSSARY and _says_something(note):
            entry_id = note.glossary_entry_id or ""
            headword = (
                glossary.entry(entry_id).headword
                if glossary is not None and entry_id in glossary
                else entry_id
            )
            add(NoteSection.GLOSSARY, note, headword, "")

    appendix: tuple[AppendixEntry, ...] = ()
    if options.include_glossary and glossary is not None:
        appendix = glossary_appendix(document, glossary, occurrences)
    return EditionPlan(
        document, tuple(highlights), tuple(endnotes), appendix, CitationStyle(citation_style)
    )


def glossary_appendix(
    document: Document, glossary: Glossary, occurrences: Sequence[Occurrence]
) -> tuple[AppendixEntry, ...]:
    """The entries whose terms occur in the text, alphabetically, with where they occur."""
    places: dict[str, list[str]] = {}
    for occurrence in sorted(
        occurrences, key=lambda o: (document.block_index(o.block_id), o.start)
    ):
        label = document.block(occurrence.block_id).citation_label
        found = places.setdefault(occurrence.entry_id, [])
        if label not in found:
            found.append(label)
    entries = [glossary.entry(entry_id) for entry_id in places if entry_id in glossary]
    entries.sort(key=lambda e: (e.headword.casefold(), e.id))
    return tuple(AppendixEntry(entry, tuple(places[entry.id])) for entry in entries)
