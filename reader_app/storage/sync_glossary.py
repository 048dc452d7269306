"""Personal glossary entries and reading positions as sync sees them.

An entry's record carries its whole row, the tombstone (``deleted``) included: an entry is
never deleted outright, so a deletion travels as an edit and Undo on any computer brings
the entry back as a newer edit. The later edit wins (its hybrid stamp). The version that
loses is not kept: entries have no history table, unlike notes (the loser of a conflict
between two computers' edits of one entry is overwritten, as a text's details are).

A reading position is a text's place (``position_block_id``, ``position_offset``), per
text; the later move wins. The zoom stays on each computer: it suits one screen. A place
for a text not here yet waits (in the sync state) until the text comes.

Both are written at the database level, checked first as the repositories read them, and
a row changed here since it was last synced is left for the next sync to send.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reader_app.domain.notes import parse_timestamp
from reader_app.domain.personal_glossary import MAX_FIELD_LENGTH
from reader_app.storage.db import storage_errors, transaction
from reader_app.storage.glossary_repo import _row_to_entry
from reader_app.storage.sync_rows import read_in_chunks

ENTRY_FIELDS = (
    "text_id", "headword", "aliases", "category", "gloss", "explanation", "sources",
    "start_date", "end_date", "see_also", "created", "modified", "deleted",
)  # fmt: skip
_OPTIONAL = {"text_id", "start_date", "end_date", "deleted"}
POSITION_FIELDS = ("block_id", "offset")
MAX_OFFSET = 2**31


# -- glossary entries ---------------------------------------------------------------------


def changed_entries(connection: sqlite3.Connection, path: Path | None = None) -> dict[str, str]:
    """Entries changed since last synced: id -> when."""
    with storage_errors(path):
        return dict(connection.execute("SELECT entry_id, changed FROM sync_glossary_changes"))


def read_entries(
    connection: sqlite3.Connection, ids: list[str], path: Path | None = None
) -> dict[str, dict[str, Any]]:
    sql = f"SELECT id, {', '.join(ENTRY_FIELDS)} FROM glossary_entries WHERE id IN ({{marks}})"
    return {
        entry_id: dict(zip(ENTRY_FIELDS, values, strict=True))
        for entry_id, *values in read_in_chunks(connection, sql, ids, path)
    }


def check_entry(entry_id: str, payload: Mapping[str, Any]) -> str | None:
    """Why an entry payload cannot be stored, or None: read as a stored entry is read."""
    for name in ENTRY_FIELDS:
        value = payload.get(name)
        if not isinstance(value, str) and not (value is None and name in _OPTIONAL):
            return "a field is missing"
    if not payload["headword"].strip() or not payload["gloss"].strip():
        return "it has no headword or no gloss"
    if any(len(payload[n]) > MAX_FIELD_LENGTH for n in ("headword", "gloss", "explanation")):
        return "a field is too long"
    try:
        if payload["deleted"] is not None:
            parse_timestamp(payload["deleted"])
        _row_to_entry((entry_id, *(payload[n] for n in ENTRY_FIELDS[:-1])))
    except (ValueError, TypeError, KeyError, AttributeError):
        return "it cannot be read as a glossary entry"
    return None


def apply_entries(
    connection: sqlite3.Connection,
    winners: Mapping[str, Mapping[str, Any]],
    path: Path | None = None,
) -> list[str]:
    """Store entries as other computers left them, in one transaction; an entry changed
    here since it was last synced is left for the next sync. Returns the ids written."""
    written: list[str] = []
    columns = ", ".join(ENTRY_FIELDS)
    with transaction(connection, path):
        for entry_id, entry in winners.items():
            busy = connection.execute(
                "SELECT 1 FROM sync_glossary_changes WHERE entry_id = ?", (entry_id,)
            ).fetchone()
            if busy:
                continue
            connection.execute(
                f"""INSERT INTO glossary_entries (id, {columns})
                VALUES (?, {", ".join("?" * len(ENTRY_FIELDS))})
                ON CONFLICT (id) DO UPDATE SET
                {", ".join(f"{name} = excluded.{name}" for name in ENTRY_FIELDS)}""",
                [entry_id, *(entry[name] for name in ENTRY_FIELDS)],
            )
            written.append(entry_id)
        connection.executemany(
            "DELETE FROM sync_glossary_changes WHERE entry_id = ?", [(i,) for i in written]
        )
    return written


# -- reading positions --------------------------------------------------------------------


def changed_positions(connection: sqlite3.Connection, path: Path | None = None) -> dict[str, str]:
    """Texts whose place changed since last synced: id -> when."""
    with storage_errors(path):
        return dict(connection.execute("SELECT text_id, changed FROM sync_position_changes"))


def read_positions(
    connection: sqlite3.Connection, ids: list[str], path: Path | None = None
) -> dict[str, dict[str, Any]]:
    sql = "SELECT id, position_block_id, position_offset FROM texts WHERE id IN ({marks})"
    return {
        text_id: {"block_id": block, "offset": offset}
        for text_id, block, offset in read_in_chunks(connection, sql, ids, path)
    }


def check_position(payload: Mapping[str, Any]) -> str | None:
    """Why a position payload cannot be stored, or None."""
    block, offset = payload.get("block_id"), payload.get("offset")
    if block is not None and (not isinstance(block, str) or len(block) > 200):
        return "its place is not a block of the text"
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < MAX_OFFSET:
        return "its offset is not a number of characters"
    return None


def apply_positions(
    connection: sqlite3.Connection,
    winners: Mapping[str, Mapping[str, Any]],
    path: Path | None = None,
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Move texts to the places other computers left them, in one transaction. A text
    moved here since it was last synced keeps its place (it is sent next sync); a text not
    here (yet) is returned to wait. Returns the ids moved and the places waiting."""
    moved: list[str] = []
    waiting: dict[str, dict[str, Any]] = {}
    with transaction(connection, path):
        for text_id, place in winners.items():
            here = connection.execute(
                "SELECT deleted IS NULL FROM texts WHERE id = ?", (text_id,)
            ).fetchone()
            if here is None:
                waiting[text_id] = dict(place)
                continue
            if not here[0]:
                continue  # removed here: no place to keep
            busy = connection.execute(
                "SELECT 1 FROM sync_position_changes WHERE text_id = ?", (text_id,)
            ).fetchone()
            if busy:
                continue
            connection.execute(
                "UPDATE texts SET position_block_id = ?, position_offset = ? WHERE id = ?",
                (place["block_id"], place["offset"], text_id),
            )
            moved.append(text_id)
        connection.executemany(
            "DELETE FROM sync_position_changes WHERE text_id = ?", [(i,) for i in moved]
        )
    return moved, waiting
