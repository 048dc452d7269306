"""What the sync of texts, cards and glossary entries shares: reading rows by id in chunks
(SQLite limits a statement's parameters), and a record's fingerprint (equal exactly when
what the record says is unchanged, so an unchanged row is not sent again)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reader_app.storage.db import storage_errors

CHUNK = 500


def read_in_chunks(
    connection: sqlite3.Connection, sql: str, ids: list[str], path: Path | None
) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (its ``{marks}`` the placeholders of one chunk of ``ids``)."""
    rows: list[tuple[Any, ...]] = []
    with storage_errors(path):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows += connection.execute(sql.format(marks=marks), chunk).fetchall()
    return rows


def payload_fingerprint(payload: Mapping[str, Any]) -> str:
    text = json.dumps(dict(payload), sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
