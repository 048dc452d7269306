"""Where review cards find their sources in the database, for the window and the commands.

A card belongs to a text (its deck), and its source is one of that text's notes, a glossary
entry (bundled, or one of the reader's own), or a word of the text. Rendering a card of any
text, whichever text the window shows, goes through ``StoredSources``; exporting cards goes
through ``card_file``, the one export the window and ``study-reader export-cards`` share.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from reader_app.domain.formats import CARD_FORMATS
from reader_app.domain.glossary import Entry, Glossary
from reader_app.domain.notes import Note
from reader_app.domain.review import ReviewCard, SourceKind, resolve
from reader_app.domain.text import Document
from reader_app.storage.db import StorageError
from reader_app.storage.glossary_repo import glossary_of
from reader_app.storage.notes_repo import NotesRepository


class StoredSources:
    """``review.CardSources`` over the database: the bundled text and the library's texts
    (read once each, when a card of theirs comes up), each text's own notes, the bundled
    glossary and the reader's own entries as they are now.

    ``repository`` is the store's notes (of the bundled text, whose connection the others
    share); ``open_notes`` those of the text the window shows, used as they are so that
    what the notes panel has just saved is what a card shows. Without ``data_dir`` only
    those two texts are known. A text removed from the library is ``None``: its cards keep
    their snapshot.
    """

    def __init__(
        self,
        repository: NotesRepository,
        data_dir: Path | None,
        bundled_glossary: Glossary,
        *,
        open_notes: NotesRepository | None = None,
    ) -> None:
        self._repository = repository
        self._data_dir = data_dir
        self._bundled = bundled_glossary
        self._notes: dict[str, NotesRepository | None] = {repository.document.id: repository}
        if open_notes is not None:
            self._notes[open_notes.document.id] = open_notes
        self._personal = glossary_of(repository)

    def notes_of(self, text_id: str) -> NotesRepository | None:
        if text_id not in self._notes:
            document = self._library_document(text_id)
            self._notes[text_id] = None if document is None else self._repository.for_text(document)
        return self._notes[text_id]

    def _library_document(self, text_id: str) -> Document | None:
        from reader_app.storage.library import library_of

        if self._data_dir is None:
            return None
        try:
            return library_of(self._repository, self._data_dir).document(text_id)
        except StorageError:  # removed from the library (LibraryError), or unreadable
            return None

    def document(self, text_id: str) -> Document | None:
        notes = self.notes_of(text_id)
        return notes.document if notes is not None else None

    def note(self, text_id: str, note_id: str) -> Note | None:
        notes = self.notes_of(text_id)
        return notes.get(note_id) if notes is not None else None

    def entry(self, text_id: str, entry_id: str) -> Entry | None:
        """A bundled entry, else the reader's own (None once they deleted it)."""
        if entry_id in self._bundled:
            return self._bundled.entry(entry_id)
        personal = self._personal.get(entry_id) if entry_id else None
        return personal.entry if personal is not None else None

    def titles(self) -> dict[str, str]:
        """Every text's title, by id: what each text's deck is named."""
        from reader_app.storage.library import library_of

        titles = {}
        if self._data_dir is not None:
            library = library_of(self._repository, self._data_dir)
            titles = {text.id: text.title for text in library.list_texts()}
        for text_id, notes in self._notes.items():
            if notes is not None:
                titles.setdefault(text_id, notes.document.title)
        return titles


def card_file(
    cards: Iterable[ReviewCard], sources: StoredSources, card_format: str, now: datetime
) -> tuple[bytes, int]:
    """The cards rendered from their sources as they are now, as an Anki package or the CSV
    Anki's text import reads, and how many. One deck per text, named by its title (a text
    since removed keeps the title its cards last showed); a note's tags become the card's;
    a card whose source is gone keeps its last faces, tagged ``source-deleted``."""
    from reader_app.domain.cards_export import build_apkg, build_csv

    if card_format not in CARD_FORMATS:
        raise ValueError(f"Cards are exported as {' or '.join(CARD_FORMATS)}.")
    current = [resolve(card, sources) for card in cards]
    tags: dict[str, tuple[str, ...]] = {}
    for card in current:
        is_note = card.source.kind is SourceKind.NOTE
        note = sources.note(card.text_id, card.source.id) if is_note else None
        if note is not None:
            tags[card.id] = note.tags
    if card_format == "csv":
        return build_csv(current, tags=tags).encode("utf-8"), len(current)
    titles = {card.text_id: card.snapshot.title for card in current if card.snapshot.title}
    titles.update(sources.titles())
    return build_apkg(current, now=now, titles=titles, tags=tags), len(current)
