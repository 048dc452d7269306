"""What an importer returns, the one error it raises, and the limits it enforces."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from reader_app.domain.importing.block_ids import assign_block_ids
from reader_app.domain.text import Block, Role

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""Larger files are refused before being read: the biggest books are a few MB of text."""

MAX_ENTRY_BYTES = 32 * 1024 * 1024
"""An EPUB member (one XHTML file, the package document) may unpack to at most this."""

MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""All the EPUB members an import reads may unpack to at most this, together."""

MAX_ZIP_ENTRIES = 10_000
"""An EPUB with more members than this is refused unopened (a zip bomb of many tiny files)."""


class TextImportError(Exception):
    """The file cannot become a text; ``str(error)`` is one line naming the file and why."""

    def __init__(self, file_name: str, reason: str) -> None:
        self.file_name = file_name
        self.reason = " ".join(reason.split())  # one line, whatever a library put in it
        super().__init__(f"{file_name}: {self.reason}")


class SourceFormat(StrEnum):
    PLAIN = "plain"
    MARKDOWN = "markdown"
    HTML = "html"
    EPUB = "epub"


class TextMetadata(NamedTuple):
    """What the file says about itself; "" (or None for the year) where it says nothing."""

    title: str
    author: str = ""
    year: int | None = None
    translator: str = ""
    editor: str = ""
    publisher: str = ""  # the publisher of a book, or the site a web page came from
    url: str = ""
    language: str = ""  # as the file gives it, usually a BCP 47 tag such as "en" or "de-CH"
    published: str = ""  # the date as written in the file (often ISO 8601)
    modified: str = ""
    description: str = ""


class ImportedBlock(NamedTuple):
    """One paragraph or heading: a row of the library's blocks table.

    ``chapter`` counts from 0 in reading order; ``chapter_title`` is "" for matter before the
    first chapter (a title page, a preface without a heading). ``text`` is plain text with no
    markup; a newline inside it is a line break of the source (verse, an address, ``<br>``).
    """

    id: str
    role: Role  # HEADING or BODY; EDITORIAL stays the bundled text's own
    chapter: int
    chapter_title: str
    text: str


class TocEntry(NamedTuple):
    """A line of the table of contents; ``depth`` 0 is a chapter, 1 a section within it."""

    title: str
    block_id: str
    depth: int


class ImportedText(NamedTuple):
    """A user's file turned into blocks, ready to be stored; nothing here refers to the file."""

    metadata: TextMetadata
    source_format: SourceFormat
    fingerprint: str  # sha256 hex of the original bytes: the same file added twice is one text
    file_name: str  # the name it was added under, for messages and "About this Text"
    blocks: tuple[ImportedBlock, ...]
    contents: tuple[TocEntry, ...]
    warnings: tuple[str, ...] = ()  # what was recovered or skipped, one line each
    unread_chapters: tuple[str, ...] = ()  # chapters not in the file, by title or file name

    def unread_notice(self) -> str:
        """One plain line naming the chapters that could not be read ("" when none), for
        the reader who added the file: the rest of the text is there without them."""
        if not self.unread_chapters:
            return ""
        names = ", ".join(f"“{name}”" for name in self.unread_chapters)
        if len(self.unread_chapters) == 1:
            return f"the chapter {names} could not be read: it is missing from the file."
        return f"the chapters {names} could not be read: they are missing from the file."

    def chapter_titles(self) -> list[str]:
        """Each chapter's title by chapter index (a chapter without blocks has none)."""
        titles: dict[int, str] = {}
        for block in self.blocks:
            titles.setdefault(block.chapter, block.chapter_title)
        return [titles[index] for index in sorted(titles)]

    def reading_blocks(self) -> tuple[Block, ...]:
        """The blocks as the reading view and anchoring know them, body blocks numbered ¶1…"""
        number = 0
        result: list[Block] = []
        for block in self.blocks:
            if block.role is Role.BODY:
                number += 1
                result.append(Block(block.id, block.role, block.text, number))
            else:
                result.append(Block(block.id, block.role, block.text, None))
        return tuple(result)


class RawBlock(NamedTuple):
    """A block as an importer finds it, before ids and chapters are given."""

    role: Role
    text: str
    level: int = 0  # heading level 1-6; 0 for body text
    anchors: tuple[str, ...] = ()  # element ids in the source that point here (EPUB links)


def chapter_starts_from_headings(blocks: list[RawBlock]) -> tuple[dict[int, str], int]:
    """Which headings open chapters, and the level that divides the text into chapters.

    That level is the highest one used more than once: a document with one ``#`` title and
    many ``##`` sections has chapters at ``##``, and its lone title stays in the untitled front
    matter. Higher headings that come later (a second part, an appendix) open chapters too.
    """
    counts: dict[int, int] = {}
    for block in blocks:
        if block.role is Role.HEADING:
            counts[block.level] = counts.get(block.level, 0) + 1
    if not counts:
        return {}, 0
    repeated = [level for level, count in counts.items() if count > 1]
    level = min(repeated) if repeated else min(counts)
    starts: dict[int, str] = {}
    for index, block in enumerate(blocks):
        if block.role is not Role.HEADING or block.level > level:
            continue
        if not starts and block.level < level and counts[block.level] == 1:
            continue  # the document's title
        starts[index] = " ".join(block.text.split())
    return starts, level


def assemble(blocks: list[RawBlock], chapter_starts: dict[int, str]) -> tuple[ImportedBlock, ...]:
    """Give blocks their ids and chapters; ``chapter_starts`` maps a block index to its title."""
    ids = assign_block_ids([block.text for block in blocks])
    result: list[ImportedBlock] = []
    chapter, title = -1, ""
    if blocks and 0 not in chapter_starts:
        chapter = 0  # front matter before the first chapter
    for index, (block, block_id) in enumerate(zip(blocks, ids, strict=True)):
        if index in chapter_starts:
            chapter, title = chapter + 1, chapter_starts[index]
        result.append(ImportedBlock(block_id, block.role, chapter, title, block.text))
    return tuple(result)


def headings_as_chapters(
    blocks: list[RawBlock],
) -> tuple[tuple[ImportedBlock, ...], tuple[TocEntry, ...]]:
    """Chapters and contents from headings, for formats whose only structure is headings.

    The contents list each chapter (depth 0) and the headings one level below it (depth 1).
    """
    starts, level = chapter_starts_from_headings(blocks)
    assembled = assemble(blocks, starts)
    contents = tuple(
        TocEntry(starts[index], block.id, 0)
        if index in starts
        else TocEntry(" ".join(raw.text.split()), block.id, 1)
        for index, (raw, block) in enumerate(zip(blocks, assembled, strict=True))
        if index in starts or (raw.role is Role.HEADING and starts and raw.level == level + 1)
    )
    return assembled, contents
