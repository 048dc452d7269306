"""``export -o FILE`` behaves like other Unix tools, and a failed write never looks like success."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reader_app import cli
from reader_app.domain.notes import free_note
from reader_app.domain.text import Document
from reader_app.storage.store import open_store

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def notes_dir(data_dir: Path, document: Document) -> Path:
    result = open_store(data_dir, document)
    try:
        result.repository.add(free_note("a note worth exporting"))
    finally:
        result.close()
    return data_dir


def _export(notes_dir: Path, output: str) -> int:
    return cli.main(["export", "--format", "markdown", "-o", output, "--data-dir", str(notes_dir)])


def test_writing_through_a_symlink_updates_its_target_and_keeps_the_link(
    notes_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "synced"
    elsewhere.mkdir()
    target = elsewhere / "notes.md"
    target.write_text("old export")
    link = tmp_path / "notes.md"
    link.symlink_to(target)
    assert _export(notes_dir, str(link)) == 0
    assert link.is_symlink() and link.resolve() == target
    assert "a note worth exporting" in target.read_text(encoding="utf-8")
    assert [p.name for p in elsewhere.iterdir()] == ["notes.md"]  # no temporary left


def test_a_dangling_symlink_gets_its_target_created(notes_dir: Path, tmp_path: Path) -> None:
    link = tmp_path / "notes.md"
    link.symlink_to(tmp_path / "not-yet.md")
    assert _export(notes_dir, str(link)) == 0
    assert link.is_symlink()
    assert "a note worth exporting" in (tmp_path / "not-yet.md").read_text(encoding="utf-8")


def test_a_fifo_is_written_to_not_replaced(notes_dir: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there, as with `cat`
    try:
        assert _export(notes_dir, str(fifo)) == 0
        received = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"a note worth exporting" in received


def _export_process(notes_dir: Path, **popen: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reader_app", "export", "--format", "json",
         "--data-dir", str(notes_dir)],
        cwd=REPO_ROOT,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
        **popen,  # type: ignore[arg-type]
    )  # fmt: skip


def _one_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    assert result.returncode != 0
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("study-reader: error: ")
    return lines[0]


def test_a_broken_pipe_is_one_line_and_a_failure(notes_dir: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `study-reader export | head` with head already gone
    try:
        result = _export_process(notes_dir, stdout=write_end)
    finally:
        os.close(write_end)
    assert "standard output" in _one_error_line(result)


def test_a_closed_standard_output_is_one_line_and_a_failure(notes_dir: Path) -> None:
    result = _export_process(notes_dir, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert "standard output" in _one_error_line(result)


def test_a_full_standard_output_is_one_line_and_a_failure(notes_dir: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with Path("/dev/full").open("wb") as full:
        result = _export_process(notes_dir, stdout=full)
    assert "No space left" in _one_error_line(result)
