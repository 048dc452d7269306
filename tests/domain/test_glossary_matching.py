"""Glossary parsing and term matching, without Qt."""

from __future__ import annotations

import textwrap

import pytest

from reader_app.domain.glossary import (
    Category,
    GlossaryError,
    TermMatcher,
    find_occurrences,
    format_date_range,
    parse_glossary,
)
from reader_app.domain.text import load_document

SOURCE = (
    '[[entry.sources]]\nauthor = "A"\ntitle = "T"\nyear = 2000\nurl = "https://example.org/"\n'
    'accessed = "2026-12-03"\nsupports = ["start", "end"]\n'
)


def entry(entry_id: str, headword: str, aliases: list[str], **extra: str) -> str:
    fields = "".join(f'{key} = "{value}"\n' for key, value in extra.items())
    alias_list = ", ".join(f'"{a}"' for a in aliases)
    return (
        f'[[entry]]\nid = "{entry_id}"\nheadword = "{headword}"\naliases = [{alias_list}]\n'
        'category = "concept"\n'
        f'gloss = "Gloss of {headword}."\nexplanation = "Explanation."\n{fields}{SOURCE}'
    )


def glossary_of(*entries: str):
    return parse_glossary("\n".join(entries), source="sample.toml")


def test_longest_match_wins_and_words_are_whole() -> None:
    glossary = glossary_of(
        entry("wo", "Workers' Opposition", ["Workers' Opposition"]),
        entry("workers", "Workers", ["workers"]),
        entry("party", "Party", ["Party"]),
    )
    matcher = TermMatcher(glossary)
    text = "The Workers’ Opposition and the workers; partying is not the Party."
    found = [(entry_id, text[start:end]) for entry_id, start, end in matcher.find(text)]
    assert found == [
        ("wo", "Workers’ Opposition"),
        ("workers", "workers"),
        ("party", "Party"),
    ]


def test_straight_and_curly_apostrophes_and_case_match_alike() -> None:
    glossary = glossary_of(entry("wr", "Workers' republic", ["workers’ republic"]))
    matcher = TermMatcher(glossary)
    for text in ("a workers' republic", "a Workers’ Republic", "A WORKERS' REPUBLIC"):
        assert [m[0] for m in matcher.find(text)] == ["wr"], text


def test_possessive_and_hyphenated_forms_respect_boundaries() -> None:
    glossary = glossary_of(
        entry("k", "Kollontai", ["Kollontai"]), entry("sa", "Self-activity", ["self-activity"])
    )
    matcher = TermMatcher(glossary)
    text = "Kollontai’s essay on self-activity, not Kollontaism or self-activityism."
    assert [text[s:e] for _, s, e in matcher.find(text)] == ["Kollontai", "self-activity"]


def test_occurrences_carry_block_ids_and_offsets() -> None:
    document = load_document()
    glossary = glossary_of(entry("rt", "Red tape", ["red tape"]))
    occurrences = find_occurrences(document, glossary)
    assert [(o.block_id, o.matched) for o in occurrences] == [
        ("p2", "red tape"),
        ("p8", "red tape"),
    ]
    first = occurrences[0]
    assert document.block("p2").text[first.start : first.end] == "red tape"


def test_syntax_error_names_file_and_line() -> None:
    raw = entry("a", "A", ["a"]) + '\n[[entry]]\nid = "b\nheadword = "B"\n'
    with pytest.raises(GlossaryError, match=r"sample\.toml: not valid TOML: .*line 1[0-9]"):
        parse_glossary(raw, source="sample.toml")


def test_missing_field_names_line_and_field() -> None:
    raw = entry("a", "A", ["a"]) + '\n[[entry]]\nid = "b"\nheadword = "B"\ncategory = "concept"\n'
    with pytest.raises(
        GlossaryError, match=r"sample\.toml, line 17: entry 'b' lacks the text field 'gloss'$"
    ):
        parse_glossary(raw, source="sample.toml")


def test_duplicate_ids_unknown_see_also_and_unsafe_urls_are_refused() -> None:
    with pytest.raises(GlossaryError, match="used twice"):
        glossary_of(entry("a", "A", ["a"]), entry("a", "B", ["b"]))
    bad_see_also = entry("a", "A", ["a"]).replace(
        "[[entry.sources]]", 'see_also = ["nowhere"]\n[[entry.sources]]'
    )
    with pytest.raises(GlossaryError, match="unknown entry 'nowhere'"):
        glossary_of(bad_see_also)
    with pytest.raises(GlossaryError, match="must be http"):
        glossary_of(entry("a", "A", ["a"]).replace("https://example.org/", "javascript:alert(1)"))
    with pytest.raises(GlossaryError, match="YYYY"):
        glossary_of(entry("a", "A", ["a"], start="March 1921"))


def test_timeline_orders_dated_events_and_periods() -> None:
    raw = textwrap.dedent(
        """
        [[entry]]
        id = "later"
        headword = "Later"
        category = "event"
        gloss = "g."
        explanation = "e."
        start = "1921-03-08"
        [[entry.sources]]
        author = "A"
        title = "T"
        year = 2000
        supports = ["start", "end"]
        [[entry]]
        id = "earlier"
        headword = "Earlier"
        category = "period"
        gloss = "g."
        explanation = "e."
        start = "1918"
        end = "1921-03"
        [[entry.sources]]
        author = "A"
        title = "T"
        year = 2000
        supports = ["start", "end"]
        [[entry]]
        id = "person"
        headword = "Person"
        category = "person"
        gloss = "g."
        explanation = "e."
        start = "1900"
        [[entry.sources]]
        author = "A"
        title = "T"
        year = 2000
        supports = ["start", "end"]
        """
    )
    glossary = parse_glossary(raw, source="t.toml")
    assert [e.id for e in glossary.timeline()] == ["earlier", "later"]
    assert glossary.entry("earlier").category is Category.PERIOD


def test_date_ranges_read_naturally() -> None:
    assert format_date_range("1921-03-08", "1921-03-16") == "8–16 March 1921"
    assert format_date_range("1920-12-22", "1920-12-29") == "22–29 December 1920"
    assert format_date_range("1920-11-03", "1921-03-16") == "3 November 1920 – 16 March 1921"
    assert format_date_range("1918", "1921-03") == "1918 – March 1921"
    assert format_date_range("1917-12-20", None) == "20 December 1917"
    assert format_date_range(None, None) == ""


def test_filter_matches_headword_aliases_and_gloss_ignoring_apostrophes() -> None:
    glossary = glossary_of(entry("sa", "Self-activity", ["samodeyatelnost'"]))
    item = glossary.entry("sa")
    assert item.matches_filter("SAMODEYATELNOST’")
    assert item.matches_filter("gloss of self")
    assert not item.matches_filter("bureaucracy")
