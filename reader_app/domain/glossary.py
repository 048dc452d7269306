"""The glossary: authored entries read from TOML, and where their terms occur in a text.

Entries are plain data; nothing in them is ever treated as markup. Matching is done once
per text with a single regular expression over the whole alias list, longest alias first,
so that "Workers' Opposition" wins over a shorter alias at the same place.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader_app.domain import toml_cache
from reader_app.domain.text import Block, Document
from reader_app.domain.typography import fold

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


# Hosts that copy other publishers' pages (encyclopedia snapshots, Wikipedia scrapers, copies of
# books and of other archives). A student must be sent to the publisher's own page, so a source
# on one of these hosts, or on any subdomain of one, is refused.
MIRROR_DOMAINS = frozenset(
    {
        "liquisearch.com",  # Wikipedia scraper
        "theinfolist.com",  # Wikipedia scraper
        "infogalactic.com",  # 2016 fork of Wikipedia
        "nostalgia.wikipedia.org",  # a 2001 snapshot of Wikipedia
        "thefreedictionary.com",  # old Great Soviet Encyclopedia text, among others
        "newdu.com",  # Great Soviet Encyclopedia copy
        "connexions.org",  # copy of the Marxists Internet Archive
        "marxists-malta.org",  # copy of the Marxists Internet Archive
        "marxists.info",  # copy of the Marxists Internet Archive
        "halkcephesi.net",  # copy of Lenin's Collected Works
        "marxistleninists.org",  # copy of Lenin's Collected Works
        "docslib.org",  # unauthorised copies of papers
        "bibliboba.online",  # unauthorised copies of books
        "rulit.me",  # unauthorised copies of books
        "ebin.pub",  # unauthorised copies of books
        "allrefer.com",  # copy of the Library of Congress country studies
        "gluedideas.com",  # transcription of an old Britannica edition
        "factmonster.com",  # copy of the Columbia Encyclopedia
    }
)

SUPPORTABLE = ("start", "end")


def is_mirror(url: str) -> bool:
    """Whether the address's host is, or is under, a deny-listed mirror domain."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in MIRROR_DOMAINS)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a claim can be checked. ``year`` is the publication year only; the day the page
    was read is ``accessed``; ``supports`` names the entry's dates this source gives."""

    author: str
    title: str
    year: int | None
    url: str | None
    publisher: str | None = None
    accessed: str | None = None  # YYYY-MM-DD
    supports: tuple[str, ...] = ()

    @property
    def citation(self) -> str:
        facts = ", ".join(str(part) for part in (self.publisher, self.year) if part)
        return f"{self.author}, {self.title}" + (f" ({facts})" if facts else "")


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
        needle = fold(needle).casefold().strip()
        if not needle:
            return True
        haystack = " ".join((self.headword, *self.aliases, self.gloss))
        return needle in fold(haystack).casefold()


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
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REQUIRED = ("id", "headword", "category", "gloss", "explanation")
_REQUIRED_PERSONAL = ("id", "headword", "category", "gloss")


def line_of_entry(raw: str, entry_id: object) -> int | None:
    """The line of an entry's ``id = "…"`` (basic or literal string), for error messages."""
    if not isinstance(entry_id, str) or not entry_id:
        return None
    quoted = "|".join(re.escape(f"{q}{entry_id}{q}") for q in "\"'")
    match = re.search(rf"^\s*id\s*=\s*(?:{quoted})", raw, re.MULTILINE)
    return raw.count("\n", 0, match.start()) + 1 if match else None


def parse_glossary(raw: str, *, source: str, strict: bool = True) -> Glossary:
    """Parse and check a glossary file's text; errors name ``source`` and the line.

    ``strict`` is for the bundled glossary, whose every entry is explained and sourced; a
    reader's own entries (``personal_glossary``) may leave out the explanation and sources.
    """
    return glossary_from_data(_parse_toml(raw, source=source), raw, source=source, strict=strict)


def _parse_toml(raw: str, *, source: str) -> dict[str, Any]:
    try:
        return toml_cache.parse_toml(raw)
    except ValueError as error:  # tomllib.TOMLDecodeError
        raise GlossaryError(f"{source}: not valid TOML: {error}") from None


def glossary_from_data(
    data: dict[str, Any], raw: str, *, source: str, strict: bool = True
) -> Glossary:
    """Check the parsed file (``raw`` is its text, for the lines that errors name)."""

    def where(index: int, item: object) -> str:
        """Found only for an error: a search of the whole file per entry costs start-up."""
        entry_id = item.get("id") if isinstance(item, dict) else None
        line = line_of_entry(raw, entry_id)
        return f"{source}, line {line}" if line else f"{source}, entry {index}"

    items = data.get("entry", [])
    if not isinstance(items, list):
        raise GlossaryError(f"{source}: entry must be an array of tables ([[entry]])")
    entries: list[Entry] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        try:
            entry = _parse_entry(item, strict=strict)
        except (KeyError, TypeError, ValueError) as error:
            raise GlossaryError(f"{where(index, item)}: {error.args[0]}") from None
        if entry.id in seen:
            raise GlossaryError(f"{where(index, item)}: the id {entry.id!r} is used twice")
        seen.add(entry.id)
        entries.append(entry)

    for entry in entries:
        for target in entry.see_also:
            if target not in seen:
                line = line_of_entry(raw, entry.id)
                raise GlossaryError(
                    f"{source}, line {line}: {entry.id!r} refers to unknown entry {target!r}"
                )
    meta = data.get("meta", {})
    title = meta.get("title", "") if isinstance(meta, dict) else ""
    return Glossary(tuple(entries), title=str(title))


def _parse_entry(item: dict[str, Any], *, strict: bool = True) -> Entry:
    if not isinstance(item, dict):
        raise TypeError("an entry must be a table")
    for key in _REQUIRED if strict else _REQUIRED_PERSONAL:
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise KeyError(f"entry {item.get('id', '?')!r} lacks the text field {key!r}")
    if not isinstance(item.get("explanation", ""), str):
        raise TypeError(f"entry {item['id']!r}: explanation must be text")
    for key in ("start", "end"):
        value = item.get(key)
        if value is not None and not (isinstance(value, str) and _DATE.match(value)):
            raise ValueError(f"entry {item['id']!r}: {key} must be YYYY, YYYY-MM or YYYY-MM-DD")
    raw_sources = item.get("sources", [])
    if not isinstance(raw_sources, list):
        raise TypeError(f"entry {item['id']!r}: sources must be a list of tables")
    for key in ("aliases", "see_also"):
        values = item.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise TypeError(f"entry {item['id']!r}: {key} must be a list of text")
    sources = [_parse_source(item["id"], raw) for raw in raw_sources]
    if strict and not sources:
        raise ValueError(f"entry {item['id']!r} has no sources")
    for key in SUPPORTABLE:
        if item.get(key) and not any(key in source.supports for source in sources):
            raise ValueError(f"entry {item['id']!r}: no source supports its {key} date")
    return Entry(
        id=item["id"],
        headword=item["headword"].strip(),
        aliases=tuple(str(a) for a in item.get("aliases", [])),
        category=Category(item["category"]),
        gloss=item["gloss"].strip(),
        explanation=item.get("explanation", "").strip(),
        start=item.get("start"),
        end=item.get("end"),
        context=bool(item.get("context", False)),
        see_also=tuple(item.get("see_also", [])),
        sources=tuple(sources),
    )


def _check_address(where: str, url: object, accessed: object) -> None:
    """A web source is the publisher's own page and says when it was read."""
    if url is not None:
        if not (isinstance(url, str) and url.startswith(("https://", "http://"))):
            raise ValueError(f"{where} address must be http(s): {url!r}")
        if is_mirror(url):
            raise ValueError(f"{where} address is a mirror, not the publisher's page: {url!r}")
        if accessed is None:
            raise ValueError(f"{where} {url!r} needs the date it was accessed")
    if accessed is not None and not (isinstance(accessed, str) and _DAY.match(accessed)):
        raise ValueError(f"{where} accessed must be YYYY-MM-DD, not {accessed!r}")


def _parse_source(entry_id: str, raw: object) -> Source:
    where = f"entry {entry_id!r}: source"
    if not isinstance(raw, dict):
        raise TypeError(f"{where} must be a table")
    for key in ("author", "title"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise KeyError(f"{where} lacks the text field {key!r}")
    url, year, accessed = raw.get("url"), raw.get("year"), raw.get("accessed")
    _check_address(where, url, accessed)
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"{where} year must be a whole number (the publication year)")
        if accessed and year > int(accessed[:4]):
            raise ValueError(f"{where} year {year} is after it was accessed ({accessed})")
    if year is None and url is None:
        raise ValueError(f"{where} has neither a publication year nor an address")
    supports = raw.get("supports", [])
    if not isinstance(supports, list) or any(s not in SUPPORTABLE for s in supports):
        raise ValueError(f"{where} supports may name only {', '.join(SUPPORTABLE)}")
    publisher = raw.get("publisher")
    return Source(
        author=raw["author"].strip(),
        title=raw["title"].strip(),
        year=year,
        url=url,
        publisher=str(publisher).strip() if publisher else None,
        accessed=accessed,
        supports=tuple(supports),
    )


def load_glossary(path: Path, *, cache_dir: Path | None = None) -> Glossary:
    """Read and check a glossary file.

    With ``cache_dir``, the parsed file is also kept there as JSON and read back while the
    file is unchanged (see domain.toml_cache); the cached data is checked as the file's.
    """
    try:
        content = path.read_bytes()
        raw = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GlossaryError(f"{path.name}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise GlossaryError(f"{path.name}: cannot be read ({error.strerror})") from None
    if cache_dir is None:
        return parse_glossary(raw, source=path.name)
    cached = toml_cache.cache_path(cache_dir, path.stem, content)
    data = toml_cache.read_cached(cached)
    if data is not None:
        with contextlib.suppress(GlossaryError):
            return glossary_from_data(data, raw, source=path.name)
    data = _parse_toml(raw, source=path.name)
    glossary = glossary_from_data(data, raw, source=path.name)
    toml_cache.write_cached(cached, data)
    return glossary


_Trie = dict[str, "_Trie"]  # a character to the rest of the keys; "" marks a key's end


def _trie_pattern(keys: list[str]) -> str:
    """One regular expression for many literal strings, shaped as the trie of their
    characters, longer matches tried first (as an alternation sorted longest first is).

    A flat alternation makes the regex engine try every alias at every position of the
    text: 200 terms took 13 s over a 4 MB book. Down the trie, each position costs one
    step per character the text and an alias share.
    """
    trie: _Trie = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}  # a key ends here

    def pattern(node: _Trie) -> str:
        ends_here = "" in node
        branches = []
        for first, child in node.items():
            if not first:
                continue
            # A run of characters with no choice among them is written whole, not a call
            # each: most of an alias is such a run, and start-up waits for this pattern.
            run, rest = [first], child
            while len(rest) == 1 and "" not in rest:
                ((char, rest),) = rest.items()
                run.append(char)
            branches.append(re.escape("".join(run)) + pattern(rest))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Where a key ends here, the longer keys are tried first, this one if none matches.
        return f"(?:{body})?" if ends_here else body

    return pattern(trie)


class TermMatcher:
    """Finds every alias of every entry in text: case-insensitive, longest first, whole words."""

    def __init__(self, glossary: Glossary) -> None:
        owners: dict[str, str] = {}
        for entry in glossary.entries:
            for alias in (entry.headword, *entry.aliases):
                key = fold(alias).casefold().strip()
                if key:
                    owners.setdefault(key, entry.id)
        self._owners = owners
        self.spans_lines = any("\n" in key or "\r" in key for key in owners)
        pattern = _trie_pattern(sorted(owners)) if owners else r"(?!)"
        self._regex = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(entry id, start, end) for each match; offsets index the original text."""
        normalised = fold(text)
        return [
            (self._owners[m.group(0).casefold()], m.start(), m.end())
            for m in self._regex.finditer(normalised)
        ]


def find_occurrences(document: Document, glossary: Glossary) -> list[Occurrence]:
    """Every occurrence of every term, block by block."""
    return find_occurrences_in(document.blocks, TermMatcher(glossary))


def find_occurrences_in(blocks: Sequence[Block], matcher: TermMatcher) -> list[Occurrence]:
    """Every occurrence ``matcher`` finds in ``blocks``: the whole text, or (for the marks
    of a book drawn before the whole list is found) only the blocks near the screen.

    The blocks are searched as one text joined by blank lines (one regular-expression pass
    over a book instead of 30,000); no alias holds a line break, so no match can span two
    blocks, and a line break is no word character, so the whole-word edges are the same.
    """
    if matcher.spans_lines:
        return [
            Occurrence(entry_id, block.id, start, end, block.text[start:end])
            for block in blocks
            for entry_id, start, end in matcher.find(block.text)
        ]
    starts = []
    position = 0
    for block in blocks:
        starts.append(position)
        position += len(block.text) + 2
    occurrences = []
    for entry_id, start, end in matcher.find("\n\n".join(block.text for block in blocks)):
        index = bisect.bisect_right(starts, start) - 1
        block, base = blocks[index], starts[index]
        occurrences.append(
            Occurrence(
                entry_id, block.id, start - base, end - base, block.text[start - base : end - base]
            )
        )
    return occurrences
