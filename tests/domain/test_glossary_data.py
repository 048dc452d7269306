"""The bundled glossary: complete, consistent, sourced, and matched to the text it serves."""

from __future__ import annotations

import re

import pytest

from reader_app.domain.glossary import (
    Category,
    TermMatcher,
    find_occurrences,
    is_mirror,
    load_glossary,
)
from reader_app.domain.text import load_document
from reader_app.domain.typography import fold
from reader_app.paths import resource_root

# One id per group of the coverage list (shared/glossary-coverage.md), in its order.
REQUIRED_IDS = [
    "self-activity", "bureaucracy", "red-tape", "central-institutions", "decrees",
    "soviet-institutions", "workers-republic", "productive-forces", "class-creative-powers",
    "one-person-management", "freedom-of-criticism", "confusion-of-the-present-period",
    "marxism", "kollontai", "shliapnikov", "medvedev", "lutovinov", "lenin", "trotsky",
    "tomsky", "zinoviev", "workers-opposition", "rkp-b", "democratic-centralists",
    "trade-unions", "vesenkha", "sovnarkom", "soviets", "comintern", "cheka", "civil-war",
    "war-communism", "trade-union-debate", "eighth-congress-of-soviets", "kronstadt",
    "tenth-congress", "party-unity-resolution", "nep", "letter-of-the-twenty-two", "the-pamphlet",
]  # fmt: skip

# The entries a tutor expects for this extract (issue 15): each linked both ways.
TUTOR_IDS = [
    "congress-of-producers", "platform-of-the-ten", "bukharin", "ninth-party-conference",
    "ninth-party-congress", "zhenotdel", "workers-control", "rabkrin", "tsektran",
    "bourgeois-specialists", "stalin", "pankhurst",
]  # fmt: skip

# Jargon a reader meets unexplained elsewhere: every entry that uses the word must say what it
# means in the same sentence (one of the defining words must be there).
JARGON = {
    "collegia": ("board",),
    "glavkism": ("over-centralised", "glavki", "head offices"),
    "statified": ("organs of the state", "merged into"),
    "petty-bourgeois": ("small owners", "small property"),
}


@pytest.fixture(scope="module")
def document():
    return load_document()


@pytest.fixture(scope="module")
def glossary(document):
    return load_glossary(resource_root() / "glossary" / document.glossary_file)


def normalise(text: str) -> str:
    return fold(text).casefold().strip()


def test_covers_every_group_with_at_least_forty_entries(glossary) -> None:
    assert len(glossary) >= 40
    missing = [entry_id for entry_id in REQUIRED_IDS + TUTOR_IDS if entry_id not in glossary]
    assert missing == []


def test_the_tutors_entries_are_linked_both_ways(glossary) -> None:
    for entry_id in TUTOR_IDS:
        entry = glossary.entry(entry_id)
        assert len(entry.see_also) >= 2, entry_id
        for target in entry.see_also:
            assert entry_id in glossary.entry(target).see_also, f"{target} does not link back"


def test_every_source_can_be_found_again_and_none_is_a_mirror(glossary) -> None:
    for entry in glossary.entries:
        for source in entry.sources:
            where = f"{entry.id}: {source.title}"
            assert source.author.strip() and source.title.strip(), where
            assert source.year or source.url, f"{where}: no publication year and no address"
            if source.url:
                assert source.url.startswith(("https://", "http://")), where
                assert not is_mirror(source.url), f"{where}: {source.url} is a mirror"
                assert source.accessed and re.fullmatch(r"\d{4}-\d{2}-\d{2}", source.accessed)
                assert source.year is None or source.year <= int(source.accessed[:4]), where
            if source.year is not None:
                assert 1500 <= source.year <= 2026, where  # a publication year, not an access


def test_every_date_shown_is_backed_by_a_source(glossary) -> None:
    for entry in glossary.entries:
        for key in ("start", "end"):
            if getattr(entry, key):
                assert any(key in source.supports for source in entry.sources), (entry.id, key)


def test_typography_is_consistent(glossary) -> None:
    for entry in glossary.entries:
        texts = [entry.headword, entry.gloss, entry.explanation]
        texts += [f"{source.author} {source.title}" for source in entry.sources]
        for text in texts:
            assert '"' not in text, f"{entry.id}: straight double quote in {text[:60]!r}"
            assert "'" not in text, f"{entry.id}: straight apostrophe in {text[:60]!r}"
            assert not re.search(r"\d-\d", text), f"{entry.id}: hyphen in a range: {text[:60]!r}"
            assert " - " not in text, f"{entry.id}: spaced hyphen used as a dash"
            assert text.count("“") == text.count("”"), f"{entry.id}: unbalanced quotes"


@pytest.mark.parametrize("word", sorted(JARGON))
def test_jargon_is_defined_where_it_is_used(glossary, word: str) -> None:
    users = 0
    for entry in glossary.entries:
        text = f"{entry.gloss} {entry.explanation}"
        match = re.search(rf"[^.]*\b{re.escape(word)}\b[^.]*", text, re.IGNORECASE)
        if not match:
            continue
        users += 1
        sentence = match.group(0).casefold()
        assert any(d in sentence for d in JARGON[word]), f"{entry.id}: {word!r} undefined"
    assert users, f"no entry explains {word!r}"


def test_entries_are_complete_and_sourced(glossary) -> None:
    for entry in glossary.entries:
        words = len(entry.explanation.split())
        assert 80 <= words <= 250, f"{entry.id}: explanation has {words} words"
        assert entry.gloss.endswith((".", "?", "!")) and entry.gloss.count(". ") == 0, entry.id
        assert entry.sources, entry.id
        for source in entry.sources:
            assert source.author and source.title, entry.id
            assert source.url is None or source.url.startswith(("https://", "http://")), entry.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.id), entry.id
        assert "<" not in entry.explanation and "<" not in entry.gloss, entry.id


def test_people_have_life_dates_and_events_have_dates(glossary) -> None:
    for entry in glossary.entries:
        if entry.category in (Category.PERSON, Category.EVENT, Category.PERIOD):
            assert entry.start, f"{entry.id} has no start date"
        if entry.start and entry.end:
            assert entry.start <= entry.end, entry.id


def test_no_alias_belongs_to_two_entries(glossary) -> None:
    owner: dict[str, str] = {}
    for entry in glossary.entries:
        for alias in {normalise(a) for a in (entry.headword, *entry.aliases)}:
            assert owner.setdefault(alias, entry.id) == entry.id, (
                f"{alias!r} is claimed by {owner[alias]} and {entry.id}"
            )


def test_every_match_belongs_to_its_entry(document, glossary) -> None:
    for occurrence in find_occurrences(document, glossary):
        entry = glossary.entry(occurrence.entry_id)
        forms = {normalise(a) for a in (entry.headword, *entry.aliases)}
        assert normalise(occurrence.matched) in forms


def test_context_flag_matches_the_text(document, glossary) -> None:
    found = {o.entry_id for o in find_occurrences(document, glossary)}
    for entry in glossary.entries:
        alone = TermMatcher(type(glossary)((entry,)))
        occurs = any(alone.find(block.text) for block in document.blocks)
        assert entry.context is (not occurs), f"{entry.id}: context={entry.context}"
        if not entry.context:
            assert entry.id in found or occurs


def test_key_terms_of_the_extract_are_marked(document, glossary) -> None:
    found = {o.entry_id for o in find_occurrences(document, glossary)}
    for entry_id in (
        "self-activity",
        "bureaucracy",
        "red-tape",
        "decrees",
        "workers-opposition",
        "soviet-institutions",
        "workers-republic",
        "marxism",
        "kollontai",
        "rkp-b",
    ):
        assert entry_id in found, entry_id
