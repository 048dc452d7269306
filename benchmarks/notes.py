"""How the notes storage behaves with far more notes than a reader will ever write.

Run from the repository root::

    python benchmarks/notes.py            # 100,000 notes
    python benchmarks/notes.py --notes 20000 --queries 30

It creates the notes in a temporary folder (never the user's), then prints: the time to
write them (one import transaction), the median and 95th-percentile full-text search
latency over varied queries, the time to list every note in text order and by date, and
how long the storage part of start-up takes with 0 and with 10,000 notes (open, integrity
check, start-up backup, re-anchoring check). The window's own start-up time is measured by
the UI's benchmark; these figures are the storage share of it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader_app.domain.anchors import make_anchor
from reader_app.domain.notes import (
    Colour,
    Note,
    free_note,
    glossary_note,
    passage_note,
)
from reader_app.domain.text import Document, load_document
from reader_app.storage.notes_repo import NoteOrder
from reader_app.storage.store import open_store

TAGS = [f"topic-{n}" for n in range(40)] + ["bureaucracy", "nep", "unions", "self-activity"]
GLOSSARY = ["nep", "tenth-congress", "workers-opposition", "bureaucracy", "self-activity"]


def _vocabulary(document: Document) -> list[str]:
    words = {w.strip(".,;:“”‘’?!…()").lower() for b in document.blocks for w in b.text.split()}
    return sorted(w for w in words if len(w) > 3 and w.isalpha())


def make_notes(document: Document, count: int, seed: int = 1921) -> list[Note]:
    """Deterministic, varied notes: mostly passages, some free and glossary notes."""
    rng = random.Random(seed)
    words = _vocabulary(document)
    blocks = [b for b in document.blocks if len(b.text) > 40]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    notes: list[Note] = []
    for index in range(count):
        body = " ".join(rng.choices(words, k=rng.randint(3, 40)))
        tags = rng.sample(TAGS, k=rng.randint(0, 3))
        moment = start + timedelta(minutes=index)
        roll = rng.random()
        if roll < 0.85:
            block = rng.choice(blocks)
            begin = rng.randrange(0, len(block.text) - 20)
            end = min(len(block.text), begin + rng.randint(10, 160))
            anchor = make_anchor(document, block.id, begin, end)
            colour = rng.choice(list(Colour))
            notes.append(passage_note(anchor, body, colour=colour, tags=tags, now=moment))
        elif roll < 0.95:
            notes.append(free_note(body, tags=tags, now=moment))
        else:
            notes.append(glossary_note(rng.choice(GLOSSARY), body, tags=tags, now=moment))
    return notes


def _queries(document: Document, count: int, seed: int = 7) -> list[str]:
    """Whole words, words being typed, two-word queries, tags, and a word found nowhere."""
    rng = random.Random(seed)
    words = _vocabulary(document)
    queries: list[str] = []
    while len(queries) < count:
        kind = len(queries) % 5
        if kind == 0:
            queries.append(rng.choice(words))
        elif kind == 1:
            word = rng.choice(words)
            queries.append(word[: rng.randint(2, max(2, len(word) - 1))])
        elif kind == 2:
            queries.append(f"{rng.choice(words)} {rng.choice(words)}")
        elif kind == 3:
            queries.append(rng.choice(TAGS))
        else:
            queries.append(f"zyx{rng.randint(0, 999)}")
    return queries


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def measure_storage_startup(document: Document, note_count: int, folder: Path) -> float:
    """Seconds for ``open_store`` on a folder holding ``note_count`` notes (median of 5)."""
    first = open_store(folder, document)
    assert first.repository is not None
    first.repository.merge(make_notes(document, note_count, seed=note_count + 1))
    first.close()
    times = []
    for _ in range(5):
        seconds, result = _timed(lambda: open_store(folder, document))
        times.append(seconds)
        result.close()  # type: ignore[attr-defined]
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--app-runs", type=int, default=7)
    args = parser.parse_args(argv)
    document = load_document()

    with tempfile.TemporaryDirectory(prefix="study-reader-bench-") as temporary:
        root = Path(temporary)
        notes = make_notes(document, args.notes)
        result = open_store(root / "big", document)
        repo = result.repository
        assert repo is not None
        write_seconds, _ = _timed(lambda: repo.merge(notes))
        size_mb = (root / "big" / "notes.sqlite").stat().st_size / 1e6
        print(f"notes: {args.notes:,} ({size_mb:.0f} MB database)")
        print(f"write all in one import transaction: {write_seconds:.2f} s")

        latencies = []
        hits = []
        for query in _queries(document, args.queries):
            seconds, found = _timed(lambda q=query: repo.search(q, limit=200))
            latencies.append(seconds * 1000)
            hits.append(len(found))  # type: ignore[arg-type]
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        print(
            f"FTS search over {len(latencies)} queries (top 200 hits, snippets and marks): "
            f"median {statistics.median(latencies):.1f} ms, 95th percentile {p95:.1f} ms, "
            f"max {latencies[-1]:.1f} ms (median hits {statistics.median(hits):.0f})"
        )
        for order in (NoteOrder.POSITION, NoteOrder.UPDATED):
            seconds, listed = _timed(lambda o=order: repo.list_notes(o))
            print(f"list all {len(listed):,} notes by {order.value}: {seconds:.2f} s")  # type: ignore[arg-type]
        seconds, ids = _timed(lambda: repo.list_note_ids(NoteOrder.POSITION))
        print(
            f"list all {len(ids):,} note ids in text order (what the notes panel loads): "  # type: ignore[arg-type]
            f"{seconds * 1000:.0f} ms"
        )
        seconds, _ = _timed(lambda: repo.list_notes(tag="bureaucracy"))
        print(f"filter by one tag: {seconds * 1000:.0f} ms")
        seconds, _ = _timed(repo.counts)
        print(f"counts: {seconds * 1000:.1f} ms")
        result.close()

        for count in (0, 10_000):
            seconds = measure_storage_startup(document, count, root / f"start-{count}")
            print(f"storage start-up with {count:,} notes: {seconds * 1000:.0f} ms")
        measure_app_startup(root / "start-0", root / "start-10000", args.app_runs)
    return 0


def measure_app_startup(empty: Path, full: Path, runs: int) -> None:
    """The whole app started on the two folders, alternately, as benchmarks/startup.py does."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from startup import measure

    results: dict[str, list[tuple[float, float, float]]] = {"0": [], "10,000": []}
    for _ in range(runs):
        results["0"].append(measure("app", str(empty)))
        results["10,000"].append(measure("app", str(full)))
    for label, rows in results.items():
        first = statistics.median(r[0] for r in rows) * 1000
        ready = statistics.median(r[1] for r in rows) * 1000
        print(f"app start-up with {label} notes: first paint {first:.0f} ms, ready {ready:.0f} ms")
    ready_ratio = statistics.median(r[1] for r in results["10,000"]) / statistics.median(
        r[1] for r in results["0"]
    )
    print(f"ratio ready with 10,000 notes / with none: {ready_ratio:.2f}x over {runs} runs")


if __name__ == "__main__":
    sys.exit(main())
