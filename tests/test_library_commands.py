"""``study-reader add`` / ``list`` / ``remove``: as functions, and once as a real process."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import anchor_on

from reader_app import cli
from reader_app.domain.notes import passage_note
from reader_app.domain.text import DEFAULT_TEXT_ID, Document
from reader_app.library_commands import WINDOW_OPEN_MESSAGE
from reader_app.storage.library import TEXTS_FOLDER
from reader_app.storage.store import open_store

REPO_ROOT = Path(__file__).resolve().parents[1]
MARKDOWN = "# Lenin’s Reply\n\n## One\n\nOn the trade unions.\n\n## Two\n\nAnd on bread.\n"


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)  # the app's own option, as in app.py
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.handler(args))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "reply.md": MARKDOWN.encode(),
        "notes.txt": b"Seminar handout\n\nRead the resolutions.\n",
        "broken.epub": b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        "empty.txt": b"",
    }
    paths = {}
    for name, data in made.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    return paths


def _lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def test_add_prints_id_and_title_and_reports_bad_files(
    files: dict[str, Path], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["add", str(files["reply.md"]), str(files["broken.epub"]), str(files["notes.txt"])]
    assert _run([*argv, str(files["empty.txt"]), "--data-dir", str(data_dir)]) == 1
    out, err = capsys.readouterr()
    added = _lines(out)
    assert [title for _, title in added] == ["Lenin’s Reply", "notes"]
    assert [text_id.rsplit("-", 1)[0] for text_id, _ in added] == ["lenins-reply", "notes"]
    assert err.splitlines() == [
        "study-reader: broken.epub: is a PNG image, not an EPUB.",
        "study-reader: empty.txt: is empty.",
    ]
    assert len(list((data_dir / TEXTS_FOLDER).iterdir())) == 2

    # Adding again adds nothing and prints the same ids; all good files: exit 0.
    assert (
        _run(["add", str(files["notes.txt"]), str(files["reply.md"]), "--data-dir", str(data_dir)])
        == 0
    )
    again = _lines(capsys.readouterr().out)
    assert sorted(again) == sorted(added)
    assert len(list((data_dir / TEXTS_FOLDER).iterdir())) == 2


def test_list_shows_the_library_with_notes_counts(
    files: dict[str, Path],
    data_dir: Path,
    document: Document,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(["list", "--data-dir", str(data_dir)]) == 0  # nothing stored yet
    assert _lines(capsys.readouterr().out) == [
        [DEFAULT_TEXT_ID, "The Workers’ Opposition", "Alexandra Kollontai", "1921", "0"]
    ]
    result = open_store(data_dir, document)
    result.repository.add(passage_note(anchor_on(document, "p3", "Some third person"), "n"))
    result.close()
    _run(["add", str(files["reply.md"]), "--data-dir", str(data_dir)])
    reply_id = capsys.readouterr().out.split("\t")[0]

    assert _run(["list", "--data-dir", str(data_dir)]) == 0
    assert _lines(capsys.readouterr().out) == [
        [DEFAULT_TEXT_ID, "The Workers’ Opposition", "Alexandra Kollontai", "1921", "1"],
        [reply_id, "Lenin’s Reply", "", "", "0"],
    ]
    assert _run(["list", "--format", "json", "--data-dir", str(data_dir)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(t["id"], t["title"], t["author"], t["year"], t["notes"]) for t in listed] == [
        (DEFAULT_TEXT_ID, "The Workers’ Opposition", "Alexandra Kollontai", 1921, 1),
        (reply_id, "Lenin’s Reply", "", None, 0),
    ]
    assert [t["format"] for t in listed] == ["bundled", "markdown"]


def test_remove_keeps_notes_and_refuses_the_bundled_text(
    files: dict[str, Path], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(["add", str(files["notes.txt"]), "--data-dir", str(data_dir)])
    text_id = capsys.readouterr().out.split("\t")[0]

    assert _run(["remove", DEFAULT_TEXT_ID, "--data-dir", str(data_dir)]) == 1
    assert "bundled text cannot be removed" in capsys.readouterr().err
    assert _run(["remove", "no-such-text", "--data-dir", str(data_dir)]) == 1
    assert "no text with the id “no-such-text”" in capsys.readouterr().err

    assert _run(["remove", text_id, "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out == f"Removed {text_id} (notes); no notes.\n"
    assert list((data_dir / TEXTS_FOLDER).iterdir()) == []
    _run(["list", "--data-dir", str(data_dir)])
    assert [row[0] for row in _lines(capsys.readouterr().out)] == [DEFAULT_TEXT_ID]


def test_writing_commands_respect_the_open_window(
    files: dict[str, Path],
    data_dir: Path,
    document: Document,
    capsys: pytest.CaptureFixture[str],
) -> None:
    window = open_store(data_dir, document)  # holds the single-writer lock, as the app does
    try:
        assert _run(["add", str(files["notes.txt"]), "--data-dir", str(data_dir)]) == 1
        out, err = capsys.readouterr()
        assert out == "" and WINDOW_OPEN_MESSAGE.split(";")[0] in err
        assert not (data_dir / TEXTS_FOLDER).exists()
        assert _run(["remove", "anything", "--data-dir", str(data_dir)]) == 1
        assert "close it first" in capsys.readouterr().err
        assert _run(["list", "--data-dir", str(data_dir)]) == 0  # reading needs no lock
        assert capsys.readouterr().out.startswith(DEFAULT_TEXT_ID)
    finally:
        window.close()


def test_add_through_the_real_entry_point(files: dict[str, Path], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reader_app",
            "add",
            str(files["reply.md"]),
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.endswith("\tLenin’s Reply\n")
    assert "PySide6" not in done.stdout


def test_add_names_the_chapters_of_an_epub_that_could_not_be_read(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The book is added (exit 0), with one line on stderr naming the missing chapter."""
    from domain.epub_factory import book_missing_a_chapter

    book = tmp_path / "book.epub"
    book.write_bytes(book_missing_a_chapter())
    assert _run(["add", str(book), "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    assert [title for _, title in _lines(out)] == ["A Test Book"]
    assert err.splitlines() == [
        "study-reader: book.epub: the chapter “The Sea” could not be read: "
        "it is missing from the file."
    ]
