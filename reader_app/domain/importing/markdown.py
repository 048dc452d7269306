"""Markdown through ``markdown-it-py`` (CommonMark): headings become chapters.

HTML is switched off in the parser, so a ``<div>`` or ``<script>`` in the file arrives as
the literal characters the author typed, never as markup.

Inline markup is parsed paragraph by paragraph here rather than by markdown-it's own core
rule, to skip paragraphs that are more than 10 % markup characters: on those markdown-it's
link and emphasis scanning crawls (400 KB of ``[`` took 5 s); real prose is far below that
share, and such a paragraph keeps its characters as they are. Below the threshold the
worst input measured (long multi-line paragraphs dense in ``[``) still parses at only about
50 KB/s, against 5 MB/s for a book, so the library should import in a worker thread.

A simple YAML front matter block (``---`` lines around ``key: value`` pairs, as static
site generators write) gives the metadata; it is read line by line, not as YAML, so
nothing in it is evaluated.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from reader_app.domain.importing.decoding import decode_text
from reader_app.domain.importing.model import (
    ImportedBlock,
    RawBlock,
    TextImportError,
    TextMetadata,
    TocEntry,
    headings_as_chapters,
)
from reader_app.domain.text import Role

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_MATTER_LINES = 200
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]+-[ \t]+(.*?)[ \t]*$")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
# Every character a CommonMark inline rule acts on; text without them (and without line
# breaks) comes out of inline parsing unchanged.
_INLINE_MARKUP = re.compile(r"[\[\]*_`<>!\\&~]")
_MOSTLY_MARKUP = 0.1  # share of markup characters above which a paragraph is taken as is
_SHORT = 64  # a paragraph this short is parsed whatever it holds: it cannot be slow


def parse_markdown(
    data: bytes, file_name: str, fallback_title: str
) -> tuple[TextMetadata, tuple[ImportedBlock, ...], tuple[TocEntry, ...]]:
    from markdown_it import MarkdownIt  # loaded on the first Markdown import, not at start-up

    text = decode_text(data, file_name).replace("\r\n", "\n").replace("\r", "\n")
    fields: dict[str, list[str]] = {}
    front = _FRONT_MATTER.match(text)
    if front and front.group(1).count("\n") <= _FRONT_MATTER_LINES:
        fields = _front_matter(front.group(1))
        text = text[front.end() :]
    parser = MarkdownIt("commonmark", {"html": False}).disable("inline")
    environment: dict[str, Any] = {}
    try:
        tokens = parser.parse(text, environment)
        raw_blocks = _blocks(tokens, parser, environment)
    except RecursionError:
        raise TextImportError(file_name, "nests too deeply to be read as Markdown.") from None
    if not raw_blocks:
        raise TextImportError(file_name, "has no text in it.")
    blocks, contents = headings_as_chapters(raw_blocks)

    def field(*keys: str) -> str:
        for key in keys:
            if fields.get(key):
                return " and ".join(fields[key])
        return ""

    first_heading = next((b.text for b in raw_blocks if b.role is Role.HEADING), "")
    date = field("date", "published", "year")
    year = _YEAR.search(date)
    metadata = TextMetadata(
        title=field("title") or " ".join(first_heading.split()) or fallback_title,
        author=field("author", "authors", "creator"),
        year=int(year.group(1)) if year else None,
        translator=field("translator", "translators"),
        editor=field("editor", "editors"),
        publisher=field("publisher", "site"),
        url=field("url", "source", "link"),
        language=field("lang", "language"),
        published=field("date", "published"),
        modified=field("modified", "updated", "lastmod"),
        description=field("description", "summary", "abstract"),
    )
    return metadata, blocks, contents


def _blocks(tokens: list[Token], parser: MarkdownIt, environment: dict[str, Any]) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    heading = 0
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading = int(token.tag[1])
        elif kind == "heading_close":
            heading = 0
        elif kind == "inline":
            source = token.content
            markup = len(_INLINE_MARKUP.findall(source))
            if not markup and "\n" not in source:
                text = source  # what inline parsing would give, at a tenth of the cost
            elif len(source) > _SHORT and markup > _MOSTLY_MARKUP * len(source):
                text = " ".join(source.split())
            else:
                children: list[Token] = []
                parser.inline.parse(source, parser, environment, children)
                text = _inline_text(children).strip()
            if text:
                role = Role.HEADING if heading else Role.BODY
                blocks.append(RawBlock(role, text, heading))
        elif kind in {"fence", "code_block"}:
            text = "\n".join(line.rstrip() for line in token.content.strip("\n").split("\n"))
            if text.strip():
                blocks.append(RawBlock(Role.BODY, text))
    return blocks


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in {"text", "text_special", "code_inline"}:
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)  # its alt text
    return "".join(parts)


def _front_matter(source: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    key = ""
    for line in source.split("\n"):
        item = _LIST_ITEM.match(line)
        if item and key:
            fields.setdefault(key, []).append(_unquote(item.group(1)))
            continue
        pair = _KEY_VALUE.match(line)
        if pair:
            key = pair.group(1).lower()
            value = _unquote(pair.group(2))
            if value:
                fields.setdefault(key, []).append(value)
    return fields


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return " ".join(value.split())
