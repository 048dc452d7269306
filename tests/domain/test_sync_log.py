"""The per-device change logs: whole lines in, and every fault of a synced file turned into
records or plain-word problems, read incrementally from a remembered cursor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader_app.domain.sync.clock import Stamp
from reader_app.domain.sync.log import (
    FORMAT_VERSION,
    Cursor,
    Entity,
    LogRewoundError,
    LogWriter,
    ProblemKind,
    Record,
    SyncLogError,
    log_path,
    parse_line,
    read_log,
)

NOTE_ID = "3f2b8c1e-0000-4000-8000-000000000001"


def record(n: int, device: str = "desk", *, payload: dict[str, object] | None = None) -> Record:
    body = payload if payload is not None else {"type": "Annotation", "n": n}
    return Record(Entity.NOTE, f"note-{n}", Stamp(1_700_000_000_000 + n, 0, device), body)


def test_a_record_round_trips_through_its_line_tombstones_and_bases_included() -> None:
    edit = Record(Entity.GLOSSARY, "nep", Stamp(5, 1, "desk"), {"term": "NEP ✓"}, Stamp(4, 0, "a"))
    gone = Record(Entity.NOTE, NOTE_ID, Stamp(6, 0, "desk"), None, Stamp(5, 1, "desk"))
    for original in (edit, gone):
        line = original.to_line()
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        assert parse_line(line[:-1]) == original
    assert json.loads(gone.to_line())["kind"] == "note-deleted"
    assert "payload" not in json.loads(gone.to_line())


def test_the_writer_appends_whole_lines_and_never_rewrites(tmp_path: Path) -> None:
    writer = LogWriter(tmp_path, "desk")
    writer.append([record(1), record(2)])
    before = writer.path.read_bytes()
    writer.append([record(3)])
    after = writer.path.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 3
    assert writer.path == log_path(tmp_path, "desk") and writer.path.name == "desk.jsonl"


def test_a_half_written_last_line_is_skipped_and_picked_up_complete_next_time(
    tmp_path: Path,
) -> None:
    path = log_path(tmp_path, "desk")
    whole = record(1).to_line() + record(2).to_line()
    path.write_bytes(whole[:-7])  # the sync tool delivered the file cut off
    first = read_log(path)
    assert [r.entity_id for r in first.records] == ["note-1"]
    assert first.problems == []
    assert first.cursor.offset == len(record(1).to_line())
    path.write_bytes(whole)  # the rest arrives
    second = read_log(path, first.cursor)
    assert [r.entity_id for r in second.records] == ["note-2"]
    assert second.problems == [] and second.cursor.lines == 2


def test_the_writer_closes_a_line_its_crash_left_half_written(tmp_path: Path) -> None:
    writer = LogWriter(tmp_path, "desk")
    writer.path.write_bytes(record(1).to_line() + record(2).to_line()[:10])
    writer.append([record(3)])
    read = read_log(writer.path)
    assert [r.entity_id for r in read.records] == ["note-1", "note-3"]
    assert [p.kind for p in read.problems] == [ProblemKind.CORRUPT_LINE]
    assert "line 2" in read.problems[0].message


def test_corrupt_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    path = log_path(tmp_path, "desk")
    lines = [
        record(1).to_line(),
        b"{not json\n",
        b"\xff\xfe\n",
        b'{"v": 1, "kind": "spaceship", "id": "x", "hlc": "0000000000001-000000-desk"}\n',
        b'{"v": 1, "kind": "note", "id": "x", "hlc": "yesterday", "device": "desk"}\n',
        record(2, device="other").to_line().replace(b'"device":"other"', b'"device":"desk"'),
        b"\n",  # an empty line is no problem worth a message
        record(3).to_line(),
    ]
    path.write_bytes(b"".join(lines))
    read = read_log(path)
    assert [r.entity_id for r in read.records] == ["note-1", "note-3"]
    assert [p.kind for p in read.problems] == [ProblemKind.CORRUPT_LINE] * 5
    assert [p.message.split(",")[1].split(":")[0] for p in read.problems] == [
        " line 2", " line 3", " line 4", " line 5", " line 6"
    ]  # fmt: skip
    assert "unknown kind of change 'spaceship'" in read.problems[2].message
    assert read.cursor.lines == 8 and read.cursor.offset == path.stat().st_size


def test_a_line_from_a_newer_format_stops_the_file_there_with_a_plain_message(
    tmp_path: Path,
) -> None:
    path = log_path(tmp_path, "desk")
    newer = json.loads(record(2).to_line())
    newer["v"] = FORMAT_VERSION + 1
    path.write_bytes(record(1).to_line() + json.dumps(newer).encode() + b"\n" + record(3).to_line())
    read = read_log(path)
    assert [r.entity_id for r in read.records] == ["note-1"]
    (problem,) = read.problems
    assert problem.kind is ProblemKind.NEWER_FORMAT
    assert "newer version of Study Reader" in problem.message
    assert "update Study Reader" in problem.message
    again = read_log(path, read.cursor)  # still refused, nothing skipped past it
    assert again.records == [] and [p.kind for p in again.problems] == [ProblemKind.NEWER_FORMAT]


def test_reading_is_incremental_from_the_cursor(tmp_path: Path) -> None:
    writer = LogWriter(tmp_path, "desk")
    writer.append([record(n) for n in range(1, 4)])
    first = read_log(writer.path)
    assert len(first.records) == 3
    assert read_log(writer.path, first.cursor).records == []
    writer.append([record(4)])
    second = read_log(writer.path, first.cursor)
    assert [r.entity_id for r in second.records] == ["note-4"]
    assert second.cursor.lines == 4 and second.cursor.last_stamp == record(4).stamp


def test_a_log_rewound_to_an_older_copy_is_detected_and_read_again(tmp_path: Path) -> None:
    writer = LogWriter(tmp_path, "desk")
    writer.append([record(1), record(2), record(3)])
    cursor = read_log(writer.path).cursor
    writer.path.write_bytes(record(1).to_line())  # the sync tool restored an older copy
    read = read_log(writer.path, cursor)
    assert [p.kind for p in read.problems] == [ProblemKind.REWOUND]
    assert [r.entity_id for r in read.records] == ["note-1"]
    assert read.cursor.lines == 1


def test_a_log_replaced_by_a_different_one_of_the_same_length_is_detected(
    tmp_path: Path,
) -> None:
    path = log_path(tmp_path, "desk")
    path.write_bytes(record(1).to_line() + record(2).to_line())
    cursor = read_log(path).cursor
    path.write_bytes(record(1).to_line() + record(7).to_line() + record(8).to_line())
    read = read_log(path, cursor)
    assert [p.kind for p in read.problems] == [ProblemKind.REWOUND]
    assert [r.entity_id for r in read.records] == ["note-1", "note-7", "note-8"]


def test_a_deleted_log_is_reported_once_and_a_never_seen_one_is_not(tmp_path: Path) -> None:
    path = log_path(tmp_path, "desk")
    assert read_log(path).problems == []
    path.write_bytes(record(1).to_line())
    cursor = read_log(path).cursor
    path.unlink()
    read = read_log(path, cursor)
    assert [p.kind for p in read.problems] == [ProblemKind.MISSING]
    assert "disappeared" in read.problems[0].message
    assert read.cursor == Cursor()
    assert read_log(path, read.cursor).problems == []


def test_the_writer_notices_its_own_log_was_cut_short(tmp_path: Path) -> None:
    writer = LogWriter(tmp_path, "desk")
    writer.append([record(1), record(2)])
    writer.path.write_bytes(record(1).to_line())
    with pytest.raises(LogRewoundError, match="rewound or replaced"):
        writer.append([record(3)])
    writer.append([record(3)])  # once said, it appends again


def test_a_missing_sync_folder_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(SyncLogError, match="Cannot write to the sync folder"):
        LogWriter(tmp_path / "unplugged", "desk").append([record(1)])


def test_a_device_cannot_write_another_devices_log(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot write"):
        LogWriter(tmp_path, "desk").append([record(1, device="laptop")])
