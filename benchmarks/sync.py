"""Whole syncs between two data folders with 10,000 notes each (issue 16's budgets).

Run from the repository root::

    python benchmarks/sync.py              # 10,000 notes on each device
    python benchmarks/sync.py --notes 2000

In a temporary folder (never the user's), two data folders are filled through the real
notes store, then synced through one sync folder with the real engine (``SyncEngine``):
each device's first sync (its notes sent; the other's received and written to its
database), then an incremental sync of one changed note, on the device that changed it and
on the one that receives it. The window keeps its engine between syncs ("warm"); the
command line starts a new one each time ("cold", reading the saved sync state). Printed:
the times beside the budgets (first ≤ 5 s, incremental ≤ 100 ms), floors measured in the
same run (reading every note row; reading and parsing the other device's log), and the
sync folder's size.
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

from reader_app.domain.text import load_document
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import StoreOpenResult, database_path, open_store
from reader_app.storage.sync_engine import SyncEngine, SyncOutcome

FIRST_BUDGET_S = 5.0
INCREMENTAL_BUDGET_S = 0.100


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def line(label: str, seconds: float, budget: float | None = None, floor: float | None = None):
    text = f"  {label:<52} {seconds * 1000:9.1f} ms"
    if budget is not None:
        verdict = "within budget" if seconds <= budget else "OVER BUDGET"
        text += f"   budget {budget * 1000:6.0f} ms  {verdict} ({seconds / budget:.0%})"
    if floor:
        text += f"   {seconds / floor:.1f}x the floor"
    print(text)


def describe(outcome: SyncOutcome) -> str:
    return (
        f"sent {outcome.sent}, received {outcome.received}, deleted {outcome.deleted}, "
        f"revisions {outcome.revisions_kept}, problems {len(outcome.problems)}"
    )


class Bench:
    """Two data folders filled through the notes store, and one sync folder."""

    def __init__(self, root: Path, count: int) -> None:
        document = load_document()
        self.root = root
        self.count = count
        self.sync_dir = root / "Sync folder"
        self.sync_dir.mkdir()
        self.stores: dict[str, StoreOpenResult] = {}
        self.repos: dict[str, NotesRepository] = {}
        self.floor_store = 0.0
        for seed, name in ((1921, "desk"), (1917, "laptop")):
            store = open_store(root / name, document)
            assert store.repository is not None
            notes = make_notes(document, count, seed=seed)
            self.floor_store, _ = timed(lambda: store.repository.merge(notes))  # noqa: B023
            self.stores[name], self.repos[name] = store, store.repository

    def engine(self, name: str) -> SyncEngine:
        return SyncEngine(
            self.repos[name].connection,
            self.root / name,
            self.sync_dir,
            database_path=database_path(self.root / name),
        )

    def close(self) -> None:
        for store in self.stores.values():
            store.close()


def first_sync(bench: Bench, desk: SyncEngine, laptop: SyncEngine) -> None:
    print("first sync:")
    seconds, outcome = timed(desk.sync)
    line("desk (sends its notes; nothing to receive yet)", seconds, FIRST_BUDGET_S)
    print(f"    {describe(outcome)}")
    desk_log = next(bench.sync_dir.glob(f"{desk.device.id}.jsonl"))
    floor_log, _ = timed(lambda: [json.loads(raw) for raw in desk_log.read_bytes().splitlines()])
    seconds, outcome = timed(laptop.sync)
    label = "laptop (sends its own, receives and stores the desk's)"
    line(label, seconds, FIRST_BUDGET_S, bench.floor_store)
    print(f"    {describe(outcome)}")
    seconds, outcome = timed(desk.sync)
    line("desk (receives and stores the laptop's)", seconds, FIRST_BUDGET_S, bench.floor_store)
    print(f"    {describe(outcome)}")
    line("floor: read and json-parse one device's log", floor_log)
    line("floor: store as many notes by import (NotesRepository.merge)", bench.floor_store)
    counts = {len(repo.list_note_ids()) for repo in bench.repos.values()}
    assert counts == {2 * bench.count}, counts


def incremental(bench: Bench, desk: SyncEngine, laptop: SyncEngine) -> None:
    print("\nincremental: the desk changes one note, both sync (warm: as the window)")
    desk_repo, laptop_repo = bench.repos["desk"], bench.repos["laptop"]
    changed = desk_repo.list_note_ids()[bench.count // 2]
    for round_number in range(3):
        floor_write, _ = timed(
            lambda n=round_number: desk_repo.update(changed, body=f"changed on the desk, {n}")
        )
        send, sent = timed(desk.sync)
        receive, received = timed(laptop.sync)
        assert (sent.sent, received.received) == (1, 1), (sent, received)
    line("desk sends the change", send, INCREMENTAL_BUDGET_S, floor_write)
    line("laptop receives and stores it", receive, INCREMENTAL_BUDGET_S, floor_write)
    seconds, _ = timed(laptop.sync)
    line("a sync with nothing new", seconds, INCREMENTAL_BUDGET_S, floor_write)
    line("floor: the edit itself (NotesRepository.update)", floor_write)
    print("\nincremental, cold (a new engine each time: as the command line)")
    desk_repo.update(changed, body="changed again, cold")
    send, sent = timed(lambda: bench.engine("desk").sync())
    receive, received = timed(lambda: bench.engine("laptop").sync())
    assert (sent.sent, received.received) == (1, 1), (sent, received)
    line("desk sends the change", send, INCREMENTAL_BUDGET_S, floor_write)
    line("laptop receives and stores it", receive, INCREMENTAL_BUDGET_S, floor_write)
    note = laptop_repo.get(changed)
    assert note is not None and note.body == "changed again, cold"


def sizes(bench: Bench) -> None:
    print("\nsync folder on disk:")
    total = 0
    for path in sorted(bench.sync_dir.iterdir()):
        size = path.stat().st_size
        total += size
        each = size // bench.count
        print(f"  {path.name:<24} {size / 1e6:7.2f} MB  (about {each:,} bytes a note)")
    print(f"  {'total':<24} {total / 1e6:7.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000, help="notes on each device")
    count = parser.parse_args().notes
    with tempfile.TemporaryDirectory() as temporary:
        bench = Bench(Path(temporary), count)
        print(f"{count:,} notes on each of two devices, stored through the notes store\n")
        desk, laptop = bench.engine("desk"), bench.engine("laptop")
        first_sync(bench, desk, laptop)
        incremental(bench, desk, laptop)
        sizes(bench)
        bench.close()


if __name__ == "__main__":
    main()
