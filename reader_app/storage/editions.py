"""A new edition of a library text: its notes placed again in the new words.

``LibraryRepository.replace_edition`` swaps the blocks and returns both editions; this
places each of the text's passage notes in the new one (``anchors.resolve``: offsets, then
the quote, then a fuzzy match) and stores the placement, as the notes repository does for
the bundled text when it changes. The note's own anchor (what the reader selected, in the
edition they read) is never rewritten, so a note that cannot be placed stays detached and
can be placed again by hand, or by a later edition. Only the given text's notes are read.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

from reader_app.domain.anchors import Anchor, PlacementStatus, global_range, resolve
from reader_app.domain.importing import import_bytes
from reader_app.storage.db import transaction
from reader_app.storage.library import EditionReplaced, LibraryRepository, read_original


class EditionReport(NamedTuple):
    """What happened to a text's passage notes in its new edition."""

    text_id: str
    title: str
    notes: int  # passage notes of the text
    in_place: int  # at the same block and offsets
    moved: int  # found elsewhere (the quote moved, or a close match)
    detached: int  # kept, but no longer placed in the text
    blocks_kept: int


def reanchor_edition(
    connection: sqlite3.Connection, replaced: EditionReplaced, *, path: Path | None = None
) -> EditionReport:
    """Place the text's passage notes in ``replaced.new`` and store where they landed, on
    the notes' connection (``path`` names the file in errors), in one transaction."""
    new = replaced.new
    counts = {"in_place": 0, "moved": 0, "detached": 0}
    rows = connection.execute(
        """SELECT id, anchor_block_id, anchor_start, anchor_end, anchor_exact, anchor_prefix,
        anchor_suffix, anchor_text_version, placed_block_id, placed_start, placed_end
        FROM notes WHERE text_id = ? AND kind = 'passage'""",
        (replaced.text_id,),
    ).fetchall()
    updates = []
    for note_id, block, start, end, exact, prefix, suffix, version, *before in rows:
        anchor = Anchor(block, start, end, exact, prefix or "", suffix or "", version)
        placement = resolve(anchor, new)
        span = global_range(new, placement) if placement.is_placed else None
        if not placement.is_placed:
            counts["detached"] += 1
        elif (
            placement.status is PlacementStatus.EXACT
            or [placement.block_id, placement.start, placement.end] == before
        ):
            counts["in_place"] += 1
        else:
            counts["moved"] += 1
        updates.append(
            (
                placement.status.value,
                placement.block_id,
                placement.start,
                placement.end,
                span[0] if span else None,
                new.version,
                note_id,
            )
        )
    with transaction(connection, path):
        connection.executemany(
            """UPDATE notes SET placement_status = ?, placed_block_id = ?, placed_start = ?,
            placed_end = ?, placed_position = ?, placed_text_version = ? WHERE id = ?""",
            updates,
        )
    return EditionReport(
        replaced.text_id,
        new.title,
        len(rows),
        counts["in_place"],
        counts["moved"],
        counts["detached"],
        replaced.blocks_kept,
    )


def replace_with_file(
    library: LibraryRepository,
    connection: sqlite3.Connection,
    text_id: str,
    path: Path,
    *,
    db_path: Path | None = None,
) -> EditionReport:
    """Read ``path`` as the new edition of ``text_id``, swap it in and re-place the notes
    (``connection``: the notes' database, which the library shares).

    Raises ``TextImportError`` for a file that cannot be a text (nothing changes) and
    ``StorageError`` (``LibraryError`` for the bundled text or a file already in the
    library as another text)."""
    data = read_original(path)
    imported = import_bytes(data, path.name)
    replaced = library.replace_edition(text_id, imported, data)
    return reanchor_edition(connection, replaced, path=db_path)
