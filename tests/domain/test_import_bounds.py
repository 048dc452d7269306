"""The work one import can cause is bounded, whatever the file holds (see MAX_SELECTORS,
MAX_TARGETS, FUZZY_MAX_QUOTE and FUZZY_SECONDS in ``export``); timings live in
``benchmarks/import_hostile.py``, these tests check the bounds themselves."""

from __future__ import annotations

import json

import pytest

from reader_app.domain import export
from reader_app.domain.anchors import PlacementStatus
from reader_app.domain.export import parse_import, w3c_import
from reader_app.domain.notes import NoteKind
from reader_app.domain.text import Document

THIRD = "Some third person decides your fate"
# THIRD with two letters changed: found only by the fuzzy search.
NEAR_THIRD = "Some third persan decides your fote: this is the whole essence"


def _annotation(selectors: list, targets: int = 1) -> dict:
    target = {"source": "https://example.org/elsewhere", "selector": selectors}
    return {"type": "Annotation", "id": "https://example.org/a/1", "target": [target] * targets}


def _one(data: object, document: Document):
    (note,) = parse_import(json.dumps(data).encode(), document).notes
    return note


def test_only_the_first_selectors_of_a_target_are_read(document: Document) -> None:
    quote = {"type": "TextQuoteSelector", "exact": THIRD}
    assert _one(_annotation([quote]), document).kind is NoteKind.PASSAGE
    junk = [{"type": "CssSelector", "value": "p"}] * 200_000
    late = _one(_annotation([*junk, quote]), document)
    assert late.kind is NoteKind.FREE  # past the bound: kept as a note, not searched for


def test_only_the_first_targets_are_read(document: Document) -> None:
    quote = {"type": "TextQuoteSelector", "exact": THIRD}
    annotation = _annotation([quote])
    annotation["target"] = ["urn:x:not-a-passage"] * 100_000 + annotation["target"]
    assert _one(annotation, document).kind is NoteKind.FREE


def test_the_fuzzy_search_runs_within_its_budget_only(
    document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _annotation([{"type": "TextQuoteSelector", "exact": NEAR_THIRD}])
    placed = _one(data, document)
    assert placed.placement.status is PlacementStatus.FUZZY
    monkeypatch.setattr(w3c_import, "FUZZY_SECONDS", 0.0)  # the budget already spent
    late = _one(data, document)
    assert late.placement.status is PlacementStatus.DETACHED
    assert late.quote == NEAR_THIRD  # kept with its words, to be reattached by hand


def test_a_quote_too_long_for_the_fuzzy_search_is_kept_detached(document: Document) -> None:
    long_quote = (NEAR_THIRD + " ") * 10
    assert len(long_quote) > export.FUZZY_MAX_QUOTE
    note = _one(_annotation([{"type": "TextQuoteSelector", "exact": long_quote}]), document)
    assert note.placement.status is PlacementStatus.DETACHED and note.quote == long_quote
