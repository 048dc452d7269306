"""The sync core with a large library on each of two devices (issue 16's budgets).

Run from the repository root::

    python benchmarks/sync_core.py              # 10,000 notes on each device
    python benchmarks/sync_core.py --notes 2000

In a temporary folder (never the user's), two devices each publish their own notes as W3C
annotations to their change log; then the laptop merges the desk's log for the first time,
the desk changes one note, and the laptop merges that one change. Printed: those times
beside the budgets (first ≤ 5 s, incremental ≤ 100 ms), the floor they are measured
against (reading the log's bytes, measured in this run), the sizes on disk, and, apart,
what turning the merged records back into notes through our W3C import costs, which the
wiring to the notes store will add to the first sync.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from notes import make_notes  # benchmarks/notes.py: deterministic, varied notes

from reader_app.domain.export.w3c import to_annotation
from reader_app.domain.sync.log import Entity, log_path
from reader_app.domain.sync.note_records import note_from_record
from reader_app.domain.sync.replica import Replica
from reader_app.domain.text import load_document

FIRST_BUDGET_S = 5.0
INCREMENTAL_BUDGET_S = 0.100


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def best_of(runs: int, action: Callable[[], Any]) -> float:
    return min(timed(action)[0] for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000, help="notes on each device")
    count = parser.parse_args().notes
    document = load_document()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        desk, laptop = Replica(folder, "desk"), Replica(folder, "laptop")
        for replica, seed in ((desk, 1), (laptop, 2)):
            notes = make_notes(document, count, seed=seed)
            publish = [(Entity.NOTE, n.id, to_annotation(n, document)) for n in notes]
            seconds, _ = timed(lambda r=replica, p=publish: r.change_many(p))
            print(f"{replica.device}: published {count:,} notes in {seconds:.2f} s (one fsync)")
        desk_log = log_path(folder, "desk")

        first, report = timed(laptop.sync)
        assert len(report.applied) == count and not report.problems, report.problems
        floor = best_of(5, desk_log.read_bytes)
        parse_floor = best_of(3, lambda: [json.loads(line) for line in desk_log.open("rb")])
        print()
        print(f"first merge of the other's log ({count:,} records onto {count:,} local):")
        print(f"  {first * 1000:8.1f} ms   budget {FIRST_BUDGET_S * 1000:6.0f} ms   "
              f"{'within' if first <= FIRST_BUDGET_S else 'OVER'} budget "
              f"({first / FIRST_BUDGET_S:.1%} of it)")  # fmt: skip
        print(f"  floor (reading the log's bytes): {floor * 1000:.1f} ms, "
              f"ratio {first / floor:.0f}x")  # fmt: skip
        print(f"  second floor (reading and json.loads of every line): "
              f"{parse_floor * 1000:.1f} ms, ratio {first / parse_floor:.1f}x")  # fmt: skip

        one = make_notes(document, 1, seed=3)[0]
        target = next(iter(desk.state))[1]
        edited = to_annotation(one, document) | {"id": f"urn:uuid:{target}"}
        write, _ = timed(lambda: desk.change(Entity.NOTE, target, edited))
        incremental, report = timed(laptop.sync)
        assert [r.entity_id for r in report.applied] == [target], report
        print()
        print("incremental: the desk changes one note, the laptop merges it:")
        print(f"  write on the desk (append + fsync): {write * 1000:.2f} ms")
        print(f"  {incremental * 1000:8.2f} ms   budget {INCREMENTAL_BUDGET_S * 1000:6.0f} ms   "
              f"{'within' if incremental <= INCREMENTAL_BUDGET_S else 'OVER'} budget "
              f"({incremental / INCREMENTAL_BUDGET_S:.1%} of it)")  # fmt: skip
        nothing = best_of(5, laptop.sync)
        print(f"  a sync with nothing new: {nothing * 1000:.2f} ms")

        sizes = {path.name: path.stat().st_size for path in sorted(folder.iterdir())}
        print()
        print("sync folder on disk:")
        for name, size in sizes.items():
            print(f"  {name:14} {size / 1e6:6.2f} MB  ({size / (count + 1):.0f} bytes a record)")
        print(f"  {'total':14} {sum(sizes.values()) / 1e6:6.2f} MB")

        received = [v.record for v in laptop.state.values() if v.record.device == "desk"]
        decode_all, _ = timed(lambda: [note_from_record(r, document) for r in received])
        print()
        print("not in the figures above (the wiring's share), for the record:")
        print(f"  the received records back to notes through the W3C import: {decode_all:.2f} s "
              f"for {len(received):,} notes")  # fmt: skip


if __name__ == "__main__":
    main()
