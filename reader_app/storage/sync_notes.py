"""The notes tables as sync sees them: changed notes, their versions, and applying a merge.

Sync works on the database directly rather than through one ``NotesRepository``: a
repository serves one text, while a sync carries the notes of every text at once, including
texts this device may not hold yet. The writes keep the repository's rules: a note is
replaced by deleting and re-inserting its row (as ``NotesRepository.merge`` does, so the
search index, tags and review-card triggers follow), its placement is left empty for the
repository to compute when the text is read (``NotesRepository.reanchor``), and a version
that loses is kept in ``note_revisions`` once, as an import keeps it.

``sync_changes`` (kept by triggers) says which notes changed since they were last synced;
``sync_versions`` holds each synced note's hybrid stamp (see ``migrations.SCHEMA_SYNC_STEPS``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader_app.domain.notes import RevisionOrigin, format_timestamp, utc_now
from reader_app.domain.sync.clock import Stamp
from reader_app.domain.sync.log import Entity, Record
from reader_app.domain.sync.merge import Key, Version
from reader_app.domain.sync.note_payload import NoteFields, StoredAnchor
from reader_app.storage.db import storage_errors, transaction

_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit

_ROW_SQL = """
SELECT id, text_id, kind, body, colour, glossary_entry_id,
    anchor_block_id, anchor_start, anchor_end, anchor_exact, anchor_prefix,
    anchor_suffix, anchor_text_version, created, updated
FROM notes
"""

STORED: dict[str, object] = {}
"""The payload of a version read from ``sync_versions``: the table keeps stamps, not words
(the words are the note's row), so a version read back carries this empty payload."""


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _fields(row: tuple[object, ...], tags: tuple[str, ...]) -> NoteFields:
    (note_id, text_id, kind, body, colour, entry, block, start, end, exact, prefix, suffix,
     version, created, updated) = row  # fmt: skip
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
        tags=tags,
    )


def fingerprint(note: NoteFields) -> str:
    """A short digest of everything sync carries of a note: equal exactly when a note is
    unchanged since it was last sent or received."""
    anchor = note.anchor
    parts = (
        note.id, note.text_id, note.kind, note.body, note.colour, note.glossary_entry_id,
        None if anchor is None else (anchor.block_id, anchor.start, anchor.end, anchor.exact,
                                     anchor.prefix, anchor.suffix, anchor.text_version),
        note.created, note.updated, note.tags,
    )  # fmt: skip
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def read_notes(
    connection: sqlite3.Connection, ids: Collection[str] | None = None, path: Path | None = None
) -> dict[str, NoteFields]:
    """The stored notes with these ids (None: every note), by id."""
    with storage_errors(path):
        if ids is None:
            rows = connection.execute(_ROW_SQL).fetchall()
            tag_rows = connection.execute(
                "SELECT note_id, tag FROM note_tags ORDER BY note_id, position"
            ).fetchall()
        else:
            rows, tag_rows = [], []
            for chunk in _chunks(list(ids)):
                marks = ",".join("?" * len(chunk))
                rows += connection.execute(f"{_ROW_SQL} WHERE id IN ({marks})", chunk).fetchall()
                tag_rows += connection.execute(
                    f"SELECT note_id, tag FROM note_tags WHERE note_id IN ({marks}) "
                    "ORDER BY note_id, position",
                    chunk,
                ).fetchall()
    tags: defaultdict[str, list[str]] = defaultdict(list)
    for note_id, tag in tag_rows:
        tags[note_id].append(tag)
    return {str(row[0]): _fields(row, tuple(tags.get(row[0], ()))) for row in rows}


def changed_notes(connection: sqlite3.Connection, path: Path | None = None) -> dict[str, str]:
    """Notes changed since last synced: id -> when (stored time text)."""
    with storage_errors(path):
        return dict(connection.execute("SELECT note_id, changed FROM sync_changes").fetchall())


@dataclass(frozen=True, slots=True)
class SyncedVersion:
    """A note's merge state and the fingerprint of its version stored here (None: the
    version stored here is unknown, e.g. it was never applied)."""

    version: Version
    fingerprint: str | None


def _version_from_row(entity: str, entity_id: str, row: tuple[object, ...]) -> SyncedVersion:
    stamp, deleted, base, settled, printed = row
    record = Record(
        Entity(entity),
        entity_id,
        Stamp.parse(stamp),
        None if deleted else STORED,
        Stamp.parse(base) if base else None,
    )
    settled_stamps = frozenset(Stamp.parse(s) for s in json.loads(str(settled)))
    return SyncedVersion(Version(record, settled_stamps), printed)  # type: ignore[arg-type]


def read_versions(
    connection: sqlite3.Connection, keys: Collection[Key] | None = None, path: Path | None = None
) -> dict[Key, SyncedVersion]:
    """The synced versions of these keys (None: all) that exist."""
    columns = "entity, id, stamp, deleted, base, settled, fingerprint"
    found: dict[Key, SyncedVersion] = {}
    with storage_errors(path):
        if keys is None:
            rows = connection.execute(f"SELECT {columns} FROM sync_versions").fetchall()
        else:
            rows = []
            by_entity: defaultdict[Entity, list[str]] = defaultdict(list)
            for entity, entity_id in keys:
                by_entity[entity].append(entity_id)
            for entity, ids in by_entity.items():
                for chunk in _chunks(ids):
                    marks = ",".join("?" * len(chunk))
                    rows += connection.execute(
                        f"SELECT {columns} FROM sync_versions WHERE entity = ? AND id IN ({marks})",
                        [entity.value, *chunk],
                    ).fetchall()
    for entity, entity_id, *rest in rows:
        synced = _version_from_row(entity, entity_id, tuple(rest))
        found[(synced.version.record.entity, entity_id)] = synced
    return found


def write_versions(
    connection: sqlite3.Connection, versions: Iterable[tuple[Key, SyncedVersion]]
) -> None:
    """Store versions; inside the caller's transaction."""
    connection.executemany(
        """INSERT OR REPLACE INTO sync_versions
        (entity, id, stamp, deleted, base, settled, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                entity.value,
                entity_id,
                str(synced.version.record.stamp),
                1 if synced.version.deleted else 0,
                None if synced.version.record.base is None else str(synced.version.record.base),
                json.dumps(sorted(str(s) for s in synced.version.settled)),
                synced.fingerprint,
            )
            for (entity, entity_id), synced in versions
        ],
    )


CHANGE_LISTS = {
    Entity.NOTE: ("sync_changes", "note_id"),
    Entity.TEXT: ("sync_text_changes", "text_id"),
    Entity.REVIEW: ("sync_card_changes", "card_id"),
    Entity.GLOSSARY: ("sync_glossary_changes", "entry_id"),
    Entity.POSITION: ("sync_position_changes", "text_id"),
}


def record_sent(
    connection: sqlite3.Connection,
    versions: list[tuple[Key, SyncedVersion]],
    seen: dict[Key, str],
    path: Path | None = None,
) -> None:
    """After sending: the new versions, and what was sent off the lists of changes unless
    it changed again since it was read (``seen``: key -> change time read)."""
    with transaction(connection, path):
        write_versions(connection, versions)
        for (entity, entity_id), changed in seen.items():
            table, column = CHANGE_LISTS[entity]
            connection.execute(
                f"DELETE FROM {table} WHERE {column} = ? AND changed = ?", (entity_id, changed)
            )


def record_received(
    connection: sqlite3.Connection,
    versions: list[tuple[Key, SyncedVersion]],
    written: list[Key],
    path: Path | None = None,
) -> None:
    """After writing what came in outside ``apply_changes`` (texts): their versions, and
    what the triggers listed for those writes taken off again."""
    with transaction(connection, path):
        write_versions(connection, versions)
        for entity, entity_id in written:
            table, column = CHANGE_LISTS[entity]
            connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (entity_id,))


def latest_unsynced_change(connection: sqlite3.Connection, path: Path | None = None) -> str | None:
    """When the newest change not yet synced of a text, card, glossary entry or reading
    position was made (None: there is none). Cheap (each list is keyed and short), so the
    window can look every second and sync after a pause, whichever window or pane made the
    change; notes tell the window of their changes themselves."""
    lists = [table for entity, (table, _) in CHANGE_LISTS.items() if entity is not Entity.NOTE]
    union = " UNION ALL ".join(f"SELECT max(changed) AS changed FROM {t}" for t in lists)
    with storage_errors(path):
        (latest,) = connection.execute(f"SELECT max(changed) FROM ({union})").fetchone()
    return None if latest is None else str(latest)


def forget_all(connection: sqlite3.Connection, path: Path | None = None) -> None:
    """Start afresh with a new sync folder: no versions, every note to be sent."""
    with transaction(connection, path):
        connection.execute("DELETE FROM sync_versions")
        connection.execute(
            "INSERT OR REPLACE INTO sync_changes (note_id, changed) SELECT id, updated FROM notes"
        )
        connection.execute(
            "INSERT OR REPLACE INTO sync_text_changes (text_id, changed) "
            "SELECT id, modified FROM texts WHERE bundled = 0 AND deleted IS NULL"
        )
        connection.execute(
            "INSERT OR REPLACE INTO sync_card_changes (card_id, changed) "
            "SELECT id, modified FROM review_cards"
        )
        connection.execute(
            "INSERT OR REPLACE INTO sync_glossary_changes (entry_id, changed) "
            "SELECT id, modified FROM glossary_entries"
        )
        connection.execute(
            "INSERT OR REPLACE INTO sync_position_changes (text_id, changed) "
            "SELECT id, modified FROM texts "
            "WHERE position_block_id IS NOT NULL AND deleted IS NULL"
        )


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


def _insert_all(connection: sqlite3.Connection, notes: list[NoteFields]) -> None:
    """Insert notes with their tags, in two statements, and index them for search once.

    Inside the caller's transaction. While ``sync_bulk`` holds its row, the per-row insert
    triggers of the search index and of the change list stand aside (migration step 8):
    per tag, the index trigger rewrote the note's whole search row, which was two thirds of
    the cost of a first sync. Each note's search row is written here instead, as the
    triggers would leave it, and notes written by a sync are not changes to send back.
    """
    if not notes:
        return
    connection.execute("INSERT INTO sync_bulk (active) VALUES (1)")

    def row(note: NoteFields) -> tuple[object, ...]:
        anchor = note.anchor
        anchor_columns = (
            (None,) * 7 if anchor is None
            else (anchor.block_id, anchor.start, anchor.end, anchor.exact, anchor.prefix,
                  anchor.suffix, anchor.text_version)
        )  # fmt: skip
        return (note.id, note.text_id, note.kind, note.body, note.colour, note.glossary_entry_id,
                *anchor_columns, note.created, note.updated)  # fmt: skip

    connection.executemany(
        """INSERT INTO notes (
            id, text_id, kind, body, colour, glossary_entry_id,
            anchor_block_id, anchor_start, anchor_end, anchor_exact, anchor_prefix,
            anchor_suffix, anchor_text_version, created, updated
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [row(note) for note in notes],
    )
    connection.executemany(
        "INSERT INTO note_tags (note_id, tag, position) VALUES (?, ?, ?)",
        [(note.id, tag, position) for note in notes for position, tag in enumerate(note.tags)],
    )
    for chunk in _chunks([note.id for note in notes]):
        marks = ",".join("?" * len(chunk))
        connection.execute(
            f"""INSERT INTO notes_fts (rowid, body, quote, tags)
            SELECT n.seq, n.body, coalesce(n.anchor_exact, ''), coalesce(
                (SELECT group_concat(tag, ' ') FROM note_tags WHERE note_id = n.id), '')
            FROM notes n WHERE n.id IN ({marks})""",
            chunk,
        )
    connection.execute("DELETE FROM sync_bulk")


def _changed_among(connection: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of these notes changed here since they were last synced."""
    changed: set[str] = set()
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = connection.execute(
            f"SELECT note_id FROM sync_changes WHERE note_id IN ({marks})", chunk
        )
        changed.update(note_id for (note_id,) in rows)
    return changed


def _keep_losers(
    connection: sqlite3.Connection,
    losers: Iterable[tuple[NoteFields, RevisionOrigin]],
    now_stored: dict[str, NoteFields | None],
    recorded: str,
) -> int:
    """Keep each losing version as a revision, unless its words are the winner's (the
    version stored here, when the sync did not change it)."""
    losers = list(losers)
    unchanged = [loser.id for loser, _ in losers if loser.id not in now_stored]
    stored = read_notes(connection, unchanged) if unchanged else {}
    kept = 0
    for loser, origin in losers:
        winner_now = now_stored[loser.id] if loser.id in now_stored else stored.get(loser.id)
        if winner_now is not None and _same_words(winner_now, loser):
            continue
        kept += _keep_revision(connection, loser, origin, recorded)
    return kept


def apply_changes(
    connection: sqlite3.Connection,
    winners: Iterable[NoteFields | str],
    losers: Iterable[tuple[NoteFields, RevisionOrigin]],
    versions: dict[Key, SyncedVersion],
    path: Path | None = None,
) -> Applied:
    """Write merged changes and their versions in one transaction.

    ``winners`` are notes to store, or ids to delete. A note that changed here since this
    sync sent its changes (it is in ``sync_changes``) is not overwritten. ``losers`` are the
    versions that lost a conflict, kept as revisions unless their words are the winner's.
    ``versions`` are the merge states to store; a written note's fingerprint is set here.
    """
    recorded = format_timestamp(utc_now())
    written: list[str] = []
    deleted: list[str] = []
    skipped: list[str] = []
    kept = 0
    winners = list(winners)
    with transaction(connection, path):
        ids = [w if isinstance(w, str) else w.id for w in winners]
        busy = _changed_among(connection, ids)
        present = set(read_notes(connection, ids, path)) if ids else set()
        now_stored: dict[str, NoteFields | None] = {}
        to_insert: list[NoteFields] = []
        gone: set[str] = set()
        for winner in winners:
            note_id = winner if isinstance(winner, str) else winner.id
            key = (Entity.NOTE, note_id)
            if note_id in busy:
                skipped.append(note_id)
                if not isinstance(winner, str):
                    kept += _keep_revision(connection, winner, RevisionOrigin.IMPORT, recorded)
                if key in versions:  # what is stored here is not what the version says
                    versions[key] = SyncedVersion(versions[key].version, None)
                continue
            if note_id in present:
                connection.execute("DELETE FROM notes WHERE id = ?", (note_id,))
                gone.add(note_id)
            if isinstance(winner, str):
                now_stored[note_id] = None
                if note_id in gone:
                    deleted.append(note_id)
                printed = None
            else:
                to_insert.append(winner)
                now_stored[note_id] = winner
                written.append(note_id)
                printed = fingerprint(winner)
            if key in versions:
                versions[key] = SyncedVersion(versions[key].version, printed)
        _insert_all(connection, to_insert)
        kept += _keep_losers(connection, losers, now_stored, recorded)
        write_versions(connection, versions.items())
        # Deleted or replaced by this sync: off the list the deletion triggers put it on.
        replaced = [(i,) for i in [*deleted, *(i for i in written if i in gone)]]
        connection.executemany("DELETE FROM sync_changes WHERE note_id = ?", replaced)
    return Applied(written, deleted, kept, skipped)
