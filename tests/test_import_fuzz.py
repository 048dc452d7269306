"""Hostile import files: whatever the bytes, a one-line error or a successful import.

Hypothesis builds JSON shaped like W3C annotations (the vocabulary's keys, nested the way
the model allows) with values far outside the normal ranges: huge and negative numbers,
NaN and infinities, lone surrogates, control and bidirectional characters, deep nesting.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader_app import cli
from reader_app.domain.export import NotesImportError, parse_import
from reader_app.domain.text import Document, load_document
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import open_store

KEYS = [
    "@context", "id", "@id", "type", "@type", "target", "body", "bodyValue", "selector",
    "exact", "prefix", "suffix", "start", "end", "refinedBy", "startSelector", "endSelector",
    "items", "first", "next", "created", "modified", "updated", "purpose", "value", "format",
    "source", "styleClass", "sr:anchor", "blockId", "textVersion", "annotations", "tags",
    "text", "motivation", "conformsTo", "total",
]  # fmt: skip
TYPES = [
    "Annotation", "AnnotationCollection", "AnnotationPage", "TextualBody", "SpecificResource",
    "TextQuoteSelector", "TextPositionSelector", "FragmentSelector", "RangeSelector", "Choice",
]  # fmt: skip
THIRD = "Some third person decides your fate"

DOCUMENT = load_document()

odd_text = st.one_of(
    st.sampled_from(["", " ", THIRD, "p3", "urn:uuid:0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0001",
                     "2024-02-03T10:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00",
                     "urn:study-reader:text:kollontai-workers-opposition-1921",
                     "study-reader-green", "tagging", "\u202e\u2066", "\ud800", "\x00"]),
    st.sampled_from(TYPES),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None), max_size=20),
)  # fmt: skip
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=2**63 - 2, max_value=2**65),
    st.sampled_from([0, -1, 2**63, 2**64, -(2**63) - 1, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, odd_text)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=5)), children, max_size=6
        ),
    ),
    max_leaves=30,
)


@st.composite
def annotations(draw: st.DrawFn) -> object:
    """Mostly annotation-shaped: a collection, a page, a list or one annotation."""
    item = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8).map(
        lambda d: {"type": "Annotation", "target": d.get("target", THIRD), **d}
    )
    items = st.lists(item, max_size=4)
    return draw(
        st.one_of(
            item,
            items,
            items.map(lambda xs: {"type": "AnnotationPage", "items": xs}),
            items.map(
                lambda xs: {"type": "AnnotationCollection", "first": {"items": xs, "next": xs}}
            ),
            json_values,
        )
    )


def _own_export() -> dict:
    from reader_app.domain.anchors import make_anchor
    from reader_app.domain.export import to_annotation
    from reader_app.domain.notes import passage_note

    start = DOCUMENT.block("p3").text.index(THIRD)
    anchor = make_anchor(DOCUMENT, "p3", start, start + len(THIRD))
    return to_annotation(passage_note(anchor, "body", tags=["tag"]), DOCUMENT)


OWN = _own_export()


def _at(value: object, path: tuple) -> object:
    for step in path:
        value = value[step]  # type: ignore[index]
    return value


def _paths(value: object, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


OWN_PATHS = [path for path in _paths(OWN) if path]
OWN_LEAVES = [path for path in OWN_PATHS if not isinstance(_at(OWN, path), dict | list)]
OWN_NUMBERS = [path for path in OWN_LEAVES if isinstance(_at(OWN, path), int)]


@st.composite
def mutated_own_exports(draw: st.DrawFn) -> object:
    """Our own export of a passage note with a few of its values replaced by odd ones:
    this reaches the code that restores anchors, offsets and times exactly."""
    annotation = json.loads(json.dumps(OWN))
    # A new id each time, or the shared repository would only ever compare with the first.
    annotation["id"] = f"urn:uuid:{draw(st.uuids())}"
    where = st.one_of(
        st.sampled_from(OWN_NUMBERS), st.sampled_from(OWN_LEAVES), st.sampled_from(OWN_PATHS)
    )
    for path in draw(st.lists(where, min_size=1, max_size=3)):
        parent = annotation
        try:
            for step in path[:-1]:
                parent = parent[step]
            if path in OWN_NUMBERS:
                parent[path[-1]] = draw(st.one_of(numbers, json_values))
            else:
                parent[path[-1]] = draw(st.one_of(odd_text, numbers, json_values))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    return annotation


def _dumps(value: object) -> bytes:
    # Python writes NaN and Infinity, and lone surrogates as \ud800 escapes: both are
    # what a hostile or broken file may hold, so they are kept.
    return json.dumps(value, allow_nan=True).encode()


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NotesRepository]:
    result = open_store(tmp_path_factory.mktemp("fuzz"), DOCUMENT)
    assert result.repository is not None
    yield result.repository
    result.close()


def _import(repository: NotesRepository, data: bytes, document: Document) -> None:
    """What ``study-reader import`` does: parse all, then merge; only NotesImportError may
    come out (the command turns it into one line and status 1)."""
    try:
        batch = parse_import(data, document)
    except NotesImportError as error:
        assert "\n" not in str(error).strip()
        return
    repository.merge(batch.notes, undated=batch.undated)
    for note in batch.notes:  # what was stored reads back
        assert repository.get(note.id) is not None


FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the source tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(annotations())
def test_annotation_shaped_json_never_raises_anything_else(
    repository: NotesRepository, value: object
) -> None:
    _import(repository, _dumps(value), DOCUMENT)


@FUZZ
@given(mutated_own_exports())
def test_our_own_export_with_odd_values_never_raises_anything_else(
    repository: NotesRepository, value: object
) -> None:
    _import(repository, _dumps(value), DOCUMENT)


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise_anything_else(
    repository: NotesRepository, data: bytes
) -> None:
    _import(repository, data, DOCUMENT)


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the recursion limit
        b'{"type": "Annotation", "target": "x", "created": 1e999}',
        b'{"type": "Annotation", "target": {"selector": {"type": "TextPositionSelector",'
        b' "start": 1e400, "end": -1e400}, "source": "urn:study-reader:text:'
        b'kollontai-workers-opposition-1921"}}',
        b'{"type": "Annotation", "target": "x", "bodyValue": "\\ud800 lone surrogate"}',
        b'{"type": "Annotation", "target": "x", "modified": "+999999-01-01T00:00:00"}',
        b"1" * 5000,  # an integer longer than Python converts by default
        b'{"type": "Annotation", "target": "x", "created": "0001-01-01T00:00:00+14:00"}',
        b'{"type": "Annotation", "target": "x", "modified": "0005-01-01T00:00:00Z"}',
        b'{"type": "Annotation", "target": "x", "id": "urn:uuid:' + b"0" * 5000 + b'"}',
    ],
    ids=[
        "deep",
        "huge float time",
        "huge offsets",
        "surrogate",
        "far year",
        "long int",
        "year 0",
        "year 5",
        "id",
    ],
)
def test_known_hostile_files(repository: NotesRepository, data: bytes) -> None:
    assert sys.getrecursionlimit() < 100_000
    _import(repository, data, DOCUMENT)


def test_the_command_gives_one_line_and_status_1_or_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "hostile.json"
    source.write_bytes(b'[{"type": "Annotation", "target": "x", "bodyValue": "\\udfff"}]')
    status = cli.main(["import", str(source), "--data-dir", str(tmp_path / "data")])
    captured = capsys.readouterr()
    assert status in {0, 1}
    if status:
        assert len(captured.err.splitlines()) == 1
