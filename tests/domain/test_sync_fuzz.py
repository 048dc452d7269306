"""Hypothesis: any interleaving of edits, deletions and syncs on three devices converges
without losing words, and any bytes in a log are records or reported skips, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader_app.domain.sync.clock import Stamp
from reader_app.domain.sync.log import Entity, LogWriter, Record, log_path, read_log
from reader_app.domain.sync.replica import Replica

NAMES = ("a", "b", "c")
SKEWS_MS = (0, 5 * 60 * 1000, -5 * 60 * 1000)  # clocks minutes apart

operation = st.tuples(
    st.integers(0, 2),  # device
    st.sampled_from(["edit", "delete", "sync"]),
    st.integers(0, 2),  # note
    st.integers(0, 90_000),  # ms the device's wall clock moves on first
)


class Wall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


@settings(max_examples=150, deadline=None)
@given(st.lists(operation, max_size=40))
def test_any_interleaving_on_three_devices_converges_and_loses_no_words(
    operations: list[tuple[int, str, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        walls = [Wall(1_764_000_000_000 + skew) for skew in SKEWS_MS]
        trio = [Replica(Path(folder), n, wall=w) for n, w in zip(NAMES, walls, strict=True)]
        written: list[Record] = []
        kept: set[Stamp] = set()
        for counter, (device, action, note, step_ms) in enumerate(operations):
            walls[device].ms += step_ms
            replica = trio[device]
            if action == "sync":
                kept |= {r.stamp for r in replica.sync().revisions}
                continue
            payload = {"body": f"{replica.device}:{counter}"} if action == "edit" else None
            written.append(replica.change(Entity.NOTE, f"n{note}", payload))
        for _ in range(2):
            for replica in trio:
                report = replica.sync()
                assert report.problems == []
                kept |= {r.stamp for r in report.revisions}
        assert trio[0].state == trio[1].state == trio[2].state
        winners = {version.record.stamp for version in trio[0].state.values()}
        for key, version in trio[0].state.items():  # the newest change of each note wins
            assert version.record == max(
                (r for r in written if (r.entity, r.entity_id) == key), key=lambda r: r.stamp
            )
        replaced_knowingly = {r.base for r in written if r.base is not None}
        for record in written:  # every version's words are current, built on, or kept
            if not record.deleted:
                assert record.stamp in winners | replaced_knowingly | kept, record


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.integers(0, 2000))
def test_any_bytes_in_a_log_are_records_or_reported_skips(data: bytes, cut: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = log_path(Path(folder), "desk")
        path.write_bytes(data[:cut])
        first = read_log(path)
        path.write_bytes(data)
        second = read_log(path, first.cursor)
        assert second.cursor.offset <= len(data)
        for read in (first, second):
            assert all(isinstance(record, Record) for record in read.records)
            assert all(problem.message for problem in read.problems)


line_parts = st.sampled_from(
    [b'{"v":1,', b'"kind":"note",', b'"kind":"note-deleted",', b'"id":"x",', b'"id":5,',
     b'"hlc":"1764000000000-000000-desk",', b'"hlc":"1764000000000-000000-a",',
     b'"device":"desk",', b'"payload":{"a":[1,2]},', b'"payload":null,', b'"base":"x",',
     b'"v":2,', b'"v":1e999,', b"}", b"\n", b"[[[[", b"\xff", b'"', b"\\u00", b","]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(line_parts, max_size=30), st.lists(st.integers(0, 40), max_size=3))
def test_near_miss_lines_never_raise_and_good_lines_survive_them(
    parts: list[bytes], good_positions: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        writer = LogWriter(Path(folder), "desk")
        writer.path.write_bytes(b"".join(parts))
        good = [
            Record(Entity.NOTE, f"good-{i}", Stamp(1_764_000_000_000 + i, 0, "desk"), {"i": i})
            for i in range(len(good_positions))
        ]
        writer.append(good)  # appended after whatever junk is there: all must be read
        read = read_log(writer.path)
        assert [r for r in read.records if r.entity_id.startswith("good-")] == good
