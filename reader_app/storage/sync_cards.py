"""Review cards as sync sees them: what a card is, its schedule, and its removal.

A card's record carries its row (kind, text, source, spec, the faces last shown, the FSRS
schedule and due time, created, removed); whether its source note is here is worked out
on each computer, as the review triggers do. The schedule of the card reviewed last wins
(its hybrid stamp); the answers themselves (``review_log``) stay on the computer where
they were given. Cards are written at the database level, as ``ReviewRepository`` writes
them, and checked by the same reading (``review_repo``) before anything is stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reader_app.domain.notes import format_timestamp, parse_timestamp, utc_now
from reader_app.storage.db import StorageError, storage_errors, transaction
from reader_app.storage.review_repo import _card_from_row
from reader_app.storage.sync_rows import read_in_chunks

CARD_FIELDS = (
    "kind", "text_id", "source_kind", "source_id", "spec", "snapshot", "state", "due",
    "created", "deleted",
)  # fmt: skip


def changed_cards(connection: sqlite3.Connection, path: Path | None = None) -> dict[str, str]:
    """Cards changed since last synced: id -> when."""
    with storage_errors(path):
        return dict(connection.execute("SELECT card_id, changed FROM sync_card_changes"))


def read_cards(
    connection: sqlite3.Connection, ids: list[str], path: Path | None = None
) -> dict[str, dict[str, Any]]:
    sql = f"SELECT id, {', '.join(CARD_FIELDS)} FROM review_cards WHERE id IN ({{marks}})"
    return {
        card_id: dict(zip(CARD_FIELDS, values, strict=True))
        for card_id, *values in read_in_chunks(connection, sql, ids, path)
    }


def check_card(card_id: str, payload: Mapping[str, Any]) -> str | None:
    """Why a card payload cannot be stored, or None: read as a stored card is read."""
    if any(not isinstance(payload.get(name), str) for name in CARD_FIELDS if name != "deleted"):
        return "a field is missing"
    deleted = payload.get("deleted")
    try:
        if deleted is not None:
            parse_timestamp(str(deleted))
        if not isinstance(json.loads(payload["state"]), dict):
            return "its schedule is not readable"
        row = [card_id, *(payload[n] for n in CARD_FIELDS[:6]), 0, payload["state"]]
        _card_from_row([*row, payload["due"], payload["created"], payload["created"]], None)
    except (StorageError, ValueError, TypeError):
        return "it cannot be read as a review card"
    if payload["kind"] not in {"glossary", "glossary-reverse", "cloze", "question", "word"}:
        return "its kind is unknown"
    return None


def apply_cards(
    connection: sqlite3.Connection,
    winners: Mapping[str, Mapping[str, Any]],
    path: Path | None = None,
) -> list[str]:
    """Store cards as other computers left them, in one transaction; a card changed here
    since it was last synced is left for the next sync to send. Returns the ids written."""
    written: list[str] = []
    modified = format_timestamp(utc_now())
    with transaction(connection, path):
        for card_id, card in winners.items():
            busy = connection.execute(
                "SELECT 1 FROM sync_card_changes WHERE card_id = ?", (card_id,)
            ).fetchone()
            if busy:
                continue
            values = [card[name] for name in CARD_FIELDS]
            connection.execute(
                f"""INSERT INTO review_cards (id, {", ".join(CARD_FIELDS)}, source_missing,
                modified) VALUES (?, {", ".join("?" * len(CARD_FIELDS))},
                ? = 'note' AND ? NOT IN (SELECT id FROM notes), ?)
                ON CONFLICT (id) DO UPDATE SET
                {", ".join(f"{name} = excluded.{name}" for name in CARD_FIELDS)},
                source_missing = excluded.source_missing, modified = excluded.modified""",
                [card_id, *values, card["source_kind"], card["source_id"], modified],
            )
            written.append(card_id)
        connection.executemany(
            "DELETE FROM sync_card_changes WHERE card_id = ?", [(i,) for i in written]
        )
    return written
