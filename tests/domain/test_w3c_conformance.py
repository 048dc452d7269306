"""The JSON export against the MUST-level assertions of the W3C Web Annotation test suite.

As the suite's harness does, every assertion schema listed in a ``*Musts.test`` file is run
against the object under test and must give its ``expectedResult``: the annotation MUSTs
against each exported Annotation, the collection and page MUSTs against the collection
(``pageMusts`` accepts "an Annotation Collection with an embedded Page").

The schemas rely on the ``uri`` and ``date-time`` formats; jsonschema checks those only if
optional packages are installed, so a strict checker for both is defined here instead.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import anchor_on
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from reader_app.domain.anchors import Anchor
from reader_app.domain.export import export_w3c, to_annotation
from reader_app.domain.notes import Colour, free_note, glossary_note, passage_note
from reader_app.domain.text import Document

W3C = Path(__file__).parents[1] / "data" / "w3c"
MUST_LISTS = {
    "annotation": ["annotations/annotationMusts.test"],
    "collection": ["collections/collectionMusts.test", "collections/pages/pageMusts.test"],
}

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value)
    return True


@cache
def _registry() -> Registry:
    resources = []
    ids = set()
    for path in sorted(W3C.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        assert contents["id"] not in ids, f"duplicate schema id {contents['id']}"
        ids.add(contents["id"])
        resources.append((contents["id"], Resource.from_contents(contents, DRAFT4)))
    return Registry().with_resources(resources)


def _assertions(kind: str) -> list[dict[str, Any]]:
    schemas = []
    for test_file in MUST_LISTS[kind]:
        listing = json.loads((W3C / test_file).read_text(encoding="utf-8"))
        for name in listing["assertions"]:
            schema = json.loads((W3C / name).read_text(encoding="utf-8"))
            assert schema["assertionType"] == "must"
            schemas.append(schema)
    return schemas


def failures(instance: dict[str, Any], kind: str) -> list[str]:
    """Messages of every MUST assertion whose result differs from the expected one."""
    failed = []
    for schema in _assertions(kind):
        validator = jsonschema.Draft4Validator(schema, registry=_registry(), format_checker=FORMATS)
        valid = validator.is_valid(instance)
        if valid != (schema["expectedResult"] == "valid"):
            failed.append(f"{schema['id']}: {schema['errorMessage']}")
    return failed


@pytest.fixture
def exported(document: Document) -> dict[str, Any]:
    passage = passage_note(
        anchor_on(document, "p3", "Some third person decides your fate"),
        "Line one\nline two with <b>markup</b> & “quotes”",
        colour=Colour.PINK,
        tags=["bureaucracy", "decision making"],
    )
    highlight_only = passage_note(anchor_on(document, "p1", "self-activity"))
    detached = passage_note(
        Anchor(None, None, None, "words not in the text", "", "", None), "lost passage"
    )
    notes = [passage, highlight_only, detached, free_note("general"), glossary_note("nep", "x")]
    return export_w3c(notes, document)


def test_the_suite_is_complete_and_mandatory() -> None:
    assert len(_assertions("annotation")) == 54
    assert len(_assertions("collection")) == 25


def test_every_exported_annotation_meets_every_must(exported: dict[str, Any]) -> None:
    items = exported["first"]["items"]
    assert len(items) == 5
    for item in items:
        assert failures(item, "annotation") == [], item


def test_collection_and_page_meet_every_must(exported: dict[str, Any]) -> None:
    assert failures(exported, "collection") == []


def test_empty_collection_meets_every_must(document: Document) -> None:
    assert failures(export_w3c([], document), "collection") == []


def test_the_harness_can_fail(document: Document) -> None:
    # Guards against a harness that passes everything (e.g. formats silently unchecked).
    good = to_annotation(free_note("x"), document)
    assert failures({**good, "id": "not an iri"}, "annotation")
    assert failures({**good, "created": "yesterday"}, "annotation")
    assert failures({**good, "@context": "http://example.org/other"}, "annotation")
    without_target = {k: v for k, v in good.items() if k != "target"}
    assert failures(without_target, "annotation")
    assert failures({**good, "bodyValue": "both", "body": "urn:x:y"}, "annotation")
