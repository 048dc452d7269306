"""The glossary: authored entries read from TOML, and where their terms occur in a text.

Entries are plain data; nothing in them is ever treated as markup. Matching is done once
per text with a single regular expression over the whole alias list, longest alias first,
so that "Workers' Opposition" wins over a shorter alias at the same place.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from reader_app.domain.text import Document

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})  # one char for one: offsets stay valid


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(iso: str) -> str:
    """'1921-03-08' -> '8 March 1921'; partial dates ('1921-03', '1921') stay partial."""
    parts = iso.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def format_date_range(start: str | None, end: str | None) -> str:
    """Readable span, sharing the month or year when both ends share it."""
    if not start or not end or start == end:
        either = start or end
        return format_date(either) if either else ""
    first, last = start.split("-"), end.split("-")
    if len(first) == len(last) == 3 and first[:2] == last[:2]:
        return f"{int(first[2])}–{format_date(end)}"
    if len(first) == len(last) == 3 and first[0] == last[0]:
        return f"{format_date(start)[: -len(first[0]) - 1]} – {format_date(end)}"
    return f"{format_date(start)} – {format_date(end)}"


class GlossaryError(Exception):
    """The glossary file cannot be used; the message names the file and, where known, the line."""


class Category(StrEnum):
    CONCEPT = "concept"
    PERSON = "person"
    ORGANISATION = "organisation"
    EVENT = "event"
    PERIOD = "period"
    TEXT = "text"

    @property
    def plural_label(self) -> str:
        return {
            Category.CONCEPT: "Concepts",
            Category.PERSON: "People",
            Category.ORGANISATION: "Organisations and factions",
            Category.EVENT: "Events",
            Category.PERIOD: "Periods",
            Category.TEXT: "The text and its editions",
        }[self]


@dataclass(frozen=True, slots=True)
class Source:
    author: str
    title: str
    year: int | None
    url: str | None

    @property
    def citation(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.author}, {self.title}{year}"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    headword: str
    aliases: tuple[str, ...]
    category: Category
    gloss: str
    explanation: str
    start: str | None
    end: str | None
    context: bool
    see_also: tuple[str, ...]
    sources: tuple[Source, ...]

    @property
    def dates_label(self) -> str:
        return format_date_range(self.start, self.end)

    def matches_filter(self, needle: str) -> bool:
        needle = needle.translate(APOSTROPHES).casefold().strip()
        if not needle:
            return True
        haystack = " ".join((self.headword, *self.aliases, self.gloss))
        return needle in haystack.translate(APOSTROPHES).casefold()


@dataclass(frozen=True, slots=True)
class Occurrence:
    entry_id: str
    block_id: str
    start: int
    end: int
    matched: str


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]
    title: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entry.id: entry for entry in self.entries})

    def entry(self, entry_id: str) -> Entry:
        by_id: dict[str, Entry] = self._by_id  # type: ignore[attr-defined]  # set in __post_init__
        return by_id[entry_id]

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.entries)

    def timeline(self) -> list[Entry]:
        """Dated events and periods in order of their start."""
        dated = [
            e for e in self.entries if e.start and e.category in (Category.EVENT, Category.PERIOD)
        ]
        return sorted(dated, key=lambda e: (e.start, e.end or "", e.headword))


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_REQUIRED = ("id", "headword", "category", "gloss", "explanation")


def _line_of(raw: str, entry_id: str | None) -> int | None:
    if not entry_id:
        return None
    match = re.search(rf'^\s*id\s*=\s*"{re.escape(entry_id)}"', raw, re.MULTILINE)
    return raw.count("\n", 0, match.start()) + 1 if match else None


def parse_glossary(raw: str, *, source: str) -> Glossary:
    """Parse and check a glossary file's text; errors name ``source`` and the line."""
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise GlossaryError(f"{source}: not valid TOML: {error}") from None

    entries: list[Entry] = []
    seen: set[str] = set()
    for index, item in enumerate(data.get("entry", []), start=1):
        entry_id = item.get("id") if isinstance(item, dict) else None
        line = _line_of(raw, entry_id)
        where = f"{source}, line {line}" if line else f"{source}, entry {index}"
        try:
            entry = _parse_entry(item)
        except (KeyError, TypeError, ValueError) as error:
            raise GlossaryError(f"{where}: {error.args[0]}") from None
        if entry.id in seen:
            raise GlossaryError(f"{where}: the id {entry.id!r} is used twice")
        seen.add(entry.id)
        entries.append(entry)

    for entry in entries:
        for target in entry.see_also:
            if target not in seen:
                line = _line_of(raw, entry.id)
                raise GlossaryError(
                    f"{source}, line {line}: {entry.id!r} refers to unknown entry {target!r}"
                )
    meta = data.get("meta", {})
    return Glossary(tuple(entries), title=str(meta.get("title", "")))


def _parse_entry(item: dict[str, Any]) -> Entry:
    if not isinstance(item, dict):
        raise TypeError("an entry must be a table")
    for key in _REQUIRED:
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise KeyError(f"entry {item.get('id', '?')!r} lacks the text field {key!r}")
    for key in ("start", "end"):
        value = item.get(key)
        if value is not None and not (isinstance(value, str) and _DATE.match(value)):
            raise ValueError(f"entry {item['id']!r}: {key} must be YYYY, YYYY-MM or YYYY-MM-DD")
    sources = []
    for raw_source in item.get("sources", []):
        url = raw_source.get("url")
        if url is not None and not str(url).startswith(("https://", "http://")):
            raise ValueError(f"entry {item['id']!r}: source address must be http(s): {url!r}")
        year = raw_source.get("year")
        sources.append(
            Source(
                author=str(raw_source["author"]),
                title=str(raw_source["title"]),
                year=int(year) if year is not None else None,
                url=str(url) if url else None,
            )
        )
    if not sources:
        raise ValueError(f"entry {item['id']!r} has no sources")
    return Entry(
        id=item["id"],
        headword=item["headword"].strip(),
        aliases=tuple(str(a) for a in item.get("aliases", [])),
        category=Category(item["category"]),
        gloss=item["gloss"].strip(),
        explanation=item["explanation"].strip(),
        start=item.get("start"),
        end=item.get("end"),
        context=bool(item.get("context", False)),
        see_also=tuple(item.get("see_also", [])),
        sources=tuple(sources),
    )


def load_glossary(path: Path) -> Glossary:
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise GlossaryError(f"{path.name}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise GlossaryError(f"{path.name}: cannot be read ({error.strerror})") from None
    return parse_glossary(raw, source=path.name)


class TermMatcher:
    """Finds every alias of every entry in text: case-insensitive, longest first, whole words."""

    def __init__(self, glossary: Glossary) -> None:
        owners: dict[str, str] = {}
        for entry in glossary.entries:
            for alias in (entry.headword, *entry.aliases):
                key = alias.translate(APOSTROPHES).casefold().strip()
                if key:
                    owners.setdefault(key, entry.id)
        self._owners = owners
        alternatives = sorted(owners, key=len, reverse=True)
        pattern = "|".join(re.escape(a) for a in alternatives) or r"(?!)"
        self._regex = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(entry id, start, end) for each match; offsets index the original text."""
        normalised = text.translate(APOSTROPHES)
        return [
            (self._owners[m.group(0).casefold()], m.start(), m.end())
            for m in self._regex.finditer(normalised)
        ]


def find_occurrences(document: Document, glossary: Glossary) -> list[Occurrence]:
    matcher = TermMatcher(glossary)
    return [
        Occurrence(entry_id, block.id, start, end, block.text[start:end])
        for block in document.blocks
        for entry_id, start, end in matcher.find(block.text)
    ]
