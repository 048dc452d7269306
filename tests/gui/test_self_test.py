"""``--self-test`` as the build script runs it: a separate process, offscreen."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import run_app

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


def test_self_test_uses_the_given_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_app("--self-test", "--data-dir", str(data), home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    export = json.loads((data / "self-test-export.json").read_text(encoding="utf-8"))
    assert "selftest" in json.dumps(export)
    log = (data / "logs" / "study-reader.log").read_text(encoding="utf-8")
    assert "self-test: export:" in log
    with sqlite3.connect(data / "notes.sqlite") as connection:
        [(count,)] = connection.execute("SELECT count(*) FROM notes").fetchall()
    assert count == 1


def test_self_test_fails_with_a_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_app("--self-test", "--data-dir", str(blocker / "data"), home=tmp_path)
    assert result.returncode == 1
    assert "self-test: FAILED: cannot use the data folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert "self-test: passed" not in result.stdout
