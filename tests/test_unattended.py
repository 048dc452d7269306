"""Runs with nobody at the keyboard never wait: odd import files, and --screenshot and
--self-test on notes that cannot be opened, end at once with a reason on stderr."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import run_app

from reader_app.domain.notes import free_note
from reader_app.domain.text import load_document
from reader_app.storage.migrations import LATEST_VERSION
from reader_app.storage.store import database_path, open_store

QUICK = 60  # seconds: far more than any of these needs, far less than "forever"


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _notes_with_backup(data_dir: Path, *bodies: str) -> None:
    document = load_document()
    for chunk in (bodies, ()):  # the second opening takes a backup holding the notes
        result = open_store(data_dir, document)
        try:
            for body in chunk:
                result.repository.add(free_note(body))
        finally:
            result.close()


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_import_of_something_not_a_regular_file_is_refused_at_once(
    kind: str, tmp_path: Path
) -> None:
    if kind == "fifo":
        source = tmp_path / "pipe.json"
        os.mkfifo(source)  # nobody ever writes to it: reading it would wait forever
    elif kind == "directory":
        source = tmp_path / "folder.json"
        source.mkdir()
    else:
        source = Path("/dev/zero")  # endless zeros
        if not source.exists():
            pytest.skip("no /dev/zero on this system")
    result = run_app("import", str(source), "--data-dir", str(tmp_path / "d"), home=tmp_path,
                     timeout=QUICK)  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "not a regular file" in line
    assert not (tmp_path / "d").exists()


def _damage(data_dir: Path, how: str) -> None:
    path = database_path(data_dir)
    if how == "damaged":
        path.write_bytes(b"\x00garbage\xff" * 5000)
    else:  # written by a newer version of the app
        connection = sqlite3.connect(path)
        connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
        connection.commit()
        connection.close()


@pytest.mark.parametrize("how", ["damaged", "too new"])
def test_screenshot_on_notes_that_cannot_be_opened_fails_without_waiting(
    how: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    _notes_with_backup(data, "precious")
    _damage(data, how)
    before = _snapshot(data)
    shot = tmp_path / "shot.png"
    result = run_app("--data-dir", str(data), "--screenshot", str(shot), home=tmp_path,
                     timeout=QUICK)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert ("damaged" if how == "damaged" else "newer version") in result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(data) == before  # nothing moved aside, nothing created


@pytest.mark.parametrize("how", ["damaged", "too new"])
def test_self_test_on_notes_that_cannot_be_opened_fails_without_waiting(
    how: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    _notes_with_backup(data, "precious")
    _damage(data, how)
    before = _snapshot(data)
    result = run_app("--self-test", "--data-dir", str(data), home=tmp_path, timeout=QUICK)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "self-test: FAILED" in result.stderr
    assert ("damaged" if how == "damaged" else "newer version") in result.stderr
    assert "self-test: passed" not in result.stdout
    assert _snapshot(data) == before


def test_screenshot_leaves_an_unanswered_backup_offer_for_the_user(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _notes_with_backup(data, "precious")
    _damage(data, "damaged")
    assert open_store(data, load_document()).status.value == "backup_offered"  # then closed
    before = _snapshot(data)
    result = run_app("--data-dir", str(data), "--screenshot", str(tmp_path / "s.png"),
                     home=tmp_path, timeout=QUICK)  # fmt: skip
    assert result.returncode == 1 and "can be restored" in result.stderr
    assert _snapshot(data) == before  # no empty notes file took the damaged one's place
