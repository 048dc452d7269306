"""Our exports imported by Anki itself (the ``anki`` package, a test-only dependency).

Reading our own files back proves little about what Anki accepts; this imports them into a
fresh Anki collection in a temporary folder, exactly as Anki's File > Import does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader_app.domain.anchors import make_anchor
from reader_app.domain.cards_export import build_apkg, build_csv
from reader_app.domain.glossary import Glossary, load_glossary
from reader_app.domain.notes import passage_note
from reader_app.domain.review import (
    ReviewCard,
    SourceIndex,
    cloze_card,
    glossary_cards,
    question_card,
    resolve,
)
from reader_app.domain.text import Document, load_document
from reader_app.paths import resource_root

anki_collection = pytest.importorskip(
    "anki.collection",
    reason="the 'anki' package (test extra) is not installed; pip install -e '.[test]' adds it",
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def document() -> Document:
    return load_document()


@pytest.fixture(scope="module")
def glossary(document: Document) -> Glossary:
    return load_glossary(resource_root() / "glossary" / document.glossary_file)


@pytest.fixture
def anki(tmp_path: Path):
    """A new, empty Anki collection in the test's own folder."""
    (tmp_path / "anki").mkdir()
    collection = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield collection
    collection.close()


def study_cards(document: Document, glossary: Glossary) -> list[ReviewCard]:
    glossary_side = [
        card
        for entry_id in ("red-tape", "bureaucracy", "self-activity")
        for card in glossary_cards(
            document.id, glossary.entry(entry_id), title=document.title, reverse=True
        )
    ]
    text = document.block("p3").text
    phrase = "Some third person decides your fate"
    start = text.index(phrase)
    note = passage_note(
        make_anchor(document, "p3", start, start + len(phrase)), "<i>who</i>\x1f decides?", now=NOW
    )
    hide = [(phrase.index(w), phrase.index(w) + len(w)) for w in ("third", "fate")]
    return [
        *glossary_side,
        cloze_card(document.id, note, hide, document),
        question_card(document.id, note, document),
    ]


def import_apkg(collection, path: Path) -> None:
    options = anki_collection.ImportAnkiPackageOptions(with_scheduling=False)
    request = anki_collection.ImportAnkiPackageRequest(package_path=str(path), options=options)
    collection.import_anki_package(request)


def test_anki_imports_the_package_and_a_second_export_updates_instead_of_duplicating(
    anki, document, glossary, tmp_path
) -> None:
    cards = study_cards(document, glossary)
    first = tmp_path / "first.apkg"
    first.write_bytes(build_apkg(cards, now=NOW, titles={document.id: document.title}))
    import_apkg(anki, first)

    assert anki.note_count() == len(cards) == 8
    assert anki.card_count() == 8  # the cloze hides both words together: one card
    deck = anki.decks.by_name(f"Study Reader::{document.title}")
    assert deck is not None and len(anki.find_cards(f"did:{deck['id']}")) == 8
    notes = notes_by_guid(anki)
    assert set(notes) == {card.id for card in cards}
    cloze = notes[cards[-2].id]
    assert cloze.note_type()["name"] == "Study Reader Cloze"
    assert "{{c1::third}}" in cloze["Text"] and "{{c1::fate}}" in cloze["Text"]
    assert cloze["Back Extra"] == "&lt;i&gt;who&lt;/i&gt;&#31; decides?"  # one field still
    shown = cloze.cards()[0].question()  # as Anki renders it for review
    assert (
        shown.count(">[...]</span>") == 2 and "your fate" not in shown and "Some third" not in shown
    )
    question = notes[cards[-1].id].cards()[0].question()
    assert "<i>" not in question and "&lt;i&gt;who&lt;/i&gt;&#31; decides?" in question

    corrected = replace(glossary.entry("red-tape"), gloss="Corrected: rule-bound procedure.")
    sources = SourceIndex.of(
        [document],
        {
            document.id: Glossary(
                tuple(corrected if e.id == "red-tape" else e for e in glossary.entries)
            )
        },
    )
    again = [resolve(card, sources) for card in cards]
    second = tmp_path / "second.apkg"
    second.write_bytes(
        build_apkg(again, now=NOW + timedelta(days=1), titles={document.id: document.title})
    )
    import_apkg(anki, second)

    assert anki.note_count() == 8 and anki.card_count() == 8
    names = [model.name for model in anki.models.all_names_and_ids()]
    assert names.count("Study Reader Basic") == names.count("Study Reader Cloze") == 1
    red_tape = notes_by_guid(anki)[cards[0].id]
    assert red_tape["Back"].startswith("Corrected: rule-bound procedure.")
    assert notes_by_guid(anki)[cards[2].id]["Back"] == notes[cards[2].id]["Back"]  # untouched


def notes_by_guid(collection) -> dict:
    return {note.guid: note for note in map(collection.get_note, collection.find_notes(""))}


def test_anki_reads_the_csv(anki, document, glossary, tmp_path) -> None:
    cards = study_cards(document, glossary)
    path = tmp_path / "cards.csv"
    path.write_text(build_csv(cards), encoding="utf-8")
    metadata = anki.get_csv_metadata(str(path), None)
    anki.import_csv(anki_collection.ImportCsvRequest(path=str(path), metadata=metadata))
    assert anki.note_count() == len(cards)
    tags = {tag for nid in anki.find_notes("") for tag in anki.get_note(nid).tags}
    assert {"study-reader", "glossary", "glossary-reverse", "cloze", "question"} <= tags
