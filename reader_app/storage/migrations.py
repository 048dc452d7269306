"""The notes schema and its history, versioned by ``PRAGMA user_version``.

``MIGRATIONS[n]`` upgrades a database from version ``n`` to ``n + 1``; version 0 is an empty
file. Steps are never edited once released: a change is a new step appended at the end,
and a saved database of every released version lives in ``tests/data/schemas/`` so the
whole chain is tested. All pending steps run in one transaction after a backup, so an
upgrade either completes or leaves the file exactly as it was.

History:
  1. notes with a W3C-style anchor (block, offsets, quote, prefix, suffix, text version).
  2. colours, glossary notes, tags, stored placements for re-anchoring, FTS5 search kept in
     step by triggers. The notes table is rebuilt because SQLite cannot change a CHECK
     constraint and because FTS needs an INTEGER PRIMARY KEY that VACUUM will not renumber.
  3. note revisions: the version of a note that lost an import merge (the local one replaced
     by a newer import, or an imported one older than the local edit). No foreign key:
     ``merge`` and ``reattach`` replace a note by deleting and re-inserting it, and a
     note deleted and brought back by Undo should find its history still there.
  4. the library of texts (see ``SCHEMA_V4_STEPS`` and ``storage/library.py``): texts, their
     blocks, contents and a full-text index of the blocks; notes gain ``text_id``, every
     existing note belonging to the bundled text.
  5. review cards and the review log (see ``SCHEMA_V5_STEPS`` and ``storage/review_repo.py``).
  6. the reader's own glossary entries (see ``SCHEMA_V6_STEPS`` and
     ``storage/glossary_repo.py``).
  7. folder sync: which notes, texts and cards changed since they were last synced, and
     the hybrid stamp of every synced item (see ``SCHEMA_SYNC_STEPS`` and
     ``storage/sync_engine.py``).
  8. folder sync of the personal glossary and of reading positions, and bulk writes of
     received notes (see ``SCHEMA_V8_STEPS``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path

from reader_app.storage.db import DatabaseTooNew, connect, corrupt_error, storage_errors

SCHEMA_V1 = """
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('passage', 'free')),
    body TEXT NOT NULL DEFAULT '',
    block_id TEXT,
    start_offset INTEGER,
    end_offset INTEGER,
    exact TEXT,
    prefix TEXT,
    suffix TEXT,
    text_version TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX notes_block ON notes (block_id, start_offset);
"""

SCHEMA_V2_STEPS = """
CREATE TABLE notes_v2 (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('passage', 'free', 'glossary')),
    body TEXT NOT NULL DEFAULT '',
    colour TEXT CHECK (colour IN ('yellow', 'green', 'blue', 'pink', 'purple')),
    glossary_entry_id TEXT,
    anchor_block_id TEXT,
    anchor_start INTEGER,
    anchor_end INTEGER,
    anchor_exact TEXT,
    anchor_prefix TEXT,
    anchor_suffix TEXT,
    anchor_text_version TEXT,
    placement_status TEXT CHECK (placement_status IN ('exact', 'moved', 'fuzzy', 'detached')),
    placed_block_id TEXT,
    placed_start INTEGER,
    placed_end INTEGER,
    placed_position INTEGER,
    placed_text_version TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    CHECK ((kind = 'passage') = (anchor_exact IS NOT NULL)),
    CHECK ((kind = 'passage') = (colour IS NOT NULL)),
    CHECK ((kind = 'glossary') = (glossary_entry_id IS NOT NULL))
);
INSERT INTO notes_v2 (
    id, kind, body, colour, anchor_block_id, anchor_start, anchor_end, anchor_exact,
    anchor_prefix, anchor_suffix, anchor_text_version, created, updated
)
SELECT id, kind, body, CASE WHEN kind = 'passage' THEN 'yellow' END, block_id, start_offset,
       end_offset, exact, coalesce(prefix, ''), coalesce(suffix, ''), text_version, created,
       updated
FROM notes ORDER BY created, id;
DROP TABLE notes;
ALTER TABLE notes_v2 RENAME TO notes;
CREATE INDEX notes_position ON notes (placed_position, created);
CREATE INDEX notes_updated ON notes (updated);
CREATE INDEX notes_created ON notes (created);
CREATE INDEX notes_colour ON notes (colour);
CREATE INDEX notes_glossary ON notes (glossary_entry_id) WHERE glossary_entry_id IS NOT NULL;
CREATE INDEX notes_placed_version ON notes (placed_text_version);

CREATE TABLE note_tags (
    note_id TEXT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (note_id, tag)
) WITHOUT ROWID;
CREATE INDEX note_tags_tag ON note_tags (tag);

CREATE VIRTUAL TABLE notes_fts USING fts5 (
    body, quote, tags,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO notes_fts (rowid, body, quote, tags)
SELECT seq, body, coalesce(anchor_exact, ''), '' FROM notes;

CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, body, quote, tags)
    VALUES (new.seq, new.body, coalesce(new.anchor_exact, ''), '');
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF body, anchor_exact ON notes BEGIN
    UPDATE notes_fts SET body = new.body, quote = coalesce(new.anchor_exact, '')
    WHERE rowid = new.seq;
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.seq;
END;
CREATE TRIGGER note_tags_fts_insert AFTER INSERT ON note_tags BEGIN
    UPDATE notes_fts
    SET tags = (SELECT group_concat(tag, ' ') FROM note_tags WHERE note_id = new.note_id)
    WHERE rowid = (SELECT seq FROM notes WHERE id = new.note_id);
END;
CREATE TRIGGER note_tags_fts_delete AFTER DELETE ON note_tags BEGIN
    UPDATE notes_fts
    SET tags = coalesce(
        (SELECT group_concat(tag, ' ') FROM note_tags WHERE note_id = old.note_id), '')
    WHERE rowid = (SELECT seq FROM notes WHERE id = old.note_id);
END;
"""


SCHEMA_V3_STEPS = """
CREATE TABLE note_revisions (
    seq INTEGER PRIMARY KEY,
    note_id TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    colour TEXT,
    quote TEXT NOT NULL DEFAULT '',
    modified TEXT NOT NULL,
    recorded TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('local', 'import'))
);
CREATE INDEX note_revisions_note ON note_revisions (note_id, recorded);
"""


# The library. Design choices, for the budgets of the book-length issue and folder sync:
# * ``texts.id`` is the bundled text's own id for the extract (written out, not taken from
#   ``domain.text``: a released step never changes) and, for an added text, a slug of its
#   title plus the start of its file's fingerprint, fixed at the first addition.
# * ``deleted`` is a tombstone: a removed text keeps its row (and its notes keep their
#   text id) so that a sync log can say "removed" and re-adding the same file brings the
#   same id back. ``modified`` is when the row last changed, what a sync merge compares;
#   ``date_published``/``date_modified`` are the dates the file itself gives.
# * ``text_blocks`` has an INTEGER PRIMARY KEY only because the FTS index needs a rowid
#   that VACUUM will not renumber; the identity is UNIQUE (text_id, block_id), and
#   (text_id, seq) is the reading order a lazy view pages through.
# * ``text_blocks_fts`` is an external-content FTS5 index (the words are stored once), bm25
#   ranks its matches. It is kept in step by ``LibraryRepository``, the only writer of
#   blocks, in the transaction that writes them, with one INSERT … SELECT in rowid order:
#   per-row triggers made adding the 31,000-block test book take 1.1 s instead of 0.4 s.
# * Notes do not reference texts with a foreign key: removing a text keeps its notes.
SCHEMA_V4_STEPS = """
CREATE TABLE texts (
    id TEXT PRIMARY KEY,
    bundled INTEGER NOT NULL DEFAULT 0 CHECK (bundled IN (0, 1)),
    title TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    year INTEGER,
    translator TEXT NOT NULL DEFAULT '',
    editor TEXT NOT NULL DEFAULT '',
    publisher TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    date_published TEXT NOT NULL DEFAULT '',
    date_modified TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    source_format TEXT NOT NULL
        CHECK (source_format IN ('bundled', 'plain', 'markdown', 'html', 'epub')),
    fingerprint TEXT UNIQUE,
    file_name TEXT NOT NULL DEFAULT '',
    stored_path TEXT,
    block_count INTEGER NOT NULL DEFAULT 0,
    body_count INTEGER NOT NULL DEFAULT 0,
    added TEXT NOT NULL,
    last_opened TEXT,
    position_block_id TEXT,
    position_offset INTEGER NOT NULL DEFAULT 0,
    zoom REAL,
    glossary_entry_id TEXT,
    modified TEXT NOT NULL,
    deleted TEXT,
    CHECK ((bundled = 1) = (source_format = 'bundled'))
);
CREATE INDEX texts_last_opened ON texts (last_opened);

INSERT INTO texts (id, bundled, title, author, year, language, source_format, added, modified)
VALUES ('kollontai-workers-opposition-1921', 1, 'The Workers’ Opposition',
        'Alexandra Kollontai', 1921, 'en', 'bundled',
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE text_blocks (
    row INTEGER PRIMARY KEY,
    text_id TEXT NOT NULL REFERENCES texts (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    block_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('heading', 'editorial', 'body')),
    number INTEGER,
    chapter INTEGER NOT NULL,
    chapter_title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    UNIQUE (text_id, block_id),
    CHECK ((role = 'body') = (number IS NOT NULL))
);
CREATE UNIQUE INDEX text_blocks_seq ON text_blocks (text_id, seq);

CREATE TABLE text_contents (
    text_id TEXT NOT NULL REFERENCES texts (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    block_id TEXT NOT NULL,
    depth INTEGER NOT NULL,
    PRIMARY KEY (text_id, seq)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE text_blocks_fts USING fts5 (
    text,
    content = 'text_blocks',
    content_rowid = 'row',
    tokenize = 'unicode61 remove_diacritics 2'
);

ALTER TABLE notes ADD COLUMN text_id TEXT NOT NULL
    DEFAULT 'kollontai-workers-opposition-1921';
CREATE INDEX notes_text ON notes (text_id);
"""


# Review (issue 14). Design choices:
# * A card's id is the domain's stable id (``domain.review.card_id``), also its Anki GUID, so
#   adding the same entry twice is one row. ``spec`` holds what the card is made of beyond
#   its source (cloze ranges, which side a note is on, a saved word and its anchor) and
#   ``snapshot`` the faces it last showed: both JSON, read back through the domain types.
# * ``state`` is the FSRS schedule as ``fsrs.Card.to_dict()`` JSON; ``due`` repeats its due
#   time as sortable UTC text (``format_timestamp``) so "due now" is an index range scan.
# * ``created``/``modified``/``deleted`` (a tombstone) are for folder sync, as for texts.
# * Cards do not reference notes with a foreign key: ``merge`` and ``reattach`` replace a
#   note by deleting and re-inserting it, and a card must outlive its note. The triggers
#   mark a note's cards when the note row goes and clear the mark when it comes back (Undo,
#   reattach), in the same transaction as the note's own change.
# * ``review_log`` keeps the state before and after each answer: true retention needs the
#   state before, and a log row must survive its card's deletion.
SCHEMA_V5_STEPS = """
CREATE TABLE review_cards (
    id TEXT PRIMARY KEY,
    text_id TEXT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('glossary', 'glossary-reverse', 'cloze', 'question', 'word')),
    source_kind TEXT NOT NULL CHECK (source_kind IN ('glossary-entry', 'note', 'saved-word')),
    source_id TEXT NOT NULL,
    spec TEXT NOT NULL DEFAULT '{}',
    snapshot TEXT NOT NULL,
    source_missing INTEGER NOT NULL DEFAULT 0 CHECK (source_missing IN (0, 1)),
    state TEXT NOT NULL,
    due TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    deleted TEXT
);
CREATE INDEX review_cards_due ON review_cards (due) WHERE deleted IS NULL;
CREATE INDEX review_cards_text ON review_cards (text_id, created);
CREATE INDEX review_cards_source ON review_cards (source_kind, source_id);

CREATE TABLE review_log (
    seq INTEGER PRIMARY KEY,
    card_id TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    reviewed_at TEXT NOT NULL,
    state_before TEXT NOT NULL,
    state_after TEXT NOT NULL
);
CREATE INDEX review_log_card ON review_log (card_id, reviewed_at);
CREATE INDEX review_log_time ON review_log (reviewed_at);

CREATE TRIGGER review_cards_note_deleted AFTER DELETE ON notes BEGIN
    UPDATE review_cards
    SET source_missing = 1, modified = strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')
    WHERE source_kind = 'note' AND source_id = old.id AND source_missing = 0;
END;
CREATE TRIGGER review_cards_note_restored AFTER INSERT ON notes BEGIN
    UPDATE review_cards
    SET source_missing = 0, modified = strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')
    WHERE source_kind = 'note' AND source_id = new.id AND source_missing = 1;
END;
"""


# The reader's own glossary entries (issue 12). Design choices:
# * ``id`` is the entry's stable id (``domain.personal_glossary.new_entry_id``), the same in
#   an exported file and on every device; ``text_id`` is NULL for an entry that applies to
#   every text. No foreign key to ``texts``: an entry outlives the removal of its text, as
#   notes do, and comes back with it.
# * Aliases, sources and see-also ids are JSON lists, read back through the domain types; an
#   entry is read whole every time, and a library holds hundreds of entries, not millions.
#   Dates (``start_date``/``end_date``, as in the glossary file) come with imported entries.
# * ``created``/``modified``/``deleted`` (a tombstone) are for the import merge and folder
#   sync, as for texts and review cards; a deleted entry's row stays so that Undo and a
#   later sync can bring it back under the same id.
SCHEMA_V6_STEPS = """
CREATE TABLE glossary_entries (
    id TEXT PRIMARY KEY,
    text_id TEXT,
    headword TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    category TEXT NOT NULL
        CHECK (category IN ('concept', 'person', 'organisation', 'event', 'period', 'text')),
    gloss TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    sources TEXT NOT NULL DEFAULT '[]',
    start_date TEXT,
    end_date TEXT,
    see_also TEXT NOT NULL DEFAULT '[]',
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    deleted TEXT
);
CREATE INDEX glossary_entries_text ON glossary_entries (text_id) WHERE deleted IS NULL;
"""


# Folder sync (issue 16). Design choices:
# * ``sync_changes`` lists the notes changed since they were last synced, and when, kept by
#   triggers in the transaction of the change itself, whichever code wrote it. A sync then
#   reads the few changed notes instead of fingerprinting every note (10,000 notes took
#   0.9 s to read whole), and a deleted note's row says when it was deleted (the notes table
#   deletes outright): the tombstone carries that time, not the time of the next sync.
#   Only the columns sync carries are watched: re-anchoring (placement) changes nothing.
#   Every note already stored is listed, so the first sync sends it.
# * ``sync_text_changes`` does the same for the library's added texts: added, metadata
#   corrected, removed (the bundled text is on every computer and never sent).
# * ``sync_card_changes`` does the same for review cards: added, answered, removed (not
#   the faces last shown, nor whether the source note is here: each computer works those
#   out itself).
# * ``sync_versions`` is the merge state of every synced note, text and card: its hybrid
#   stamp, whether it is deleted, the stamp it was made from, the stamps already settled
#   (JSON), and the fingerprint of the version stored here. Updated in the transaction
#   that writes the notes a sync received, so the notes and what sync knows of them never
#   disagree.
SCHEMA_SYNC_STEPS = """
CREATE TABLE sync_changes (
    note_id TEXT PRIMARY KEY,
    changed TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sync_changes (note_id, changed) SELECT id, updated FROM notes;

CREATE TRIGGER sync_note_added AFTER INSERT ON notes BEGIN
    INSERT OR REPLACE INTO sync_changes (note_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;
CREATE TRIGGER sync_note_changed AFTER UPDATE OF
    kind, body, colour, glossary_entry_id, anchor_block_id, anchor_start, anchor_end,
    anchor_exact, anchor_prefix, anchor_suffix, anchor_text_version, created, updated, text_id
    ON notes BEGIN
    INSERT OR REPLACE INTO sync_changes (note_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;
CREATE TRIGGER sync_note_deleted AFTER DELETE ON notes BEGIN
    INSERT OR REPLACE INTO sync_changes (note_id, changed)
    VALUES (old.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;
CREATE TRIGGER sync_note_tag_added AFTER INSERT ON note_tags BEGIN
    INSERT OR REPLACE INTO sync_changes (note_id, changed)
    VALUES (new.note_id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;
CREATE TRIGGER sync_note_tag_removed AFTER DELETE ON note_tags BEGIN
    INSERT OR REPLACE INTO sync_changes (note_id, changed)
    VALUES (old.note_id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;

CREATE TABLE sync_text_changes (
    text_id TEXT PRIMARY KEY,
    changed TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sync_text_changes (text_id, changed) SELECT id, modified FROM texts WHERE bundled = 0;
CREATE TRIGGER sync_text_added AFTER INSERT ON texts WHEN new.bundled = 0 BEGIN
    INSERT OR REPLACE INTO sync_text_changes (text_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;
CREATE TRIGGER sync_text_changed AFTER UPDATE OF
    title, author, year, translator, editor, publisher, url, language, date_published,
    date_modified, description, fingerprint, deleted
    ON texts WHEN new.bundled = 0 BEGIN
    INSERT OR REPLACE INTO sync_text_changes (text_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;

CREATE TABLE sync_card_changes (
    card_id TEXT PRIMARY KEY,
    changed TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sync_card_changes (card_id, changed) SELECT id, modified FROM review_cards;
CREATE TRIGGER sync_card_added AFTER INSERT ON review_cards BEGIN
    INSERT OR REPLACE INTO sync_card_changes (card_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;
CREATE TRIGGER sync_card_changed AFTER UPDATE OF
    kind, text_id, source_kind, source_id, spec, state, due, deleted ON review_cards BEGIN
    INSERT OR REPLACE INTO sync_card_changes (card_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;

CREATE TABLE sync_versions (
    entity TEXT NOT NULL,
    id TEXT NOT NULL,
    stamp TEXT NOT NULL,
    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    base TEXT,
    settled TEXT NOT NULL DEFAULT '[]',
    fingerprint TEXT,
    PRIMARY KEY (entity, id)
) WITHOUT ROWID;
"""


# Folder sync, second part (issue 16). Design choices:
# * ``sync_glossary_changes`` and ``sync_position_changes`` list the glossary entries and the
#   reading positions changed since they were last synced, as ``sync_changes`` does for
#   notes. An entry is never deleted outright (``deleted`` is a tombstone), so its triggers
#   watch inserts and updates only; they upsert rather than INSERT OR REPLACE, because the
#   repository saves an entry with an upsert, whose conflict handling would otherwise
#   apply to the trigger's insert too and fail it. A position is a text's ``position_block_id`` and
#   ``position_offset`` (not the zoom, which suits one screen); saving the same place again
#   is not a change.
# * ``sync_bulk`` holds a row only inside the transaction of a sync writing many received
#   notes (the row is deleted before it commits, so no other connection ever sees it). While
#   it does, the per-row insert triggers of the notes' search index and change list stand
#   aside: the sync fills the index once for the notes it wrote (one FTS row each, tags
#   included, where the triggers rewrote a note's FTS row once per tag) and does not list
#   notes it wrote as changed here. Receiving 10,000 notes took 2.4-2.5 s instead of
#   3.7-4.1 s with the per-row triggers (same machine, same run). Deletions keep their
#   triggers.
SCHEMA_V8_STEPS = """
CREATE TABLE sync_glossary_changes (
    entry_id TEXT PRIMARY KEY,
    changed TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sync_glossary_changes (entry_id, changed) SELECT id, modified FROM glossary_entries;
CREATE TRIGGER sync_glossary_added AFTER INSERT ON glossary_entries BEGIN
    INSERT INTO sync_glossary_changes (entry_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
    ON CONFLICT (entry_id) DO UPDATE SET changed = excluded.changed;
END;
CREATE TRIGGER sync_glossary_changed AFTER UPDATE OF
    text_id, headword, aliases, category, gloss, explanation, sources, start_date, end_date,
    see_also, created, modified, deleted ON glossary_entries BEGIN
    INSERT INTO sync_glossary_changes (entry_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
    ON CONFLICT (entry_id) DO UPDATE SET changed = excluded.changed;
END;

CREATE TABLE sync_position_changes (
    text_id TEXT PRIMARY KEY,
    changed TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sync_position_changes (text_id, changed)
SELECT id, modified FROM texts WHERE position_block_id IS NOT NULL AND deleted IS NULL;
CREATE TRIGGER sync_position_changed AFTER UPDATE OF position_block_id, position_offset
    ON texts WHEN new.position_block_id IS NOT old.position_block_id
        OR new.position_offset IS NOT old.position_offset BEGIN
    INSERT OR REPLACE INTO sync_position_changes (text_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;

CREATE TABLE sync_bulk (
    active INTEGER PRIMARY KEY CHECK (active = 1)
);
DROP TRIGGER notes_fts_insert;
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes
    WHEN NOT EXISTS (SELECT 1 FROM sync_bulk) BEGIN
    INSERT INTO notes_fts (rowid, body, quote, tags)
    VALUES (new.seq, new.body, coalesce(new.anchor_exact, ''), '');
END;
DROP TRIGGER note_tags_fts_insert;
CREATE TRIGGER note_tags_fts_insert AFTER INSERT ON note_tags
    WHEN NOT EXISTS (SELECT 1 FROM sync_bulk) BEGIN
    UPDATE notes_fts
    SET tags = (SELECT group_concat(tag, ' ') FROM note_tags WHERE note_id = new.note_id)
    WHERE rowid = (SELECT seq FROM notes WHERE id = new.note_id);
END;
DROP TRIGGER sync_note_added;
CREATE TRIGGER sync_note_added AFTER INSERT ON notes
    WHEN NOT EXISTS (SELECT 1 FROM sync_bulk) BEGIN
    INSERT OR REPLACE INTO sync_changes (note_id, changed)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;
DROP TRIGGER sync_note_tag_added;
CREATE TRIGGER sync_note_tag_added AFTER INSERT ON note_tags
    WHEN NOT EXISTS (SELECT 1 FROM sync_bulk) BEGIN
    INSERT OR REPLACE INTO sync_changes (note_id, changed)
    VALUES (new.note_id, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));
END;
"""


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the open transaction first; run statement by statement.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            connection.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"Incomplete SQL statement in migration: {statement!r}")


# Each step is its script, run statement by statement; the steps stay callables so that a test
# can put a failing one in the chain.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = tuple(
    partial(_run_script, script=script)
    for script in (
        SCHEMA_V1,
        SCHEMA_V2_STEPS,
        SCHEMA_V3_STEPS,
        SCHEMA_V4_STEPS,
        SCHEMA_V5_STEPS,
        SCHEMA_V6_STEPS,
        SCHEMA_SYNC_STEPS,
        SCHEMA_V8_STEPS,
    )
)
LATEST_VERSION = len(MIGRATIONS)

_SQLITE_HEADER = b"SQLite format 3\x00"
_USER_VERSION_OFFSET = 60


def peek_user_version(path: Path) -> int:
    """Read a database's schema version without changing a single byte on disk.

    Without a WAL file the header is the whole truth, so it is read as plain bytes: even a
    read-only sqlite connection would leave ``-wal``/``-shm`` files beside a WAL database.
    With a WAL file the latest version may live in it, so a ``mode=ro`` connection asks.
    Raises DatabaseCorrupt for a file that is not an sqlite database, and for an empty one:
    sqlite would happily open it as an empty notebook, but this app writes the header the
    moment it creates the file, so zero bytes means a sync tool or a crash truncated it.
    """
    with storage_errors(path), path.open("rb") as file:
        header = file.read(100)
    if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
        raise corrupt_error(path)
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        connection = connect(path, read_only=True)
        try:
            with storage_errors(path):
                return int(connection.execute("PRAGMA user_version").fetchone()[0])
        finally:
            connection.close()
    return int.from_bytes(header[_USER_VERSION_OFFSET : _USER_VERSION_OFFSET + 4], "big")


def too_new_message(found: int) -> str:
    return (
        f"These notes were saved by a newer version of Study Reader (notes format {found}; "
        f"this version understands up to {LATEST_VERSION}). Please update Study Reader. "
        "The notes file has not been changed."
    )


def migrate(connection: sqlite3.Connection, path: Path | None = None) -> tuple[int, int]:
    """Run every pending step in one transaction; returns (old version, new version).

    The caller checks for a too-new file and takes the backup first (see ``open_store``), so
    this function only ever moves a database forward.
    """
    with storage_errors(path):
        connection.execute("BEGIN IMMEDIATE")
        try:
            found = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if found > LATEST_VERSION:
                raise DatabaseTooNew(too_new_message(found), path)
            for step in MIGRATIONS[found:]:
                step(connection)
            connection.execute(f"PRAGMA user_version = {LATEST_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return found, LATEST_VERSION
