"""Citations in the forms that Chicago (17th ed., notes and bibliography), MLA (9th ed.) and APA
(7th ed.) prescribe, for the bundled extract and for texts added to the library.

What is being cited. A text's metadata says what kind of source the reader holds (``SourceKind``):

* ``web-excerpt``: a work read in an excerpt on someone else's web page. The bundled text is
  one: Kollontai's pamphlet, in an English translation whose translator is not named, as quoted
  on an Alpha History page. Each guide treats this as one source quoted in another and has its
  own words for it: Chicago's “quoted in” (CMOS 14.260), MLA's “qtd. in” (MLA 6.77), APA's
  “as cited in” (APA 8.6). Chicago lists both works; MLA and APA list only the page read.
  The heading and introduction on that page are the web editors' words and are cited as the page.
* ``book`` and ``epub``: a book, printed or as an EPUB file.
* ``web-article``: an article on a website.

Dates. A web page is dated by its publication or last-modified date where the metadata knows
it; otherwise by the day the reader copies the citation (``today``, injected so that tests are
repeatable): Chicago's “accessed” (CMOS 14.12), MLA's “Accessed” (MLA 5.111), APA's
“Retrieved … from” with “n.d.” (APA 9.16, 9.17).

Paragraph numbers. The reader's ¶ numbers are this app's own: they count Kollontai's paragraphs
of the extract, and the web page numbers nothing. Chicago and MLA give paragraph numbers only
when the source itself numbers its paragraphs (CMOS 14.22, MLA 6.20), so their citations carry
none. APA asks for a paragraph number counted in the source when it has no page numbers
(APA 8.28); that count is made on the page as published, where the editor's introduction is
paragraph 1, so an APA “para. 4” is the reader's ¶3. About this Text says so.

Plain text cannot show italics: the plain form sets titles as they are, and the HTML form, which
a word processor keeps when pasting, sets them in italics.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from reader_app.domain.text import Block, Document, Role, strip_unmatched_quotes


class CitationError(ValueError):
    """The selection cannot be cited as it is; the message is meant for the user."""


class CitationStyle(StrEnum):
    CHICAGO = "chicago"
    MLA = "mla"
    APA = "apa"

    @property
    def label(self) -> str:
        return {
            CitationStyle.CHICAGO: "Chicago (17th ed., notes and bibliography)",
            CitationStyle.MLA: "MLA (9th ed.)",
            CitationStyle.APA: "APA (7th ed.)",
        }[self]

    @property
    def short_label(self) -> str:
        return self.name.capitalize() if self is CitationStyle.CHICAGO else self.name

    @classmethod
    def from_setting(cls, value: str) -> CitationStyle:
        try:
            return cls(value)
        except ValueError:
            return cls.CHICAGO


class SourceKind(StrEnum):
    WEB_EXCERPT = "web-excerpt"
    BOOK = "book"
    EPUB = "epub"
    WEB_ARTICLE = "web-article"


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of citation text; titles of works are italic."""

    text: str
    italic: bool = False


Styled = tuple[Run, ...]


def plain(styled: Styled) -> str:
    return "".join(run.text for run in styled)


_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)]")


def _html_text(text: str) -> str:
    """Escape text, turning http(s) addresses into links (the only markup we add)."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(html.escape(text[position : match.start()]))
        url = match.group(0)
        parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def to_html(styled: Styled) -> str:
    return "".join(
        f"<i>{_html_text(run.text)}</i>" if run.italic else _html_text(run.text) for run in styled
    )


def _styled(*parts: str | Run) -> Styled:
    """Join parts, merging neighbouring runs of the same kind."""
    runs: list[Run] = []
    for part in parts:
        run = part if isinstance(part, Run) else Run(part)
        if not run.text:
            continue
        if runs and runs[-1].italic == run.italic:
            runs[-1] = Run(runs[-1].text + run.text, run.italic)
        else:
            runs.append(run)
    return tuple(runs)


# ----- dates -------------------------------------------------------------------------------------

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# MLA abbreviates months longer than four letters (MLA 5.xx, appendix 1: Sept. not Sep.).
_MLA_MONTHS = (
    "Jan.", "Feb.", "Mar.", "Apr.", "May", "June",
    "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
)  # fmt: skip


def chicago_date(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def mla_date(day: date) -> str:
    return f"{day.day} {_MLA_MONTHS[day.month - 1]} {day.year}"


def apa_date(day: date) -> str:
    """The date in an APA reference: (2021, March 5)."""
    return f"{day.year}, {_MONTHS[day.month - 1]} {day.day}"


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


# ----- what is cited -----------------------------------------------------------------------------


def _initials(name: str) -> str:
    """'Jane Mary Doe' -> 'J. M. Doe', as APA names contributors."""
    *given, family = name.split()
    return " ".join([*(f"{part[0]}." for part in given), family]) if given else family


@dataclass(frozen=True)
class CitedWork:
    """The bibliographic facts a citation needs, from a text's metadata.

    ``year`` is the year the work itself appeared (for the bundled pamphlet, 1921);
    ``edition_year`` the year of the book or EPUB the reader holds, if different.
    ``page_title`` is the web page (an excerpt's page, or an article's own title) with
    headline-style capitals for Chicago and MLA; ``page_title_sentence`` and
    ``title_sentence`` are the sentence-case forms APA wants (APA 9.19); without them the
    title is used as written, because capitalising names correctly needs a human.
    """

    kind: SourceKind
    author_given: str
    author_family: str
    title: str
    year: int | None = None
    translated: bool = False
    translator: str = ""
    editor: str = ""
    publisher: str = ""
    place: str = ""
    edition_year: int | None = None
    title_sentence: str = ""
    page_title: str = ""
    page_short_title: str = ""
    page_title_sentence: str = ""
    website: str = ""
    url: str = ""
    published: date | None = None
    modified: bool = False  # True when ``published`` is a last-modified date
    source_paragraphs: Mapping[str, int] = field(default_factory=dict, compare=False)

    @property
    def author(self) -> str:
        return f"{self.author_given} {self.author_family}".strip()

    @property
    def author_inverted(self) -> str:
        return f"{self.author_family}, {self.author_given}" if self.author_given else self.author

    @property
    def author_apa(self) -> str:
        if not self.author_given:
            return self.author_family
        initials = " ".join(f"{part[0]}." for part in self.author_given.replace("-", " ").split())
        return f"{self.author_family}, {initials}"

    @classmethod
    def from_metadata(cls, meta: Mapping[str, object]) -> CitedWork:
        """Build from a library text's metadata: title, author, year, translator, editor,
        publisher, place, site, url, published (ISO date), modified, kind."""

        def text(key: str) -> str:
            value = meta.get(key)
            return str(value).strip() if value is not None else ""

        def number(key: str) -> int | None:
            value = text(key)
            return int(value) if value.isascii() and value.isdigit() else None  # not "²"

        author = text("author")
        given, _, family = author.rpartition(" ")
        kind_value = text("kind") or (
            SourceKind.WEB_EXCERPT if (text("site") or text("url")) else SourceKind.BOOK
        )
        page_title = text("page_title")
        try:
            kind = SourceKind(kind_value)
        except ValueError:
            known = ", ".join(k.value for k in SourceKind)
            raise CitationError(f"Unknown kind of source {kind_value!r}: use {known}.") from None
        paragraphs = meta.get("source_paragraphs", {})
        return cls(
            kind=kind,
            author_given=text("author_given") or given,
            author_family=text("author_family") or family,
            title=text("title"),
            year=number("year"),
            translated=text("translated").lower() in {"yes", "true", "1"}
            or bool(text("translator")),
            translator=text("translator"),
            editor=text("editor"),
            publisher=text("publisher"),
            place=text("place"),
            edition_year=number("edition_year"),
            title_sentence=text("title_sentence"),
            page_title=page_title,
            page_short_title=text("page_short_title") or re.sub(r"\s*\([^)]*\)$", "", page_title),
            page_title_sentence=text("page_title_sentence"),
            website=text("site"),
            url=text("url"),
            published=_parse_day(text("published")),
            modified=text("modified").lower() in {"yes", "true", "1"},
            source_paragraphs=dict(paragraphs) if isinstance(paragraphs, Mapping) else {},
        )

    @classmethod
    def from_document(cls, document: Document) -> CitedWork:
        """The bundled text: its [citation] table, completed from the document itself."""
        meta: dict[str, object] = {
            "title": document.title,
            "author": document.author,
            "year": str(document.year),
            "page_title": document.display_title,
            "page_title_sentence": document.display_title,
            "url": document.provenance.get("extract_url", ""),
        }
        meta.update({("site" if k == "website" else k): v for k, v in document.citation.items()})
        # The source's own paragraph count, for APA: every block but headings, in order.
        counted = [block for block in document.blocks if block.role is not Role.HEADING]
        meta["source_paragraphs"] = {block.id: n for n, block in enumerate(counted, start=1)}
        return cls.from_metadata(meta)


# ----- quotations ------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")


def quotable(text: str) -> str:
    """Selected words as they go inside quotation marks.

    Whitespace runs (line breaks too) become one space; the extract's own unmatched opening
    or closing double quotation mark at either end is dropped; the double quotation marks
    left inside become single ones, as a quotation within a quotation.
    """
    words = _WHITESPACE.sub(" ", text).strip()
    if words.startswith("“") and words.count("”") < words.count("“"):
        words = words[1:].lstrip()
    if words.endswith("”") and words.count("“") < words.count("”"):
        words = words[:-1].rstrip()
    return words.replace("“", "‘").replace("”", "’").replace('"', "’")


def _close_parenthetical(quote: str, reference: str) -> str:
    """MLA and APA: “words” (reference). The sentence's full stop follows the reference;
    a question or exclamation mark of the quotation stays inside (MLA 6.3, APA 8.25)."""
    quote = strip_unmatched_quotes(quote)
    if quote.endswith((".", ",", ";", ":")):
        quote = quote[:-1].rstrip()
    return f"“{quote}” ({reference})."


def _close_chicago(quote: str) -> str:
    """“words.” with the full stop inside the quotation marks (CMOS 6.9)."""
    quote = strip_unmatched_quotes(quote)
    if quote.endswith((",", ";", ":")):
        quote = quote[:-1].rstrip()
    if not quote.endswith((".", "?", "!", "…")):
        quote += "."
    return f"“{quote}”"


@dataclass(frozen=True, slots=True)
class Citation:
    """A quotation with its citation: a first line, then labelled reference entries."""

    style: CitationStyle
    quotation: str  # the quoted words with MLA's or APA's in-text reference
    entries: tuple[tuple[str, Styled], ...]  # (label, entry): "Note", "Bibliography", ...

    def entry(self, label: str) -> str:
        return plain(dict(self.entries)[label])

    @property
    def plain_text(self) -> str:
        lines = [self.quotation]
        lines += [f"{label}: {plain(entry)}" for label, entry in self.entries]
        return "\n\n".join(lines)

    @property
    def html(self) -> str:
        """An HTML fragment: every value escaped, titles in italics."""
        paragraphs = [f"<p>{_html_text(self.quotation)}</p>"]
        paragraphs += [
            f"<p>{html.escape(label)}: {to_html(entry)}</p>" for label, entry in self.entries
        ]
        return "".join(paragraphs)


def cite(
    work: CitedWork,
    parts: Sequence[tuple[Block, str]],
    style: CitationStyle | str,
    *,
    today: date | None = None,
) -> Citation:
    """Cite selected words: ``parts`` are (block, selected text) in text order."""
    style = CitationStyle(style)
    parts = [(block, text) for block, text in parts if text.strip()]
    if not parts:
        raise CitationError("Select some words in the text first.")
    editorial = {block.role is not Role.BODY for block, _ in parts}
    if len(editorial) > 1:
        raise CitationError(
            f"The selection mixes the editor’s introduction with {work.author_family}’s words; "
            "select words from one of them to cite it."
        )
    quote = quotable(" ".join(text for _, text in parts))
    if not quote:
        raise CitationError("Select some words in the text first.")
    blocks = [block for block, _ in parts]
    reference = References(work, today or date.today(), editorial=editorial.pop())
    if style is CitationStyle.CHICAGO:
        entries = (("Note", reference.chicago_note()), ("Bibliography", reference.chicago_entry()))
        return Citation(style, _close_chicago(quote), entries)
    if style is CitationStyle.MLA:
        quotation = reference.mla_quotation(quote)
        return Citation(style, quotation, (("Works Cited", reference.mla_entry()),))
    in_text = reference.apa_in_text(blocks)
    return Citation(
        style, _close_parenthetical(quote, in_text), (("Reference", reference.apa_entry()),)
    )


def cite_paragraph(
    work: CitedWork, block: Block, style: CitationStyle | str, *, today: date | None = None
) -> tuple[str, Styled]:
    """A paragraph's citation without a quotation, as a writer in a plain editor needs it:
    (Chicago's note or MLA's or APA's parenthetical reference, the list entry)."""
    style = CitationStyle(style)
    reference = References(work, today or date.today(), editorial=block.role is not Role.BODY)
    if style is CitationStyle.CHICAGO:
        return plain(reference.chicago_note()), reference.chicago_entry()
    if style is CitationStyle.MLA:
        return f"({reference.mla_reference()})", reference.mla_entry()
    return f"({reference.apa_in_text([block])})", reference.apa_entry()


def list_entry(work: CitedWork, style: CitationStyle | str, *, today: date | None = None) -> Styled:
    """The work's entry in the bibliography, works-cited list or reference list."""
    reference = References(work, today or date.today(), editorial=False)
    style = CitationStyle(style)
    if style is CitationStyle.CHICAGO:
        return reference.chicago_entry()
    return reference.mla_entry() if style is CitationStyle.MLA else reference.apa_entry()


def _mla_address(url: str) -> str:
    """MLA leaves out the scheme of a web address (MLA 5.95)."""
    return re.sub(r"^https?://", "", url)


def _end(text: str) -> str:
    """Close a sentence unless it already ends with its own mark (a title's ? or !, an
    initial's full stop): no guide doubles the full stop."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _after_title(title: str) -> str:
    """The full stop after an italic title, unless the title ends with its own ? or !."""
    return "" if title.endswith(("?", "!")) else "."


class References:
    """The three guides' forms for one work. ``editorial`` is true for the web editors' own
    words on an excerpt's page, which are cited as that page."""

    def __init__(self, work: CitedWork, today: date, *, editorial: bool) -> None:
        self.work = work
        self.today = today
        # A web page without an author is cited as its site's (APA 9.11, CMOS 14.207).
        web = (SourceKind.WEB_EXCERPT, SourceKind.WEB_ARTICLE)
        self.page_only = editorial or (work.kind in web and not work.author)
        self.web = work.kind in (SourceKind.WEB_EXCERPT, SourceKind.WEB_ARTICLE)

    # ----- Chicago ---------------------------------------------------------------------------

    def _chicago_when(self, *, capital: bool) -> str:
        """Publication, revision or access date (CMOS 14.12, 14.13)."""
        work = self.work
        if work.published and work.modified:
            phrase = f"last modified {chicago_date(work.published)}"
        elif work.published:
            phrase = chicago_date(work.published)
        else:
            phrase = f"accessed {chicago_date(self.today)}"
        return phrase[0].upper() + phrase[1:] if capital else phrase

    def _chicago_page(self) -> str:
        """The page in note form: “Title,” Website, date, URL (CMOS 14.206, 14.207)."""
        work = self.work
        rest = ", ".join(
            p for p in (work.website, self._chicago_when(capital=False), work.url) if p
        )
        return f"“{work.page_title},” {rest}" if work.page_title else rest

    def _book_facts(self) -> str:
        """(Place: Publisher, Year) for a book's note (CMOS 14.20); n.d. for an undated book."""
        work = self.work
        year = work.edition_year or work.year or "n.d."
        where = ": ".join(part for part in (work.place, work.publisher) if part)
        return ", ".join(str(part) for part in (where, year) if part)

    def chicago_note(self) -> Styled:
        work = self.work
        if self.page_only:
            return _styled(_end(self._chicago_page()))
        people = (("ed.", work.editor), ("trans.", work.translator))  # CMOS 14.104
        contributors = "".join(f", {label} {name}" for label, name in people if name)
        title = Run(work.title, italic=True)
        if work.kind is SourceKind.WEB_EXCERPT:  # CMOS 14.260: “quoted in”
            year = f" ({work.year})" if work.year else ""
            return _styled(
                f"{work.author}, ",
                title,
                f"{contributors}{year}, quoted in ",
                _end(self._chicago_page()),
            )
        if work.kind is SourceKind.WEB_ARTICLE:
            return _styled(f"{work.author}, ", _end(self._chicago_page()))
        facts = self._book_facts()
        ebook = ", EPUB" if work.kind is SourceKind.EPUB else ""  # CMOS 14.161
        facts = f" ({facts})" if facts else ""
        lead = f"{work.author}, " if work.author else ""
        return _styled(lead, title, contributors, facts, f"{ebook}.")

    @property
    def _listed_author(self) -> str:
        """A book's author as a bibliography or works-cited list begins with it, or nothing:
        an anonymous work begins with its title (CMOS 14.75; MLA likewise)."""
        return f"{_end(self.work.author_inverted)} " if self.work.author else ""

    def chicago_entry(self) -> Styled:
        work = self.work
        if self.page_only or work.kind is SourceKind.WEB_ARTICLE:
            lead = f"{_end(work.author_inverted)} " if not self.page_only else ""
            owner = f"{work.website}. " if self.page_only and work.website else ""
            title = f"“{_end(work.page_title)}” " if work.page_title else ""
            site = f"{work.website}. " if not self.page_only and work.website else ""
            when = _end(self._chicago_when(capital=True))
            if not self.page_only and work.published and not work.modified and work.website:
                site, when = f"{work.website}, ", _end(chicago_date(work.published))
            return _styled(f"{lead}{owner}{title}{site}{when}", f" {work.url}." if work.url else "")
        contributors = "".join(
            f" {label} {name}."
            for label, name in (("Edited by", work.editor), ("Translated by", work.translator))
            if name
        )
        title_run = Run(work.title, italic=True)
        if work.kind is SourceKind.WEB_EXCERPT:  # CMOS 14.260, bibliography form
            year = f" {work.year}." if work.year else ""
            return _styled(
                f"{_end(work.author_inverted)} ",
                title_run,
                _after_title(work.title),
                f"{contributors}{year} Quoted in ",
                _end(self._chicago_page()),
            )
        where = ": ".join(part for part in (work.place, work.publisher) if part)
        year_or_nd = work.edition_year or work.year or "n.d."  # Chicago: n.d. for an undated book
        facts = ", ".join(str(part) for part in (where, year_or_nd) if part)
        ebook = " EPUB." if work.kind is SourceKind.EPUB else ""
        return _styled(
            self._listed_author,
            title_run,
            _after_title(work.title),
            contributors,
            f" {_end(facts)}" if facts else "",
            ebook,
        )

    # ----- MLA -------------------------------------------------------------------------------

    def mla_reference(self) -> str:
        """The parenthetical reference, without paragraph numbers (MLA 6.20)."""
        work = self.work
        page = f"“{work.page_short_title}”"
        if self.page_only:
            return page
        if work.kind is SourceKind.WEB_EXCERPT:  # MLA 6.77: qtd. in the source consulted
            return f"qtd. in {page}"
        return work.author_family or work.title  # MLA: the title in the author's place

    def mla_quotation(self, quote: str) -> str:
        """MLA 6.77 names the quoted author in the sentence and the source read in brackets."""
        closed = _close_parenthetical(quote, self.mla_reference())
        if self.work.kind is SourceKind.WEB_EXCERPT and not self.page_only:
            return f"{self.work.author_family} writes, {closed}"
        return closed

    def mla_entry(self) -> Styled:
        work = self.work
        if self.page_only or work.kind is SourceKind.WEB_EXCERPT:
            # MLA 6.77: only the source consulted is listed; no author, so the title leads.
            return self._mla_web(lead="")
        if work.kind is SourceKind.WEB_ARTICLE:
            return self._mla_web(lead=f"{_end(work.author_inverted)} ")
        people = (("Translated by", work.translator), ("Edited by", work.editor))
        elements = [f"{label} {name}" for label, name in people if name]  # other contributors
        if work.kind is SourceKind.EPUB:
            elements.append("e-book ed.")  # MLA 5.49: version
        year = str(work.edition_year or work.year or "")
        elements += [part for part in (work.publisher, year) if part]
        tail = ", ".join(elements)
        tail = tail[:1].upper() + tail[1:]
        return _styled(
            self._listed_author,
            Run(work.title, italic=True),
            _after_title(work.title),
            f" {_end(tail)}" if tail else "",
        )

    def _mla_web(self, lead: str) -> Styled:
        work = self.work
        title = f"“{_end(work.page_title)}” " if work.page_title else ""
        site: list[str | Run] = [Run(work.website, italic=True), ", "] if work.website else []
        dated = f"{mla_date(work.published)}, " if work.published else ""
        address = _mla_address(work.url)
        accessed = "" if work.published else f" Accessed {mla_date(self.today)}."  # MLA 5.111
        return _styled(lead, title, *site, dated, f"{address}." if address else "", accessed)

    # ----- APA -------------------------------------------------------------------------------

    def _apa_year(self) -> str:
        return str(self.work.published.year) if self.work.published else "n.d."

    def apa_in_text(self, blocks: Sequence[Block]) -> str:
        """(Author, year, as cited in Site, n.d., para. 4) (APA 8.6, 8.28)."""
        work = self.work
        counted = work.source_paragraphs
        numbers = sorted({counted[block.id] for block in blocks if block.id in counted})
        locator = ""
        if numbers:
            first, last = numbers[0], numbers[-1]
            locator = f", para. {first}" if first == last else f", paras. {first}–{last}"
        group = work.website or f"“{work.page_short_title}”"
        if self.page_only:
            return f"{group}, {self._apa_year()}{locator}"
        if work.kind is SourceKind.WEB_EXCERPT:
            original = f", {work.year}" if work.year else ""
            cited_in = f"as cited in {group}, {self._apa_year()}"
            return f"{work.author_family}{original}, {cited_in}{locator}"
        if work.kind is SourceKind.WEB_ARTICLE:
            return f"{work.author_family}, {self._apa_year()}{locator}"
        years = str(work.edition_year or work.year or "n.d.")
        if work.edition_year and work.year and work.edition_year != work.year:
            years = f"{work.year}/{work.edition_year}"  # APA 8.15: original/republished
        return f"{work.author_family or work.title}, {years}{locator}"  # APA 8.14: or title

    def apa_entry(self) -> Styled:
        work = self.work
        if self.page_only or work.kind in (SourceKind.WEB_EXCERPT, SourceKind.WEB_ARTICLE):
            title = Run(work.page_title_sentence or work.page_title, italic=True)
            when = apa_date(work.published) if work.published else "n.d."
            if self.page_only or work.kind is SourceKind.WEB_EXCERPT:
                author = f"{work.website}. " if work.website else ""  # group author (APA 9.11)
                site = ""  # the site is the author: not repeated (APA 10.16)
            else:
                author = f"{_end(work.author_apa)} "
                site = f" {work.website}." if work.website else ""
            if not work.published and work.url:  # APA 9.16: retrieval date for undated pages
                address = f" Retrieved {chicago_date(self.today)}, from {work.url}"
            else:
                address = f" {work.url}" if work.url else ""
            if author:
                return _styled(f"{author}({when}). ", title, ".", site, address)
            return _styled(title, f". ({when}).", site, address)  # APA 9.12: no author
        people = [
            f"{_initials(name)}, {label}"
            for name, label in ((work.editor, "Ed."), (work.translator, "Trans."))
            if name
        ]
        contributors = f" ({'; '.join(people)})" if people else ""
        year = work.edition_year or work.year
        original = (
            f" (Original work published {work.year})"
            if work.edition_year and work.year and work.edition_year != work.year
            else ""
        )
        publisher = f" {_end(work.publisher)}" if work.publisher else ""
        address = f" {work.url}" if work.url else ""
        book_title = work.title_sentence or work.title
        titled = _styled(
            Run(book_title, italic=True),
            f"{contributors}." if contributors else _after_title(book_title),
        )
        when = f"({year or 'n.d.'})."
        if not work.author:  # APA 9.12: the title in the author's place, the date after it
            return _styled(*titled, f" {when}", publisher, address, original)
        return _styled(f"{_end(work.author_apa)} {when} ", *titled, publisher, address, original)
