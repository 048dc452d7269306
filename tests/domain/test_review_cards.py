"""Review cards from each source, rendered from the current source, kept when it is gone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from reader_app.domain.anchors import make_anchor
from reader_app.domain.glossary import Glossary, load_glossary
from reader_app.domain.notes import Note, free_note, passage_note
from reader_app.domain.review import (
    CLOZE_BLANK,
    CardError,
    CardKind,
    SourceIndex,
    SourceKind,
    anki_html,
    basic_html,
    cloze_card,
    cloze_field_html,
    glossary_cards,
    question_card,
    resolve,
    saved_word_card,
    sentence_around,
)
from reader_app.domain.text import Document, load_document
from reader_app.paths import resource_root

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def document() -> Document:
    return load_document()


@pytest.fixture(scope="module")
def glossary(document: Document) -> Glossary:
    return load_glossary(resource_root() / "glossary" / document.glossary_file)


def note_on(document: Document, block_id: str, phrase: str, body: str = "") -> Note:
    text = document.block(block_id).text
    start = text.index(phrase)
    anchor = make_anchor(document, block_id, start, start + len(phrase))
    return passage_note(anchor, body, now=NOW)


def span(quote: str, word: str) -> tuple[int, int]:
    start = quote.index(word)
    return start, start + len(word)


def test_glossary_entry_gives_a_card_and_optionally_its_reverse(glossary, document) -> None:
    entry = glossary.entry("red-tape")
    (forward,) = glossary_cards(document.id, entry, title=document.title)
    assert forward.kind is CardKind.GLOSSARY
    assert forward.source.kind is SourceKind.GLOSSARY_ENTRY and forward.source.id == "red-tape"
    assert forward.text_id == forward.deck == document.id
    assert forward.snapshot.front == "Red tape"
    assert (
        forward.snapshot.back.startswith(entry.gloss) and entry.explanation in forward.snapshot.back
    )

    both = glossary_cards(document.id, entry, title=document.title, reverse=True)
    assert [c.kind for c in both] == [CardKind.GLOSSARY, CardKind.GLOSSARY_REVERSE]
    assert both[1].snapshot.front == entry.gloss and both[1].snapshot.back.startswith("Red tape")
    assert len({c.id for c in both}) == 2


def test_ids_are_stable_and_differ_by_text_and_kind(glossary, document) -> None:
    entry = glossary.entry("bureaucracy")
    first = glossary_cards(document.id, entry, reverse=True)
    again = glossary_cards(document.id, entry, reverse=True)
    other_text = glossary_cards("another-text", entry, reverse=True)
    assert [c.id for c in first] == [c.id for c in again]
    assert not {c.id for c in first} & {c.id for c in other_text}


def test_cloze_hides_the_chosen_words_and_shows_paragraph_and_title(document) -> None:
    note = note_on(document, "p3", "Some third person decides your fate", "Who decides?")
    quote = note.quote
    card = cloze_card(document.id, note, [span(quote, "fate"), span(quote, "third")], document)
    assert card.kind is CardKind.CLOZE and card.cloze == (span(quote, "third"), span(quote, "fate"))
    faces = card.snapshot
    assert faces.front == f"Some {CLOZE_BLANK} person decides your {CLOZE_BLANK}"
    assert faces.back == "Some [third] person decides your [fate]\n\nWho decides?"
    assert faces.passage_label == "¶3" and faces.title == document.title


@pytest.mark.parametrize(
    ("ranges", "message"),
    [([], "at least one"), ([(0, 500)], "not inside"), ([(0, 6), (3, 9)], "overlaps"),
     ([(4, 5)], "only spaces")],
)  # fmt: skip
def test_cloze_ranges_are_checked(document, ranges, message) -> None:
    note = note_on(document, "p3", "Some third person decides your fate")
    with pytest.raises(CardError, match=message):
        cloze_card(document.id, note, ranges, document)


def test_question_card_puts_the_note_on_the_chosen_side(document) -> None:
    note = note_on(document, "p3", "Some third person decides your fate", "What is bureaucracy?")
    asks = question_card(document.id, note, document)
    assert (asks.snapshot.front, asks.snapshot.back) == (
        "What is bureaucracy?", "Some third person decides your fate",
    )  # fmt: skip
    answers = question_card(document.id, note, document, note_is_question=False)
    assert answers.snapshot.front == note.quote and answers.snapshot.back == note.body
    assert answers.id == asks.id  # one question card per note, whichever way round
    with pytest.raises(CardError, match="passage"):
        question_card(document.id, free_note("loose thought", now=NOW), document)
    with pytest.raises(CardError, match="empty"):
        question_card(document.id, note_on(document, "p3", "Some third"), document)


def test_sentence_is_found_around_the_word() -> None:
    text = "First one. Then “the second!” And a third? Last"
    assert sentence_around(text, text.index("second"), text.index("second") + 6) == (
        "Then “the second!”"
    )
    assert sentence_around(text, 0, 5) == "First one."
    assert sentence_around(text, len(text) - 4, len(text)) == "Last"


def test_saved_word_keeps_sentence_anchor_and_glossary_gloss(document, glossary) -> None:
    text = document.block("p3").text
    start = text.index("bureaucracy")
    card = saved_word_card(document, "p3", start, start + len("bureaucracy"), glossary)
    saved = card.saved_word
    assert card.kind is CardKind.WORD and saved is not None
    assert saved.word == "bureaucracy"
    assert (
        saved.sentence
        == "Some third person decides your fate: this is the whole essence of bureaucracy."
    )
    assert (saved.anchor.text_id, saved.anchor.block_id) == (document.id, "p3")
    assert text[saved.anchor.start : saved.anchor.end] == "bureaucracy"
    assert saved.glossary_entry_id == "bureaucracy"
    assert card.snapshot.front == "bureaucracy" and card.snapshot.passage_label == "¶3"
    assert glossary.entry("bureaucracy").gloss in card.snapshot.back


def test_saved_word_inside_a_longer_alias_gets_that_entry(document, glossary) -> None:
    text = document.block("p2").text
    start = text.index("red tape") + len("red ")
    card = saved_word_card(document, "p2", start, start + len("tape"), glossary)
    assert card.saved_word and card.saved_word.glossary_entry_id == "red-tape"


def test_saved_word_without_glossary_entry_and_bad_selections(document, glossary) -> None:
    text = document.block("p3").text
    start = text.index("decisions")
    card = saved_word_card(document, "p3", start, start + len("decisions"), glossary)
    assert card.saved_word and card.saved_word.glossary_entry_id is None
    assert card.snapshot.back == card.saved_word.sentence
    with pytest.raises(CardError, match="no block"):
        saved_word_card(document, "nowhere", 0, 3, glossary)
    with pytest.raises(CardError, match="Select a word"):
        saved_word_card(document, "p3", 5, 5, glossary)


def test_edited_sources_reach_their_cards(document, glossary) -> None:
    note = note_on(document, "p3", "Some third person decides your fate", "first thought")
    cloze = cloze_card(document.id, note, [span(note.quote, "fate")], document)
    (entry_card,) = glossary_cards(document.id, glossary.entry("red-tape"))
    edited_entry = replace(glossary.entry("red-tape"), gloss="A corrected gloss.")
    edited_glossary = Glossary(
        tuple(edited_entry if e.id == "red-tape" else e for e in glossary.entries)
    )
    sources = SourceIndex.of(
        [document], {document.id: edited_glossary}, [note.edited(body="second thought", now=NOW)]
    )
    assert resolve(entry_card, sources).snapshot.back.startswith("A corrected gloss.")
    assert resolve(cloze, sources).snapshot.back.endswith("second thought")
    assert not resolve(cloze, sources).source_missing


def test_a_card_whose_source_is_deleted_is_kept_and_marked(document, glossary) -> None:
    note = note_on(document, "p3", "Some third person decides your fate", "my thought")
    cloze = cloze_card(document.id, note, [span(note.quote, "fate")], document)
    (entry_card,) = glossary_cards(document.id, glossary.entry("red-tape"))
    empty = SourceIndex.of([document], {document.id: Glossary(())}, [])
    for card in (cloze, entry_card):
        gone = resolve(card, empty)
        assert gone.source_missing and gone.snapshot == card.snapshot and gone.id == card.id
    back = SourceIndex.of([document], {document.id: glossary}, [note])
    assert not resolve(resolve(cloze, empty), back).source_missing  # undo brings it back


def test_saved_word_follows_its_entry_and_survives_its_deletion(document, glossary) -> None:
    text = document.block("p3").text
    start = text.index("bureaucracy")
    card = saved_word_card(document, "p3", start, start + len("bureaucracy"), glossary)
    without = SourceIndex.of([document], {document.id: Glossary(())})
    resolved = resolve(card, without)
    assert not resolved.source_missing  # the word is its own source
    assert resolved.snapshot.back == card.saved_word.sentence


HOSTILE = '<script>alert(1)</script> {{c2::x}} [sound:a.mp3] & "q" <img src=x onerror=y>'


def test_hostile_text_stays_text_in_every_rendering(document) -> None:
    quote_phrase = "Some third person decides your fate"
    note = note_on(document, "p3", quote_phrase, HOSTILE)
    cloze = cloze_card(document.id, note, [span(note.quote, "fate")], document)
    question = question_card(document.id, note, document)
    assert HOSTILE in cloze.snapshot.back and question.snapshot.front == HOSTILE  # plain text
    text_field, extra = cloze_field_html(cloze)
    front, _ = basic_html(question)
    for markup in (extra, front):
        assert "<script" not in markup and "<img" not in markup
        assert "{{c2" not in markup and "[sound:" not in markup
        assert "&lt;script&gt;" in markup
    assert text_field.count("{{c1::") == 1 and "{{c1::fate}}" in text_field
    assert anki_html("a\nb") == "a<br>b"


def test_hidden_words_cannot_carry_an_anki_hint(document) -> None:
    anchor = replace(make_anchor(document, "p3", 0, 4), exact="Ratio: a::b")
    note = passage_note(anchor, "", now=NOW)
    card = cloze_card(document.id, note, [(7, 11)], document)
    field, _ = cloze_field_html(card)
    assert "{{c1::a&#58;&#58;b}}" in field
