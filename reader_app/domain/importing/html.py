"""Web pages saved from a browser: the article's text and what the page says about itself.

``html.parser`` reads the page (it never runs scripts, fetches nothing and knows only
HTML's own named characters); ``BlockCollector`` keeps the article. The metadata comes
from, in order of trust: scholarly ``citation_*`` tags, Open Graph and ``article:`` tags,
simple JSON-LD, plain ``<meta>`` tags, then ``<title>`` and the first heading.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from reader_app.domain.importing.collector import VOID, BlockCollector
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

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
# html.parser's own patterns for the end of a comment and of a marked section (<![CDATA[).
_COMMENT_OPEN, _COMMENT_CLOSE = re.compile(r"<(?=!--)"), re.compile(r"--\s*>")
_SECTION_OPEN, _SECTION_CLOSE = re.compile(r"<(?=!\[)"), re.compile(r"]\s*>")
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(https?://\S+)")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_MAX_JSON_LD = 1024 * 1024
_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "scholarlyarticle", "report", "book", "chapter",
    "creativework", "techarticle", "webpage", "reportagenewsarticle", "analysisnewsarticle",
}  # fmt: skip


class PageParser(HTMLParser):
    """The page's blocks (through a BlockCollector) and its metadata, in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.collector = BlockCollector()
        self.meta: dict[str, list[str]] = {}
        self.title_parts: list[str] = []
        self.json_ld: list[str] = []
        self.language = ""
        self.canonical = ""
        self.saved_from = ""
        self._in_title = False
        self._in_json_ld = False

    def read(self, text: str) -> None:
        """Parse a whole document in linear time.

        html.parser (Python 3.11's at least) searches from every unfinished construct to the
        end of the document for its end, so 60 KB of "<a " took 30 s and 480 KB of unclosed
        comments 10 s. A construct can only end at its closing mark, so every opening after
        the document's last closing mark is text: written as "&lt;" it is the same text to
        the parser, found without a search.
        """
        last = text.rfind(">")
        head, tail = text[: last + 1], text[last + 1 :].replace("<", "&lt;")
        for opening, closing in ((_COMMENT_OPEN, _COMMENT_CLOSE), (_SECTION_OPEN, _SECTION_CLOSE)):
            end = max((match.end() for match in closing.finditer(head)), default=0)
            head = head[:end] + opening.sub("&lt;", head[end:])
        self.feed(head + tail)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "meta":
            key = attributes.get("name") or attributes.get("property") or ""
            content = attributes.get("content")
            if key and content:
                self.meta.setdefault(key.strip().lower(), []).append(content.strip())
        elif tag == "title":
            self._in_title = True
        elif tag == "html" and not self.language:
            self.language = (attributes.get("lang") or attributes.get("xml:lang") or "").strip()
        elif tag == "link" and "canonical" in (attributes.get("rel") or "").lower().split():
            self.canonical = (attributes.get("href") or "").strip()
        elif tag == "script":
            self._in_json_ld = (attributes.get("type") or "").lower() == "application/ld+json"
            if self._in_json_ld:
                self.json_ld.append("")
        self.collector.start(tag, attributes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "script":
            self._in_json_ld = False
        self.collector.end(tag)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif self._in_json_ld and len(self.json_ld[-1]) < _MAX_JSON_LD:
            self.json_ld[-1] += data
        self.collector.text(data)

    def handle_comment(self, data: str) -> None:
        found = _SAVED_FROM.search(data)
        if found and not self.saved_from:
            self.saved_from = found.group(1)


def parse_html(
    data: bytes, file_name: str, fallback_title: str
) -> tuple[TextMetadata, tuple[ImportedBlock, ...], tuple[TocEntry, ...]]:
    declared = _CHARSET.search(data[:4096])
    text = decode_text(data, file_name, declared.group(1).decode("ascii") if declared else None)
    page = PageParser()
    try:
        page.read(text)
    except (AssertionError, ValueError) as error:  # html.parser's own complaints
        raise TextImportError(file_name, f"cannot be read as HTML ({error}).") from None
    raw_blocks, _ = page.collector.close()
    if not raw_blocks:
        raise TextImportError(file_name, "has no readable text (is it a web page?).")
    metadata = _metadata(page, raw_blocks, fallback_title)
    blocks, contents = headings_as_chapters(raw_blocks)
    return metadata, blocks, contents


def _metadata(page: PageParser, blocks: list[RawBlock], fallback_title: str) -> TextMetadata:
    meta = page.meta

    def first(*keys: str) -> str:
        for key in keys:
            for value in meta.get(key, ()):
                if value:
                    return " ".join(value.split())
        return ""

    linked = _json_ld(page.json_ld)
    citation_authors = " and ".join(meta.get("citation_author", []))
    page_title = " ".join("".join(page.title_parts).split())
    first_heading = next((b.text for b in blocks if b.role is Role.HEADING), "")
    article_author = first("article:author")
    if article_author.startswith(("http://", "https://")):
        article_author = ""  # Facebook's convention: a profile address, not a name
    published = first(
        "citation_publication_date", "citation_date", "article:published_time", "dc.date",
        "dcterms.date", "date",
    ) or linked.get("datePublished", "")  # fmt: skip
    language = page.language or first("citation_language", "dc.language", "og:locale")
    return TextMetadata(
        title=first("citation_title", "og:title", "dc.title", "twitter:title")
        or linked.get("headline", "")
        or page_title
        or " ".join(first_heading.split())
        or fallback_title,
        author=citation_authors
        or first("author", "dc.creator", "parsely-author", "sailthru.author")
        or article_author
        or linked.get("author", ""),
        year=_year(published),
        publisher=first(
            "og:site_name", "citation_publisher", "citation_journal_title", "dc.publisher"
        )
        or linked.get("publisher", ""),
        url=page.canonical or first("og:url", "citation_public_url") or page.saved_from,
        language=language.replace("_", "-"),
        published=published,
        modified=first("article:modified_time", "og:updated_time", "dcterms.modified")
        or linked.get("dateModified", ""),
        description=first("description", "og:description", "twitter:description"),
    )


def _year(date: str) -> int | None:
    found = _YEAR.search(date)
    return int(found.group(1)) if found else None


def _json_ld(scripts: list[str]) -> dict[str, str]:
    """The headline, author, dates and publisher of the first article-like JSON-LD object.

    Pages use JSON-LD in many shapes; only plain strings and ``{"name": …}`` objects are
    read, and anything else is ignored rather than guessed at.
    """
    candidates: list[object] = []
    for source in scripts:
        try:
            data = json.loads(source)
        except (ValueError, RecursionError):
            continue
        if isinstance(data, dict) and isinstance(data.get("@graph"), list):
            candidates.extend(data["@graph"])
        elif isinstance(data, list):
            candidates.extend(data)
        else:
            candidates.append(data)
    for item in candidates:
        if not isinstance(item, dict):
            continue
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
            continue
        found = {
            "headline": _name(item.get("headline")) or _name(item.get("name")),
            "author": _name(item.get("author")),
            "publisher": _name(item.get("publisher")),
            "datePublished": _name(item.get("datePublished")),
            "dateModified": _name(item.get("dateModified")),
        }
        return {key: value for key, value in found.items() if value}
    return {}


def _name(value: object, depth: int = 0) -> str:
    """A string, the name of an object, or the names of a list of them, " and " between."""
    if isinstance(value, str):
        return " ".join(value.split())
    if depth > 2:
        return ""
    if isinstance(value, dict):
        return _name(value.get("name"), depth + 1)
    if isinstance(value, list):
        names = [_name(item, depth + 1) for item in value[:20]]
        return " and ".join(name for name in names if name)
    return ""
