"""``export --text ID`` and ``import --text ID``: one text's notes out, and annotations routed
to the text they name, or to the text that holds their quote, or kept detached."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from conftest import anchor_on

from reader_app import cli
from reader_app.domain.anchors import make_anchor
from reader_app.domain.notes import passage_note
from reader_app.domain.text import DEFAULT_TEXT_ID, Document
from reader_app.storage.library import library_of
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import database_path, open_store
from reader_app.storage.text_notes import assign_to_text, note_ids_of_text

THIRD = "Some third person decides your fate"
ESSAY = "Bread for the towns, said the first speaker.\n\nPeace for the soldiers, said the second.\n"


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def _run(argv: list[str]) -> int:
    args = _parse(argv)
    return int(args.handler(args))


@pytest.fixture
def library_dir(data_dir: Path, document: Document, tmp_path: Path) -> tuple[Path, str]:
    """A bundled-text note and a note on an added essay; returns (folder, essay id)."""
    result = open_store(data_dir, document)
    try:
        repo = result.repository
        repo.add(passage_note(anchor_on(document, "p3", THIRD), "on the extract"))
        library = library_of(repo, data_dir)
        path = tmp_path / "Bread and Peace.txt"
        path.write_text(ESSAY)
        essay_id = library.add_file(path).text_id
        essay = library.document(essay_id)
        block = essay.blocks[1]
        start = block.text.index("Peace for the soldiers")
        anchor = make_anchor(essay, block.id, start, start + len("Peace for the soldiers"))
        scoped = NotesRepository(repo.connection, essay, path=repo.path)
        note = scoped.add(passage_note(anchor, "on the essay"))
        assign_to_text(repo.connection, [note.id], essay_id)
    finally:
        result.close()
    return data_dir, essay_id


def _annotation(source: str, exact: str, note_id: str, body: str) -> dict:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{note_id}",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": body, "format": "text/plain"},
        "target": {
            "source": source,
            "selector": {"type": "TextQuoteSelector", "exact": exact},
        },
    }


def _texts_of(data_dir: Path, document: Document) -> dict[str, str]:
    """Note body → the text id it belongs to."""
    connection = open_store(data_dir, document)
    try:
        rows = connection.repository.connection.execute("SELECT body, text_id FROM notes")
        return dict(rows.fetchall())
    finally:
        connection.close()


def test_export_text_writes_only_that_texts_notes(
    library_dir: tuple[Path, str], tmp_path: Path, capsysbinary
) -> None:
    data_dir, essay_id = library_dir
    assert _run(["export", "--data-dir", str(data_dir), "--text", essay_id]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert "on the essay" in out and "on the extract" not in out
    assert "Peace for the soldiers" in out and "(¶2)" in out
    output = tmp_path / "extract.json"
    argv = ["export", "--data-dir", str(data_dir), "--text", DEFAULT_TEXT_ID]
    assert _run([*argv, "--format", "json", "-o", str(output)]) == 0
    bodies = [a["body"][0]["value"] if isinstance(a["body"], list) else a["body"]["value"]
              for a in json.loads(output.read_text())["first"]["items"]]  # fmt: skip
    assert bodies == ["on the extract"]


def test_export_and_import_refuse_an_unknown_text(library_dir: tuple[Path, str], capsys) -> None:
    data_dir, _ = library_dir
    assert _run(["export", "--data-dir", str(data_dir), "--text", "no-such-text"]) == 1
    assert "no text 'no-such-text' in the library" in capsys.readouterr().err


def test_import_routes_each_annotation_to_its_text(
    library_dir: tuple[Path, str], document: Document, tmp_path: Path, capsys
) -> None:
    data_dir, essay_id = library_dir
    items = [
        # Names the essay: goes there.
        _annotation(f"urn:study-reader:text:{essay_id}", "Bread for the towns", "a1", "named"),
        # Names a text nobody has, but its quote is in the essay.
        _annotation("https://example.org/elsewhere", "said the second", "a2", "by quote"),
        # Quote nowhere in the library: kept, detached, on the default text.
        _annotation("https://example.org/elsewhere", "words no text holds", "a3", "lost"),
    ]
    path = tmp_path / "annotations.json"
    path.write_text(json.dumps(items))
    assert _run(["import", "--data-dir", str(data_dir), str(path)]) == 0
    assert "3 new" in capsys.readouterr().out
    texts = _texts_of(data_dir, document)
    assert texts["named"] == essay_id and texts["by quote"] == essay_id
    assert texts["lost"] == DEFAULT_TEXT_ID
    # Placed in their own text: the essay's notes are not detached.
    result = open_store(data_dir, document)
    try:
        library = library_of(result.repository, data_dir)
        essay = library.document(essay_id)
        scoped = NotesRepository(result.repository.connection, essay)
        ids = note_ids_of_text(result.repository.connection, essay_id)
        placed = {n.body: n.placement for n in scoped.list_notes() if n.id in ids}
        assert placed["named"] is not None and placed["named"].is_placed
        assert placed["by quote"].is_placed
    finally:
        result.close()
    # Again: nothing doubles.
    assert _run(["import", "--data-dir", str(data_dir), str(path)]) == 0
    assert "0 new" in capsys.readouterr().out


def test_import_text_sends_unnamed_annotations_to_the_chosen_text(
    library_dir: tuple[Path, str], document: Document, tmp_path: Path
) -> None:
    data_dir, essay_id = library_dir
    items = [_annotation("https://example.org/x", THIRD, "b1", "chosen")]
    path = tmp_path / "for-essay.json"
    path.write_text(json.dumps(items))
    assert _run(["import", "--data-dir", str(data_dir), "--text", essay_id, str(path)]) == 0
    assert _texts_of(data_dir, document)["chosen"] == essay_id  # detached there, kept


def test_a_bad_file_is_refused_before_anything_changes(
    library_dir: tuple[Path, str], tmp_path: Path, capsys
) -> None:
    data_dir, essay_id = library_dir
    before = database_path(data_dir).read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text('[{"target": 5}]')
    assert _run(["import", "--data-dir", str(data_dir), "--text", essay_id, str(bad)]) == 1
    assert "Annotation 1" in capsys.readouterr().err
    assert database_path(data_dir).read_bytes() == before
