"""Review cards: what a reader marked while reading, turned into questions to answer later.

A card never copies its source's words as the truth. It names its source (a glossary entry,
a note, or a saved word with its anchor) and is rendered from the *current* source each
time it is shown, so a corrected gloss or an edited note reaches the card at once.

Each card also keeps a ``snapshot``: the faces it showed the last time its source was
there. When the source is deleted the card is kept (its review history is the reader's
work too) and shown from that snapshot, with ``source_missing`` set so the review window
can mark it and offer to delete or keep it. ``resolve`` is the one place that decides
this, so storage only has to persist the card's fields as they are.

Ids are derived from the source, never random: a card made again from the same entry or
note has the same id, and an Anki export keyed on it updates the notes already imported
instead of adding copies.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from reader_app.domain.glossary import Entry, Glossary, TermMatcher
from reader_app.domain.notes import Note, NoteKind
from reader_app.domain.text import Document


class CardError(ValueError):
    """A card was asked for that its source cannot give (a caller's bug or stale input)."""


class CardKind(StrEnum):
    GLOSSARY = "glossary"  # headword -> gloss and explanation
    GLOSSARY_REVERSE = "glossary-reverse"  # gloss -> headword
    CLOZE = "cloze"  # a highlighted passage with chosen words hidden
    QUESTION = "question"  # a note as the question, its passage as the answer, or the reverse
    WORD = "word"  # a saved word in its sentence


class SourceKind(StrEnum):
    GLOSSARY_ENTRY = "glossary-entry"
    NOTE = "note"
    SAVED_WORD = "saved-word"  # the card is its own source: it holds the word and its anchor


@dataclass(frozen=True, slots=True)
class SourceRef:
    kind: SourceKind
    id: str


@dataclass(frozen=True, slots=True)
class WordAnchor:
    """Where a saved word stands: enough to open the exact passage again."""

    text_id: str
    block_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SavedWord:
    word: str
    sentence: str
    anchor: WordAnchor
    glossary_entry_id: str | None  # its gloss is looked up afresh at each showing


@dataclass(frozen=True, slots=True)
class Faces:
    """A card's two sides as plain text, plus where it comes from (for the card's header)."""

    front: str
    back: str
    title: str = ""  # the text's title
    passage_label: str = ""  # "¶12", where the card has a passage
    passage: str = ""  # cloze cards: the whole passage, so an export needs no live source
    extra: str = ""  # cloze cards: the note written on the passage


@dataclass(frozen=True, slots=True)
class ReviewCard:
    id: str
    kind: CardKind
    text_id: str
    source: SourceRef
    snapshot: Faces
    source_missing: bool = False
    cloze: tuple[tuple[int, int], ...] = ()  # ranges of the note's quote to hide
    note_is_question: bool = True  # QUESTION cards: which side the note is on
    saved_word: SavedWord | None = None

    @property
    def deck(self) -> str:
        """Cards are grouped by text: one deck per text."""
        return self.text_id


class CardSources(Protocol):
    """What rendering needs to find a card's current source; ``None`` means deleted."""

    def entry(self, text_id: str, entry_id: str) -> Entry | None: ...

    def note(self, text_id: str, note_id: str) -> Note | None:
        """The note ``note_id`` on the text ``text_id`` (each text has its own notes)."""
        ...

    def document(self, text_id: str) -> Document | None: ...


@dataclass(frozen=True)
class SourceIndex:
    """A ``CardSources`` over what is in memory: documents, their glossaries, the notes."""

    documents: Mapping[str, Document]
    glossaries: Mapping[str, Glossary]
    notes: Mapping[str, Note]

    @classmethod
    def of(
        cls,
        documents: Iterable[Document],
        glossaries: Mapping[str, Glossary],
        notes: Iterable[Note] = (),
    ) -> SourceIndex:
        return cls({d.id: d for d in documents}, dict(glossaries), {n.id: n for n in notes})

    def entry(self, text_id: str, entry_id: str) -> Entry | None:
        glossary = self.glossaries.get(text_id)
        return glossary.entry(entry_id) if glossary is not None and entry_id in glossary else None

    def note(self, text_id: str, note_id: str) -> Note | None:
        return self.notes.get(note_id)

    def document(self, text_id: str) -> Document | None:
        return self.documents.get(text_id)


def card_id(kind: CardKind, text_id: str, source_id: str) -> str:
    """Stable id from what the card is made of; also the Anki note GUID."""
    digest = hashlib.sha256(f"{kind}\x1f{text_id}\x1f{source_id}".encode()).hexdigest()
    return f"sr-{digest[:24]}"


# -- creating cards ------------------------------------------------------------------------


def glossary_cards(
    text_id: str, entry: Entry, *, title: str = "", reverse: bool = False
) -> list[ReviewCard]:
    """The headword-to-gloss card, and with ``reverse`` the gloss-to-headword card too."""
    kinds = [CardKind.GLOSSARY] + ([CardKind.GLOSSARY_REVERSE] if reverse else [])
    cards = []
    for kind in kinds:
        faces = _entry_faces(kind, entry, title)
        source = SourceRef(SourceKind.GLOSSARY_ENTRY, entry.id)
        cards.append(ReviewCard(card_id(kind, text_id, entry.id), kind, text_id, source, faces))
    return cards


def _entry_faces(kind: CardKind, entry: Entry, title: str) -> Faces:
    answer = f"{entry.gloss}\n\n{entry.explanation}"
    if kind is CardKind.GLOSSARY:
        return Faces(entry.headword, answer, title)
    return Faces(entry.gloss, f"{entry.headword}\n\n{entry.explanation}", title)


def cloze_card(
    text_id: str, note: Note, hide: Sequence[tuple[int, int]], document: Document
) -> ReviewCard:
    """A card that shows the note's passage with the ranges ``hide`` (offsets in its quote)
    blanked out. Ranges are sorted and must neither overlap nor be empty."""
    ranges = _checked_ranges(note, hide)
    card = ReviewCard(
        card_id(CardKind.CLOZE, text_id, note.id), CardKind.CLOZE, text_id,
        SourceRef(SourceKind.NOTE, note.id), Faces("", ""), cloze=ranges,
    )  # fmt: skip
    return replace(card, snapshot=_note_faces(card, note, document))


def _checked_ranges(note: Note, hide: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    if note.kind is not NoteKind.PASSAGE:
        raise CardError("Only a highlighted passage can become a cloze card.")
    ranges = tuple(sorted((int(a), int(b)) for a, b in hide))
    if not ranges:
        raise CardError("Pick at least one word of the passage to hide.")
    previous_end = 0
    for start, end in ranges:
        if not (previous_end <= start < end <= len(note.quote)):
            raise CardError(f"The range {start}–{end} is not inside the passage, or overlaps.")
        if not note.quote[start:end].strip():
            raise CardError("A hidden range must hold a word, not only spaces.")
        previous_end = end
    return ranges


def question_card(
    text_id: str, note: Note, document: Document, *, note_is_question: bool = True
) -> ReviewCard:
    """The note asks and its passage answers, or (``note_is_question=False``) the passage
    asks and the note answers."""
    if note.kind is not NoteKind.PASSAGE:
        raise CardError("Only a note on a passage has a passage to pair it with.")
    if not note.body.strip():
        raise CardError("An empty note cannot be a question or an answer.")
    card = ReviewCard(
        card_id(CardKind.QUESTION, text_id, note.id), CardKind.QUESTION, text_id,
        SourceRef(SourceKind.NOTE, note.id), Faces("", ""), note_is_question=note_is_question,
    )  # fmt: skip
    return replace(card, snapshot=_note_faces(card, note, document))


_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*(?=\s)")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``: from after the previous
    sentence end to the next one, whitespace trimmed. Abbreviations may cut it short;
    it is context for a reader, not grammar."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    stop = _SENTENCE_END.search(text, end)
    return text[begin : stop.end() if stop else len(text)].strip()


def saved_word_card(
    document: Document, block_id: str, start: int, end: int, glossary: Glossary | None = None
) -> ReviewCard:
    """ "Save Word for Review": the word, its sentence, its anchor, and the glossary entry
    that names it (found with the glossary's own matching), if any."""
    try:
        block = document.block(block_id)
    except KeyError:
        raise CardError(f"The text has no block {block_id!r}.") from None
    if not (0 <= start < end <= len(block.text)) or not block.text[start:end].strip():
        raise CardError("Select a word to save.")
    word = block.text[start:end].strip()
    entry_id = _entry_for(glossary, block.text, start, end, word) if glossary else None
    saved = SavedWord(
        word,
        sentence_around(block.text, start, end),
        WordAnchor(document.id, block_id, start, end),
        entry_id,
    )
    source_id = f"{block_id}:{start}-{end}"
    card = ReviewCard(
        card_id(CardKind.WORD, document.id, source_id), CardKind.WORD, document.id,
        SourceRef(SourceKind.SAVED_WORD, source_id), Faces("", ""), saved_word=saved,
    )  # fmt: skip
    entry = glossary.entry(entry_id) if glossary and entry_id else None
    return replace(card, snapshot=_word_faces(saved, entry, document))


def _entry_for(glossary: Glossary, text: str, start: int, end: int, word: str) -> str | None:
    """The entry whose alias covers the selection in its paragraph, else one naming the word."""
    matcher = TermMatcher(glossary)
    for entry_id, found_start, found_end in matcher.find(text):
        if found_start <= start and end <= found_end:
            return entry_id
    for entry_id, found_start, found_end in matcher.find(word):
        if (found_start, found_end) == (0, len(word)):
            return entry_id
    return None


# -- rendering -----------------------------------------------------------------------------


CLOZE_BLANK = "[…]"


def resolve(card: ReviewCard, sources: CardSources) -> ReviewCard:
    """The card with faces rendered from its current source; or, if the source is gone,
    the card as it was, marked ``source_missing`` (and unmarked if the source came back)."""
    faces = _current_faces(card, sources)
    if faces is None:
        return replace(card, source_missing=True)
    return replace(card, snapshot=faces, source_missing=False)


def _current_faces(card: ReviewCard, sources: CardSources) -> Faces | None:
    document = sources.document(card.text_id)
    title = document.title if document else card.snapshot.title
    if card.source.kind is SourceKind.GLOSSARY_ENTRY:
        entry = sources.entry(card.text_id, card.source.id)
        return _entry_faces(card.kind, entry, title) if entry else None
    if card.source.kind is SourceKind.NOTE:
        note = sources.note(card.text_id, card.source.id)
        if note is None or document is None:
            return None
        try:
            return _note_faces(card, note, document)
        except CardError:  # the note no longer has the words the card hides
            return None
    saved = card.saved_word
    if saved is None:  # saved_word_card always sets it; a stored row may have lost it
        raise CardError(f"Card {card.id} has no saved word.")
    entry = sources.entry(card.text_id, saved.glossary_entry_id or "")
    if document is None:
        return replace(card.snapshot, back=_word_back(saved, entry))
    return _word_faces(saved, entry, document)


def _passage_label(note: Note, document: Document) -> str:
    block_id = (note.placement and note.placement.block_id) or (
        note.anchor and note.anchor.block_id
    )
    try:
        return document.block(block_id).citation_label if block_id else ""
    except KeyError:
        return ""


def _note_faces(card: ReviewCard, note: Note, document: Document) -> Faces:
    label = _passage_label(note, document)
    if card.kind is CardKind.CLOZE:
        _checked_ranges(note, card.cloze)
        front = cloze_text(note.quote, card.cloze, reveal=False)
        back = cloze_text(note.quote, card.cloze, reveal=True)
        body = note.body.strip()
        if body:
            back += f"\n\n{body}"
        return Faces(front, back, document.title, label, note.quote, body)
    body, quote = note.body.strip(), note.quote
    front, back = (body, quote) if card.note_is_question else (quote, body)
    return Faces(front, back, document.title, label)


def cloze_text(quote: str, ranges: Sequence[tuple[int, int]], *, reveal: bool) -> str:
    """The passage with each range replaced by a blank, or (``reveal``) marked [like this]."""
    return "".join(
        part if kind == "text" else (f"[{part}]" if reveal else CLOZE_BLANK)
        for kind, part in cloze_parts(quote, ranges)
    )


def cloze_parts(quote: str, ranges: Sequence[tuple[int, int]]) -> list[tuple[str, str]]:
    """The quote cut into ("text", …) and ("hidden", …) pieces, for any renderer."""
    parts: list[tuple[str, str]] = []
    position = 0
    for start, end in ranges:
        if start > position:
            parts.append(("text", quote[position:start]))
        parts.append(("hidden", quote[start:end]))
        position = end
    if position < len(quote):
        parts.append(("text", quote[position:]))
    return parts


def _word_back(saved: SavedWord, entry: Entry | None) -> str:
    return saved.sentence + (f"\n\n{entry.headword}: {entry.gloss}" if entry else "")


def _word_faces(saved: SavedWord, entry: Entry | None, document: Document) -> Faces:
    try:
        label = document.block(saved.anchor.block_id).citation_label
    except KeyError:
        label = ""
    return Faces(saved.word, _word_back(saved, entry), document.title, label)


# -- HTML for Anki -------------------------------------------------------------------------

# Besides html.escape's five characters: braces would let a note's text start a cloze
# deletion ({{c2::…}}) in Anki's cloze field, square brackets a media reference ([sound:…]).
# Control characters go too: U+001F is the separator between a note's fields in Anki's
# database, so one in a note would split it into fields of its own. As character
# references they show as themselves (or as nothing) and mean nothing.
_ANKI_EXTRA = str.maketrans(
    {"{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;"}
    | {code: f"&#{code};" for code in (*range(0x20), 0x7F) if chr(code) not in "\t\n"}
)


def anki_html(text: str) -> str:
    """User text as inert HTML: escaped, with line breaks kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return html.escape(text, quote=True).translate(_ANKI_EXTRA).replace("\n", "<br>")


def _header_html(faces: Faces) -> str:
    where = " · ".join(part for part in (faces.title, faces.passage_label) if part)
    return f'<div class="source">{anki_html(where)}</div>' if where else ""


def basic_html(card: ReviewCard) -> tuple[str, str]:
    """Front and Back fields for Anki's basic note type."""
    faces = card.snapshot
    return _header_html(faces) + anki_html(faces.front), anki_html(faces.back)


def cloze_field_html(card: ReviewCard) -> tuple[str, str]:
    """Text and Back Extra fields for Anki's cloze note type: every hidden range is cloze
    number 1, so all are hidden together, as in the app's own card. Built from the snapshot,
    so a card whose note was deleted still exports as it was last seen."""
    faces = card.snapshot
    pieces = [
        # Inside a deletion "::" would start Anki's hint, so colons are escaped there too.
        anki_html(part)
        if kind == "text"
        else "{{c1::" + anki_html(part).replace(":", "&#58;") + "}}"
        for kind, part in cloze_parts(faces.passage, card.cloze)
    ]
    return _header_html(faces) + "".join(pieces), anki_html(faces.extra)
