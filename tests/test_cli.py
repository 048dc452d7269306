"""``study-reader export`` / ``import``: as functions, and as a real process without Qt."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import anchor_on

from reader_app import cli
from reader_app.domain.notes import free_note, passage_note
from reader_app.domain.text import Document
from reader_app.storage.backup import list_backups
from reader_app.storage.store import backup_dir, database_path, open_store

REPO_ROOT = Path(__file__).resolve().parents[1]
THIRD = "Some third person decides your fate"


@pytest.fixture
def notes_dir(data_dir: Path, document: Document) -> Path:
    result = open_store(data_dir, document)
    try:
        result.repository.add(
            passage_note(anchor_on(document, "p3", THIRD), "my note", tags=["power"])
        )
        result.repository.add(free_note("a free note"))
    finally:
        result.close()
    return data_dir


def _parse(argv: list[str], default: Path | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)  # the app's own option, as in app.py
    cli.add_subcommands(
        parser.add_subparsers(dest="command"),
        default_data_dir=(lambda: default) if default else None,
    )
    return parser.parse_args(argv)


def test_export_markdown_to_stdout(
    notes_dir: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    args = _parse(["export", "--format", "markdown", "--data-dir", str(notes_dir)])
    assert args.handler(args) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert f"> “{THIRD}” (¶3)" in out and "my note" in out and "a free note" in out
    # An export takes no backup, so exporting often never rotates good backups away.
    assert list_backups(backup_dir(notes_dir)) == []


def test_app_level_data_dir_and_default_are_honoured(
    notes_dir: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    # --data-dir before the sub-command (the app's option) is not clobbered by the
    # sub-command's own, absent one.
    args = _parse(["--data-dir", str(notes_dir), "export", "--format", "csv"])
    assert args.handler(args) == 0
    assert "my note" in capsysbinary.readouterr().out.decode("utf-8-sig")
    args = _parse(["export", "--format", "csv"], default=notes_dir)
    assert args.handler(args) == 0
    assert "my note" in capsysbinary.readouterr().out.decode("utf-8-sig")


def test_export_json_to_file_then_import_into_a_fresh_folder(
    notes_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Document
) -> None:
    target = tmp_path / "notes.jsonld"
    args = _parse(["export", "--format", "json", "-o", str(target), "--data-dir", str(notes_dir)])
    assert args.handler(args) == 0
    assert capsys.readouterr().out.strip() == f"Exported 2 notes to {target}."
    assert json.loads(target.read_text(encoding="utf-8"))["total"] == 2

    fresh = tmp_path / "fresh"
    args = _parse(["import", str(target), "--data-dir", str(fresh)])
    assert args.handler(args) == 0
    assert "2 new, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert args.handler(args) == 0
    assert "0 new, 0 updated, 2 unchanged" in capsys.readouterr().out

    before, after = open_store(notes_dir, document), open_store(fresh, document)
    try:
        assert after.repository.list_notes() == before.repository.list_notes()
    finally:
        before.close()
        after.close()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export", "--format", "markdown"], "No data folder given"),
        (["import", "{missing}", "--data-dir", "{notes}"], "Cannot read"),
        (["import", "{bad}", "--data-dir", "{notes}"], "not valid JSON"),
    ],
)
def test_errors_are_one_line_with_nonzero_status(
    argv: list[str],
    expected: str,
    notes_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    names = {
        "empty": tmp_path / "empty",
        "missing": tmp_path / "missing.json",
        "notes": notes_dir,
        "bad": bad,
    }
    before = database_path(notes_dir).read_bytes()
    args = _parse([part.format(**names) for part in argv])
    assert args.handler(args) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("study-reader: error: ") and expected in lines[0]
    assert database_path(notes_dir).read_bytes() == before
    assert not (tmp_path / "empty").exists()


def test_import_refused_while_the_app_holds_the_notes(
    notes_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Document
) -> None:
    source = tmp_path / "one.json"
    source.write_text(json.dumps({"type": "Annotation", "bodyValue": "x", "target": "urn:x:y"}))
    running = open_store(notes_dir, document)
    try:
        args = _parse(["import", str(source), "--data-dir", str(notes_dir)])
        assert args.handler(args) == 1
        assert "close it first" in capsys.readouterr().err
        assert running.repository.counts().total == 2
    finally:
        running.close()


def _run(*argv: str) -> subprocess.CompletedProcess[bytes]:
    code = (
        "import sys\n"
        "from reader_app.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_commands_run_as_a_process_without_qt_or_display(notes_dir: Path, tmp_path: Path) -> None:
    exported = _run("export", "--format", "json", "--data-dir", str(notes_dir))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["total"] == 2

    source = tmp_path / "notes.json"
    source.write_bytes(exported.stdout)
    imported = _run("import", str(source), "--data-dir", str(tmp_path / "fresh"))
    assert imported.returncode == 0, imported.stderr
    assert b"2 new" in imported.stdout

    failed = _run("import", str(tmp_path / "nope.json"), "--data-dir", str(notes_dir))
    assert failed.returncode == 1
    assert failed.stdout == b"" and len(failed.stderr.splitlines()) == 1
