"""Any text a reader can type, and any stored schedule, is handled without surprises."""

from __future__ import annotations

import html
import io
import json
import re
import sqlite3
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader_app.domain.anchors import make_anchor
from reader_app.domain.cards_export import build_apkg
from reader_app.domain.notes import passage_note
from reader_app.domain.review import CardError, cloze_card, cloze_field_html, question_card
from reader_app.domain.scheduling import ReviewScheduler, ScheduleError
from reader_app.domain.text import Document, load_document

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DOCUMENT: Document = load_document()
ANCHOR = make_anchor(DOCUMENT, "p3", 0, 10)
_TAG = re.compile(r"<(?!br>|/?div\b)")  # any tag but the <br> and the source <div> we write


@st.composite
def passages_and_ranges(draw) -> tuple[str, list[tuple[int, int]]]:
    quote = draw(st.text(min_size=1, max_size=80))
    cuts = sorted(draw(st.sets(st.integers(0, len(quote)), max_size=6)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    return quote, pairs


@settings(max_examples=300, deadline=None)
@given(passages_and_ranges(), st.text(max_size=80))
def test_cloze_fields_hold_exactly_our_markup(case, body) -> None:
    quote, ranges = case
    note = passage_note(replace(ANCHOR, exact=quote), body, now=NOW)
    try:
        card = cloze_card(DOCUMENT.id, note, ranges, DOCUMENT)
    except CardError:
        return  # empty or blank ranges are refused with a message
    text_field, extra = cloze_field_html(card)
    assert text_field.count("{{") == text_field.count("{{c1::") == len(card.cloze)
    assert text_field.count("}}") == len(card.cloze)
    assert "::" not in text_field.replace("{{c1::", "")
    assert not _TAG.search(text_field) and not _TAG.search(extra)
    passage = text_field.split("</div>", 1)[1].replace("<br>", "\n")
    # What a reader sees: the passage itself, line ends made \n; html.unescape drops the
    # references to control characters (a browser shows them as nothing) and makes NUL U+FFFD.
    lines = quote.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    expected = re.sub(r"[\x01-\x08\x0b\x0e-\x1f\x7f]", "", lines)  # it keeps the form feed
    assert html.unescape(passage.replace("{{c1::", "").replace("}}", "")) == expected


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(str.strip), st.text(max_size=60))
def test_any_note_exports_to_a_readable_package(quote, body) -> None:
    note = passage_note(replace(ANCHOR, exact=quote), body or "?", now=NOW)
    try:
        card = question_card(DOCUMENT.id, note, DOCUMENT)
    except CardError:
        return  # a blank note cannot be a question
    with zipfile.ZipFile(io.BytesIO(build_apkg([card], now=NOW))) as package:
        collection = package.read("collection.anki2")
    database = sqlite3.connect(":memory:")
    try:
        database.deserialize(collection)
        (fields,) = database.execute("SELECT flds FROM notes").fetchone()
    finally:
        database.close()
    front, back = fields.split("\x1f")
    assert not _TAG.search(front) and not _TAG.search(back)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
STATE_KEYS = ("card_id", "state", "step", "stability", "difficulty", "due", "last_review")


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({}, optional=dict.fromkeys(STATE_KEYS, json_values)))
def test_a_damaged_schedule_is_refused_with_a_schedule_error(data) -> None:
    scheduler = ReviewScheduler(fuzzing=False)
    good = json.loads(scheduler.new_state("c", NOW))
    state = json.dumps({**good, **data}, allow_nan=True)
    try:
        new_state, record = scheduler.review("c", state, 3, NOW)
    except ScheduleError as error:
        assert "schedule" in str(error)
    else:
        assert record.due_after >= NOW and json.loads(new_state)["due"]


@pytest.mark.parametrize("text", ["[1, 2]", "null", "42", '"due"'])
def test_a_schedule_that_is_not_an_object_is_refused(text) -> None:
    with pytest.raises(ScheduleError, match="cannot be read"):
        ReviewScheduler().review("c", text, 3, NOW)
