"""Quotations with a citation, in MLA (9th edition) or Chicago (17th, notes and bibliography).

What is being cited. The reader shows Kollontai's words in an English translation whose
translator is not named, as an extract on a web page (the Alpha History page named in the
text's ``[citation]`` metadata). So a quotation from her paragraphs cites her work, with its
own title and year, as a translated extract on that page, and gives the page's address: that
is the source the student actually read. A quotation from the heading or the editor's
introduction is the web editors' writing, not Kollontai's, and is cited as the page itself,
with no personal author (MLA: the page title leads, as for an organisation that is both
author and publisher; Chicago: the site's owner leads the bibliography entry).

Paragraph numbers. MLA abbreviates "par."/"pars.", Chicago "para."/"paras.". Both styles
give paragraph numbers only when the source numbers its paragraphs; the numbers here are
those of this edition (the ¶ numbers in the reader and in its printed study edition), which
count Kollontai's paragraphs of the extract. The editor's matter has no number and gets none.

Plain text cannot show italics. The plain-text form therefore sets titles as they are,
without underscores or asterisks that would have to be removed by hand; the HTML form,
which a word processor keeps when pasting, sets them in italics.

Punctuation of the quotation follows each style: MLA puts the sentence's full stop after the
parenthetical reference (a question mark or exclamation mark of the quotation stays inside);
Chicago (American usage) closes the quotation with a full stop inside the quotation marks.
Double quotation marks inside a quotation become single ones, and the extract's own opening
and closing quotation marks (the editor's marks around the whole of Kollontai's words) are
dropped when a selection takes them in.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from reader_app.domain.text import Block, Document, Role, strip_unmatched_quotes


class CitationError(ValueError):
    """The selection cannot be cited as it is; the message is meant for the user."""


class CitationStyle(StrEnum):
    CHICAGO = "chicago"
    MLA = "mla"

    @property
    def label(self) -> str:
        return {
            CitationStyle.CHICAGO: "Chicago (17th ed., notes and bibliography)",
            CitationStyle.MLA: "MLA (9th ed.)",
        }[self]

    @property
    def short_label(self) -> str:
        return {CitationStyle.CHICAGO: "Chicago", CitationStyle.MLA: "MLA"}[self]

    @classmethod
    def from_setting(cls, value: str) -> CitationStyle:
        try:
            return cls(value)
        except ValueError:
            return cls.CHICAGO


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
    """Join parts, merging neighbouring plain strings."""
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


@dataclass(frozen=True, slots=True)
class CitedWork:
    """The bibliographic facts a citation needs, from a text's metadata."""

    author_given: str
    author_family: str
    title: str  # the work's own title (a pamphlet: italic in both styles)
    year: int
    translated: bool
    page_title: str  # the web page the extract is read on, headline-style capitals
    page_short_title: str  # MLA's shortened title for an in-text reference
    website: str
    url: str

    @property
    def has_container(self) -> bool:
        """Whether the words were read on a web page that the citation must name."""
        return bool(self.website or self.url)

    @property
    def author(self) -> str:
        return f"{self.author_given} {self.author_family}".strip()

    @property
    def author_inverted(self) -> str:
        return f"{self.author_family}, {self.author_given}" if self.author_given else self.author

    @classmethod
    def from_document(cls, document: Document) -> CitedWork:
        meta = document.citation
        given, _, family = document.author.rpartition(" ")
        page_title = meta.get("page_title", document.display_title)
        return cls(
            author_given=meta.get("author_given", given),
            author_family=meta.get("author_family", family),
            title=document.title,
            year=document.year,
            translated=meta.get("translated", "").strip().lower() in {"yes", "true", "1"},
            page_title=page_title,
            page_short_title=meta.get("page_short_title", re.sub(r"\s*\([^)]*\)$", "", page_title)),
            website=meta.get("website", ""),
            url=meta.get("url", document.provenance.get("extract_url", "")),
        )


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


@dataclass(frozen=True, slots=True)
class Citation:
    """A quotation with its citation: a first line, then labelled reference entries."""

    style: CitationStyle
    quotation: str  # the first line: the quoted words, with MLA's in-text reference
    entries: tuple[tuple[str, Styled], ...]  # (label, entry): "Note", "Works Cited", ...

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


def _locator(numbers: Sequence[int], singular: str, plural: str) -> str:
    if not numbers:
        return ""
    first, last = min(numbers), max(numbers)
    return f"{singular} {first}" if first == last else f"{plural} {first}–{last}"


def _web_address_mla(url: str) -> str:
    """MLA 9 leaves out the scheme of a web address."""
    return re.sub(r"^https?://", "", url)


def _close_mla(quote: str, reference: str) -> str:
    """“words” (reference). with a final full stop, comma or colon moved after the reference."""
    quote = strip_unmatched_quotes(quote)
    if quote.endswith((".", ",", ";", ":")):
        quote = quote[:-1].rstrip()
    return f"“{quote}” ({reference})."


def _close_chicago(quote: str) -> str:
    """“words.” with the full stop inside the quotation marks (American usage)."""
    quote = strip_unmatched_quotes(quote)
    if quote.endswith((",", ";", ":")):
        quote = quote[:-1].rstrip()
    if not quote.endswith((".", "?", "!", "…")):
        quote += "."
    return f"“{quote}”"


def cite(work: CitedWork, parts: Sequence[tuple[Block, str]], style: CitationStyle) -> Citation:
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
    if editorial.pop():
        introduction = any(block.role is Role.EDITORIAL for block, _ in parts)
        return _cite_editor(work, quote, style, introduction=introduction)
    numbers = [block.number for block, _ in parts if block.number is not None]
    return _cite_author(work, quote, style, numbers)


def _closed(title: str, mark: str) -> str:
    """The punctuation after a title, unless the title ends with its own ? or !."""
    return "" if title.endswith(("?", "!")) else mark


def _cite_author(
    work: CitedWork, quote: str, style: CitationStyle, numbers: Sequence[int]
) -> Citation:
    extract = "translated extract in " if work.translated else "extract in "
    title = Run(work.title, italic=True)
    if style is CitationStyle.MLA:
        reference = ", ".join(
            part for part in (work.author_family, _locator(numbers, "par.", "pars.")) if part
        )
        works_cited = _styled(
            f"{work.author_inverted}. ",
            title,
            f"{_closed(work.title, '.')} {work.year}.",
            *((" ", *_mla_container(work, extract.capitalize())) if work.has_container else ()),
        )
        return Citation(style, _close_mla(quote, reference), (("Works Cited", works_cited),))
    locator = _locator(numbers, "para.", "paras.")
    note = _styled(
        f"{work.author}, ",
        title,
        f" ({work.year})",
        f", {locator}" if locator else "",
        *(
            (f", {extract}“{work.page_title},” ", *_chicago_site(work, ", "))
            if work.has_container
            else (".",)
        ),
    )
    bibliography = _styled(
        f"{work.author_inverted}. ",
        title,
        f"{_closed(work.title, '.')} {work.year}.",
        *(
            (f" {extract.capitalize()}“{work.page_title}.” ", *_chicago_site(work, ". "))
            if work.has_container
            else ()
        ),
    )
    return Citation(style, _close_chicago(quote), (("Note", note), ("Bibliography", bibliography)))


def _mla_container(work: CitedWork, lead: str) -> tuple[str | Run, ...]:
    """The page and website part of an MLA entry, ending with a full stop."""
    page = work.page_title
    if lead:
        tail: list[str | Run] = [f"{lead}“{page}{_closed(page, ',')}” "]
    else:
        tail = [f"“{page}{_closed(page, '.')}” "]
    if work.website:
        tail.append(Run(work.website, italic=True))
        tail.append(", " if work.url else ".")
    if work.url:
        tail.append(f"{_web_address_mla(work.url)}.")
    return tuple(tail)


def _chicago_site(work: CitedWork, separator: str) -> tuple[str, ...]:
    """Website name (roman, as Chicago sets most websites) and address, with a full stop."""
    items = [item for item in (work.website, work.url) if item]
    return (separator.join(items) + ".",) if items else ()


def _cite_editor(
    work: CitedWork, quote: str, style: CitationStyle, *, introduction: bool
) -> Citation:
    if style is CitationStyle.MLA:
        reference = f"“{work.page_short_title}”"
        works_cited = _styled(*_mla_container(work, ""))
        return Citation(style, _close_mla(quote, reference), (("Works Cited", works_cited),))
    where = "introduction, " if introduction else ""
    note = _styled(f"“{work.page_title},” {where}", *_chicago_site(work, ", "))
    owner = f"{work.website}. " if work.website else ""
    bibliography = _styled(f"{owner}“{work.page_title}.”", f" {work.url}." if work.url else "")
    return Citation(style, _close_chicago(quote), (("Note", note), ("Bibliography", bibliography)))
