"""Export to Markdown, CSV and W3C JSON, import back, and refusal of bad input."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import anchor_on

from reader_app.domain import export
from reader_app.domain.anchors import Anchor, PlacementStatus, block_offsets
from reader_app.domain.export import (
    CSV_COLUMNS,
    NotesImportError,
    export_w3c,
    import_annotations,
    parse_annotations,
    read_import_file,
    render,
    text_iri,
    write_atomically,
)
from reader_app.domain.notes import Colour, free_note, glossary_note, passage_note
from reader_app.domain.text import Document
from reader_app.storage.notes_repo import NotesRepository

THIRD = "Some third person decides your fate"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def filled(repo: NotesRepository, document: Document) -> NotesRepository:
    """Notes of every kind, added out of text order on purpose."""
    repo.add(
        passage_note(
            anchor_on(document, "p3", THIRD),
            "Who is *the third person*?",
            colour=Colour.BLUE,
            tags=["bureaucracy", "power"],
            now=NOW,
        )
    )
    repo.add(passage_note(anchor_on(document, "p1", "self-activity of the masses"), "Key term"))
    repo.add(free_note("Compare with Lenin’s reply.", tags=["todo"]))
    repo.add(glossary_note("nep", "New Economic Policy, March 1921"))
    repo.add(passage_note(anchor_on(document, "p2", "red tape"), "tape", colour=Colour.GREEN))
    return repo


def _dump(repo: NotesRepository) -> list[tuple]:
    """Everything the notes tables hold, to prove that a failed import changed nothing."""
    connection = repo.connection
    return [
        *connection.execute("SELECT * FROM notes ORDER BY id").fetchall(),
        *connection.execute("SELECT * FROM note_tags ORDER BY note_id, tag").fetchall(),
    ]


# -- Markdown ----------------------------------------------------------------------------


def test_markdown_groups_by_paragraph_in_text_order(
    filled: NotesRepository, document: Document
) -> None:
    text = render("markdown", filled.list_notes(), document, now=NOW).decode("utf-8")
    assert text.startswith("# Notes on The Workers’ Opposition\n")
    assert text.index("## ¶1") < text.index("## ¶2") < text.index("## ¶3")
    assert f"> “{THIRD}” (¶3)" in text
    assert "Who is *the third person*?" in text
    assert "Tags: bureaucracy, power" in text
    assert text.index("## Free notes") < text.index("Compare with Lenin’s reply.")
    assert "## Notes on glossary entries\n\n### nep\n\n> New Economic Policy, March 1921" in text
    assert "## Detached notes" not in text


def test_markdown_cites_its_source_and_says_whose_paragraph_numbers_they_are(
    filled: NotesRepository, document: Document
) -> None:
    """The export names the page the notes were made on as Chicago's bibliography does
    (CMOS 14.206, with the access date of the export, 14.12), and says that the ¶ numbers are
    this edition's: the page does not number its paragraphs (CMOS 14.22)."""
    import html

    from markdown_it import MarkdownIt

    from reader_app.domain.citation import CitedWork, list_entry, plain

    text = render("markdown", filled.list_notes(), document, now=NOW).decode("utf-8")
    shown = MarkdownIt("commonmark").render(text)  # as a reader of the file sees it
    entry = plain(list_entry(CitedWork.from_document(document), "chicago", today=NOW.date()))
    assert f"<p>Source: {html.escape(entry, quote=False)}</p>" in shown
    assert "Paragraph numbers (¶) are Study Reader’s own" in shown


def test_markdown_lists_detached_notes_with_their_quotes(
    repo: NotesRepository, document: Document
) -> None:
    repo.add(passage_note(Anchor(None, None, None, "a quote *lost*", "", "", None), "orphan"))
    text = export.export_markdown(repo.list_notes(), document)
    assert "## Detached notes" in text
    assert "> “a quote \\*lost\\*”" in text  # the quote's words are not Markdown
    assert "orphan" in text


# -- CSV ---------------------------------------------------------------------------------


def test_csv_has_bom_stable_columns_and_one_row_per_note(
    filled: NotesRepository, document: Document
) -> None:
    data = render("csv", filled.list_notes(), document)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + filled.counts().total
    by_id = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    third = next(r for r in by_id.values() if r["quote"] == THIRD)
    assert third["citation"] == "¶3" and third["tags"] == "bureaucracy; power"
    assert third["colour"] == "blue" and third["placement"] == "exact"
    assert third["created"] == "2025-03-01T12:00:00.000000Z"
    assert any(r["note"] == "Compare with Lenin’s reply." for r in by_id.values())


# -- W3C JSON ----------------------------------------------------------------------------


def test_json_positions_index_the_whole_text(filled: NotesRepository, document: Document) -> None:
    data = json.loads(render("json", filled.list_notes(), document))
    raw = "\n\n".join(block.text for block in document.blocks)
    passages = [a for a in data["first"]["items"] if isinstance(a["target"], dict)]
    assert passages
    for annotation in passages:
        selectors = {s["type"]: s for s in annotation["target"]["selector"]}
        quote, position = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
        assert raw[position["start"] : position["end"]] == quote["exact"]
        fragment = selectors["FragmentSelector"]
        base = block_offsets(document)[fragment["value"]]
        assert fragment["refinedBy"]["start"] + base == position["start"]


def test_json_round_trip_gives_identical_notes(
    filled: NotesRepository,
    document: Document,
    open_repo: Callable[..., NotesRepository],
    tmp_path: Path,
) -> None:
    data = render("json", filled.list_notes(), document)
    fresh = open_repo(tmp_path / "fresh")
    report = import_annotations(fresh, document, data)
    assert (report.added, report.updated, report.unchanged) == (5, 0, 0)
    assert fresh.list_notes() == filled.list_notes()
    again = import_annotations(fresh, document, data)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert fresh.counts().total == 5
    assert fresh.list_notes() == filled.list_notes()


def test_reimport_newer_modified_wins_older_does_not(
    filled: NotesRepository, document: Document
) -> None:
    note = next(n for n in filled.list_notes() if n.quote == THIRD)
    stale = export_w3c([note], document)
    newer = note.edited(body="edited elsewhere", now=note.updated + timedelta(days=1))
    fresh_data = json.dumps(export_w3c([newer], document)).encode()
    report = import_annotations(filled, document, fresh_data)
    assert (report.added, report.updated) == (0, 1)
    assert filled.get(note.id).body == "edited elsewhere"
    report = import_annotations(filled, document, json.dumps(stale).encode())
    assert report.unchanged == 1
    assert filled.get(note.id).body == "edited elsewhere"


def _hypothesis_annotation(exact: str, prefix: str = "", suffix: str = "", **extra: Any) -> dict:
    """Shaped like Hypothesis' W3C output for the essay's web page (a different source)."""
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"https://hypothes.is/a/{abs(hash(exact))}",
        "type": "Annotation",
        "created": "2024-02-03T10:00:00.000000+00:00",
        "modified": "2024-02-04T10:00:00.000000+00:00",
        "body": [
            {"type": "TextualBody", "value": "From the web", "format": "text/markdown"},
            {"type": "TextualBody", "value": "Web Tag", "purpose": "tagging"},
        ],
        "target": [
            {
                "source": "https://alphahistory.com/russianrevolution/kollontai-on-the-soviet-bureaucracy-1921/",
                "selector": [
                    {
                        "type": "RangeSelector",
                        "startSelector": {"type": "XPathSelector", "value": "/main[1]/p[5]"},
                        "endSelector": {"type": "XPathSelector", "value": "/main[1]/p[5]"},
                    },
                    {"type": "TextPositionSelector", "start": 9999, "end": 10034},
                    {
                        "type": "TextQuoteSelector",
                        "exact": exact,
                        "prefix": prefix,
                        "suffix": suffix,
                    },
                ],
            }
        ],
        **extra,
    }


@pytest.mark.parametrize("shape", ["collection", "page", "list", "single", "hypothesis-native"])
def test_other_tools_annotations_anchor_by_quote(
    shape: str, repo: NotesRepository, document: Document
) -> None:
    found = _hypothesis_annotation(THIRD, "entirely absent. ", ": this is")
    missing = _hypothesis_annotation("a sentence that the essay does not contain at all")
    if shape == "collection":
        data: Any = {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "AnnotationCollection",
            "first": {
                "type": "AnnotationPage",
                "items": [found],
                "next": {"type": "AnnotationPage", "items": [missing]},
            },
        }
    elif shape == "page":
        data = {"type": "AnnotationPage", "items": [found, missing]}
    elif shape == "list":
        data = [found, missing]
    elif shape == "single":
        data = found
    else:
        native = []
        for annotation in (found, missing):
            item = {k: v for k, v in annotation.items() if k not in {"type", "body", "@context"}}
            native.append({**item, "text": "From the web", "tags": ["Web Tag"]})
        data = {"export_date": "2024-02-05", "annotations": native}
    report = import_annotations(repo, document, json.dumps(data).encode())
    notes = {n.quote: n for n in repo.list_notes()}
    placed = notes[THIRD]
    assert placed.placement.status is PlacementStatus.EXACT
    assert placed.placement.block_id == "p3"
    assert placed.body == "From the web" and placed.tags == ("web tag",)
    assert placed.created == datetime(2024, 2, 3, 10, tzinfo=UTC)
    if shape != "single":
        assert report.detached == 1
        orphan = notes["a sentence that the essay does not contain at all"]
        assert orphan.is_detached and orphan.body == "From the web"
    # Importing the same file again adds nothing: foreign ids map to fixed UUIDs.
    again = import_annotations(repo, document, json.dumps(data).encode())
    assert again.added == 0 and repo.counts().total == len(notes)


def test_annotation_without_quote_becomes_a_free_note(
    repo: NotesRepository, document: Document
) -> None:
    data = {"type": "Annotation", "bodyValue": "About the page", "target": "https://example.org/"}
    import_annotations(repo, document, json.dumps(data).encode())
    (note,) = repo.list_notes()
    assert note.body == "About the page" and note.anchor is None


def test_own_export_without_extension_still_anchors_by_position(
    repo: NotesRepository, document: Document
) -> None:
    start = block_offsets(document)["p3"] + document.block("p3").text.index(THIRD)
    data = {
        "type": "Annotation",
        "target": {
            "source": text_iri(document),
            "selector": {"type": "TextPositionSelector", "start": start, "end": start + len(THIRD)},
        },
    }
    import_annotations(repo, document, json.dumps(data).encode())
    (note,) = repo.list_notes()
    assert note.quote == THIRD and note.placement.status is PlacementStatus.EXACT


# -- bad input ---------------------------------------------------------------------------

BAD_INPUT = {
    "not JSON": (b"# Notes\nnot json at all", "not valid JSON"),
    "not UTF-8": (
        '{"type": "Annotation", "bodyValue": "caf\u00e9"}'.encode("latin-1"),
        "not UTF-8",
    ),
    "wrong shape": (b'{"hello": "world"}', "not annotations"),
    "a number": (b"42", "not annotations"),
    "item not an object": (b'["urn:x:1"]', "Annotation 1 is not an object"),
    "no target": (b'[{"type": "Annotation", "bodyValue": "x"}]', "no target"),
    "bad date": (
        b'{"type": "Annotation", "target": "urn:x:y", "created": "last Tuesday"}',
        "not a date",
    ),
    "bad quote": (
        b'{"type": "Annotation", "target": {"source": "urn:x", '
        b'"selector": {"type": "TextQuoteSelector", "exact": 5}}}',
        "not text",
    ),
    "linked pages": (
        b'{"type": "AnnotationCollection", "first": "https://example.org/page1"}',
        "by address",
    ),
    "too deep": (b"[" * 100_000 + b"]" * 100_000, "JSON"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    case: str, filled: NotesRepository, document: Document
) -> None:
    data, expected = BAD_INPUT[case]
    before = _dump(filled)
    with pytest.raises(NotesImportError) as caught:
        import_annotations(filled, document, data)
    message = str(caught.value)
    assert expected in message and "\n" not in message
    assert _dump(filled) == before


def test_one_bad_item_among_good_ones_imports_nothing(
    filled: NotesRepository, document: Document
) -> None:
    good = _hypothesis_annotation(THIRD)
    before = _dump(filled)
    with pytest.raises(NotesImportError, match="Annotation 2"):
        import_annotations(filled, document, json.dumps([good, {"type": "Annotation"}]).encode())
    assert _dump(filled) == before


def test_failure_during_the_write_rolls_back_the_whole_import(
    filled: NotesRepository, document: Document, data_dir: Path
) -> None:
    """The disk fills up on the second note of an import: none of it stays."""
    import sqlite3

    from reader_app.storage.db import DiskFull
    from reader_app.storage.store import database_path

    class FullOnSecondNote(sqlite3.Connection):
        inserted = 0

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.lstrip().startswith("INSERT INTO notes "):
                self.inserted += 1
                if self.inserted == 2:
                    error = sqlite3.OperationalError("database or disk is full")
                    error.sqlite_errorcode = sqlite3.SQLITE_FULL  # as sqlite itself sets it
                    raise error
            return super().execute(sql, *args)

    notes = parse_annotations(
        json.dumps([_hypothesis_annotation(THIRD), _hypothesis_annotation("red tape")]).encode(),
        document,
    )
    before = _dump(filled)
    connection = sqlite3.connect(
        database_path(data_dir), factory=FullOnSecondNote, isolation_level=None
    )
    try:
        importing = NotesRepository(connection, document, path=database_path(data_dir))
        with pytest.raises(DiskFull):
            importing.merge(notes)
        assert connection.inserted == 2
    finally:
        connection.close()
    assert _dump(filled) == before


def test_huge_input_is_refused_before_parsing(
    filled: NotesRepository, document: Document, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(export.MAX_IMPORT_BYTES + 1)  # sparse: costs no disk space
    calls = []
    monkeypatch.setattr(json, "loads", lambda *a, **k: calls.append(a))
    with pytest.raises(NotesImportError, match="too large"):
        read_import_file(huge)
    with pytest.raises(NotesImportError, match="too large"):
        import_annotations(filled, document, b" " * (export.MAX_IMPORT_BYTES + 1))
    assert calls == []


# -- writing files -----------------------------------------------------------------------


def test_write_atomically_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    write_atomically(target, b"first")
    write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_write_atomically_keeps_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "notes.md"
    target.write_bytes(b"old and complete")

    def no_space(_descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old and complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]


def test_markdown_byline_of_a_text_without_author_or_year_leaves_them_out(
    document: Document,
) -> None:
    """A reader's own file often has neither: the line names what there is, never "None"."""
    untitled = document._replace(author="", year=None)
    byline = export.export_markdown([], untitled).splitlines()[2]
    assert byline.startswith("Exported from Study Reader on ")
    with_year = export.export_markdown([], document._replace(author="", year=1921))
    assert with_year.splitlines()[2].startswith("1921. Exported from")
    assert "None" not in export.export_markdown([], untitled)
