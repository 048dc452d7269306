"""Any change record another computer's log may hold is taken or refused in words, and a
refused one never reaches the database (Hypothesis)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader_app.domain.sync.clock import Stamp
from reader_app.domain.sync.log import Entity, Record
from reader_app.domain.sync.note_payload import PayloadError
from reader_app.domain.text import Document
from reader_app.storage.glossary_repo import glossary_of
from reader_app.storage.store import open_store
from reader_app.storage.sync_engine import read_record
from reader_app.storage.sync_glossary import apply_entries

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=25,
)

TEXT = {
    "title": "On Sync", "author": "", "year": 2024, "translator": "", "editor": "",
    "publisher": "", "url": "", "language": "en", "date_published": "", "date_modified": "",
    "description": "", "source_format": "markdown", "fingerprint": "ab" * 32,
    "file_name": "essay.md", "file": "texts/desk/abab.md",
}  # fmt: skip
CARD = {
    "kind": "glossary", "text_id": "t", "source_kind": "glossary-entry", "source_id": "nep",
    "spec": "{}", "snapshot": '{"front": "NEP", "back": "New Economic Policy"}',
    "state": '{"card_id": 1}', "due": "2026-01-01T00:00:00.000000Z",
    "created": "2026-01-01T00:00:00.000000Z", "deleted": None,
}  # fmt: skip
ENTRY = {
    "text_id": None, "headword": "NEP", "aliases": '["New Economic Policy"]',
    "category": "concept", "gloss": "Lenin's retreat to markets.", "explanation": "",
    "sources": "[]", "start_date": None, "end_date": None, "see_also": "[]",
    "created": "2026-01-01T00:00:00.000000Z", "modified": "2026-01-02T00:00:00.000000Z",
    "deleted": None,
}  # fmt: skip
PLACE = {"block_id": "p2", "offset": 40}
STAMP = Stamp(1_700_000_000_000, 0, "desk")


def _read(entity: Entity, payload: object) -> None:
    record = Record(entity, str(uuid.uuid4()), STAMP, payload)  # type: ignore[arg-type]
    try:
        read_record(record)
    except PayloadError as error:
        assert str(error).startswith(("A ", "desk.jsonl"))


@pytest.mark.parametrize(
    ("entity", "valid"),
    [
        (Entity.TEXT, TEXT),
        (Entity.REVIEW, CARD),
        (Entity.GLOSSARY, ENTRY),
        (Entity.POSITION, PLACE),
    ],
)
def test_the_valid_payloads_here_are_taken(entity: Entity, valid: dict[str, object]) -> None:
    assert read_record(Record(entity, "an-id", STAMP, valid)) is None  # taken: not a note
    with pytest.raises(PayloadError):
        broken = {"kind": 7, "title": None, "gloss": 7, "offset": -1}
        read_record(Record(entity, "an-id", STAMP, {**valid, **broken}))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([Entity.TEXT, Entity.REVIEW, Entity.NOTE, Entity.GLOSSARY, Entity.POSITION]),
    st.sampled_from(sorted({*TEXT, *CARD, *ENTRY, *PLACE, "studyReader", "target", "body"})),
    JSON,
)
def test_one_field_changed_to_anything(entity: Entity, field: str, value: object) -> None:
    bases = {Entity.TEXT: TEXT, Entity.REVIEW: CARD, Entity.GLOSSARY: ENTRY, Entity.POSITION: PLACE}
    base = bases.get(entity, {})
    _read(entity, {**base, field: value})


@given(st.sampled_from(list(Entity)), JSON)
def test_any_payload_at_all(entity: Entity, payload: object) -> None:
    _read(entity, payload if isinstance(payload, dict) else {"value": payload})


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(ENTRY)), JSON | st.text(max_size=30))
def test_a_glossary_entry_taken_from_another_computer_is_stored_and_read_back(
    data_dir: Path, document: Document, field: str, value: object
) -> None:
    payload = {**ENTRY, field: value}
    try:
        read_record(Record(Entity.GLOSSARY, "an-entry", STAMP, payload))
    except PayloadError:
        return  # refused in words (the other test): nothing to store
    store = open_store(data_dir, document)
    try:
        connection = store.repository.connection
        connection.execute("DELETE FROM sync_glossary_changes")
        assert apply_entries(connection, {"an-entry": payload}) == ["an-entry"]
        live = glossary_of(store.repository).entries()
        assert [p.entry.id for p in live] == ([] if payload["deleted"] else ["an-entry"])
    finally:
        store.close()
