"""A stored note as a sync payload: read back exactly, and anything else refused in words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from reader_app.domain.highlights import Colour
from reader_app.domain.notes import format_timestamp
from reader_app.domain.sync.note_payload import (
    NoteFields,
    PayloadError,
    StoredAnchor,
    from_payload,
    to_payload,
)
from reader_app.domain.tags import normalise_tags

TIMES = st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)).map(
    format_timestamp
)
TEXT = st.text(max_size=40)


@st.composite
def stored_notes(draw: st.DrawFn) -> NoteFields:
    kind = draw(st.sampled_from(["passage", "free", "glossary"]))
    anchor = None
    if kind == "passage":
        start = draw(st.integers(0, 500))
        anchor = StoredAnchor(
            draw(st.text(min_size=1, max_size=8)),
            start,
            start + draw(st.integers(0, 50)),
            draw(st.text(min_size=1, max_size=40)),
            draw(TEXT),
            draw(TEXT),
            draw(st.none() | st.text(max_size=16)),
        )
    return NoteFields(
        id=str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)), version=4)),
        text_id=draw(st.text(min_size=1, max_size=20)),
        kind=kind,
        body=draw(st.text(max_size=200)),
        colour=draw(st.sampled_from(list(Colour))).value if kind == "passage" else None,
        glossary_entry_id=draw(st.text(min_size=1, max_size=20)) if kind == "glossary" else None,
        anchor=anchor,
        created=draw(TIMES),
        updated=draw(TIMES),
        tags=normalise_tags(draw(st.lists(TEXT, max_size=5))),
    )


@settings(max_examples=200)
@given(stored_notes())
def test_a_note_read_back_is_the_note_sent(note: NoteFields) -> None:
    assert from_payload(note.id, to_payload(note)) == note


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(stored_notes(), st.sampled_from(["studyReader", "target", "body", "created", "id"]), JSON)
def test_a_damaged_payload_is_refused_in_words_or_read_as_a_valid_note(
    note: NoteFields, member: str, value: object
) -> None:
    payload = to_payload(note)
    payload[member] = value
    try:
        read = from_payload(note.id, payload)
    except PayloadError as error:
        assert str(error)
    else:
        assert read.id == note.id and read.tags == normalise_tags(read.tags)


@given(JSON)
def test_anything_at_all_is_refused_in_words(value: object) -> None:
    payload = value if isinstance(value, dict) else {"studyReader": value}
    try:
        from_payload(str(uuid.uuid4()), payload)
    except PayloadError as error:
        assert str(error)
