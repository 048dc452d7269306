"""Turning a reader's own file into a text the library can store: the importers.

No Qt and no storage here: give bytes (or a path), get an ``ImportedText`` or one
``TextImportError``. The library (storage, CLI, UI) builds on this API:

``import_file(path) -> ImportedText``
    Reads a file (refusing one over ``MAX_INPUT_BYTES`` before reading it) and imports it
    in the format its name says (``.txt``/``.text``, ``.md``/``.markdown``,
    ``.html``/``.htm``/``.xhtml``, ``.epub``) or, for any other name, the format its first
    bytes show.
``import_bytes(data, file_name, source_format=None) -> ImportedText``
    The same for bytes already in memory; ``file_name`` is used in messages and as the
    title of last resort.
``TextImportError``
    The only exception an import raises for a bad file (empty, binary, unknown encoding,
    an image renamed ``.epub``, DRM, a zip bomb, too large, malformed beyond repair).
    ``str(error)`` is one line: ``"name.epub: is protected by DRM …"``, fit for a status
    line or the CLI; ``.file_name`` and ``.reason`` are its parts. The library stays unchanged.

An ``ImportedText`` holds:

* ``metadata`` (``TextMetadata``): title (never empty), author, year, translator, editor,
  publisher (or the web site), url, language, published and modified dates as written in
  the file, description; "" or None where the file says nothing.
* ``source_format`` (``SourceFormat``), ``file_name``, and ``fingerprint``: the sha256 of
  the original bytes (``fingerprint_of(data)``). Store it with a UNIQUE constraint and look
  it up with ``fingerprint_of`` before importing: re-adding the same file then opens the
  existing text without parsing anything.
* ``blocks``: ``ImportedBlock(id, role, chapter, chapter_title, text)`` in reading order, one
  SQLite row each (``text_id, position, id, role, chapter, text``; the chapter title is
  repeated per block for convenience, store it once per chapter if you like). ``text`` is
  plain text without markup. ``role`` is ``Role.HEADING`` or ``Role.BODY``;
  ``ImportedText.reading_blocks()`` gives ``domain.text.Block`` records with ¶ numbers, as
  the reading view and anchoring use for the bundled text.
* ``contents``: ``TocEntry(title, block_id, depth)``, depth 0 for chapters.
* ``warnings``: what was recovered (a chapter read as HTML) or skipped, one line each.

Block ids (see ``block_ids``) are a 12-hex-digit hash of the normalised block text, with
``.2``, ``.3`` … for repeats; unique within a text, the same every time the same file is
added, and unchanged for every block that an edition did not touch (only a repeat after
an inserted copy of the same words is renumbered). Notes, positions and
review cards should therefore carry ``(text id, block id, offset)``, with the quote and
context kept beside them for the blocks that did change (``domain.anchors``).

Importers do all their work in memory and need no network; EPUB and XHTML are parsed with
entity declarations refused (``safe_xml``), EPUB members are size-checked before and while
unpacking (``MAX_ENTRY_BYTES``, ``MAX_UNPACKED_BYTES``, ``MAX_ZIP_ENTRIES``). A 4 MB book
imports in under a second (``benchmarks/import_book.py``), but the worst Markdown found
parses at about 50 KB/s (minutes at the size limit), so call them from a worker thread:
they are pure functions of the bytes and share no state.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from reader_app.domain.importing.model import (
    MAX_ENTRY_BYTES,
    MAX_INPUT_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_ENTRIES,
    ImportedBlock,
    ImportedText,
    SourceFormat,
    TextImportError,
    TextMetadata,
    TocEntry,
)

__all__ = [
    "MAX_ENTRY_BYTES",
    "MAX_INPUT_BYTES",
    "MAX_UNPACKED_BYTES",
    "MAX_ZIP_ENTRIES",
    "ImportedBlock",
    "ImportedText",
    "SourceFormat",
    "TextImportError",
    "TextMetadata",
    "TocEntry",
    "detect_format",
    "fingerprint_of",
    "import_bytes",
    "import_file",
]

_BY_SUFFIX = {
    ".txt": SourceFormat.PLAIN,
    ".text": SourceFormat.PLAIN,
    ".md": SourceFormat.MARKDOWN,
    ".markdown": SourceFormat.MARKDOWN,
    ".mdown": SourceFormat.MARKDOWN,
    ".html": SourceFormat.HTML,
    ".htm": SourceFormat.HTML,
    ".xhtml": SourceFormat.HTML,
    ".epub": SourceFormat.EPUB,
}
_MB = 1024 * 1024


def detect_format(file_name: str, data: bytes) -> SourceFormat:
    """The format the name's suffix says; for other names, what the first bytes look like."""
    by_name = _BY_SUFFIX.get(Path(file_name).suffix.lower())
    if by_name:
        return by_name
    if data.startswith(b"PK\x03\x04"):
        return SourceFormat.EPUB
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head:
        return SourceFormat.HTML
    return SourceFormat.PLAIN


def fingerprint_of(data: bytes) -> str:
    """The identity of a file's exact bytes, as ``ImportedText.fingerprint`` holds it."""
    return hashlib.sha256(data).hexdigest()


def import_file(path: Path, source_format: SourceFormat | None = None) -> ImportedText:
    name = path.name
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a pipe or device would block or never end
            raise TextImportError(name, "is not a file.")
        size = status.st_size
        if size > MAX_INPUT_BYTES:
            raise TextImportError(
                name,
                f"is {size / _MB:.0f} MB, over the limit of {MAX_INPUT_BYTES // _MB} MB "
                "for a text.",
            )
        with path.open("rb") as file:
            data = file.read(MAX_INPUT_BYTES + 1)  # the file may have grown since stat()
    except OSError as error:
        raise TextImportError(name, f"cannot be read ({error.strerror or error}).") from None
    return import_bytes(data, name, source_format)


def import_bytes(
    data: bytes, file_name: str, source_format: SourceFormat | None = None
) -> ImportedText:
    if len(data) > MAX_INPUT_BYTES:
        raise TextImportError(
            file_name, f"is over the limit of {MAX_INPUT_BYTES // _MB} MB for a text."
        )
    if not data.strip():
        raise TextImportError(file_name, "is empty.")
    source_format = source_format or detect_format(file_name, data)
    fallback_title = _title_from_name(file_name)
    warnings: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()
    if source_format is SourceFormat.EPUB:
        from reader_app.domain.importing.epub import parse_epub

        metadata, blocks, contents, warnings, unread = parse_epub(data, file_name, fallback_title)
    elif source_format is SourceFormat.HTML:
        from reader_app.domain.importing.html import parse_html

        metadata, blocks, contents = parse_html(data, file_name, fallback_title)
    elif source_format is SourceFormat.MARKDOWN:
        from reader_app.domain.importing.markdown import parse_markdown

        metadata, blocks, contents = parse_markdown(data, file_name, fallback_title)
    else:
        from reader_app.domain.importing.plain import parse_plain

        metadata, blocks, contents = parse_plain(data, file_name, fallback_title)
    return ImportedText(
        metadata=metadata,
        source_format=source_format,
        fingerprint=fingerprint_of(data),
        file_name=file_name,
        blocks=blocks,
        contents=contents,
        warnings=warnings,
        unread_chapters=unread,
    )


def _title_from_name(file_name: str) -> str:
    """ "the_workers-opposition.txt" → "the workers-opposition": a title of last resort."""
    stem = Path(file_name).stem.replace("_", " ").strip()
    return " ".join(stem.split()) or file_name or "Untitled"
