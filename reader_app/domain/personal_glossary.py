"""The reader's own glossary entries: made on any text, kept beside the bundled glossary.

A personal entry is an ordinary ``glossary.Entry`` (so matching, the pane and the filter
treat it exactly like a bundled one) with what a personal entry adds: the text it applies to
(``None``: every text in the library) and its creation and modification times, which an
import merge and folder sync compare. The bundled glossary is never changed: a personal
entry with a bundled entry's headword stands beside it, under its own id.

Files use the bundled glossary's TOML format (``glossary.parse_glossary`` reads them, with
sources optional), plus optional keys per entry that the bundled file does not need:
``text`` (or ``every_text = true``), ``created`` and ``modified``. ``[meta] text`` names the
text a whole file is for, and so the text of every entry that names none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from reader_app.domain.glossary import (
    Category,
    Entry,
    Glossary,
    GlossaryError,
    Occurrence,
    Source,
    find_occurrences,
    line_of_entry,
    parse_glossary,
)
from reader_app.domain.notes import format_timestamp, parse_timestamp, utc_now
from reader_app.domain.text import Document
from reader_app.domain.typography import fold

MAX_FIELD_LENGTH = 20_000
"""Longest headword, gloss or explanation accepted: an entry, not a book."""


@dataclass(frozen=True, slots=True)
class PersonalEntry:
    """An entry the reader wrote; ``text_id`` None means it applies to every text."""

    entry: Entry
    text_id: str | None
    created: datetime
    modified: datetime

    @property
    def id(self) -> str:
        return self.entry.id

    def applies_to(self, text_id: str) -> bool:
        return self.text_id is None or self.text_id == text_id


def new_entry_id(headword: str) -> str:
    """A stable id that no bundled entry uses: a slug of the headword and a random tail."""
    import uuid  # imported when used: the window starts without it (see notes._is_note_id)

    words = re.findall(r"[a-z0-9]+", fold(headword).casefold())
    stem = "-".join(words)[:32].rstrip("-") or "entry"
    return f"my-{stem}-{uuid.uuid4().hex[:8]}"


def make_entry(
    *,
    headword: str,
    gloss: str,
    explanation: str = "",
    aliases: Iterable[str] = (),
    category: Category = Category.CONCEPT,
    sources: Iterable[Source] = (),
    text_id: str | None = None,
    entry_id: str | None = None,
    now: datetime | None = None,
) -> PersonalEntry:
    """A new personal entry, checked: a headword and a gloss are required."""
    headword, gloss = headword.strip(), gloss.strip()
    if not headword:
        raise ValueError("An entry needs a headword.")
    if not gloss:
        raise ValueError("An entry needs a short gloss.")
    for name, value in (("headword", headword), ("gloss", gloss), ("explanation", explanation)):
        if len(value) > MAX_FIELD_LENGTH:
            raise ValueError(f"The {name} is longer than {MAX_FIELD_LENGTH} characters.")
    kept_aliases = tuple(dict.fromkeys(a.strip() for a in aliases if a.strip()))
    when = now or utc_now()
    entry = Entry(
        id=entry_id or new_entry_id(headword),
        headword=headword,
        aliases=kept_aliases,
        category=category,
        gloss=gloss,
        explanation=explanation.strip(),
        start=None,
        end=None,
        context=False,
        see_also=(),
        sources=tuple(sources),
    )
    return PersonalEntry(entry, text_id, when, when)


def edited(
    personal: PersonalEntry, now: datetime | None = None, **changes: object
) -> PersonalEntry:
    """The entry with ``changes`` (Entry fields, or ``text_id``) and a new modified time."""
    text_id = changes.pop("text_id", personal.text_id)
    entry = replace(personal.entry, **changes)  # type: ignore[arg-type]
    checked = make_entry(
        headword=entry.headword,
        gloss=entry.gloss,
        explanation=entry.explanation,
        aliases=entry.aliases,
        category=entry.category,
        sources=entry.sources,
        text_id=text_id if isinstance(text_id, str) else None,
        entry_id=entry.id,
        now=now,
    )
    # What the dialog does not edit (dates and see-also, from an imported file) is kept.
    kept = replace(checked.entry, start=entry.start, end=entry.end, see_also=entry.see_also)
    return replace(checked, entry=kept, created=personal.created)


# -- the glossary a text is read with -----------------------------------------------------


def glossary_for_text(
    bundled: Glossary, personal: Iterable[PersonalEntry], text_id: str
) -> Glossary:
    """The bundled entries, then the personal ones that apply to ``text_id``.

    A personal entry whose id a bundled entry already has (a file that reused one) is left
    out rather than allowed to shadow the bundled entry; ``merge`` gives such entries ids of
    their own, so this only guards against a hand-edited database.
    """
    ids = {entry.id for entry in bundled.entries}
    own = [p.entry for p in personal if p.applies_to(text_id) and p.entry.id not in ids]
    return Glossary((*bundled.entries, *own), title=bundled.title)


def personal_ids(glossary: Glossary, bundled: Glossary) -> set[str]:
    return {entry.id for entry in glossary.entries if entry.id not in bundled}


def find_all_occurrences(
    document: Document, bundled: Glossary, combined: Glossary
) -> list[Occurrence]:
    """Occurrences of the bundled entries, and of the reader's own matched apart from them.

    Within one matching an alias belongs to one entry (the first that claims it), so a
    personal entry sharing a bundled headword would never be found if both were matched
    together; matching the two glossaries apart lists both, beside each other. Two passes
    over the text, however many entries: the cost a book-length text can afford.
    """
    personal = Glossary(tuple(e for e in combined.entries if e.id not in bundled))
    # An empty glossary finds nothing: a book without entries is not read through for it.
    found = find_occurrences(document, bundled) if len(bundled) else []
    if len(personal):
        found += find_occurrences(document, personal)
    return found


# -- files --------------------------------------------------------------------------------


def _toml_string(value: str) -> str:
    """A TOML basic string. Control characters (and DEL) are escaped as TOML requires;
    lone surrogates, which UTF-8 cannot carry, become U+FFFD."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def _source_lines(source: Source) -> list[str]:
    lines = [
        "[[entry.sources]]",
        f"author = {_toml_string(source.author)}",
        f"title = {_toml_string(source.title)}",
    ]
    if source.publisher:
        lines.append(f"publisher = {_toml_string(source.publisher)}")
    if source.year is not None:
        lines.append(f"year = {source.year}")
    for key, value in (("url", source.url), ("accessed", source.accessed)):
        if value:
            lines.append(f"{key} = {_toml_string(value)}")
    if source.supports:
        lines.append(f"supports = {_toml_list(source.supports)}")
    return lines


def _entry_lines(personal: PersonalEntry, exported: set[str], file_text: str | None) -> list[str]:
    entry = personal.entry
    lines = [
        "",
        "[[entry]]",
        f"id = {_toml_string(entry.id)}",
        f"headword = {_toml_string(entry.headword)}",
        f"aliases = {_toml_list(entry.aliases)}",
        f"category = {_toml_string(entry.category.value)}",
        f"gloss = {_toml_string(entry.gloss)}",
    ]
    if entry.explanation:
        lines.append(f"explanation = {_toml_string(entry.explanation)}")
    for key, date in (("start", entry.start), ("end", entry.end)):
        if date:
            lines.append(f"{key} = {_toml_string(date)}")
    see_also = [target for target in entry.see_also if target in exported]
    if see_also:  # only entries of this file: the loader checks that every target exists
        lines.append(f"see_also = {_toml_list(see_also)}")
    if personal.text_id is not None:
        lines.append(f"text = {_toml_string(personal.text_id)}")
    elif file_text is not None:  # not the file's text: every text
        lines.append("every_text = true")
    lines.append(f"created = {_toml_string(format_timestamp(personal.created))}")
    lines.append(f"modified = {_toml_string(format_timestamp(personal.modified))}")
    for source in entry.sources:
        lines += _source_lines(source)
    return lines


def export_toml(entries: Iterable[PersonalEntry], *, title: str, text_id: str | None) -> str:
    """Entries as a glossary file in the bundled format, readable by ``import_toml``."""
    lines = [
        "# A Study Reader glossary: the format of the bundled glossary, with each entry's",
        "# text (absent: the file's text; every_text = true: every text), created and",
        "# modified times.",
        "",
        "[meta]",
    ]
    if text_id is not None:
        lines.append(f"text = {_toml_string(text_id)}")
    lines.append(f"title = {_toml_string(title)}")
    lines.append(f"updated = {_toml_string(format_timestamp(utc_now())[:10])}")
    kept = list(entries)
    exported = {personal.id for personal in kept}
    for personal in kept:
        lines += _entry_lines(personal, exported, text_id)
    return "\n".join(lines) + "\n"


def _time_field(raw: object, where: str, fallback: datetime) -> datetime:
    if raw is None:
        return fallback
    if not isinstance(raw, str):
        raise GlossaryError(f"{where}: a time must be text like 2026-12-03T10:00:00.000000Z")
    try:
        return parse_timestamp(raw)
    except ValueError:
        raise GlossaryError(f"{where}: {raw!r} is not a time like 2026-12-03T10:00:00Z") from None


def import_toml(raw: str, *, source: str, now: datetime | None = None) -> list[PersonalEntry]:
    """Read a glossary file (the bundled format) as personal entries.

    Every check of the bundled loader applies, with its "file, line N: what" messages,
    except that sources may be left out. An entry without ``text`` takes the file's
    ``[meta] text``; without either it applies to every text.
    """
    import tomllib

    glossary = parse_glossary(raw, source=source, strict=False)
    data = tomllib.loads(raw)  # parsed without error just above
    meta = data.get("meta", {})
    default_text = meta.get("text") if isinstance(meta, dict) else None
    when = now or utc_now()
    tables = data.get("entry", [])
    result = []
    for entry, table in zip(glossary.entries, tables, strict=True):
        line = line_of_entry(raw, entry.id)
        where = f"{source}, line {line}" if line else f"{source}, entry {entry.id!r}"
        every_text = table.get("every_text", False)
        if not isinstance(every_text, bool):
            raise GlossaryError(f"{where}: every_text must be true or false")
        text_id = None if every_text else table.get("text", default_text)
        if text_id is not None and (not isinstance(text_id, str) or not text_id.strip()):
            raise GlossaryError(f"{where}: text must name a text's id")
        for name, value in (
            ("headword", entry.headword),
            ("gloss", entry.gloss),
            ("explanation", entry.explanation),
        ):
            if len(value) > MAX_FIELD_LENGTH:
                raise GlossaryError(f"{where}: the {name} is too long")
        created = _time_field(table.get("created"), where, when)
        modified = _time_field(table.get("modified"), where, created)
        result.append(PersonalEntry(entry, text_id, created, modified))
    return result


# -- merging ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MergePlan:
    """What an import does: entries to add, entries to replace, and those left as they were."""

    added: tuple[PersonalEntry, ...]
    updated: tuple[PersonalEntry, ...]
    unchanged: int


def _headword_key(personal: PersonalEntry) -> tuple[str, str | None]:
    return fold(personal.entry.headword).casefold().strip(), personal.text_id


def plan_merge(
    existing: Iterable[PersonalEntry],
    incoming: Iterable[PersonalEntry],
    *,
    reserved_ids: Iterable[str] = (),
) -> MergePlan:
    """Match incoming entries to existing ones by id, else by headword and text; keep the
    later modification of each pair, add the rest. Nothing is ever removed.

    An incoming entry whose id a bundled entry uses (``reserved_ids``) is given a new id,
    so the bundled entry is never replaced; its aliases are joined to the kept ones.
    """
    by_id = {p.id: p for p in existing}
    by_headword = {_headword_key(p): p for p in by_id.values()}
    reserved = set(reserved_ids)
    added: list[PersonalEntry] = []
    updated: dict[str, PersonalEntry] = {}
    unchanged = 0
    for offered in incoming:
        item = offered
        if item.id in reserved:
            item = replace(item, entry=replace(item.entry, id=new_entry_id(item.entry.headword)))
        current = by_id.get(item.id) or by_headword.get(_headword_key(item))
        if current is None:
            added.append(item)
            by_id[item.id] = item
            by_headword[_headword_key(item)] = item
            continue
        newer, older = (item, current) if item.modified > current.modified else (current, item)
        aliases = tuple(dict.fromkeys((*newer.entry.aliases, *older.entry.aliases)))
        merged = replace(
            newer,
            entry=replace(newer.entry, id=current.id, aliases=aliases),
            created=min(newer.created, older.created),
        )
        if merged == current:
            unchanged += 1
            continue
        if current in added:
            added[added.index(current)] = merged
        else:
            updated[current.id] = merged
        by_id[current.id] = merged
        by_headword[_headword_key(merged)] = merged
    return MergePlan(tuple(added), tuple(updated.values()), unchanged)
