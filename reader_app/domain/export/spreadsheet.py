"""Notes as CSV (UTF-8 with a BOM, CRLF rows as RFC 4180 says): the BOM is what makes Excel
and LibreOffice read the curly quotes of the text correctly. Formula-like cells are
neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from reader_app.domain.export.common import CSV_COLUMNS
from reader_app.domain.notes import (
    Note,
    NoteKind,
    format_timestamp,
)
from reader_app.domain.text import Document


def _citation(note: Note, document: Document) -> str:
    if note.kind is NoteKind.FREE:
        return "free note"
    if note.kind is NoteKind.GLOSSARY:
        return f"glossary: {note.glossary_entry_id}"
    if note.placement is None or note.placement.block_id is None:
        return "detached"
    return document.block(note.placement.block_id).citation_label


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> object:
    """OWASP's advice against CSV injection: a text cell that a spreadsheet would read as a
    formula (it starts with = + - @, a tab or a carriage return) gets a leading ``'``,
    which spreadsheets show as text and do not evaluate."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def export_csv(notes: Iterable[Note], document: Document) -> str:
    """One row per note, columns as ``CSV_COLUMNS``; tags separated by "; "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for note in notes:
        placement = note.placement
        writer.writerow(
            map(
                neutralised,
                [
                    note.id,
                    note.kind.value,
                    _citation(note, document),
                    placement.block_id if placement and placement.block_id else "",
                    placement.start if placement and placement.start is not None else "",
                    placement.end if placement and placement.end is not None else "",
                    note.quote,
                    note.body,
                    "; ".join(note.tags),
                    note.colour.value if note.colour else "",
                    note.glossary_entry_id or "",
                    placement.status.value if placement else "",
                    format_timestamp(note.created),
                    format_timestamp(note.updated),
                ],
            )
        )
    return buffer.getvalue()


# -- W3C Web Annotation ------------------------------------------------------------------
