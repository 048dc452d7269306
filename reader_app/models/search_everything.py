"""Search everything: the words of every text in the library, the glossaries and the notes,
grouped by text, the text being read first.

The text being read is searched as the find bar searches it (every match, with its exact
place, so choosing one selects it); the other texts through the library's FTS5 index,
ranked by bm25, one hit per block with the block's ¶ and a snippet. The widget
(``ui/search_everything.py``) only shows what this returns, so it never reaches storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from reader_app.domain.bidi import isolate
from reader_app.domain.glossary import Entry, Glossary
from reader_app.domain.search import JoinedBlocks, context_around, find_pattern
from reader_app.domain.text import Document, in_quotation_marks
from reader_app.storage.db import StorageError
from reader_app.storage.notes_repo import NotesRepository, OtherTextHit

if TYPE_CHECKING:
    import re
    from pathlib import Path

    from reader_app.models.personal_glossary import PersonalGlossaryController
    from reader_app.storage.library import BlockHit, LibraryRepository

T = TypeVar("T")

GROUP_LIMIT = 50
"""Results shown per kind and text; the counts still say how many there are."""

LIBRARY_HITS = 400
"""Blocks asked of the library's index: the other texts' groups share them, best first."""

EVERY_TEXT = ""
"""The group of the reader's glossary entries that apply to every text."""


class SearchResult(NamedTuple):
    """One line of the results: ``target`` is (block id, start, end) for the text being
    read, (block id, -1, -1) for another text, (entry id,) or (note id,) in any text."""

    kind: str  # "text", "entry" or "note"
    label: str
    target: tuple[str, ...] | tuple[str, int, int]


class TextGroup(NamedTuple):
    text_id: str  # EVERY_TEXT for entries that apply to every text
    title: str
    current: bool  # the text being read
    text_hits: int  # how many, when more were found than are listed
    results: list[SearchResult]


class TextMatches(NamedTuple):
    """The text being read searched for what was typed: every match counted, the first
    ``GROUP_LIMIT`` listed with their place. ``document`` is the very Document searched:
    a new edition of the text keeps its id, not its blocks."""

    document: Document
    found: int
    results: list[SearchResult]


class _LastJoined:
    """The blocks of the text searched last, joined (``JoinedBlocks``): a text is searched
    again at every pause in the typing, and joining and lower-casing a book is half the
    work of one search. One text is kept, the one being read; the worker and the GUI
    thread may both ask (at worst a text is joined twice)."""

    def __init__(self) -> None:
        self._last: tuple[Document, JoinedBlocks] | None = None

    def of(self, document: Document) -> JoinedBlocks:
        last = self._last
        if last is None or last[0] is not document:  # a new edition keeps the id
            last = (document, JoinedBlocks([block.text for block in document.blocks]))
            self._last = last
        return last[1]


_last_joined = _LastJoined()


def text_matches(needle: str, document: Document) -> TextMatches:
    """One pass over the text's blocks joined (``JoinedBlocks``), some 30 ms for a letter
    in a book: a worker thread makes it (``models/everything_runner.py``)."""
    pattern = find_pattern(needle)
    if pattern is None:
        return TextMatches(document, 0, [])
    joined = _last_joined.of(document)
    results = []
    for index, start, end in joined.find(pattern, limit=GROUP_LIMIT):
        block = document.blocks[index]
        label = f"{block.citation_label}   {context_around(block.text, start, end)}"
        results.append(SearchResult("text", label, (block.id, start, end)))
    return TextMatches(document, joined.count(pattern), results)


def _library_groups(hits: Iterable[BlockHit]) -> dict[str, TextGroup]:
    """Text id → its group of hits from the library, best first."""
    groups: dict[str, TextGroup] = {}
    for hit in hits:
        group = groups.setdefault(hit.text_id, TextGroup(hit.text_id, hit.title, False, 0, []))
        where = f"¶{hit.number}" if hit.number is not None else "Heading"
        label = f"{where}   {' '.join(hit.snippet.text.split())}"
        groups[hit.text_id] = group._replace(text_hits=group.text_hits + 1)
        if group.text_hits < GROUP_LIMIT:
            group.results.append(SearchResult("text", label, (hit.block_id, -1, -1)))
    return groups


def _entry_matches(entry: Entry, needle: str, pattern: re.Pattern[str]) -> bool:
    return entry.matches_filter(needle) or bool(pattern.search(entry.explanation))


def _note_label(quote: str, snippet: str) -> str:
    """The quote, then the words found; a note with no text yet has its snippet taken from
    the quote, and the same words twice read like a stutter, so they are shown once."""
    words = " ".join(snippet.split())
    if quote and words.strip("…. ") in " ".join(quote.split()):
        return in_quotation_marks(isolate(quote))
    quoted = f"{in_quotation_marks(isolate(quote))} " if quote else ""
    return f"{quoted}{isolate(words)}"


def _entry_result(entry: Entry) -> SearchResult:
    return SearchResult("entry", f"{entry.headword} — {entry.gloss}", (entry.id,))


class EverythingSearch:
    """What Search Everything finds; any part may be missing (notes that failed to open)."""

    def __init__(
        self,
        library: LibraryRepository | None = None,
        notes: NotesRepository | None = None,
        personal: PersonalGlossaryController | None = None,
    ) -> None:
        """``notes``: the notes of any text on the library's database (each text's are
        searched under it)."""
        self._library = library
        self._notes = notes
        self._personal = personal
        self.failed: list[str] = []  # plain-words problems of the last search

    def search(
        self,
        needle: str,
        document: Document,
        glossary: Glossary,
        *,
        library_hits: list[BlockHit] | None = None,
        in_text: TextMatches | None = None,
    ) -> list[TextGroup]:
        """``document`` is the text being read and ``glossary`` what its pane shows;
        ``library_hits`` and ``in_text``: the library's search and the text's for
        ``needle``, made already on another thread (``models/everything_runner.py``),
        else they are made here."""
        self.failed = []
        pattern = find_pattern(needle)
        if pattern is None:
            return []
        if library_hits is None:
            library_hits = self._library_hits(needle)
        if in_text is None or in_text.document is not document:  # another, or an edition
            in_text = text_matches(needle, document)
        current = self._current_group(needle, pattern, document, glossary, in_text)
        groups = _library_groups(hit for hit in library_hits if hit.text_id != document.id)
        titles = self._titles()
        everywhere: list[SearchResult] = []
        if self._personal is not None:
            for personal in self._personal.entries():
                entry = personal.entry
                if entry.id in glossary or not _entry_matches(entry, needle, pattern):
                    continue
                if personal.text_id is None:
                    everywhere.append(_entry_result(entry))
                else:
                    title = titles.get(personal.text_id, personal.text_id)
                    group = groups.setdefault(
                        personal.text_id, TextGroup(personal.text_id, title, False, 0, [])
                    )
                    group.results.append(_entry_result(entry))
        for note_hit in self._other_notes(needle, document):
            title = titles.get(note_hit.text_id, note_hit.text_id)
            group = groups.setdefault(
                note_hit.text_id, TextGroup(note_hit.text_id, title, False, 0, [])
            )
            if sum(r.kind == "note" for r in group.results) < GROUP_LIMIT:
                label = _note_label(note_hit.quote, note_hit.snippet.text)
                group.results.append(SearchResult("note", label, (note_hit.note_id,)))
        result = [current] if current.results else []
        result += [groups[key] for key in sorted(groups, key=lambda k: groups[k].title.casefold())]
        if everywhere:
            result.append(
                TextGroup(EVERY_TEXT, "Your entries for every text", False, 0, everywhere)
            )
        return result

    def _current_group(
        self,
        needle: str,
        pattern: re.Pattern[str],
        document: Document,
        glossary: Glossary,
        in_text: TextMatches,
    ) -> TextGroup:
        results = list(in_text.results)
        results += [
            _entry_result(entry)
            for entry in glossary.entries
            if _entry_matches(entry, needle, pattern)
        ][:GROUP_LIMIT]
        if self._notes is not None:
            notes = self._notes.for_text(document)
            for hit in self._read(lambda: notes.search(needle, limit=GROUP_LIMIT)):
                label = _note_label(hit.note.quote, hit.snippet.text)
                results.append(SearchResult("note", label, (hit.note.id,)))
        return TextGroup(document.id, document.display_title, True, in_text.found, results)

    def _other_notes(self, needle: str, document: Document) -> list[OtherTextHit]:
        if self._notes is None:
            return []
        notes = self._notes.for_text(document)
        return self._read(lambda: notes.search_other_texts(needle, limit=400))

    def _read(self, read: Callable[[], list[T]]) -> list[T]:
        """What ``read`` finds, or nothing, with the problem in plain words in ``failed``."""
        try:
            return read()
        except StorageError as error:
            self.failed.append(str(error))
            return []

    def library_source(self) -> tuple[Path, Path] | None:
        """The library's database file and data folder, for a worker's own connection;
        None without a library or when it is not in a file."""
        if self._library is None or self._library.path is None:
            return None
        return self._library.path, self._library.data_dir

    def _library_hits(self, needle: str) -> list[BlockHit]:
        library = self._library
        if library is None:
            return []
        return self._read(lambda: library.search(needle, limit=LIBRARY_HITS))

    def _titles(self) -> dict[str, str]:
        if self._library is None:
            return {}
        try:
            return {text.id: text.title for text in self._library.list_texts()}
        except StorageError as error:
            self.failed.append(str(error))
            return {}
