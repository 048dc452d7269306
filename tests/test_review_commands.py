"""``study-reader review add|due`` and ``export-cards``: as functions, and as a real process."""

from __future__ import annotations

import argparse
import csv
import io
import sqlite3
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import anchor_on

from reader_app import cli
from reader_app.domain.notes import passage_note
from reader_app.domain.review import question_card
from reader_app.domain.scheduling import ReviewScheduler
from reader_app.domain.text import DEFAULT_TEXT_ID, Document
from reader_app.review_commands import WINDOW_OPEN_MESSAGE
from reader_app.storage.review_repo import review_of
from reader_app.storage.store import database_path, open_store

REPO_ROOT = Path(__file__).resolve().parents[1]


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)  # the app's own option, as in app.py
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.handler(args))


def _apkg_notes(path: Path) -> list[tuple[str, str]]:
    """(guid, tags) of every note in an exported package, read with sqlite."""
    with zipfile.ZipFile(path) as package:
        collection = package.read("collection.anki2")
    database = sqlite3.connect(":memory:")
    try:
        database.deserialize(collection)
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return database.execute("SELECT guid, tags FROM notes ORDER BY id").fetchall()
    finally:
        database.close()


def _csv_rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[:3] == ["#separator:Comma\n", "#html:true\n", "#tags column:3\n"]
    return list(csv.reader(io.StringIO("".join(lines[3:]))))


def test_add_due_and_export_glossary_cards(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(data_dir)]
    assert _run(["review", "due", *folder]) == 0
    assert capsys.readouterr().out == "0\n"  # nothing stored yet, and nothing created
    assert not database_path(data_dir).exists()

    assert _run(["review", "add", "--glossary", "red-tape", "nep", "--reverse", *folder]) == 0
    assert capsys.readouterr().out == "Added 4 cards to review.\n"
    assert _run(["review", "add", "--glossary", "nep", "nep", *folder]) == 0
    assert capsys.readouterr().out == "Added 0 cards to review; 1 was in review already.\n"
    assert _run(["review", "due", *folder]) == 0
    assert capsys.readouterr().out == "4\n"
    assert _run(["review", "due", "--text", "another-text", *folder]) == 0
    assert capsys.readouterr().out == "0\n"

    package = tmp_path / "cards.apkg"
    assert _run(["export-cards", "--format", "apkg", "-o", str(package), *folder]) == 0
    assert capsys.readouterr().out == f"Exported 4 cards to {package}.\n"
    notes = _apkg_notes(package)
    reading = open_store(data_dir, _document(), read_only=True)
    try:
        assert reading.repository is not None
        ids = [s.card.id for s in review_of(reading.repository).cards()]
    finally:
        reading.close()
    assert sorted(guid for guid, _ in notes) == sorted(ids)

    table = tmp_path / "cards.csv"
    assert _run(["export-cards", "--format", "csv", "-o", str(table), *folder]) == 0
    rows = _csv_rows(table)
    assert len(rows) == 4 and all(len(row) == 3 for row in rows)
    assert rows[0][0].endswith("Red tape") and rows[0][2] == "study-reader glossary"


def _document() -> Document:
    from reader_app.domain.text import load_document

    return load_document()


def test_all_glossary_adds_every_entry_and_unknown_ids_add_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(data_dir)]
    assert _run(["review", "add", "--glossary", "nep", "no-such-entry", *folder]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "no-such-entry" in err and "nothing was added" in err
    assert _run(["review", "add", "--glossary", "nep", "--text", "no-such-text", *folder]) == 1
    assert "no-such-text" in capsys.readouterr().err
    assert _run(["review", "due", *folder]) == 0
    assert capsys.readouterr().out == "0\n"

    assert _run(["review", "add", "--all-glossary", *folder]) == 0
    from reader_app.domain.glossary import load_glossary
    from reader_app.paths import resource_root

    document = _document()
    assert document.glossary_file is not None
    entries = load_glossary(resource_root() / "glossary" / document.glossary_file).entries
    assert capsys.readouterr().out == f"Added {len(entries)} cards to review.\n"
    with pytest.raises(SystemExit):  # --glossary and --all-glossary exclude each other
        _run(["review", "add", "--all-glossary", "--glossary", "nep", *folder])


def test_export_without_cards_is_an_error_and_writes_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "cards.apkg"
    argv = ["export-cards", "--format", "apkg", "-o", str(output), "--data-dir", str(data_dir)]
    assert _run(argv) == 1
    assert "no cards in review" in capsys.readouterr().err and not output.exists()


def test_a_card_of_a_deleted_note_is_exported_from_its_snapshot_and_tagged(
    data_dir: Path, document: Document, tmp_path: Path
) -> None:
    store = open_store(data_dir, document)
    try:
        assert store.repository is not None
        note = passage_note(anchor_on(document, "p3", "Some third person decides your fate"), "Q?")
        store.repository.add(note)
        card = question_card(document.id, note, document)
        now = datetime(2026, 3, 2, tzinfo=UTC)
        review_of(store.repository).add_cards([card], ReviewScheduler(fuzzing=False), now)
        store.repository.delete(note.id)
    finally:
        store.close()
    table = tmp_path / "cards.csv"
    argv = ["export-cards", "--format", "csv", "-o", str(table), "--data-dir", str(data_dir)]
    assert _run(argv) == 0
    ((front, back, tags),) = _csv_rows(table)
    assert "Q?" in front and "Some third person decides your fate" in back
    assert "source-deleted" in tags.split()


def test_writing_is_refused_while_a_window_is_open_and_reading_is_not(
    data_dir: Path, document: Document, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(data_dir)]
    assert _run(["review", "add", "--glossary", "nep", *folder]) == 0
    capsys.readouterr()
    window = open_store(data_dir, document)  # holds the single-writer lock, as the app does
    try:
        assert _run(["review", "add", "--glossary", "red-tape", *folder]) == 1
        out, err = capsys.readouterr()
        assert out == "" and WINDOW_OPEN_MESSAGE.split(";")[0] in err
        assert _run(["review", "due", *folder]) == 0
        assert capsys.readouterr().out == "1\n"
        output = tmp_path / "cards.apkg"
        assert _run(["export-cards", "--format", "apkg", "-o", str(output), *folder]) == 0
        assert len(_apkg_notes(output)) == 1
    finally:
        window.close()


def test_review_through_the_real_entry_point(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    def app(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reader_app", *args, "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=120,
            check=False,
        )

    added = app("review", "add", "--glossary", "red-tape", "bureaucracy")
    assert (added.returncode, added.stderr, added.stdout) == (0, "", "Added 2 cards to review.\n")
    due = app("review", "due", "--text", DEFAULT_TEXT_ID)
    assert (due.returncode, due.stdout) == (0, "2\n")
    package = tmp_path / "out.apkg"
    exported = app("export-cards", "--format", "apkg", "-o", str(package))
    assert (exported.returncode, exported.stderr) == (0, "")
    assert len(_apkg_notes(package)) == 2


def _own_entries(data_dir: Path, essay: Path, capsys: pytest.CaptureFixture[str]):
    """An added text and two entries of the reader's own: one for that text, one for all."""
    from reader_app.domain.personal_glossary import make_entry
    from reader_app.storage.glossary_repo import glossary_of
    from reader_app.storage.library import library_of

    essay.write_text("An Essay\n\nBread and peace, said the essay.\n", encoding="utf-8")
    assert _run(["add", str(essay), "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    store = open_store(data_dir, _document())
    try:
        assert store.repository is not None
        (essay_id,) = [
            t.id for t in library_of(store.repository, data_dir).list_texts() if not t.bundled
        ]
        own = glossary_of(store.repository)
        for_essay = make_entry(headword="Bread", gloss="What the essay wants.", text_id=essay_id)
        for_all = make_entry(headword="Peace", gloss="An end to the war.")
        own.save(for_essay)
        own.save(for_all)
    finally:
        store.close()
    return essay_id, for_essay, for_all


def test_review_add_takes_the_readers_own_entries_and_exports_them_as_they_are_now(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader_app.domain.personal_glossary import edited
    from reader_app.storage.glossary_repo import glossary_of

    folder = ["--data-dir", str(data_dir)]
    essay_id, for_essay, for_all = _own_entries(data_dir, tmp_path / "essay.txt", capsys)
    assert _run(["review", "add", "--glossary", for_essay.id, for_all.id, *folder]) == 0
    assert capsys.readouterr().out == "Added 2 cards to review.\n"
    store = open_store(data_dir, _document(), read_only=True)
    try:
        assert store.repository is not None
        cards = [s.card for s in review_of(store.repository).cards()]
    finally:
        store.close()
    # An entry made for a text goes to that text's deck; one for every text to the default.
    assert [(c.source.id, c.text_id, c.snapshot.title) for c in cards] == [
        (for_essay.id, essay_id, "essay"),
        (for_all.id, DEFAULT_TEXT_ID, "The Workers’ Opposition"),
    ]
    assert "What the essay wants." in cards[0].snapshot.back

    store = open_store(data_dir, _document())
    try:
        assert store.repository is not None
        own = glossary_of(store.repository)
        own.save(edited(for_essay, gloss="Bread, and roses too."))
        own.delete(for_all.id)
    finally:
        store.close()
    table = tmp_path / "cards.csv"
    assert _run(["export-cards", "--format", "csv", "-o", str(table), *folder]) == 0
    (bread, peace) = _csv_rows(table)
    assert "Bread, and roses too." in bread[1] and "source-deleted" not in bread[2].split()
    assert "An end to the war." in peace[1] and "source-deleted" in peace[2].split()
    package = tmp_path / "cards.apkg"
    assert _run(["export-cards", "--format", "apkg", "-o", str(package), *folder]) == 0
    assert len(_apkg_notes(package)) == 2


def test_review_add_of_an_unknown_own_entry_adds_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(data_dir)]
    _essay_id, for_essay, _ = _own_entries(data_dir, tmp_path / "essay.txt", capsys)
    assert _run(["review", "add", "--glossary", for_essay.id, "my-nothing", *folder]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "my-nothing" in err and "nothing was added" in err
