"""Search everything: the words of every text in the library, the glossaries and the notes,
grouped by text, the text being read first.

The text being read is searched as the find bar searches it (every match, with its exact
place, so choosing one selects it); the other texts through the library's FTS5 index,
ranked by bm25, one hit per block with the block's ¶ and a snippet. The widget
(``ui/search_everything.py``) only shows what this returns, so it never reaches storage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from reader_app.domain.bidi import isolate
from reader_app.domain.glossary import Entry, Glossary
from reader_app.domain.search import context_around, find_all, find_pattern
from reader_app.domain.text import Document, in_quotation_marks
from reader_app.storage.db import StorageError

if TYPE_CHECKING:
    import re

    from reader_app.models.notes_controller import NotesController
    from reader_app.models.personal_glossary import PersonalGlossaryController
    from reader_app.storage.library import LibraryRepository

GROUP_LIMIT = 50
"""Results shown per kind and text; the counts still say how many there are."""

EVERY_TEXT = ""
"""The group of the reader's glossary entries that apply to every text."""


class SearchResult(NamedTuple):
    """One line of the results: ``target`` is (block id, start, end) for the text being
    read, (block id, -1, -1) for another text, (entry id,) or (note id,)."""

    kind: str  # "text", "entry" or "note"
    label: str
    target: tuple[str, ...] | tuple[str, int, int]


class TextGroup(NamedTuple):
    text_id: str  # EVERY_TEXT for entries that apply to every text
    title: str
    current: bool  # the text being read
    text_hits: int  # how many, when more were found than are listed
    results: list[SearchResult]


def _entry_matches(entry: Entry, needle: str, pattern: re.Pattern[str]) -> bool:
    return entry.matches_filter(needle) or bool(pattern.search(entry.explanation))


def _entry_result(entry: Entry) -> SearchResult:
    return SearchResult("entry", f"{entry.headword} — {entry.gloss}", (entry.id,))


class EverythingSearch:
    """What Search Everything finds; any part may be missing (notes that failed to open)."""

    def __init__(
        self,
        library: LibraryRepository | None = None,
        notes: NotesController | None = None,
        personal: PersonalGlossaryController | None = None,
    ) -> None:
        self._library = library
        self._notes = notes
        self._personal = personal
        self.failed: list[str] = []  # plain-words problems of the last search

    def search(self, needle: str, document: Document, glossary: Glossary) -> list[TextGroup]:
        """``document`` is the text being read and ``glossary`` what its pane shows."""
        self.failed = []
        pattern = find_pattern(needle)
        if pattern is None:
            return []
        current = self._current_group(needle, pattern, document, glossary)
        groups: dict[str, TextGroup] = {}
        titles = self._titles()
        for hit in self._library_hits(needle, exclude=document.id):
            group = groups.setdefault(hit.text_id, TextGroup(hit.text_id, hit.title, False, 0, []))
            where = f"¶{hit.number}" if hit.number is not None else "Heading"
            label = f"{where}   {' '.join(hit.snippet.text.split())}"
            groups[hit.text_id] = group._replace(text_hits=group.text_hits + 1)
            if group.text_hits < GROUP_LIMIT:
                group.results.append(SearchResult("text", label, (hit.block_id, -1, -1)))
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
        result = [current] if current.results else []
        result += [groups[key] for key in sorted(groups, key=lambda k: groups[k].title.casefold())]
        if everywhere:
            result.append(
                TextGroup(EVERY_TEXT, "Your entries for every text", False, 0, everywhere)
            )
        return result

    def _current_group(
        self, needle: str, pattern: re.Pattern[str], document: Document, glossary: Glossary
    ) -> TextGroup:
        results: list[SearchResult] = []
        found = 0
        for block in document.blocks:
            for start, end in find_all(block.text, pattern):
                found += 1
                if found <= GROUP_LIMIT:
                    label = f"{block.citation_label}   {context_around(block.text, start, end)}"
                    results.append(SearchResult("text", label, (block.id, start, end)))
        results += [
            _entry_result(entry)
            for entry in glossary.entries
            if _entry_matches(entry, needle, pattern)
        ][:GROUP_LIMIT]
        if self._notes is not None:
            for hit in self._notes.search(needle, limit=GROUP_LIMIT):
                note = hit.note
                quote = f"{in_quotation_marks(isolate(note.quote))} " if note.quote else ""
                snippet = isolate(" ".join(hit.snippet.text.split()))
                results.append(SearchResult("note", f"{quote}{snippet}", (note.id,)))
        return TextGroup(document.id, document.display_title, True, found, results)

    def _library_hits(self, needle: str, *, exclude: str) -> list:
        if self._library is None:
            return []
        try:
            return [h for h in self._library.search(needle, limit=400) if h.text_id != exclude]
        except StorageError as error:
            self.failed.append(str(error))
            return []

    def _titles(self) -> dict[str, str]:
        if self._library is None:
            return {}
        try:
            return {text.id: text.title for text in self._library.list_texts()}
        except StorageError as error:
            self.failed.append(str(error))
            return {}
