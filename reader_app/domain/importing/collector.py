"""Paragraphs and headings out of (X)HTML elements, whichever parser walks them.

Both the HTML importer (``html.parser``) and the EPUB importer (``xml.etree`` over XHTML)
feed start tags, end tags and text to one ``BlockCollector``, so a web page and a book
chapter become blocks by the same rules: navigation, page furniture, scripts, styles and
forms are dropped; block elements end a paragraph; inline markup leaves only its text; no
markup survives.
"""

from __future__ import annotations

import re

from reader_app.domain.importing.model import RawBlock
from reader_app.domain.text import Role

# Elements whose whole content is not the text: page furniture, code, widgets, embedded media.
SKIPPED = frozenset(
    {
        "head", "script", "style", "nav", "header", "footer", "aside", "form", "noscript",
        "template", "svg", "math", "iframe", "object", "embed", "button", "select", "textarea",
        "audio", "video", "canvas", "map", "dialog", "menu",
    }
)  # fmt: skip
# Elements that end the paragraph before them and start a new one.
BLOCK_LEVEL = frozenset(
    {
        "p", "div", "section", "article", "main", "blockquote", "li", "ul", "ol", "dl", "dd",
        "dt", "pre", "figure", "figcaption", "table", "caption", "tr", "hr", "address", "body",
        "center", "details", "summary", "fieldset", "legend", "hgroup", "h1", "h2", "h3", "h4",
        "h5", "h6",
    }
)  # fmt: skip
HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements that HTML closes by itself: they never get an end tag to pop a stack with.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr", "param"}
)  # fmt: skip

_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_LINE_BREAK = "\u2028"  # what <br> leaves in the buffer; source newlines are only spaces
_AROUND_BREAKS = re.compile(" ?\u2028 ?")


class BlockCollector:
    """Receives one document's elements in order and keeps its paragraphs and headings."""

    def __init__(self) -> None:
        self.blocks: list[RawBlock] = []
        self._in_article: list[bool] = []  # per block
        self._in_main: list[bool] = []
        self._buffer: list[str] = []
        self._anchors: list[str] = []
        self._skipping: list[str] = []  # open skipped elements, innermost last
        self._heading = 0
        self._pre = 0
        self._article = 0
        self._main = 0

    def start(self, tag: str, attributes: dict[str, str | None]) -> None:
        if self._skipping:
            if tag in SKIPPED and tag not in VOID:
                self._skipping.append(tag)
            return
        if tag in SKIPPED or "hidden" in attributes or attributes.get("aria-hidden") == "true":
            if tag not in VOID:
                self._skipping.append(tag)
            return
        if tag in BLOCK_LEVEL:
            self._flush()
            if tag in HEADING_LEVELS:
                self._heading = HEADING_LEVELS[tag]
            elif tag == "pre":
                self._pre += 1
            elif tag == "article":
                self._article += 1
            elif tag == "main":
                self._main += 1
        elif tag == "br":
            self._buffer.append(_LINE_BREAK)
        elif tag in {"td", "th"}:
            self._buffer.append(" ")
        element_id = attributes.get("id")
        if element_id:
            self._anchors.append(element_id)

    def end(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            return
        if tag not in BLOCK_LEVEL:
            return
        self._flush()
        if tag in HEADING_LEVELS:
            self._heading = 0
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag == "article":
            self._article = max(0, self._article - 1)
        elif tag == "main":
            self._main = max(0, self._main - 1)

    def text(self, data: str) -> None:
        if not self._skipping:
            self._buffer.append(data)

    def close(self) -> tuple[list[RawBlock], list[str]]:
        """The document's blocks (those of its articles if it has any, else of its main part),
        and the element ids that came after its last block."""
        self._flush()
        for chosen in (self._in_article, self._in_main):
            if any(chosen):
                kept = [block for block, keep in zip(self.blocks, chosen, strict=True) if keep]
                return kept, self._anchors
        return self.blocks, self._anchors

    def _flush(self) -> None:
        if not self._buffer:
            return
        raw = "".join(self._buffer)
        self._buffer.clear()
        if self._pre:
            lines = raw.replace(_LINE_BREAK, "\n").strip("\n").split("\n")
            text = "\n".join(line.rstrip() for line in lines)
        elif raw.isascii():  # str.split() is much faster than a regex; in ASCII it is the same
            text = " ".join(raw.split())
        else:  # not str.split(): a no-break space is not for collapsing
            text = _AROUND_BREAKS.sub("\n", _SPACES.sub(" ", raw)).strip()
        if not text.strip():
            return
        role = Role.HEADING if self._heading else Role.BODY
        self.blocks.append(RawBlock(role, text, self._heading, tuple(self._anchors)))
        self._anchors.clear()
        self._in_article.append(self._article > 0)
        self._in_main.append(self._main > 0)
