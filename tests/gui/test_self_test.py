"""``--self-test`` as the build script runs it: a separate process, offscreen."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import run_app

from reader_app.domain.notes import free_note
from reader_app.domain.text import load_document
from reader_app.storage.store import database_path, open_store

SCHEMAS = Path(__file__).parents[1] / "data" / "schemas"

HARMLESS = "This plugin does not support propagateSizeHints()"
STEPS = ("platform:", "log:", "icon:", "window:", "text:", "glossary:", "note:", "search:")


def test_self_test_passes_on_a_temporary_data_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = run_app("--self-test", home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for step in (*STEPS, "export:", "study edition:"):
        assert any(line.startswith(f"self-test: {step}") for line in lines), step
    assert lines[-1] == "self-test: passed"
    assert [line for line in result.stderr.splitlines() if HARMLESS not in line] == []
    assert "glossary: 0 entries" not in result.stdout
    assert list(home.rglob("*")) == []  # nothing written to the user's folders


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("saved", ["none", "current", "v1"])
def test_self_test_checks_a_copy_of_the_given_data_folder_and_never_changes_it(
    saved: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    if saved == "current":
        result = open_store(data, load_document())
        result.repository.add(free_note("a note of the user's"))
        result.close()
    elif saved == "v1":  # an old notes file: the copy is upgraded, the original is not
        shutil.copyfile(SCHEMAS / "notes-v1.sqlite", database_path(data))
    before = _snapshot(data)
    result = run_app("--self-test", "--data-dir", str(data), home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"self-test: working on a copy of {data}" in result.stdout
    assert "self-test: passed" in result.stdout
    assert _snapshot(data) == before


def test_self_test_fails_with_a_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_app("--self-test", "--data-dir", str(blocker / "data"), home=tmp_path)
    assert result.returncode == 1
    assert "self-test: FAILED: cannot use the data folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert "self-test: passed" not in result.stdout
