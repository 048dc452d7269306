"""Citations: the exact strings of Chicago 17 (CMOS), MLA 9 and APA 7, for each kind of source,
with and without a known date. Each test names the sections of the guides it follows; the
strings were built by hand from the guides' own examples for the same kind of source.

The date a citation is copied is injected (TODAY), so an undated page's access date is fixed.
"""

from __future__ import annotations

from datetime import date

import pytest

from reader_app.domain.citation import (
    CitationError,
    CitationStyle,
    CitedWork,
    SourceKind,
    cite,
    cite_paragraph,
    list_entry,
    plain,
    quotable,
)
from reader_app.domain.text import Document, parse_document

TODAY = date(2026, 12, 3)
URL = "https://alphahistory.com/russianrevolution/kollontai-on-soviet-bureaucracy-1921/"
MLA_URL = URL.removeprefix("https://")
QUOTE = "Some third person decides your fate: this is the whole essence of bureaucracy."
PAGE = "“Kollontai on the Soviet Bureaucracy (1921),”"

CHICAGO_NOTE = (
    "Alexandra Kollontai, The Workers’ Opposition (1921), quoted in "
    f"{PAGE} Alpha History, accessed December 3, 2026, {URL}."
)
CHICAGO_BIBLIOGRAPHY = (
    "Kollontai, Alexandra. The Workers’ Opposition. 1921. Quoted in "
    f"{PAGE} Alpha History, accessed December 3, 2026, {URL}."
)
MLA_WORKS_CITED = (
    f"“Kollontai on the Soviet Bureaucracy (1921).” Alpha History, {MLA_URL}. Accessed 3 Dec. 2026."
)
APA_REFERENCE = (
    "Alpha History. (n.d.). Kollontai on the Soviet bureaucracy (1921). "
    f"Retrieved December 3, 2026, from {URL}"
)


@pytest.fixture(scope="module")
def work(document: Document) -> CitedWork:
    return CitedWork.from_document(document)


def words(document: Document, block_id: str, text: str):
    """(block, text) as the reader's selection gives it, checking the words are there."""
    block = document.block(block_id)
    assert text in block.text
    return (block, text)


def third(document: Document, work: CitedWork, style: CitationStyle, **extra):
    return cite(work, [words(document, "p3", QUOTE)], style, today=TODAY, **extra)


def test_the_cited_work_comes_from_the_text_metadata(work: CitedWork) -> None:
    assert work.kind is SourceKind.WEB_EXCERPT
    assert work.author_inverted == "Kollontai, Alexandra"
    assert (work.title, work.year, work.translated) == ("The Workers’ Opposition", 1921, True)
    assert work.page_title == "Kollontai on the Soviet Bureaucracy (1921)"
    assert work.page_title_sentence == "Kollontai on the Soviet bureaucracy (1921)"
    assert (work.website, work.url, work.published) == ("Alpha History", URL, None)
    # The page's own paragraph count: the editor's introduction is 1, Kollontai's ¶1 is 2.
    assert work.source_paragraphs["editor-intro"] == 1
    assert work.source_paragraphs["p3"] == 4
    assert "heading" not in work.source_paragraphs


# ----- the bundled text: a translated work read in an excerpt on a web page ----------------------


def test_chicago_quoted_in_with_access_date(document: Document, work: CitedWork) -> None:
    """CMOS 14.260 (“quoted in”: both works, original first), 14.206 (the page's title in
    quotation marks) and 14.207 (website content: title, site, URL), 14.12 (access date
    when the page has no date), 14.22 (no paragraph number: the page does not number its
    paragraphs), 6.9 (full stop inside the quotation marks)."""
    citation = third(document, work, CitationStyle.CHICAGO)
    assert citation.plain_text == (
        f"“{QUOTE}”\n\nNote: {CHICAGO_NOTE}\n\nBibliography: {CHICAGO_BIBLIOGRAPHY}"
    )


def test_mla_qtd_in_with_access_date(document: Document, work: CitedWork) -> None:
    """MLA 6.77 (indirect source: the quoted author named in the sentence, “qtd. in” the
    source read, and only that source in works cited), 5.111 (access date for an undated
    page), 5.95 (address without https://), 6.20 (no paragraph numbers the source lacks)."""
    citation = third(document, work, CitationStyle.MLA)
    assert citation.quotation == (
        "Kollontai writes, “Some third person decides your fate: this is the whole essence of "
        "bureaucracy” (qtd. in “Kollontai on the Soviet Bureaucracy”)."
    )
    assert citation.plain_text == f"{citation.quotation}\n\nWorks Cited: {MLA_WORKS_CITED}"


def test_apa_as_cited_in_with_retrieval_date(document: Document, work: CitedWork) -> None:
    """APA 8.6 (secondary source: “as cited in”, only the source read in the reference list),
    8.28 (no page numbers: the paragraph counted on the page, so ¶3 is para. 4), 9.17 (n.d.),
    9.16 (retrieval date for an undated page that may change), 10.16 (webpage: the site as
    group author is not repeated as site name; title in italics and sentence case)."""
    citation = third(document, work, CitationStyle.APA)
    assert citation.quotation == (
        "“Some third person decides your fate: this is the whole essence of bureaucracy” "
        "(Kollontai, 1921, as cited in Alpha History, n.d., para. 4)."
    )
    assert citation.entry("Reference") == APA_REFERENCE


def test_a_dated_page_is_cited_by_its_date_not_the_access_date(
    document: Document, work: CitedWork
) -> None:
    """CMOS 14.13 (“last modified”), MLA 5.111 (no access date once the page is dated),
    APA 9.16 (no retrieval date for a dated page) and 10.16 (year, month and day)."""
    from dataclasses import replace

    dated = replace(work, published=date(2021, 3, 5), modified=True)
    chicago = third(document, dated, CitationStyle.CHICAGO)
    assert chicago.entry("Note") == (
        f"Alexandra Kollontai, The Workers’ Opposition (1921), quoted in {PAGE} Alpha History, "
        f"last modified March 5, 2021, {URL}."
    )
    assert "accessed" not in chicago.plain_text
    mla = third(document, dated, CitationStyle.MLA)
    assert mla.entry("Works Cited") == (
        f"“Kollontai on the Soviet Bureaucracy (1921).” Alpha History, 5 Mar. 2021, {MLA_URL}."
    )
    apa = third(document, dated, CitationStyle.APA)
    assert apa.entry("Reference") == (
        f"Alpha History. (2021, March 5). Kollontai on the Soviet bureaucracy (1921). {URL}"
    )
    assert "as cited in Alpha History, 2021, para. 4" in apa.quotation


def test_the_access_date_is_the_day_the_citation_is_copied(
    document: Document, work: CitedWork
) -> None:
    """CMOS 14.12, MLA 5.111, APA 9.16: the access date is when the reader consulted it."""
    later = cite(work, [words(document, "p3", QUOTE)], "mla", today=date(2027, 9, 1))
    assert later.entry("Works Cited").endswith("Accessed 1 Sept. 2027.")  # MLA month: Sept.


def test_html_sets_titles_in_italics_and_links_the_address(
    document: Document, work: CitedWork
) -> None:
    """Titles of books and websites in italics where the guide italicises them (Chicago: as
    in every book example of CMOS 14.20–14.21; MLA 2.107; APA 6.22); the plain form cannot,
    the HTML form can."""
    link = f'<a href="{URL}">{URL}</a>'
    chicago = third(document, work, CitationStyle.CHICAGO)
    assert chicago.html == (
        f"<p>“{QUOTE}”</p>"
        "<p>Note: Alexandra Kollontai, <i>The Workers’ Opposition</i> (1921), quoted in "
        f"{PAGE} Alpha History, accessed December 3, 2026, {link}.</p>"
        "<p>Bibliography: Kollontai, Alexandra. <i>The Workers’ Opposition</i>. 1921. Quoted in "
        f"{PAGE} Alpha History, accessed December 3, 2026, {link}.</p>"
    )
    mla = third(document, work, CitationStyle.MLA)
    assert mla.html.endswith(
        "<p>Works Cited: “Kollontai on the Soviet Bureaucracy (1921).” <i>Alpha History</i>, "
        f"{MLA_URL}. Accessed 3 Dec. 2026.</p>"
    )
    apa = third(document, work, CitationStyle.APA)
    assert "(n.d.). <i>Kollontai on the Soviet bureaucracy (1921)</i>. Retrieved" in apa.html


def test_html_escapes_every_value() -> None:
    metadata = {
        "id": "t",
        "title": "Bread & <Roses>",
        "author": "Ann O’Nym",
        "year": 1912,
        "blocks": [{"id": "p1", "role": "body"}],
        "citation": {"website": "A <b>site</b>", "page_title": 'Page "one" & two'},
        "provenance": {"extract_url": "https://example.org/?a=1&b=<2>"},
    }
    doc = parse_document(metadata, "Hunger & <script>alert(1)</script> ends here")
    work = CitedWork.from_document(doc)
    citation = cite(work, [(doc.blocks[0], "Hunger & <script>")], "chicago", today=TODAY)
    assert "<script>" not in citation.html and "<Roses>" not in citation.html
    assert "Hunger &amp; &lt;script&gt;" in citation.html
    assert "<i>Bread &amp; &lt;Roses&gt;</i>" in citation.html
    assert "A &lt;b&gt;site&lt;/b&gt;" in citation.html
    assert "&lt;2&gt;" in citation.html and "<2>" not in citation.html


def test_question_and_trailing_punctuation_follow_each_style(
    document: Document, work: CitedWork
) -> None:
    """CMOS 6.9 and 6.10 (full stop inside the closing quotation mark; a question mark
    inside only when it belongs to the quotation), MLA 6.3 and APA 8.25 (the sentence's
    full stop after the parenthetical reference; a question mark that belongs to the
    quotation stays inside it)."""
    question = words(document, "p1", "“Is it to be bureaucracy or self-activity of the masses?")
    assert cite(work, [question], "mla", today=TODAY).quotation == (
        "Kollontai writes, “Is it to be bureaucracy or self-activity of the masses?” "
        "(qtd. in “Kollontai on the Soviet Bureaucracy”)."
    )
    assert cite(work, [question], "chicago", today=TODAY).quotation == (
        "“Is it to be bureaucracy or self-activity of the masses?”"
    )
    assert cite(work, [question], "apa", today=TODAY).quotation == (
        "“Is it to be bureaucracy or self-activity of the masses?” "
        "(Kollontai, 1921, as cited in Alpha History, n.d., para. 2)."
    )
    phrase = words(document, "p3", "Some third person decides your fate:")
    assert cite(work, [phrase], "chicago", today=TODAY).quotation == (
        "“Some third person decides your fate.”"
    )
    assert cite(work, [phrase], "apa", today=TODAY).quotation.startswith(
        "“Some third person decides your fate” (Kollontai"
    )
    cut = words(document, "p4", "a hierarchy of permissions and decrees…")
    assert cite(work, [cut], "chicago", today=TODAY).quotation == (
        "“a hierarchy of permissions and decrees…”"
    )


def test_a_selection_over_paragraphs_counts_the_pages_paragraphs_in_apa_only(
    document: Document, work: CitedWork
) -> None:
    """APA 8.28 (a range of counted paragraphs: paras.); CMOS 14.22 and MLA 6.20: none."""
    parts = [
        words(document, "p7", "the future existence of the Communist Party itself."),
        words(document, "p8", "In order to do away with the bureaucracy"),
    ]
    assert cite(work, parts, "apa", today=TODAY).quotation.endswith("n.d., paras. 8–9).")
    for style in ("chicago", "mla"):
        assert "par" not in cite(work, parts, style, today=TODAY).plain_text.replace(
            "party", ""
        ).replace("Party", "")


def test_the_editors_words_are_cited_as_the_page(document: Document, work: CitedWork) -> None:
    """The heading and introduction are Alpha History's, not Kollontai's: CMOS 14.207 (the
    site's owner is one of the elements of a citation of website content, and leads the
    bibliography entry when the page names no author), MLA 6.9–6.10 (no
    author: the title leads, and its short form goes in the parenthesis), APA 10.16
    and 8.28 (the introduction is the page's paragraph 1)."""
    selection = [words(document, "editor-intro", "an essay strongly critical of the party")]
    chicago = cite(work, selection, "chicago", today=TODAY)
    assert chicago.plain_text == (
        "“an essay strongly critical of the party.”\n\n"
        f"Note: {PAGE} Alpha History, accessed December 3, 2026, {URL}.\n\n"
        "Bibliography: Alpha History. “Kollontai on the Soviet Bureaucracy (1921).” "
        f"Accessed December 3, 2026. {URL}."
    )
    mla = cite(work, selection, "mla", today=TODAY)
    assert mla.plain_text == (
        "“an essay strongly critical of the party” (“Kollontai on the Soviet Bureaucracy”)."
        f"\n\nWorks Cited: {MLA_WORKS_CITED}"
    )
    apa = cite(work, selection, "apa", today=TODAY)
    assert apa.plain_text == (
        "“an essay strongly critical of the party” (Alpha History, n.d., para. 1)."
        f"\n\nReference: {APA_REFERENCE}"
    )
    for citation in (mla, chicago, apa):
        assert "Kollontai, A" not in citation.plain_text
        assert "The Workers’ Opposition" not in citation.plain_text
    heading = [words(document, "heading", "Kollontai on the Soviet bureaucracy")]
    assert cite(work, heading, "apa", today=TODAY).quotation.endswith("(Alpha History, n.d.).")


def test_mixed_or_empty_selections_are_refused_plainly(document: Document, work: CitedWork) -> None:
    mixed = [
        words(document, "editor-intro", "both in the Communist Party and the Soviet government:"),
        words(document, "p1", "“Is it to be bureaucracy"),
    ]
    with pytest.raises(CitationError, match="mixes the editor’s introduction"):
        cite(work, mixed, CitationStyle.MLA)
    with pytest.raises(CitationError, match="Select some words"):
        cite(work, [], CitationStyle.APA)
    with pytest.raises(CitationError, match="Select some words"):
        cite(work, [(document.block("p1"), "  \n ")], CitationStyle.CHICAGO)


def test_quotable_drops_the_extracts_own_marks_and_nests_inner_quotes() -> None:
    assert quotable("“Is it to be bureaucracy") == "Is it to be bureaucracy"
    assert quotable("rapidly degenerated.”") == "rapidly degenerated."
    assert quotable("penned “The Workers’ Opposition”, an essay") == (
        "penned ‘The Workers’ Opposition’, an essay"
    )
    assert quotable("  two\nlines   here ") == "two lines here"


def test_styles_from_settings() -> None:
    assert CitationStyle.from_setting("apa") is CitationStyle.APA
    assert CitationStyle.from_setting("harvard") is CitationStyle.CHICAGO
    assert [style.short_label for style in CitationStyle] == ["Chicago", "MLA", "APA"]


# ----- texts from the library: book, EPUB, web article -------------------------------------------

BOOK = {
    "kind": "book",
    "title": "The Workers’ Opposition",
    "title_sentence": "The Workers’ Opposition",  # a proper name: capitals kept (APA 6.14)
    "author": "Alexandra Kollontai",
    "year": "1921",
    "edition_year": "1961",
    "translator": "Jane Doe",
    "publisher": "Solidarity",
    "place": "London",
}


def entries(metadata: dict, block) -> dict[str, tuple[str, str]]:
    work = CitedWork.from_metadata(metadata)
    found = {}
    for style in ("chicago", "mla", "apa"):
        in_text = cite_paragraph(work, block, style, today=TODAY)[0]
        found[style] = (in_text, plain(list_entry(work, style, today=TODAY)))
    return found


def test_a_translated_book(document: Document) -> None:
    """CMOS 14.20–14.21 ((Place: Publisher, Year) in the note, Place: Publisher, Year. in
    the bibliography) and 14.104 (trans. / Translated by, beside the author); MLA's other-
    contributor element (Translated by) with the author's name alone in the parenthesis
    (MLA 6.20: the app's paragraph numbers are not the book's); APA 10.2 ex. 30 (translated
    book: translator's initials, Trans., and the original date) and 8.15 (1921/1961)."""
    got = entries(BOOK, document.block("p3"))
    assert got["chicago"] == (
        "Alexandra Kollontai, The Workers’ Opposition, trans. Jane Doe (London: Solidarity, 1961).",
        "Kollontai, Alexandra. The Workers’ Opposition. Translated by Jane Doe. "
        "London: Solidarity, 1961.",
    )
    assert got["mla"] == (
        "(Kollontai)",
        "Kollontai, Alexandra. The Workers’ Opposition. Translated by Jane Doe, Solidarity, 1961.",
    )
    assert got["apa"] == (
        "(Kollontai, 1921/1961)",
        "Kollontai, A. (1961). The Workers’ Opposition (J. Doe, Trans.). Solidarity. "
        "(Original work published 1921)",
    )


def test_an_epub_whose_title_ends_with_a_question_mark(document: Document) -> None:
    """CMOS 14.161 (the e-book format after the facts: EPUB); MLA 5.49 (version: e-book ed.);
    APA 10.2 (an e-book is cited like a print book). In all three a title's own question
    mark replaces the full stop after it."""
    got = entries(
        {
            "kind": "epub",
            "title": "What Is to Be Done?",
            "author": "Vladimir Lenin",
            "year": "1902",
            "publisher": "Progress Publishers",
        },
        document.block("p1"),
    )
    assert got["chicago"] == (
        "Vladimir Lenin, What Is to Be Done? (Progress Publishers, 1902), EPUB.",
        "Lenin, Vladimir. What Is to Be Done? Progress Publishers, 1902. EPUB.",
    )
    assert got["mla"] == (
        "(Lenin)",
        "Lenin, Vladimir. What Is to Be Done? E-book ed., Progress Publishers, 1902.",
    )
    assert got["apa"] == (
        "(Lenin, 1902)",
        "Lenin, V. (1902). What Is to Be Done? Progress Publishers.",
    )


ARTICLE = {
    "kind": "web-article",
    "title": "The Workers’ Opposition in Ukraine, 1920s–1930s",
    "page_title": "The Workers’ Opposition in Ukraine, 1920s–1930s",
    "page_title_sentence": "The Workers’ Opposition in Ukraine, 1920s–1930s",
    "author": "Barbara C. Allen",
    "site": "Historical Materialism",
    "url": "https://www.historicalmaterialism.org/the-workers-opposition-in-ukraine",
}


def test_a_dated_web_article(document: Document) -> None:
    """CMOS 14.207 (author, “title,” site, date, URL; in the bibliography the date follows
    the site after a comma), MLA 5.95 (web article: “Title.” Site, date, address), APA 10.16
    (author, exact date, italic title, site name, URL)."""
    got = entries({**ARTICLE, "published": "2020-07-04"}, document.block("p1"))
    url = ARTICLE["url"]
    assert got["chicago"] == (
        "Barbara C. Allen, “The Workers’ Opposition in Ukraine, 1920s–1930s,” "
        f"Historical Materialism, July 4, 2020, {url}.",
        "Allen, Barbara C. “The Workers’ Opposition in Ukraine, 1920s–1930s.” "
        f"Historical Materialism, July 4, 2020. {url}.",
    )
    assert got["mla"] == (
        "(Allen)",
        "Allen, Barbara C. “The Workers’ Opposition in Ukraine, 1920s–1930s.” "
        f"Historical Materialism, 4 July 2020, {url.removeprefix('https://')}.",
    )
    assert got["apa"] == (
        "(Allen, 2020)",
        "Allen, B. C. (2020, July 4). The Workers’ Opposition in Ukraine, 1920s–1930s. "
        f"Historical Materialism. {url}",
    )


def test_an_undated_web_article_carries_the_access_date(document: Document) -> None:
    """CMOS 14.12 (accessed), 14.207 (bibliography: Accessed … as its own sentence);
    MLA 5.111 (Accessed at the end); APA 9.17 and 9.16 (n.d. and Retrieved … from)."""
    got = entries(ARTICLE, document.block("p1"))
    url = ARTICLE["url"]
    assert got["chicago"][1] == (
        "Allen, Barbara C. “The Workers’ Opposition in Ukraine, 1920s–1930s.” "
        f"Historical Materialism. Accessed December 3, 2026. {url}."
    )
    assert got["mla"][1].endswith(f"{url.removeprefix('https://')}. Accessed 3 Dec. 2026.")
    assert got["apa"] == (
        "(Allen, n.d.)",
        "Allen, B. C. (n.d.). The Workers’ Opposition in Ukraine, 1920s–1930s. "
        f"Historical Materialism. Retrieved December 3, 2026, from {url}",
    )


def test_the_bundled_texts_list_entries_for_the_study_edition(work: CitedWork) -> None:
    assert plain(list_entry(work, "chicago", today=TODAY)) == CHICAGO_BIBLIOGRAPHY
    assert plain(list_entry(work, "mla", today=TODAY)) == MLA_WORKS_CITED
    assert plain(list_entry(work, "apa", today=TODAY)) == APA_REFERENCE


def test_an_undated_book(document: Document) -> None:
    """Chicago puts n.d. where the year would go for a printed work with no date (CMOS 17
    “No date of publication”; checked against library guides, not the printed handbook);
    MLA 5.68 (publication date left out when there is none); APA 9.17 (n.d. in the
    reference and in the citation)."""
    got = entries(
        {"kind": "book", "title": "Pamphlets", "author": "Ann Other", "publisher": "Solidarity"},
        document.block("p2"),
    )
    assert got["chicago"] == (
        "Ann Other, Pamphlets (Solidarity, n.d.).",
        "Other, Ann. Pamphlets. Solidarity, n.d.",
    )
    assert got["mla"] == ("(Other)", "Other, Ann. Pamphlets. Solidarity.")
    assert got["apa"] == ("(Other, n.d.)", "Other, A. (n.d.). Pamphlets. Solidarity.")


def test_a_book_without_an_author_begins_with_its_title(document: Document) -> None:
    """A text added to the library with no author (a plain-text file, say) was cited as
    ", Title…" and ". Title…". CMOS 14.75 (an anonymous work begins with its title), MLA
    (the title takes the author's place, in the entry and in parentheses), APA 9.12 and
    8.14 (the title moves to the author's position, the date after it)."""
    got = entries(
        {"kind": "book", "title": "A Plain Book", "year": "2020", "publisher": "Pub House"},
        document.block("p1"),
    )
    assert got["chicago"] == ("A Plain Book (Pub House, 2020).", "A Plain Book. Pub House, 2020.")
    assert got["mla"] == ("(A Plain Book)", "A Plain Book. Pub House, 2020.")
    assert got["apa"] == ("(A Plain Book, 2020)", "A Plain Book. (2020). Pub House.")


def test_a_web_article_without_an_author_is_cited_by_its_site(document: Document) -> None:
    """With no author the site stands as the group author (APA 9.11, CMOS 14.207), and MLA
    begins with the title; nothing starts with a stray full stop or comma."""
    article = {key: value for key, value in ARTICLE.items() if key != "author"}
    got = entries({**article, "published": "2020-07-04"}, document.block("p1"))
    url = ARTICLE["url"]
    title = ARTICLE["page_title"]
    assert got["chicago"] == (
        f"“{title},” Historical Materialism, July 4, 2020, {url}.",
        f"Historical Materialism. “{title}.” July 4, 2020. {url}.",
    )
    assert got["mla"][1] == (
        f"“{title}.” Historical Materialism, 4 July 2020, {url.removeprefix('https://')}."
    )
    assert got["apa"] == (
        "(Historical Materialism, 2020)",
        f"Historical Materialism. (2020, July 4). {title}. {url}",
    )
    for _, entry in got.values():
        assert not entry.startswith((".", ",", " "))
