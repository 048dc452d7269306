"""``export`` reads the notes and nothing else: the data folder stays exactly as it was."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import anchor_on

from reader_app import cli
from reader_app.domain.notes import free_note, passage_note
from reader_app.domain.text import Document
from reader_app.storage.store import database_path, open_store

SCHEMAS = Path(__file__).parent / "data" / "schemas"
THIRD = "Some third person decides your fate"


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its content's hash: any write shows up here."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _notes(data_dir: Path, document: Document, *bodies: str) -> None:
    result = open_store(data_dir, document)
    try:
        result.repository.add(passage_note(anchor_on(document, "p3", THIRD), "on the passage"))
        for body in bodies:
            result.repository.add(free_note(body))
    finally:
        result.close()


def _export(data_dir: Path, fmt: str = "json") -> int:
    return cli.main(["export", "--format", fmt, "--data-dir", str(data_dir)])


@pytest.mark.parametrize("fmt", ["json", "markdown", "csv"])
def test_export_writes_nothing_in_the_data_folder(
    fmt: str, data_dir: Path, document: Document, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    _notes(data_dir, document, "one")
    _notes(data_dir, document)  # a start-up backup exists too
    before = _snapshot(data_dir)
    assert _export(data_dir, fmt) == 0
    assert b"on the passage" in capsysbinary.readouterr().out
    assert _snapshot(data_dir) == before


def test_export_of_a_damaged_database_moves_nothing_aside(
    data_dir: Path, document: Document, capsys: pytest.CaptureFixture[str]
) -> None:
    _notes(data_dir, document, "one")
    _notes(data_dir, document)
    database_path(data_dir).write_bytes(b"\x00garbage\xff" * 5000)
    before = _snapshot(data_dir)
    assert _export(data_dir) == 1
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert "damaged" in line and "Nothing was changed" in line
    assert captured.out == ""
    assert _snapshot(data_dir) == before
    # The next start still finds the damage and offers the backup.
    result = open_store(data_dir, document)
    assert result.backup_offer is not None and result.backup_offer.note_count == 2


def test_a_version_1_database_is_exported_without_upgrading_it(
    data_dir: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    shutil.copyfile(SCHEMAS / "notes-v1.sqlite", database_path(data_dir))
    before = _snapshot(data_dir)
    assert _export(data_dir) == 0
    exported = json.loads(capsysbinary.readouterr().out)
    bodies = {
        body["value"]
        for item in exported["first"]["items"]
        for body in item.get("body", [])
        if body.get("purpose") == "commenting"
    }
    assert "Read Lenin’s reply at the Tenth Congress." in bodies
    assert exported["total"] == 4
    assert _snapshot(data_dir) == before
    with sqlite3.connect(f"{database_path(data_dir).as_uri()}?mode=ro", uri=True) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (1,)


def test_export_while_the_app_writes_sees_its_latest_notes(
    data_dir: Path, document: Document, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    _notes(data_dir, document)
    running = open_store(data_dir, document, take_backup=False)
    try:
        running.repository.add(free_note("only in the write-ahead log so far"))
        assert _export(data_dir, "markdown") == 0
        assert b"only in the write-ahead log so far" in capsysbinary.readouterr().out
        running.repository.add(free_note("still writable"))
    finally:
        running.close()
