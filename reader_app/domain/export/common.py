"""What every format shares: the IRIs naming the text and its notes, the W3C context and
the error an import raises."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as url_quote

from reader_app.domain.highlights import SHADES
from reader_app.domain.text import Document

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
EXTENSION_PREFIX = "sr"
EXTENSION_VOCAB = "urn:study-reader:vocab#"
ANNOTATION_CONTEXT: list[Any] = [ANNO_CONTEXT, {EXTENSION_PREFIX: EXTENSION_VOCAB}]
STYLE_CLASS_PREFIX = "study-reader-"
FRAGMENT_CONFORMS_TO = "http://tools.ietf.org/rfc/rfc3987"

HIGHLIGHT_CSS = {colour: shades.light for colour, shades in SHADES.items()}
"""The shades the reader saw (domain/highlights.py), for other tools: the W3C model wants a
stylesheet beside every styleClass."""

MAX_IMPORT_BYTES = 20 * 1024 * 1024
"""Far above any real set of notes (100,000 notes export to about 60 MB... of which a
reader has perhaps a few hundred); the cap exists so a wrong file fails fast, before it
is read into memory and parsed."""


CSV_COLUMNS = (
    "id", "kind", "citation", "block_id", "start", "end", "quote", "note", "tags", "colour",
    "glossary_entry", "placement", "created", "updated",
)  # fmt: skip
"""Stable column order: new columns are only ever appended."""


class NotesImportError(Exception):
    """The file cannot be imported; the message is one line naming the problem."""


def text_iri(document: Document) -> str:
    """A stable IRI for the text, independent of where it is stored or which edition."""
    return f"urn:study-reader:text:{url_quote(document.id, safe='')}"


def glossary_iri(document: Document, entry_id: str) -> str:
    return f"{text_iri(document)}:glossary:{url_quote(entry_id, safe='')}"


def collection_iri(document: Document) -> str:
    return f"urn:study-reader:notes:{url_quote(document.id, safe='')}"
