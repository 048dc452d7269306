"""The .apkg and CSV exports read back with the standard library: layout, ids, escaping."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader_app.domain.anchors import make_anchor
from reader_app.domain.cards_export import (
    BASIC_MODEL_ID,
    CLOZE_MODEL_ID,
    MISSING_SOURCE_TAG,
    build_apkg,
    build_csv,
    deck_id,
)
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

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOSTILE = '<b onclick="x()">bold</b> {{c2::leak}} [sound:x.mp3]'


@pytest.fixture(scope="module")
def document() -> Document:
    return load_document()


@pytest.fixture(scope="module")
def glossary(document: Document) -> Glossary:
    return load_glossary(resource_root() / "glossary" / document.glossary_file)


@pytest.fixture(scope="module")
def cards(document: Document, glossary: Glossary) -> list[ReviewCard]:
    """Two glossary cards (one entry, both ways), a cloze card and a question card."""
    text = document.block("p3").text
    phrase = "Some third person decides your fate"
    start = text.index(phrase)
    note = passage_note(
        make_anchor(document, "p3", start, start + len(phrase)), HOSTILE, tags=["power"], now=NOW
    )
    fate = phrase.index("fate")
    return [
        *glossary_cards(
            document.id, glossary.entry("red-tape"), title=document.title, reverse=True
        ),
        cloze_card(document.id, note, [(fate, fate + 4)], document),
        question_card(document.id, note, document),
    ]


def open_package(data: bytes, folder: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert sorted(package.namelist()) == ["collection.anki2", "media"]
        assert json.loads(package.read("media")) == {}
        (folder / "collection.anki2").write_bytes(package.read("collection.anki2"))
    return sqlite3.connect(folder / "collection.anki2")


def test_the_package_is_a_schema_11_collection_with_notes_cards_decks_and_models(
    cards, document, tmp_path
) -> None:
    data = build_apkg(cards, now=NOW, titles={document.id: document.title}, tags={})
    database = open_package(data, tmp_path)
    try:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        version, models_json, decks_json = database.execute(
            "SELECT ver, models, decks FROM col"
        ).fetchone()
        assert version == 11
        models = json.loads(models_json)
        assert {m["type"] for m in models.values()} == {0, 1}
        assert [f["name"] for f in models[str(BASIC_MODEL_ID)]["flds"]] == ["Front", "Back"]
        assert models[str(CLOZE_MODEL_ID)]["tmpls"][0]["qfmt"] == "{{cloze:Text}}"
        decks = json.loads(decks_json)
        assert decks[str(deck_id(document.id))]["name"] == f"Study Reader::{document.title}"

        rows = database.execute("SELECT guid, id, mid, flds, tags, mod FROM notes").fetchall()
        notes = {row[0]: row[1:] for row in rows}
        assert len(rows) == len(notes) == len(cards)
        assert set(notes) == {c.id for c in cards}  # GUID = the card's stable id
        mids = [notes[c.id][1] for c in cards]
        assert mids == [BASIC_MODEL_ID, BASIC_MODEL_ID, CLOZE_MODEL_ID, BASIC_MODEL_ID]
        assert all(n[4] == int(NOW.timestamp()) for n in notes.values())
        assert all(len(n[2].split("\x1f")) == 2 for n in notes.values())
        assert notes[cards[0].id][3] == " study-reader glossary "
        card_rows = database.execute("SELECT nid, did, ord, type, queue FROM cards").fetchall()
        assert sorted(r[0] for r in card_rows) == sorted(n[0] for n in notes.values())
        assert {r[1:] for r in card_rows} == {(deck_id(document.id), 0, 0, 0)}
    finally:
        database.close()


def test_hostile_note_text_is_escaped_in_the_package(cards, tmp_path) -> None:
    database = open_package(build_apkg(cards, now=NOW), tmp_path)
    try:
        by_guid = dict(database.execute("SELECT guid, flds FROM notes"))
        fields = [by_guid[card.id] for card in cards]
    finally:
        database.close()
    everything = "\x1f".join(fields)
    assert "<b " not in everything and "{{c2::" not in everything and "[sound:" not in everything
    assert "&lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt;" in everything
    cloze_text = fields[2].split("\x1f")[0]
    assert cloze_text.count("{{c1::") == 1 and "{{c1::fate}}" in cloze_text


def test_exporting_again_keeps_guids_and_ids_and_carries_the_edit(
    cards, document, glossary, tmp_path
) -> None:
    first = open_package(build_apkg(cards, now=NOW), tmp_path)
    try:
        before = first.execute("SELECT id, guid, flds FROM notes ORDER BY guid").fetchall()
    finally:
        first.close()
    entry = replace(glossary.entry("red-tape"), gloss="A corrected gloss.")
    sources = SourceIndex.of([document], {document.id: Glossary((entry,))})
    edited = [resolve(cards[0], sources), *cards[1:]]
    (tmp_path / "again").mkdir()
    later = NOW + timedelta(days=1)
    second = open_package(build_apkg(edited, now=later), tmp_path / "again")
    try:
        after = second.execute("SELECT id, guid, flds, mod FROM notes ORDER BY guid").fetchall()
    finally:
        second.close()
    assert [row[:2] for row in before] == [row[:2] for row in after]
    changed = [a for b, a in zip(before, after, strict=True) if b[2] != a[2]]
    assert len(changed) == 1 and "A corrected gloss." in changed[0][2]
    assert {row[3] for row in after} == {int(later.timestamp())}


def test_a_card_whose_source_is_gone_exports_as_last_seen_and_tagged(cards, tmp_path) -> None:
    gone = replace(cards[0], source_missing=True)
    database = open_package(build_apkg([gone], now=NOW), tmp_path)
    try:
        tags, fields = database.execute("SELECT tags, flds FROM notes").fetchone()
    finally:
        database.close()
    assert MISSING_SOURCE_TAG in tags.split()
    assert "Red tape" in fields


def test_csv_has_anki_headers_three_columns_and_no_formulas(cards, document) -> None:
    note = passage_note(make_anchor(document, "p3", 0, 5), '=HYPERLINK("http://x")', now=NOW)
    formula = question_card(document.id, note, document, note_is_question=False)
    text = build_csv([*cards, formula], tags={cards[2].id: ["power", "two words"]})
    lines = text.splitlines()
    assert lines[:3] == ["#separator:Comma", "#html:true", "#tags column:3"]
    rows = list(csv.reader(io.StringIO("\n".join(lines[3:]))))
    assert len(rows) == 5 and all(len(row) == 3 for row in rows)
    assert rows[0][0].endswith("Red tape")
    assert rows[2][2] == "study-reader cloze power two_words"
    assert rows[4][1] == "'=HYPERLINK(&quot;http://x&quot;)"  # shown as text, never run
    assert all("<b " not in cell and "{{c2::" not in cell for row in rows for cell in row)
