"""Two and three devices sharing one sync folder, on the real writer, reader and merge:
they converge, lose nothing, and take nothing twice."""

from __future__ import annotations

import ast
import errno
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import anchor_on

from reader_app.domain.notes import Colour, passage_note
from reader_app.domain.sync.log import Entity, ProblemKind, SyncLogError, log_path, read_log
from reader_app.domain.sync.merge import Version
from reader_app.domain.sync.note_records import note_from_record, note_record
from reader_app.domain.sync.replica import Replica
from reader_app.domain.text import Document

START_MS = 1_764_000_000_000
FIVE_MINUTES_MS = 5 * 60 * 1000
DAY_MS = 24 * 60 * 60 * 1000
NOTE = Entity.NOTE


class Wall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        self.ms += 1  # time passes between events
        return self.ms


WALLS: dict[int, Wall] = {}


def devices(folder: Path, *names: str, skew_ms: int = 0) -> list[Replica]:
    """Devices whose wall clocks start ``skew_ms`` apart, each moving on by 1 ms per event."""
    replicas = []
    for index, name in enumerate(names):
        wall = Wall(START_MS + index * skew_ms)
        replica = Replica(folder, name, wall=wall)
        WALLS[id(replica)] = wall
        replicas.append(replica)
    return replicas


def wall(replica: Replica) -> Wall:
    return WALLS[id(replica)]


def body(replica: Replica, note_id: str) -> Any:
    version = replica.state[(NOTE, note_id)]
    return None if version.payload is None else version.payload["body"]


def bodies(replica: Replica) -> dict[str, Any]:
    return {key[1]: body(replica, key[1]) for key in sorted(replica.state)}


def sync_all(*replicas: Replica) -> None:
    for _ in range(2):  # twice, so that every change has reached every device
        for replica in replicas:
            assert replica.sync().problems == []


def test_concurrent_edits_on_two_devices_converge_and_the_loser_is_kept(tmp_path: Path) -> None:
    desk, laptop = devices(tmp_path, "desk", "laptop")
    desk.change(NOTE, "n1", {"body": "first"})
    sync_all(desk, laptop)
    desk.change(NOTE, "n1", {"body": "desk's words"})
    laptop.change(NOTE, "n1", {"body": "laptop's words"})  # offline from each other
    desk_report, laptop_report = desk.sync(), laptop.sync()
    assert desk.state == laptop.state
    winner = body(desk, "n1")
    assert winner == "laptop's words"  # the later stamp (same start, laptop edited second)
    # the losing version is kept in the history on both devices, once each
    assert [r.payload for r in desk_report.revisions] == [{"body": "desk's words"}]
    assert [r.payload for r in laptop_report.revisions] == [{"body": "desk's words"}]
    assert desk.sync().applied == laptop.sync().applied == []


def test_delete_against_edit_both_ways(tmp_path: Path) -> None:
    desk, laptop = devices(tmp_path, "desk", "laptop")
    desk.change(NOTE, "a", {"body": "a"})
    desk.change(NOTE, "b", {"body": "b"})
    sync_all(desk, laptop)
    wall(desk).ms = wall(laptop).ms = START_MS + 60_000
    desk.change(NOTE, "a", None)  # deleted first...
    wall(laptop).ms += 10
    laptop.change(NOTE, "a", {"body": "a edited later"})  # ...edited later: the edit wins
    laptop.change(NOTE, "b", {"body": "b edited first"})  # edited first...
    wall(desk).ms += 20
    desk.change(NOTE, "b", None)  # ...deleted later: the deletion wins
    reports = [desk.sync(), laptop.sync()]
    assert desk.state == laptop.state
    assert bodies(desk) == {"a": "a edited later", "b": None}
    for report in reports:  # the deleted note's losing words are kept on both devices
        assert [r.payload for r in report.revisions] == [{"body": "b edited first"}]


def test_clocks_five_minutes_apart_do_not_lose_the_later_edit(tmp_path: Path) -> None:
    # the laptop's clock is five minutes behind the desk's
    laptop, desk = devices(tmp_path, "laptop", "desk", skew_ms=FIVE_MINUTES_MS)
    desk.change(NOTE, "n", {"body": "written at the desk"})
    laptop.sync()
    laptop.change(NOTE, "n", {"body": "corrected on the laptop"})  # its wall clock: earlier
    desk_report = desk.sync()
    assert wall(laptop).ms < desk.state[(NOTE, "n")].record.stamp.wall_ms
    assert body(desk, "n") == body(laptop, "n") == "corrected on the laptop"
    assert desk_report.revisions == []  # an update, not a conflict


def test_a_cut_off_last_line_is_picked_up_complete_on_the_next_sync(tmp_path: Path) -> None:
    desk, laptop = devices(tmp_path, "desk", "laptop")
    desk.change(NOTE, "one", {"body": "1"})
    desk.change(NOTE, "two", {"body": "2"})
    log = log_path(tmp_path, "desk")
    whole = log.read_bytes()
    log.write_bytes(whole[:-5])  # the sync tool has delivered part of the last line
    report = laptop.sync()
    assert report.problems == [] and bodies(laptop) == {"one": "1"}
    log.write_bytes(whole)
    laptop.sync()
    assert bodies(laptop) == {"one": "1", "two": "2"}


def test_three_devices_with_interleaved_edits_converge_and_resyncing_adds_nothing(
    tmp_path: Path,
) -> None:
    trio = devices(tmp_path, "a", "b", "c", skew_ms=-FIVE_MINUTES_MS)
    for round_number in range(3):
        for index, replica in enumerate(trio):
            replica.change(NOTE, f"own-{replica.device}-{round_number}", {"body": "own"})
            replica.change(NOTE, "shared", {"body": f"{replica.device}{round_number}"})
            if index == round_number:
                replica.change(NOTE, "contested", None)
            else:
                replica.change(NOTE, "contested", {"body": replica.device})
        trio[round_number].sync()
    sync_all(*trio)
    assert trio[0].state == trio[1].state == trio[2].state
    assert len(trio[0].state) == 9 + 2
    sizes = [log_path(tmp_path, r.device).stat().st_size for r in trio]
    for replica in trio:
        fresh = Replica(tmp_path, f"{replica.device}-copy")  # reads everything from nothing
        assert fresh.sync().problems == []
        assert fresh.state == replica.state
        again = replica.sync()
        assert again.applied == again.revisions == []
    assert [log_path(tmp_path, r.device).stat().st_size for r in trio] == sizes


def test_a_device_offline_for_a_month_catches_up(tmp_path: Path) -> None:
    desk, laptop = devices(tmp_path, "desk", "laptop")
    for n in range(50):
        desk.change(NOTE, f"n{n}", {"body": "day 0"})
    sync_all(desk, laptop)
    laptop.change(NOTE, "n0", {"body": "laptop, before leaving"})
    for day in range(1, 31):  # a month of work on the desk while the laptop stays shut
        wall(desk).ms += DAY_MS
        desk.change(NOTE, f"n{day}", {"body": f"day {day}"})
        if day % 7 == 0:
            desk.change(NOTE, f"n{day + 10}", None)
    report = laptop.sync()
    assert len(report.applied) == 30 + 4
    desk.sync()
    assert laptop.state == desk.state
    assert body(laptop, "n0") == "laptop, before leaving"  # desk had not touched it since


def test_a_rewound_log_is_reported_and_nothing_is_lost_or_doubled(tmp_path: Path) -> None:
    desk, laptop = devices(tmp_path, "desk", "laptop")
    desk.change(NOTE, "kept", {"body": "1"})
    older = log_path(tmp_path, "desk").read_bytes()
    desk.change(NOTE, "later", {"body": "2"})
    laptop.sync()
    log_path(tmp_path, "desk").write_bytes(older)  # the sync tool restored an old copy
    report = laptop.sync()
    assert [p.kind for p in report.problems] == [ProblemKind.REWOUND]
    assert bodies(laptop) == {"kept": "1", "later": "2"}
    assert report.applied == []
    # the desk notices its own log was cut short and publishes its changes again
    desk.change(NOTE, "after", {"body": "3"})
    desk_report = desk.sync()
    assert [p.kind for p in desk_report.problems] == [ProblemKind.REWOUND]
    laptop.sync()
    assert laptop.state == desk.state
    stamps = [r.stamp for r in read_log(log_path(tmp_path, "desk")).records]
    fresh = Replica(tmp_path, "fresh")
    fresh.sync()
    assert fresh.state == desk.state and len(stamps) >= 3


def test_a_missing_sync_folder_keeps_the_change_and_writes_it_later(tmp_path: Path) -> None:
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    desk, laptop = devices(folder, "desk", "laptop")
    folder.rename(tmp_path / "unplugged")
    with pytest.raises(SyncLogError, match="Cannot write to the sync folder"):
        desk.change(NOTE, "n", {"body": "written while unplugged"})
    assert body(desk, "n") == "written while unplugged"
    report = desk.sync()
    assert [p.kind for p in report.problems][:1] == [ProblemKind.UNWRITABLE]
    (tmp_path / "unplugged").rename(folder)
    assert desk.sync().problems == []
    laptop.sync()
    assert body(laptop, "n") == "written while unplugged"


def test_notes_travel_as_our_w3c_annotations_and_come_back_identical(
    tmp_path: Path, document: Document
) -> None:
    desk, laptop = devices(tmp_path, "desk", "laptop")
    note = passage_note(
        anchor_on(document, "p2", "red tape"), "Who cuts it?", colour=Colour.GREEN, tags=["x"]
    )
    record = note_record(note, document, desk.clock.now(), None)
    desk.writer.append([record])
    laptop.sync()
    version: Version = laptop.state[(NOTE, note.id)]
    assert version.payload is not None and version.payload["type"] == "Annotation"
    assert version.payload["id"] == f"urn:uuid:{note.id}"
    back = note_from_record(version.record, document)
    assert (back.id, back.body, back.tags, back.colour, back.anchor) == (
        note.id, note.body, note.tags, note.colour, note.anchor
    )  # fmt: skip


def test_the_sync_core_imports_neither_qt_nor_storage() -> None:
    package = Path(__file__).resolve().parents[2] / "reader_app" / "domain" / "sync"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += (
                    [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                )
                for name in names:
                    assert not name.startswith(("PySide6", "shiboken6", "reader_app.storage"))
                    assert not name.startswith(("reader_app.ui", "reader_app.app"))


def test_a_batch_of_changes_is_one_write_and_chains_repeated_ids(tmp_path: Path) -> None:
    desk, laptop = devices(tmp_path, "desk", "laptop")
    first, second, other = desk.change_many(
        [(NOTE, "n", {"body": "1"}), (NOTE, "n", {"body": "2"}), (NOTE, "m", {"body": "m"})]
    )
    assert second.base == first.stamp and other.base is None
    report = laptop.sync()
    assert report.revisions == []  # the second replaced the first knowingly
    assert bodies(laptop) == {"m": "m", "n": "2"}


def test_a_full_sync_folder_is_a_plain_error_and_the_change_is_written_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, laptop = devices(tmp_path, "desk", "laptop")
    desk.change(NOTE, "before", {"body": "0"})

    def disk_full_half_way(fd: int) -> None:
        os.ftruncate(fd, os.fstat(fd).st_size - 10)  # only part of the line reached the disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full_half_way)
    with pytest.raises(SyncLogError, match="No space left on device"):
        desk.change(NOTE, "n", {"body": "written on a full disk"})
    monkeypatch.undo()
    assert body(desk, "n") == "written on a full disk" and len(desk.unwritten) == 1
    assert desk.sync().problems == []  # space again: the waiting change is written
    report = laptop.sync()
    assert bodies(laptop) == {"before": "0", "n": "written on a full disk"}
    assert [p.kind for p in report.problems] == [ProblemKind.CORRUPT_LINE]  # the half line
