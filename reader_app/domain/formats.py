"""The export formats, the one place for them: the command line's choices, the file dialog's
filters and the renderer all read this table. Named apart from export.py so the command line
can list them without loading export."""

from __future__ import annotations

from typing import NamedTuple


class ExportFormat(NamedTuple):
    name: str  # what ``--format`` and ``render`` take
    suffix: str  # given to a file name the user typed without one
    dialog_filter: str  # what the Export Notes dialog offers


EXPORT_FILTERS = (
    ExportFormat("markdown", ".md", "Markdown (*.md)"),
    ExportFormat("json", ".json", "Web Annotation JSON-LD (*.json)"),
    ExportFormat("csv", ".csv", "CSV spreadsheet (*.csv)"),
)

FORMATS = tuple(export_format.name for export_format in EXPORT_FILTERS)

CARD_FORMATS = ("apkg", "csv")
"""Review cards: an Anki package, or the CSV Anki's text import reads."""
