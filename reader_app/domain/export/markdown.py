"""Notes as Markdown (UTF-8, no BOM): for reading and printing, grouped by paragraph in
text order. Everything a note holds is escaped, so no note can inject markup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from reader_app import APP_NAME
from reader_app.domain.citation import CitedWork, list_entry, plain
from reader_app.domain.notes import (
    Note,
    NoteKind,
    utc_now,
)
from reader_app.domain.text import Document, in_quotation_marks

_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|"})
_BODY_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\[]<"})
_BARE_ADDRESS = re.compile(r"(?i)(www)(\.)|([a-z][a-z0-9+.-]*)(:)(?=//)|(\S)(@)(?=\S)")
_LINE_START_SYNTAX = re.compile(r"^([ \t]*\d*)([#>=\-+*_~`|.)])")


def _unlink(text: str) -> str:
    """Break what renderers turn into links by themselves (``www.``, ``https://``, e-mail
    addresses) with a backslash escape, which shows nothing."""
    return _BARE_ADDRESS.sub(lambda m: "\\".join(g for g in m.groups() if g is not None), text)


def _escape_markdown(text: str) -> str:
    """Quotes and tags are the text's and the user's words, not Markdown to interpret."""
    return _unlink(text.translate(_MARKDOWN_SPECIAL))


def _safe_body(body: str) -> str:
    """A note's words, for its own quoted block: inline emphasis still reads as meant, but
    nothing can make a heading, fence, rule, HTML, image or link.

    ``[``, ``]``, ``<`` and backslashes are escaped everywhere (links, images, raw HTML,
    autolinks); the first sign of each line is escaped when it could start block syntax
    (headings, quotes, fences, rules, setext underlines, lists, tables); bare addresses
    are broken as in ``_unlink``. Lines are split wherever any renderer might see a line
    break, so every piece gets its own escape and its own ``>``.
    """
    lines = []
    for line in re.split(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]", body):
        escaped = _unlink(line.translate(_BODY_SPECIAL))
        escaped = _LINE_START_SYNTAX.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)
        lines.append(escaped.replace("\t", " "))  # a leading tab would make a code block
    return "\n".join(lines)


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines() or [""])


def _note_lines(note: Note) -> list[str]:
    lines: list[str] = []
    if note.body.strip():
        # The body's own quoted block: whatever it holds cannot reach the rest of the file.
        lines += [_blockquote(_safe_body(note.body.strip())), ""]
    details = []
    if note.tags:
        details.append("Tags: " + ", ".join(_escape_markdown(t) for t in note.tags))
    details.append(f"Written {note.created:%Y-%m-%d}")
    if note.updated.date() != note.created.date():
        details.append(f"changed {note.updated:%Y-%m-%d}")
    lines += ["*" + " · ".join(details) + "*", ""]
    return lines


@dataclass
class _Sections:
    """Notes sorted into the sections of the Markdown export."""

    placed: dict[str, list[Note]] = field(default_factory=dict)
    free: list[Note] = field(default_factory=list)
    glossary: dict[str, list[Note]] = field(default_factory=dict)
    detached: list[Note] = field(default_factory=list)

    @classmethod
    def of(cls, notes: Iterable[Note]) -> _Sections:
        sections = cls()
        for note in notes:
            if note.kind is NoteKind.FREE:
                sections.free.append(note)
            elif note.kind is NoteKind.GLOSSARY:
                sections.glossary.setdefault(note.glossary_entry_id or "", []).append(note)
            elif note.placement is None or not note.placement.is_placed:
                sections.detached.append(note)
            else:
                sections.placed.setdefault(note.placement.block_id or "", []).append(note)
        return sections


def _by_position(note: Note) -> tuple[int, datetime]:
    start = note.placement.start if note.placement is not None else None
    return (start or 0, note.created)


def _byline(document: Document) -> str:
    """ "Author, year. " as far as known: a reader's own file may give neither."""
    known = [_escape_markdown(document.author), str(document.year) if document.year else ""]
    byline = ", ".join(part for part in known if part)
    return f"{byline}. " if byline else ""


def export_markdown(
    notes: Iterable[Note],
    document: Document,
    *,
    glossary_headwords: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> str:
    """Notes grouped by paragraph in text order; then free, glossary and detached notes."""
    headwords = glossary_headwords or {}
    sections = _Sections.of(notes)
    moment = now or utc_now()
    source = plain(list_entry(CitedWork.from_document(document), "chicago", today=moment.date()))
    lines = [
        f"# Notes on {_escape_markdown(document.title)}",
        "",
        f"{_byline(document)}Exported from {APP_NAME} on {moment:%Y-%m-%d}.",
        "",
        f"Source: {_escape_markdown(source)}",
        "",
        # The page the text comes from does not number its paragraphs (CMOS 14.22): say whose
        # numbers these are, so that nobody cites them as the source's.
        f"Paragraph numbers (¶) are {APP_NAME}’s own, counted in its edition of the text.",
        "",
    ]
    if not (sections.placed or sections.free or sections.glossary or sections.detached):
        lines += ["There are no notes yet.", ""]
    for block in document.blocks:
        block_notes = sections.placed.get(block.id, [])
        if block_notes:
            lines += [f"## {block.citation_label}", ""]
        for note in sorted(block_notes, key=_by_position):
            quote = f"{_escape_markdown(in_quotation_marks(note.quote))} ({block.citation_label})"
            lines += [_blockquote(quote), "", *_note_lines(note)]
    if sections.free:
        lines += ["## Free notes", ""]
        for note in sorted(sections.free, key=lambda n: n.created):
            lines += _note_lines(note)
    if sections.glossary:
        lines += ["## Notes on glossary entries", ""]
        for entry_id in sorted(sections.glossary, key=lambda e: headwords.get(e, e).lower()):
            lines += [f"### {_escape_markdown(headwords.get(entry_id, entry_id))}", ""]
            for note in sorted(sections.glossary[entry_id], key=lambda n: n.created):
                lines += _note_lines(note)
    if sections.detached:
        lines += [
            "## Detached notes",
            "",
            "These passages could not be found in this edition of the text; "
            "the quoted words are kept as they were.",
            "",
        ]
        for note in sorted(sections.detached, key=lambda n: n.created):
            lines += [
                _blockquote(_escape_markdown(in_quotation_marks(note.quote))),
                "",
                *_note_lines(note),
            ]
    return "\n".join(lines).rstrip("\n") + "\n"


# -- CSV ---------------------------------------------------------------------------------
