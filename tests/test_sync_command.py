"""``study-reader sync --sync-dir DIR``: as a function, and once as a real process."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from conftest import anchor_on, run_app

from reader_app import cli
from reader_app.domain.notes import Colour, free_note, passage_note
from reader_app.domain.text import Document
from reader_app.storage.store import open_store
from reader_app.storage.sync_state import load_device
from reader_app.sync_command import WINDOW_OPEN_MESSAGE


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)  # the app's own option, as in app.py
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.handler(args))


def _sync(data: Path, sync_dir: Path, *extra: str) -> int:
    return _run(["--data-dir", str(data), "sync", "--sync-dir", str(sync_dir), *extra])


def test_two_data_folders_sync_through_one_folder(
    tmp_path: Path, document: Document, capsys: pytest.CaptureFixture[str]
) -> None:
    desk, laptop, shared = tmp_path / "desk", tmp_path / "laptop", tmp_path / "shared"
    shared.mkdir()
    store = open_store(desk, document)
    assert store.repository is not None
    note = store.repository.add(
        passage_note(anchor_on(document, "p3", "third person"), "on the desk", colour=Colour.PINK)
    )
    store.close()
    assert _sync(desk, shared, "--device-name", "Desk") == 0
    assert "“Desk”" in capsys.readouterr().out
    assert _sync(laptop, shared) == 0
    out = capsys.readouterr().out
    assert "received 1 note," in out
    store = open_store(laptop, document)
    assert store.repository is not None
    try:
        arrived = store.repository.get(note.id)
        assert arrived is not None and (arrived.body, arrived.colour) == (
            "on the desk",
            Colour.PINK,
        )
        assert arrived.placement is not None and arrived.placement.block_id == "p3"
    finally:
        store.close()
    assert load_device(desk).name == "Desk" and load_device(laptop).id != load_device(desk).id
    assert _sync(laptop, shared) == 0
    assert "sent 0 changes, received 0 notes, 0 deletions." in capsys.readouterr().out


def test_a_missing_sync_folder_fails_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _sync(tmp_path / "data", tmp_path / "not-there") == 1
    err = capsys.readouterr().err
    assert "Sync folder unavailable" in err and "not-there" in err


def test_refused_while_a_window_holds_the_notes(
    tmp_path: Path, document: Document, capsys: pytest.CaptureFixture[str]
) -> None:
    data, shared = tmp_path / "data", tmp_path / "shared"
    shared.mkdir()
    window = open_store(data, document)  # holds the single-writer lock, as a window does
    try:
        assert window.repository is not None
        window.repository.add(free_note("in the window"))
        assert _sync(data, shared) == 1
        assert "syncs them itself" in capsys.readouterr().err
        assert list(shared.iterdir()) == []
    finally:
        window.close()
    assert WINDOW_OPEN_MESSAGE.startswith("Study Reader is open")


def test_sync_runs_as_a_command_of_the_app(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    result = run_app(
        "--data-dir", str(tmp_path / "data"), "sync", "--sync-dir", str(shared), home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Synced ")
    assert result.stderr == ""
