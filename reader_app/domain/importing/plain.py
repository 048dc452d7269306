"""Plain text: paragraphs are separated by blank lines, as in the bundled text."""

from __future__ import annotations

from reader_app.domain.importing.decoding import decode_text
from reader_app.domain.importing.model import (
    ImportedBlock,
    RawBlock,
    TextImportError,
    TextMetadata,
    TocEntry,
    assemble,
)
from reader_app.domain.text import Role, split_blocks


def parse_plain(
    data: bytes, file_name: str, title: str
) -> tuple[TextMetadata, tuple[ImportedBlock, ...], tuple[TocEntry, ...]]:
    """A plain file has no headings we could tell from paragraphs, so no chapters.

    Line breaks inside a paragraph are kept: they may be a poem's lines as well as a
    typewriter's wrapping, and only the reader can tell which.
    """
    text = decode_text(data, file_name)
    parts = split_blocks(text.replace("\f", "\n\n"))
    if not parts:
        raise TextImportError(file_name, "has no text in it.")
    blocks = [RawBlock(Role.BODY, _tidy(part)) for part in parts]
    return TextMetadata(title=title), assemble(blocks, {}), ()


def _tidy(paragraph: str) -> str:
    """Trailing spaces and tabs at line ends are invisible and would only change the id."""
    return "\n".join(line.rstrip() for line in paragraph.split("\n"))
