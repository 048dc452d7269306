"""Notes by text: which notes belong to a text, and moving imported notes to their text.

The notes repository serves the notes placed in one Document; the library's texts are told
apart by ``notes.text_id`` (migration step 4). Until the repository is scoped to a text,
the commands that take ``--text`` use these two helpers on the shared connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from pathlib import Path

from reader_app.storage.db import storage_errors, transaction


def note_ids_of_text(
    connection: sqlite3.Connection, text_id: str, path: Path | None = None
) -> set[str]:
    with storage_errors(path):
        rows = connection.execute("SELECT id FROM notes WHERE text_id = ?", (text_id,))
        return {row[0] for row in rows}


def assign_to_text(
    connection: sqlite3.Connection,
    note_ids: Collection[str],
    text_id: str,
    path: Path | None = None,
) -> None:
    """Give notes (just merged by an import) the text they were imported for."""
    with transaction(connection, path):
        connection.executemany(
            "UPDATE notes SET text_id = ? WHERE id = ?", ((text_id, i) for i in note_ids)
        )
