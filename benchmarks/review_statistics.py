"""Review > Statistics and the due count with a heavy reviewer's history.

Run from the repository root::

    python benchmarks/review_statistics.py                 # 10,000 cards, 12,000 answers
    python benchmarks/review_statistics.py --cards 2000 --answers 3000

In a temporary folder (never the user's): that many cards and that many answers spread
over the last eight weeks, written straight into the review tables (the scheduler is not
what is measured). Then, as the window does them: the due count (after every answer and
once a minute), the 30-day forecast and the weekly retention (when Statistics opens).
Each is printed beside its floor, measured in the same run: reading the same rows from
SQLite and doing nothing with them. The forecast is also timed the way it was first
written (every stored schedule read and checked) to show why it reads the due column.
The window's budget for a pause is 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader_app.domain.notes import format_timestamp
from reader_app.domain.scheduling import ReviewScheduler, forecast
from reader_app.domain.text import load_document
from reader_app.models.review_controller import ReviewController
from reader_app.storage.store import open_store

PAUSE_BUDGET_S = 0.5
WEEKS = 8


def best_of(runs: int, action: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def fill(connection, cards: int, answers: int, now: datetime) -> None:
    """Cards with a review-state schedule each, and answers to them over eight weeks."""
    scheduler = ReviewScheduler(fuzzing=False)
    first = now - timedelta(days=7 * WEEKS)
    card_rows, log_rows = [], []
    for number in range(cards):
        card_id = f"sr-bench{number:08d}"
        state = json.loads(scheduler.new_state(card_id, first))
        due = now + timedelta(hours=(number * 7) % (40 * 24) - 24 * 5)
        state.update(state=2, step=None, stability=12.0, difficulty=5.0, due=due.isoformat())
        state["last_review"] = (due - timedelta(days=10)).isoformat()
        card_rows.append(
            (card_id, "glossary", "bench", "glossary-entry", f"entry-{number}", "{}",
             json.dumps({"front": "f", "back": "b"}), 0, json.dumps(state),
             format_timestamp(due), format_timestamp(first), format_timestamp(first))
        )  # fmt: skip
    for number in range(answers):
        at = first + timedelta(seconds=(number * 7 * WEEKS * 86400) // max(answers, 1))
        state = card_rows[number % cards][8]
        log_rows.append(
            (card_rows[number % cards][0], 1 if number % 9 == 0 else 3, format_timestamp(at),
             state, state)
        )  # fmt: skip
    with connection:
        connection.executemany(
            "INSERT INTO review_cards (id, kind, text_id, source_kind, source_id, spec, "
            "snapshot, source_missing, state, due, created, modified) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            card_rows,
        )
        connection.executemany(
            "INSERT INTO review_log (card_id, rating, reviewed_at, state_before, state_after) "
            "VALUES (?, ?, ?, ?, ?)",
            log_rows,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=12_000)
    args = parser.parse_args()
    document = load_document()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as temporary:
        store = open_store(Path(temporary), document, take_backup=False)
        assert store.repository is not None
        connection = store.repository.connection
        fill(connection, args.cards, args.answers, now)
        from reader_app.domain.glossary import Glossary

        controller = ReviewController(store.repository, Glossary(()), clock=lambda: now)
        since = format_timestamp(now - timedelta(days=7 * WEEKS))
        rows = [
            ("due count", controller.due_count,
             lambda: connection.execute("SELECT count(*) FROM review_cards").fetchall()),
            ("30-day forecast", controller.forecast,
             lambda: connection.execute("SELECT id, due FROM review_cards").fetchall()),
            ("weekly retention", controller.weekly_retention,
             lambda: connection.execute(
                 "SELECT * FROM review_log WHERE reviewed_at >= ?", (since,)).fetchall()),
            ("forecast, first way", lambda: forecast(controller.review.states(), now, 30),
             lambda: connection.execute("SELECT state FROM review_cards").fetchall()),
        ]  # fmt: skip
        print(f"{args.cards:,} cards, {args.answers:,} answers over {WEEKS} weeks")
        print(f"{'':22}{'time':>10}{'floor':>10}{'ratio':>8}   budget {PAUSE_BUDGET_S:.1f} s")
        for name, action, floor in rows:
            spent, least = best_of(3, action), best_of(3, floor)
            verdict = "ok" if spent <= PAUSE_BUDGET_S else "OVER"
            print(
                f"{name:22}{spent * 1000:8.1f}ms{least * 1000:8.1f}ms"
                f"{spent / least:8.1f}   {verdict}"
            )
        due = controller.forecast()
        weeks = controller.weekly_retention()
        print(
            f"(checks: {sum(c for _, c in due):,} cards in the forecast, "
            f"{sum(w.retention.reviewed for w in weeks):,} answers counted for retention)"
        )
        store.close()


if __name__ == "__main__":
    main()
