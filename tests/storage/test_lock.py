"""One writer per data folder; a second instance reads only, and a crash leaves no stale lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader_app.domain.notes import free_note
from reader_app.domain.text import Document
from reader_app.storage.db import ReadOnlyLocation
from reader_app.storage.lock import InstanceLock
from reader_app.storage.store import ANOTHER_INSTANCE_MESSAGE, OpenStatus, open_store

REPO_ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys
from pathlib import Path
from reader_app.storage.lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
print("locked" if lock.acquire() else "busy", flush=True)
sys.stdin.readline()  # hold the lock until the test says so
"""


def test_second_lock_is_refused_until_released(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire() and first.held
    assert not second.acquire() and not second.held
    first.release()
    assert second.acquire()
    second.release()


@pytest.mark.parametrize("ending", ["exits", "is killed"])
def test_lock_held_by_another_process_and_freed_when_it_ends(tmp_path: Path, ending: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with InstanceLock(tmp_path) as ours:
            assert not ours.acquire()
    finally:
        if ending == "exits":
            holder.communicate("\n", timeout=30)
        else:
            holder.kill()
            holder.communicate(timeout=30)
    # No stale lock, however the other process ended.
    with InstanceLock(tmp_path) as ours:
        assert ours.acquire()


def test_second_instance_opens_read_only_with_a_notice(data_dir: Path, document: Document) -> None:
    first = open_store(data_dir, document)
    second = None
    try:
        note = first.repository.add(free_note("written by the first window"))
        second = open_store(data_dir, document)
        assert second.status is OpenStatus.READ_ONLY
        assert second.messages == [ANOTHER_INSTANCE_MESSAGE]
        assert [n.id for n in second.repository.list_notes()] == [note.id]
        with pytest.raises(ReadOnlyLocation, match="another Study Reader window"):
            second.repository.update(note.id, body="from the second window")
        first.repository.update(note.id, body="still writable in the first")
        assert second.repository.get(note.id).body == "still writable in the first"
    finally:
        if second is not None:
            second.close()
        first.close()
    third = open_store(data_dir, document)
    try:
        assert third.status is OpenStatus.OPENED
    finally:
        third.close()


@pytest.mark.parametrize("replaced", [False, True], ids=["deleted", "replaced"])
def test_the_lock_survives_its_file_being_deleted(
    replaced: bool, data_dir: Path, document: Document
) -> None:
    first = open_store(data_dir, document)
    try:
        assert first.status is OpenStatus.CREATED
        lock_file = data_dir / "study-reader.lock"
        lock_file.unlink()  # a cleaning tool, or a user tidying the folder
        if replaced:
            lock_file.write_text("12345\n")
        with InstanceLock(data_dir) as other:
            assert not other.acquire()
        second = open_store(data_dir, document)
        try:
            assert second.status is OpenStatus.READ_ONLY
        finally:
            second.close()
    finally:
        first.close()
    third = open_store(data_dir, document)  # and once the first is gone, the folder is free
    try:
        assert third.status is OpenStatus.OPENED
    finally:
        third.close()


def test_the_lock_survives_deletion_across_processes(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        (tmp_path / "study-reader.lock").unlink()
        with InstanceLock(tmp_path) as ours:
            assert not ours.acquire()
    finally:
        holder.communicate("\n", timeout=30)
    with InstanceLock(tmp_path) as ours:
        assert ours.acquire()
