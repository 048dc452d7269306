"""A read-only data folder (a mounted backup, a locked-down machine): the notes can still be
read, searched and exported, the window says why they cannot be changed, and nothing, not
even a ``-shm`` or ``.tmp`` file, is left in the folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import anchor_on

from reader_app import cli
from reader_app.domain.notes import free_note, passage_note
from reader_app.domain.text import Document
from reader_app.storage.db import StorageError
from reader_app.storage.store import OpenStatus, open_store

THIRD = "Some third person decides your fate"


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _protect(paths: list[Path], on: bool) -> bool:
    """Make ``paths`` unwritable (or writable again). Permissions do not stop root, so as
    root the immutable attribute is used; False if neither is possible here."""
    if os.geteuid() != 0:
        for path in paths:
            mode = path.stat().st_mode
            writable = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
            path.chmod(mode | stat.S_IWUSR if on is False else mode & ~writable)
        return True
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    result = subprocess.run(
        [chattr, "+i" if on else "-i", *map(str, paths)], capture_output=True, check=False
    )
    return result.returncode == 0


@pytest.fixture
def read_only_notes(data_dir: Path, document: Document) -> Iterator[Path]:
    result = open_store(data_dir, document)
    try:
        result.repository.add(passage_note(anchor_on(document, "p3", THIRD), "findable words"))
        result.repository.add(free_note("a free note"))
    finally:
        result.close()
    paths = [*(p for p in data_dir.rglob("*") if p.is_file()), data_dir]
    if not _protect(paths, True):
        pytest.skip("cannot make a folder read-only here (root without chattr)")
    try:
        (data_dir / "probe").write_text("x")
    except OSError:
        pass
    else:
        _protect(paths, False)
        pytest.skip("this file system ignores read-only folders")
    yield data_dir
    _protect(paths, False)


def test_the_store_opens_read_only_and_reads_everything(
    read_only_notes: Path, document: Document
) -> None:
    before = _snapshot(read_only_notes)
    result = open_store(read_only_notes, document)
    try:
        assert result.status is OpenStatus.READ_ONLY, result.messages
        assert "cannot be written to" in result.messages[0]
        repository = result.repository
        assert repository.counts().total == 2
        assert [hit.note.body for hit in repository.search("findable")] == ["findable words"]
    finally:
        result.close()
    assert _snapshot(read_only_notes) == before
    assert sorted(p.name for p in read_only_notes.iterdir()) == sorted(
        {name.split("/")[0] for name in before}
    )


def test_the_window_opens_the_notes_read_only_with_a_notice(
    read_only_notes: Path, make_window, qtbot
) -> None:
    before = _snapshot(read_only_notes)
    window = make_window(read_only_notes)
    qtbot.waitUntil(lambda: window.notes_panel is not None)
    panel = window.notes_panel
    assert "cannot be written to" in panel.notice_label.text()
    assert not panel.editor.isEnabled()
    assert window.notes_controller.repository.search("findable")
    window.close()
    assert _snapshot(read_only_notes) == before


def test_export_from_a_read_only_folder(
    read_only_notes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(read_only_notes)
    target = tmp_path / "out.md"
    args = ["export", "--format", "markdown", "-o", str(target)]
    assert cli.main([*args, "--data-dir", str(read_only_notes)]) == 0
    assert "findable words" in target.read_text(encoding="utf-8")
    assert _snapshot(read_only_notes) == before


def test_a_full_disk_at_start_up_still_opens_the_notes_for_reading(
    data_dir: Path, document: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk is simulated full where sqlite first writes (its WAL set-up): filling a real
    disk is not something a test suite should do."""
    from reader_app.storage import store
    from reader_app.storage.db import disk_full_error

    result = open_store(data_dir, document)
    result.repository.add(free_note("written before the disk filled up"))
    result.close()

    def full(request: object) -> None:
        raise disk_full_error(store.database_path(data_dir))

    monkeypatch.setattr(store, "_connect_healthy", full)
    result = open_store(data_dir, document)
    try:
        assert result.status is OpenStatus.READ_ONLY
        assert (
            "disk is full" in result.messages[0] and "read, search and export" in result.messages[0]
        )
        assert [n.body for n in result.repository.list_notes()] == [
            "written before the disk filled up"
        ]
        with pytest.raises(StorageError, match="disk is full"):
            result.repository.add(free_note("refused, not silently kept in memory"))
    finally:
        result.close()
    assert not [p for p in data_dir.iterdir() if p.name.endswith(("-shm", "-wal", ".tmp"))]
