"""Routing imported annotations to the texts of a library (``import`` without a window)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader_app.domain.export import NotesImportError
from reader_app.domain.export.routing import split_by_text
from reader_app.domain.text import Document
from tests.conftest import rebuild


@pytest.fixture(scope="module")
def library() -> dict[str, Document]:
    from reader_app.domain.text import load_document

    bundled = load_document()
    other = rebuild(bundled, [("q1", "body", "Bread for the towns and land for the peasants.")])
    other = other._replace(id="bread")
    return {bundled.id: bundled, other.id: other}


def _annotation(source: object, exact: str) -> dict:
    return {
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "b"},
        "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": exact}},
    }


def test_named_then_chosen_then_by_quote_then_default(library: dict[str, Document]) -> None:
    bundled, other = list(library)
    items = [
        _annotation(f"urn:study-reader:text:{other}", "anything"),
        _annotation("https://elsewhere.example/", "land for the peasants"),
        _annotation("https://elsewhere.example/", "no text holds these words"),
    ]
    data = json.dumps(items).encode()
    groups = split_by_text(data, library, default=bundled)
    assert [len(json.loads(groups[other])), len(json.loads(groups[bundled]))] == [2, 1]
    chosen = split_by_text(data, library, default=bundled, chosen=other)
    assert set(chosen) == {other}


# Nesting spelled out to three levels rather than st.recursive: deep enough for a target.
_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
_KEYS = st.text(max_size=8) | st.sampled_from(["type", "exact", "source", "selector"])
_LEVEL = _SCALARS | st.lists(_SCALARS, max_size=3) | st.dictionaries(_KEYS, _SCALARS, max_size=3)
_JSON = _LEVEL | st.lists(_LEVEL, max_size=3) | st.dictionaries(_KEYS, _LEVEL, max_size=3)
_TARGETS = st.fixed_dictionaries(
    {"source": _JSON | st.just("urn:study-reader:text:bread"), "selector": _JSON}
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({"target": _TARGETS | _JSON}, optional={"body": _JSON}), max_size=4
    )
)
def test_any_annotations_are_routed_or_refused_in_words(
    library: dict[str, Document], items: list
) -> None:
    bundled = next(iter(library))
    try:
        groups = split_by_text(json.dumps(items).encode(), library, default=bundled)
    except NotesImportError:
        return
    assert set(groups) <= set(library)
    assert sum(len(json.loads(part)) for part in groups.values()) == len(items)
