"""Build the saved databases of earlier notes schemas: ``notes-v<N>.sqlite``.

Run from the repository root: ``python tests/data/schemas/make_fixtures.py``. Each file is
made with the DDL that version shipped with (kept verbatim in ``migrations.py`` because
released migration steps never change) and filled with notes the way that version wrote
them, including awkward cases: curly quotes, a note whose quote was later edited out of
the text, a free note, and an empty body. The files are committed; this script documents
how they were made and makes a new one when a schema version is released.

Fixed ids and times keep the output byte-for-byte reproducible in content.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from reader_app.storage.migrations import MIGRATIONS  # noqa: E402

# (id, kind, body, block_id, start, end, exact, prefix, suffix, text_version, created, updated)
V1_NOTES = [
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0001", "passage",
        "The core of her argument: decisions made far away.",
        "p3", 154, 189, "Some third person decides your fate",
        "re quite often entirely absent. ", ": this is the whole essence of b",
        "36c527e27c3d25b9", "2024-01-10T09:00:00.000000Z", "2024-01-11T10:30:00.000000Z",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0002", "passage", "",
        "p1", 0, 56, "“Is it to be bureaucracy or self-activity of the masses?",
        "rty and the Soviet government:\n\n", " This is the second point of the",
        "36c527e27c3d25b9",
        "2024-01-10T09:05:00.000000Z", "2024-01-10T09:05:00.000000Z",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0003", "passage",
        "Quote from an older edition; no longer in the text.",
        "p2", 10, 40, "a phrase the corrected edition removed",
        "an older prefix ", " an older suffix", "0000000000000000",
        "2024-01-09T08:00:00.000000Z", "2024-01-09T08:00:00.000000Z",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0004", "free",
        "Read Lenin’s reply at the Tenth Congress.",
        None, None, None, None, None, None, None,
        "2024-01-12T18:00:00.000000Z", "2024-01-12T18:00:00.000000Z",
    ),
]  # fmt: skip


def make_v1(path: Path) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        MIGRATIONS[0](connection)
        connection.executemany(
            "INSERT INTO notes (id, kind, body, block_id, start_offset, end_offset, exact, "
            "prefix, suffix, text_version, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V1_NOTES,
        )
        connection.execute("PRAGMA user_version = 1")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


# (id, kind, body, colour, glossary_entry_id, block, start, end, exact, prefix, suffix,
#  text_version, created, updated)
V2_NOTES = [
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0201", "passage",
        "The core of her argument: decisions made far away.", "green", None,
        "p3", 154, 189, "Some third person decides your fate",
        "re quite often entirely absent. ", ": this is the whole essence of b",
        "36c527e27c3d25b9", "2025-03-10T09:00:00.000000Z", "2025-03-11T10:30:00.000000Z",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0202", "glossary",
        "NEP: March 1921, the same congress.", None, "nep",
        None, None, None, None, None, None, None,
        "2025-03-10T09:05:00.000000Z", "2025-03-10T09:05:00.000000Z",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0203", "free",
        "Read Lenin’s reply at the Tenth Congress.", None, None,
        None, None, None, None, None, None, None,
        "2025-03-12T18:00:00.000000Z", "2025-03-12T18:00:00.000000Z",
    ),
]  # fmt: skip
V2_TAGS = [
    ("0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0201", "bureaucracy", 0),
    ("0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0201", "tenth congress", 1),
    ("0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0203", "todo", 0),
]


def make_v2(path: Path) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        MIGRATIONS[0](connection)
        MIGRATIONS[1](connection)
        connection.executemany(
            "INSERT INTO notes (id, kind, body, colour, glossary_entry_id, anchor_block_id, "
            "anchor_start, anchor_end, anchor_exact, anchor_prefix, anchor_suffix, "
            "anchor_text_version, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V2_NOTES,
        )
        connection.executemany(
            "INSERT INTO note_tags (note_id, tag, position) VALUES (?, ?, ?)", V2_TAGS
        )
        connection.execute("PRAGMA user_version = 2")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


# Version 3 added the history of notes (a version that lost an import merge); the notes
# and tags are written as in version 2, with one kept revision.
V3_NOTES = [
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0301", "passage",
        "Decisions made far away, by “some third person”.", "blue", None,
        "p3", 154, 189, "Some third person decides your fate",
        "re quite often entirely absent. ", ": this is the whole essence of b",
        "36c527e27c3d25b9", "2026-05-10T09:00:00.000000Z", "2026-05-11T10:30:00.000000Z",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0302", "glossary",
        "Self-activity: the masses acting for themselves.", None, "self-activity",
        None, None, None, None, None, None, None,
        "2026-05-10T09:05:00.000000Z", "2026-05-10T09:05:00.000000Z",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0303", "free", "", None, None,
        None, None, None, None, None, None, None,
        "2026-05-12T18:00:00.000000Z", "2026-05-12T18:00:00.000000Z",
    ),
]  # fmt: skip
V3_TAGS = [("0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0301", "bureaucracy", 0)]
# (note_id, body, tags, colour, quote, modified, recorded, origin)
V3_REVISIONS = [
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0301", "Decisions made far away.", '["power"]',
        "yellow", "Some third person decides your fate", "2026-05-10T09:00:00.000000Z",
        "2026-05-11T10:30:00.000000Z", "local",
    ),
]  # fmt: skip


def make_v3(path: Path) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        for step in MIGRATIONS[:3]:
            step(connection)
        connection.executemany(
            "INSERT INTO notes (id, kind, body, colour, glossary_entry_id, anchor_block_id, "
            "anchor_start, anchor_end, anchor_exact, anchor_prefix, anchor_suffix, "
            "anchor_text_version, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V3_NOTES,
        )
        connection.executemany(
            "INSERT INTO note_tags (note_id, tag, position) VALUES (?, ?, ?)", V3_TAGS
        )
        connection.executemany(
            "INSERT INTO note_revisions (note_id, body, tags, colour, quote, modified, "
            "recorded, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            V3_REVISIONS,
        )
        connection.execute("PRAGMA user_version = 3")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


# Version 4 added the library: texts with their blocks, and notes belonging to a text. The
# notes (two passage notes, so a review card can be made of one; a glossary note; a free
# note on an added text) are written as in version 3, with a text id.
V4_TEXTS = [
    (
        "bread-and-peace-3f2a9c1d", 0, "Bread and Peace", "A. Reader", 1917, "en",
        "plain", "3f2a9c1d5e6f7a8b", "bread.txt", "texts/bread-and-peace-3f2a9c1d.txt",
        2, 2, "2026-09-01T08:00:00.000000Z", "2026-09-01T08:00:00.000000Z",
    ),
]  # fmt: skip
V4_BLOCKS = [
    ("bread-and-peace-3f2a9c1d", 0, "p1", "body", 1, 0, "", "An essay on bread."),
    ("bread-and-peace-3f2a9c1d", 1, "p2", "body", 2, 0, "", "And on peace."),
]
V4_NOTES = [
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0401", "passage",
        "Who decides, and from how far away?", "pink", None,
        "p3", 154, 189, "Some third person decides your fate",
        "re quite often entirely absent. ", ": this is the whole essence of b",
        "36c527e27c3d25b9", "2026-09-10T09:00:00.000000Z", "2026-09-11T10:30:00.000000Z",
        "kollontai-workers-opposition-1921",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0402", "glossary",
        "NEP: the same congress.", None, "nep",
        None, None, None, None, None, None, None,
        "2026-09-10T09:05:00.000000Z", "2026-09-10T09:05:00.000000Z",
        "kollontai-workers-opposition-1921",
    ),
    (
        "0b5c1a52-3c1e-4d55-9d3e-4a1f1f0f0403", "free", "Bread first, then peace?", None, None,
        None, None, None, None, None, None, None,
        "2026-09-12T18:00:00.000000Z", "2026-09-12T18:00:00.000000Z",
        "bread-and-peace-3f2a9c1d",
    ),
]  # fmt: skip


def make_v4(path: Path) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        for step in MIGRATIONS[:4]:
            step(connection)
        connection.executemany(
            "INSERT INTO texts (id, bundled, title, author, year, language, source_format, "
            "fingerprint, file_name, stored_path, block_count, body_count, added, modified) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V4_TEXTS,
        )
        connection.executemany(
            "INSERT INTO text_blocks (text_id, seq, block_id, role, number, chapter, "
            "chapter_title, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            V4_BLOCKS,
        )
        connection.execute(
            "INSERT INTO text_blocks_fts (rowid, text) SELECT row, text FROM text_blocks"
        )
        connection.executemany(
            "INSERT INTO notes (id, kind, body, colour, glossary_entry_id, anchor_block_id, "
            "anchor_start, anchor_end, anchor_exact, anchor_prefix, anchor_suffix, "
            "anchor_text_version, created, updated, text_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V4_NOTES,
        )
        connection.execute("PRAGMA user_version = 4")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


# Version 5 added review: cards and the log of answers. The library and notes are written
# as in version 4; one glossary card on the bundled text, answered once.
V5_CARDS = [
    (
        "card-nep-glossary-0001", "kollontai-workers-opposition-1921", "glossary",
        "glossary-entry", "nep", "{}",
        '{"front": "NEP", "back": "The New Economic Policy.", "title": "The Workers’ '
        'Opposition", "passage_label": "", "passage": "", "extra": ""}',
        '{"card_id": 1, "state": 2, "step": null, "stability": 3.2, "difficulty": 5.1, '
        '"due": "2026-10-04T09:00:00+00:00", "last_review": "2026-10-01T09:00:00+00:00"}',
        "2026-10-04T09:00:00.000000Z", "2026-10-01T08:00:00.000000Z",
        "2026-10-01T09:00:00.000000Z",
    ),
]  # fmt: skip
V5_LOG = [
    (
        "card-nep-glossary-0001", 3, "2026-10-01T09:00:00.000000Z",
        '{"card_id": 1, "state": 1, "step": 0, "stability": null, "difficulty": null, '
        '"due": "2026-10-01T08:00:00+00:00", "last_review": null}',
        '{"card_id": 1, "state": 2, "step": null, "stability": 3.2, "difficulty": 5.1, '
        '"due": "2026-10-04T09:00:00+00:00", "last_review": "2026-10-01T09:00:00+00:00"}',
    ),
]  # fmt: skip


def make_v5(path: Path) -> None:
    """Version 5 (review) as version 4's library and notes, with tags, and one card."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        for step in MIGRATIONS[:5]:
            step(connection)
        connection.executemany(
            "INSERT INTO texts (id, bundled, title, author, year, language, source_format, "
            "fingerprint, file_name, stored_path, block_count, body_count, added, modified) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V4_TEXTS,
        )
        connection.executemany(
            "INSERT INTO text_blocks (text_id, seq, block_id, role, number, chapter, "
            "chapter_title, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            V4_BLOCKS,
        )
        connection.execute(
            "INSERT INTO text_blocks_fts (rowid, text) SELECT row, text FROM text_blocks"
        )
        connection.executemany(
            "INSERT INTO notes (id, kind, body, colour, glossary_entry_id, anchor_block_id, "
            "anchor_start, anchor_end, anchor_exact, anchor_prefix, anchor_suffix, "
            "anchor_text_version, created, updated, text_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V4_NOTES,
        )
        connection.executemany(
            "INSERT INTO review_cards (id, text_id, kind, source_kind, source_id, spec, "
            "snapshot, state, due, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V5_CARDS,
        )
        connection.executemany(
            "INSERT INTO review_log (card_id, rating, reviewed_at, state_before, state_after) "
            "VALUES (?, ?, ?, ?, ?)",
            V5_LOG,
        )
        connection.executemany(
            "INSERT INTO note_tags (note_id, tag, position) VALUES (?, ?, ?)",
            [(V4_NOTES[0][0], "bureaucracy", 0), (V4_NOTES[0][0], "tenth congress", 1)],
        )
        connection.execute("PRAGMA user_version = 5")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


# Version 6 added the reader's own glossary entries: version 5's database with one entry
# that applies to the bundled text.
V6_ENTRIES = [
    (
        "pg-soviet-0001", "kollontai-workers-opposition-1921", "Soviet", '["soviets"]',
        "organisation", "A council of workers' or soldiers' deputies.", "", "[]",
        "2026-11-02T10:00:00.000000Z", "2026-11-02T10:00:00.000000Z",
    ),
]  # fmt: skip


def make_v6(path: Path) -> None:
    """Version 6 (the reader's own glossary) as version 5, with one entry."""
    make_v5(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        MIGRATIONS[5](connection)
        connection.executemany(
            "INSERT INTO glossary_entries (id, text_id, headword, aliases, category, gloss, "
            "explanation, sources, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V6_ENTRIES,
        )
        connection.execute("PRAGMA user_version = 6")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


def make_v7(path: Path) -> None:
    """Version 7 (folder sync of notes, texts and cards) as version 6, with every added
    text placed somewhere and the glossary entry edited after it was listed for sync."""
    make_v6(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        MIGRATIONS[6](connection)
        connection.execute(
            "UPDATE texts SET position_block_id = 'p2', position_offset = 40 WHERE bundled = 0"
        )
        connection.execute(
            "UPDATE glossary_entries SET gloss = gloss || ' (edited)', "
            "modified = '2026-11-20T08:00:00.000000Z'"
        )
        connection.execute("PRAGMA user_version = 7")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


def main() -> None:
    make_v1(HERE / "notes-v1.sqlite")
    make_v2(HERE / "notes-v2.sqlite")
    make_v3(HERE / "notes-v3.sqlite")
    make_v4(HERE / "notes-v4.sqlite")
    make_v5(HERE / "notes-v5.sqlite")
    make_v6(HERE / "notes-v6.sqlite")
    make_v7(HERE / "notes-v7.sqlite")


if __name__ == "__main__":
    main()
