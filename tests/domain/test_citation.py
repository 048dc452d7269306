"""Copy with Citation: the exact strings of both styles, for Kollontai's words and the editor's."""

from __future__ import annotations

import pytest

from reader_app.domain.citation import (
    CitationError,
    CitationStyle,
    CitedWork,
    cite,
    quotable,
)
from reader_app.domain.text import Document, parse_document

URL = "https://alphahistory.com/russianrevolution/kollontai-on-soviet-bureaucracy-1921/"
MLA_URL = URL.removeprefix("https://")
QUOTE = "Some third person decides your fate: this is the whole essence of bureaucracy."

CHICAGO_NOTE = (
    "Alexandra Kollontai, The Workers’ Opposition (1921), para. 3, translated extract in "
    f"“Kollontai on the Soviet Bureaucracy (1921),” Alpha History, {URL}."
)
CHICAGO_BIBLIOGRAPHY = (
    "Kollontai, Alexandra. The Workers’ Opposition. 1921. Translated extract in "
    f"“Kollontai on the Soviet Bureaucracy (1921).” Alpha History. {URL}."
)
MLA_WORKS_CITED = (
    "Kollontai, Alexandra. The Workers’ Opposition. 1921. Translated extract in "
    f"“Kollontai on the Soviet Bureaucracy (1921),” Alpha History, {MLA_URL}."
)


@pytest.fixture(scope="module")
def work(document: Document) -> CitedWork:
    return CitedWork.from_document(document)


def words(document: Document, block_id: str, text: str):
    """(block, text) as the reader's selection gives it, checking the words are there."""
    block = document.block(block_id)
    assert text in block.text
    return (block, text)


def test_the_cited_work_comes_from_the_text_metadata(work: CitedWork) -> None:
    assert work.author_inverted == "Kollontai, Alexandra"
    assert work.title == "The Workers’ Opposition"
    assert work.year == 1921
    assert work.translated
    assert work.page_title == "Kollontai on the Soviet Bureaucracy (1921)"
    assert work.page_short_title == "Kollontai on the Soviet Bureaucracy"
    assert (work.website, work.url) == ("Alpha History", URL)


def test_chicago_note_and_bibliography(document: Document, work: CitedWork) -> None:
    citation = cite(work, [words(document, "p3", QUOTE)], CitationStyle.CHICAGO)
    assert citation.plain_text == (
        f"“{QUOTE}”\n\nNote: {CHICAGO_NOTE}\n\nBibliography: {CHICAGO_BIBLIOGRAPHY}"
    )


def test_mla_in_text_reference_and_works_cited(document: Document, work: CitedWork) -> None:
    citation = cite(work, [words(document, "p3", QUOTE)], CitationStyle.MLA)
    assert citation.quotation == (
        "“Some third person decides your fate: this is the whole essence of bureaucracy” "
        "(Kollontai, par. 3)."
    )
    assert citation.plain_text == f"{citation.quotation}\n\nWorks Cited: {MLA_WORKS_CITED}"


def test_html_sets_titles_in_italics_and_links_the_address(
    document: Document, work: CitedWork
) -> None:
    chicago = cite(work, [words(document, "p3", QUOTE)], CitationStyle.CHICAGO)
    link = f'<a href="{URL}">{URL}</a>'
    assert chicago.html == (
        f"<p>“{QUOTE}”</p>"
        "<p>Note: Alexandra Kollontai, <i>The Workers’ Opposition</i> (1921), para. 3, "
        f"translated extract in “Kollontai on the Soviet Bureaucracy (1921),” Alpha History, "
        f"{link}.</p>"
        "<p>Bibliography: Kollontai, Alexandra. <i>The Workers’ Opposition</i>. 1921. "
        f"Translated extract in “Kollontai on the Soviet Bureaucracy (1921).” Alpha History. "
        f"{link}.</p>"
    )
    mla = cite(work, [words(document, "p3", QUOTE)], CitationStyle.MLA)
    assert mla.html.endswith(
        "<p>Works Cited: Kollontai, Alexandra. <i>The Workers’ Opposition</i>. 1921. "
        "Translated extract in “Kollontai on the Soviet Bureaucracy (1921),” "
        f"<i>Alpha History</i>, {MLA_URL}.</p>"
    )


def test_html_escapes_every_value(document: Document) -> None:
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
    citation = cite(CitedWork.from_document(doc), [(doc.blocks[0], "Hunger & <script>")], "mla")
    assert "<script>" not in citation.html and "<Roses>" not in citation.html
    assert "Hunger &amp; &lt;script&gt;" in citation.html
    assert "<i>Bread &amp; &lt;Roses&gt;</i>" in citation.html
    assert "<i>A &lt;b&gt;site&lt;/b&gt;</i>" in citation.html
    assert "example.org/?a=1&amp;b=&lt;2&gt;" in citation.html
    assert citation.quotation == "“Hunger & <script>” (O’Nym, par. 1)."


def test_question_and_trailing_punctuation_follow_each_style(
    document: Document, work: CitedWork
) -> None:
    question = words(document, "p1", "“Is it to be bureaucracy or self-activity of the masses?")
    assert cite(work, [question], CitationStyle.MLA).quotation == (
        "“Is it to be bureaucracy or self-activity of the masses?” (Kollontai, par. 1)."
    )
    assert cite(work, [question], CitationStyle.CHICAGO).quotation == (
        "“Is it to be bureaucracy or self-activity of the masses?”"
    )
    phrase = words(document, "p3", "Some third person decides your fate:")
    assert cite(work, [phrase], CitationStyle.MLA).quotation == (
        "“Some third person decides your fate” (Kollontai, par. 3)."
    )
    assert cite(work, [phrase], CitationStyle.CHICAGO).quotation == (
        "“Some third person decides your fate.”"
    )
    cut = words(document, "p4", "a hierarchy of permissions and decrees…")
    assert cite(work, [cut], CitationStyle.MLA).quotation == (
        "“a hierarchy of permissions and decrees…” (Kollontai, par. 4)."
    )
    assert cite(work, [cut], CitationStyle.CHICAGO).quotation == (
        "“a hierarchy of permissions and decrees…”"
    )


def test_a_selection_over_paragraphs_cites_the_range(document: Document, work: CitedWork) -> None:
    parts = [
        words(document, "p7", "the future existence of the Communist Party itself."),
        words(document, "p8", "In order to do away with the bureaucracy"),
    ]
    mla = cite(work, parts, CitationStyle.MLA)
    assert mla.quotation == (
        "“the future existence of the Communist Party itself. In order to do away with the "
        "bureaucracy” (Kollontai, pars. 7–8)."
    )
    chicago = cite(work, parts, CitationStyle.CHICAGO)
    assert chicago.entry("Note").startswith(
        "Alexandra Kollontai, The Workers’ Opposition (1921), paras. 7–8, translated extract"
    )


def test_the_editors_introduction_is_cited_as_alpha_historys(
    document: Document, work: CitedWork
) -> None:
    selection = [words(document, "editor-intro", "an essay strongly critical of the party")]
    mla = cite(work, selection, CitationStyle.MLA)
    assert mla.plain_text == (
        "“an essay strongly critical of the party” (“Kollontai on the Soviet Bureaucracy”)."
        f"\n\nWorks Cited: “Kollontai on the Soviet Bureaucracy (1921).” Alpha History, {MLA_URL}."
    )
    chicago = cite(work, selection, CitationStyle.CHICAGO)
    assert chicago.plain_text == (
        "“an essay strongly critical of the party.”\n\n"
        f"Note: “Kollontai on the Soviet Bureaucracy (1921),” introduction, Alpha History, {URL}."
        f"\n\nBibliography: Alpha History. “Kollontai on the Soviet Bureaucracy (1921).” {URL}."
    )
    for citation in (mla, chicago):
        assert "Kollontai, Alexandra" not in citation.plain_text
        assert "The Workers’ Opposition" not in citation.plain_text


def test_the_heading_is_cited_as_the_page_without_a_locator(
    document: Document, work: CitedWork
) -> None:
    heading = [words(document, "heading", "Kollontai on the Soviet bureaucracy")]
    chicago = cite(work, heading, CitationStyle.CHICAGO)
    assert chicago.entry("Note") == (
        f"“Kollontai on the Soviet Bureaucracy (1921),” Alpha History, {URL}."
    )
    both = [heading[0], words(document, "editor-intro", "In 1921")]
    assert "introduction, Alpha History" in cite(work, both, CitationStyle.CHICAGO).entry("Note")


def test_mixed_or_empty_selections_are_refused_plainly(document: Document, work: CitedWork) -> None:
    mixed = [
        words(document, "editor-intro", "both in the Communist Party and the Soviet government:"),
        words(document, "p1", "“Is it to be bureaucracy"),
    ]
    with pytest.raises(CitationError, match="mixes the editor’s introduction"):
        cite(work, mixed, CitationStyle.MLA)
    with pytest.raises(CitationError, match="Select some words"):
        cite(work, [], CitationStyle.MLA)
    with pytest.raises(CitationError, match="Select some words"):
        cite(work, [(document.block("p1"), "  \n ")], CitationStyle.CHICAGO)


def test_quotable_drops_the_extracts_own_marks_and_nests_inner_quotes() -> None:
    assert quotable("“Is it to be bureaucracy") == "Is it to be bureaucracy"
    assert quotable("rapidly degenerated.”") == "rapidly degenerated."
    assert quotable("penned “The Workers’ Opposition”, an essay") == (
        "penned ‘The Workers’ Opposition’, an essay"
    )
    assert quotable("  two\nlines   here ") == "two lines here"


def test_an_unknown_stored_style_falls_back_to_chicago() -> None:
    assert CitationStyle.from_setting("mla") is CitationStyle.MLA
    assert CitationStyle.from_setting("apa") is CitationStyle.CHICAGO


def test_a_text_without_citation_metadata_still_cites_sensibly() -> None:
    metadata = {
        "id": "t",
        "title": "What Is to Be Done?",
        "author": "Vladimir Lenin",
        "year": 1902,
        "blocks": [{"id": "p1", "role": "body"}],
    }
    doc = parse_document(metadata, "Without revolutionary theory there can be no movement.")
    work = CitedWork.from_document(doc)
    assert not work.has_container
    selection = [(doc.blocks[0], "revolutionary theory")]
    assert cite(work, selection, CitationStyle.MLA).plain_text == (
        "“revolutionary theory” (Lenin, par. 1).\n\n"
        "Works Cited: Lenin, Vladimir. What Is to Be Done? 1902."
    )
    assert cite(work, selection, CitationStyle.CHICAGO).plain_text == (
        "“revolutionary theory.”\n\nNote: Vladimir Lenin, What Is to Be Done? (1902), para. 1."
        "\n\nBibliography: Lenin, Vladimir. What Is to Be Done? 1902."
    )
