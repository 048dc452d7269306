"""The source format: publication year and access date kept apart, dates backed by a named
source, and addresses that are the publisher's own rather than a mirror's."""

from __future__ import annotations

import textwrap

import pytest

from reader_app.domain.glossary import MIRROR_DOMAINS, GlossaryError, is_mirror, parse_glossary


def one_entry(source: str, *, dates: str = "") -> str:
    return (
        textwrap.dedent(
            """
        [[entry]]
        id = "e"
        headword = "E"
        category = "event"
        gloss = "g."
        explanation = "e."
        """
        )
        + dates
        + "[[entry.sources]]\n"
        + textwrap.dedent(source)
    )


GOOD = """
    author = "A"
    title = "T"
    publisher = "P"
    year = 2007
    url = "https://example.org/t"
    accessed = "2026-12-03"
    supports = ["start", "end"]
"""


def test_a_complete_source_keeps_year_access_date_and_what_it_supports() -> None:
    glossary = parse_glossary(one_entry(GOOD, dates='start = "1921"\nend = "1922"\n'), source="t")
    source = glossary.entry("e").sources[0]
    assert (source.year, source.accessed, source.publisher) == (2007, "2026-12-03", "P")
    assert source.supports == ("start", "end")
    assert source.citation == "A, T (P, 2007)"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("year = 2007", 'year = "2007"'), "year must be a whole number"),
        (("year = 2007", "year = 2027"), "after it was accessed"),
        (('accessed = "2026-12-03"\n', ""), "needs the date it was accessed"),
        (('accessed = "2026-12-03"', 'accessed = "2026"'), "accessed must be YYYY-MM-DD"),
        (('supports = ["start", "end"]', 'supports = ["birth"]'), "supports may name only"),
    ],
)
def test_malformed_sources_are_refused_with_a_reason(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(GlossaryError, match=message):
        parse_glossary(one_entry(GOOD.replace(old, new)), source="t")


def test_a_source_with_neither_year_nor_address_is_refused() -> None:
    findable = (
        "    year = 2007\n",
        '    url = "https://example.org/t"\n    accessed = "2026-12-03"\n',
    )
    raw = GOOD
    for line in findable:
        raw = raw.replace(line, "")
    with pytest.raises(GlossaryError, match="neither a publication year nor an address"):
        parse_glossary(one_entry(raw), source="t")


def test_a_date_must_be_backed_by_a_source_that_says_so() -> None:
    unbacked = GOOD.replace('supports = ["start", "end"]', 'supports = ["start"]')
    with pytest.raises(GlossaryError, match="no source supports its end date"):
        parse_glossary(one_entry(unbacked, dates='start = "1921"\nend = "1922"\n'), source="t")
    parse_glossary(one_entry(unbacked, dates='start = "1921"\n'), source="t")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.liquisearch.com/kronstadt_rebellion",
        "http://theinfolist.com/html/ALL/s/Y/Yuriy_Lutovinov.html",
        "https://encyclopedia2.thefreedictionary.com/Cheka",
        "http://ed.newdu.com/k276160.html",
        "http://www.connexions.org/CxArchive/MIA/brinton/1970/workers-control/06.htm",
        "https://docslib.org/doc/1/anything",
        "https://nostalgia.wikipedia.org/wiki/Cheka",
        "https://user.bibliboba.online/books/x/p/1",
    ],
)
def test_mirror_addresses_are_refused(url: str) -> None:
    assert is_mirror(url)
    with pytest.raises(GlossaryError, match="mirror"):
        parse_glossary(one_entry(GOOD.replace("https://example.org/t", url)), source="t")


def test_publishers_own_pages_are_not_mirrors() -> None:
    for url in (
        "https://www.marxists.org/archive/kollonta/1921/workers-opposition/ch03.htm",
        "https://www.britannica.com/topic/War-Communism",
        "https://en.wikipedia.org/wiki/Cheka",
        "https://example.org/liquisearch.com",  # the name in a path is not the host
    ):
        assert not is_mirror(url), url
    assert "liquisearch.com" in MIRROR_DOMAINS
