"""Hostile input for the two new readers of metadata: a glossary's sources (TOML written by
hand) and a library text's citation metadata. Either is accepted or refused with the module's
own error; nothing else escapes, and nothing hangs."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from reader_app.domain.citation import (
    CitationError,
    CitationStyle,
    CitedWork,
    cite_paragraph,
    list_entry,
)
from reader_app.domain.glossary import GlossaryError, parse_glossary
from reader_app.domain.text import Block, Role

FIELDS = ["id", "headword", "category", "gloss", "explanation", "start", "end", "see_also"]
SOURCE_FIELDS = ["author", "title", "publisher", "year", "url", "accessed", "supports"]

toml_values = st.one_of(
    st.text(max_size=30).map(json.dumps),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.booleans().map(lambda flag: str(flag).lower()),
    st.sampled_from(['"https://www.liquisearch.com/x"', '"2026-12-03"', '"start"', '"concept"']),
    st.lists(st.text(max_size=8).map(json.dumps), max_size=3).map(lambda v: f"[{', '.join(v)}]"),
    st.just('["start", "end"]'),
)


@st.composite
def glossary_files(draw) -> str:
    lines = ["[[entry]]"]
    for key in draw(st.lists(st.sampled_from(FIELDS), unique=True)):
        lines.append(f"{key} = {draw(toml_values)}")
    for _ in range(draw(st.integers(0, 2))):
        lines.append("[[entry.sources]]")
        for key in draw(st.lists(st.sampled_from(SOURCE_FIELDS), unique=True)):
            lines.append(f"{key} = {draw(toml_values)}")
    return "\n".join(lines)


@settings(max_examples=300, deadline=500)
@given(glossary_files())
def test_any_glossary_file_is_read_or_refused_with_a_glossary_error(raw: str) -> None:
    try:
        parse_glossary(raw, source="fuzz.toml")
    except GlossaryError as error:
        assert str(error).startswith("fuzz.toml")


KEYS = [
    "kind", "title", "author", "year", "edition_year", "translator", "editor", "publisher",
    "place", "site", "url", "published", "modified", "page_title", "title_sentence",
]  # fmt: skip
metadata = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(max_size=5)),
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["book", "epub", "web-article", "web-excerpt", "2021-02-30", "1921"]),
    ),
    max_size=10,
)


@settings(max_examples=300, deadline=500)
@given(metadata, st.sampled_from(list(CitationStyle)))
def test_any_library_metadata_cites_or_is_refused_with_a_citation_error(meta, style) -> None:
    try:
        work = CitedWork.from_metadata(meta)
    except CitationError:
        return
    block = Block(id="p1", role=Role.BODY, text="words", number=1)
    in_text, _ = cite_paragraph(work, block, style, today=date(2026, 12, 3))
    assert in_text
    list_entry(work, style, today=date(2026, 12, 3))


def test_a_superscript_digit_is_no_year() -> None:
    """Found by the test above: "²".isdigit() is true, but int("²") raises ValueError."""
    work = CitedWork.from_metadata({"title": "A Text", "author": "Ann Author", "year": "²"})
    assert work.year is None
