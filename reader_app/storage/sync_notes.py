"""The notes table as sync sees it: every note's stored fields, and applying merged changes.

Sync works on the database directly rather than through one ``NotesRepository``: a
repository serves one text, while a sync carries the notes of every text at once, including
texts this device may not hold yet. The writes keep the repository's rules: a note is
replaced by deleting and re-inserting its row (as ``NotesRepository.merge`` does, so the
search index, tags and review-card triggers follow), its placement is left empty for the
repository to compute when the text is read (``NotesRepository.reanchor``), and a version
that loses is kept in ``note_revisions`` once, as an import keeps it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path

from reader_app.domain.notes import RevisionOrigin, format_timestamp, utc_now
from reader_app.domain.sync.note_payload import NoteFields, StoredAnchor
from reader_app.storage.db import storage_errors, transaction

_ROW_SQL = """
SELECT n.id, n.text_id, n.kind, n.body, n.colour, n.glossary_entry_id,
    n.anchor_block_id, n.anchor_start, n.anchor_end, n.anchor_exact, n.anchor_prefix,
    n.anchor_suffix, n.anchor_text_version, n.created, n.updated,
    (SELECT json_group_array(tag) FROM
        (SELECT tag FROM note_tags WHERE note_id = n.id ORDER BY position))
FROM notes n
"""


def _fields(row: tuple[object, ...]) -> NoteFields:
    (note_id, text_id, kind, body, colour, entry, block, start, end, exact, prefix, suffix,
     version, created, updated, tags) = row  # fmt: skip
    anchor = (
        None
        if exact is None
        else StoredAnchor(block, start, end, exact, prefix or "", suffix or "", version)  # type: ignore[arg-type]
    )
    return NoteFields(
        id=str(note_id),
        text_id=str(text_id),
        kind=str(kind),
        body=str(body),
        colour=colour,  # type: ignore[arg-type]
        glossary_entry_id=entry,  # type: ignore[arg-type]
        anchor=anchor,
        created=str(created),
        updated=str(updated),
        tags=tuple(json.loads(str(tags))),
    )


def fingerprint(note: NoteFields) -> str:
    """A short digest of everything sync carries of a note: equal exactly when a note is
    unchanged since it was last sent or received."""
    return hashlib.blake2b(repr(astuple(note)).encode("utf-8"), digest_size=12).hexdigest()


def read_notes(connection: sqlite3.Connection, path: Path | None = None) -> dict[str, NoteFields]:
    """Every stored note, by id."""
    with storage_errors(path):
        rows = connection.execute(_ROW_SQL).fetchall()
    return {str(row[0]): _fields(row) for row in rows}


def read_note(
    connection: sqlite3.Connection, note_id: str, path: Path | None = None
) -> NoteFields | None:
    with storage_errors(path):
        row = connection.execute(f"{_ROW_SQL} WHERE n.id = ?", (note_id,)).fetchone()
    return _fields(row) if row is not None else None


@dataclass(frozen=True, slots=True)
class Applied:
    """What ``apply_changes`` did. ``skipped`` are notes edited here while the sync ran:
    they are left as they are (the edit goes out with the next sync) and the version that
    came in is kept as a revision instead."""

    written: list[str]
    deleted: list[str]
    revisions_kept: int
    skipped: list[str]


def _same_words(a: NoteFields, b: NoteFields) -> bool:
    return (a.body, a.tags, a.colour, a.quote) == (b.body, b.tags, b.colour, b.quote)


def _keep_revision(
    connection: sqlite3.Connection, note: NoteFields, origin: RevisionOrigin, recorded: str
) -> int:
    """As ``NotesRepository`` keeps a revision: once for the same words; 1 if kept."""
    tags = json.dumps(list(note.tags), ensure_ascii=False)
    duplicate = connection.execute(
        """SELECT 1 FROM note_revisions WHERE note_id = ? AND body = ? AND tags = ?
        AND colour IS ? AND quote = ?""",
        (note.id, note.body, tags, note.colour, note.quote),
    ).fetchone()
    if duplicate is not None:
        return 0
    connection.execute(
        """INSERT INTO note_revisions
        (note_id, body, tags, colour, quote, modified, recorded, origin)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (note.id, note.body, tags, note.colour, note.quote, note.updated, recorded, origin.value),
    )
    return 1


def _insert(connection: sqlite3.Connection, note: NoteFields) -> None:
    anchor = note.anchor
    anchor_columns = (
        (None,) * 7 if anchor is None
        else (anchor.block_id, anchor.start, anchor.end, anchor.exact, anchor.prefix,
              anchor.suffix, anchor.text_version)
    )  # fmt: skip
    connection.execute(
        """INSERT INTO notes (
            id, text_id, kind, body, colour, glossary_entry_id,
            anchor_block_id, anchor_start, anchor_end, anchor_exact, anchor_prefix,
            anchor_suffix, anchor_text_version, created, updated
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (note.id, note.text_id, note.kind, note.body, note.colour, note.glossary_entry_id,
         *anchor_columns, note.created, note.updated),
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO note_tags (note_id, tag, position) VALUES (?, ?, ?)",
        [(note.id, tag, position) for position, tag in enumerate(note.tags)],
    )


def apply_changes(
    connection: sqlite3.Connection,
    expected: dict[str, str | None],
    winners: Iterable[NoteFields | str],
    losers: Iterable[tuple[NoteFields, RevisionOrigin]],
    path: Path | None = None,
) -> Applied:
    """Write merged changes in one transaction.

    ``winners`` are notes to store, or ids to delete. ``expected`` holds, for each note
    touched, the fingerprint it had when the sync read it (None: absent); a note that no
    longer matches was changed here meanwhile and is not overwritten. ``losers`` are the
    versions that lost a conflict, kept as revisions unless their words are the winner's.
    """
    recorded = format_timestamp(utc_now())
    written: list[str] = []
    deleted: list[str] = []
    skipped: list[str] = []
    kept = 0
    with transaction(connection, path):
        current: dict[str, NoteFields | None] = {}
        for winner in winners:
            note_id = winner if isinstance(winner, str) else winner.id
            now = read_note(connection, note_id, path)
            current[note_id] = now
            if (fingerprint(now) if now is not None else None) != expected.get(note_id):
                skipped.append(note_id)
                if not isinstance(winner, str):
                    kept += _keep_revision(connection, winner, RevisionOrigin.IMPORT, recorded)
                continue
            if now is not None:
                connection.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            if isinstance(winner, str):
                current[note_id] = None
                if now is not None:
                    deleted.append(note_id)
            else:
                _insert(connection, winner)
                current[note_id] = winner
                written.append(note_id)
        for loser, origin in losers:
            winner_now = current.get(loser.id)
            if winner_now is not None and _same_words(winner_now, loser):
                continue
            kept += _keep_revision(connection, loser, origin, recorded)
    return Applied(written, deleted, kept, skipped)
