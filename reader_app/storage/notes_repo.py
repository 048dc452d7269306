"""All reading and writing of notes goes through ``NotesRepository``.

Every change is one transaction, and listeners hear about it only after it is committed,
so the UI never shows a note that is not safely on disk. The repository knows the current
Document because a note's place in the text (its ``placement``) is a fact about a
particular edition: it is computed with ``resolve`` when a note is written and again when
the text's version changes, while the original anchor is kept as it was made.

A repository serves the notes of one text, the one its Document is (``notes.text_id`` is
the Document's id): every read, write and re-anchoring is limited to that text, so the
notes of another text in the library are never listed, moved, changed or detached by it.
``for_text`` gives the repository of another text on the same connection.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from reader_app.domain.anchors import (
    Anchor,
    Placement,
    PlacementStatus,
    global_range,
    resolve,
)
from reader_app.domain.highlights import Colour
from reader_app.domain.notes import (
    MergeReport,
    Note,
    NoteKind,
    Revision,
    RevisionOrigin,
    format_timestamp,
    parse_timestamp,
    utc_now,
)
from reader_app.domain.tags import normalise_tags
from reader_app.domain.text import Document
from reader_app.storage.db import NoteNotFound, ReadOnlyLocation, storage_errors, transaction

MARK_START = "\ue000"
MARK_END = "\ue001"
"""Private-use characters that FTS5 puts around matches: unlike ``<b>`` they cannot be
confused with anything a user types in a note, and nothing is ever parsed as HTML."""


HIGHLIGHT_PREVIEW_CHARS = 160
# FTS5's snippet() weighs every match in a body against every other, so a 1 MB note with
# thousands of matches took over a second to search. Bodies longer than this are matched by
# FTS as usual but get their excerpt from the first match found by a regular expression,
# and are not marked whole.
LONG_BODY_CHARS = 20_000
LONG_BODY_EXCERPT_CHARS = 60  # either side of the first match


@dataclass(frozen=True, slots=True)
class Highlight:
    """Just what drawing a highlight needs; ``preview`` is the start of the note's text."""

    note_id: str
    colour: str
    block_id: str
    start: int
    end: int
    preview: str


class NoteOrder(StrEnum):
    POSITION = "position"  # text order; free and glossary notes after passages, oldest first
    UPDATED = "updated"  # most recently changed first
    CREATED = "created"  # newest first


class ChangeKind(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    DELETED = "deleted"
    RESTORED = "restored"
    IMPORTED = "imported"
    REANCHORED = "reanchored"


@dataclass(frozen=True, slots=True)
class NotesChanged:
    """What a listener is told after a committed change."""

    kind: ChangeKind
    note_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MarkedText:
    """Plain text plus the ``(start, end)`` ranges of search matches in it."""

    text: str
    spans: tuple[tuple[int, int], ...]

    @classmethod
    def parse(cls, marked: str) -> MarkedText:
        plain: list[str] = []
        spans: list[tuple[int, int]] = []
        length = 0
        start: int | None = None
        for char in marked:
            if char == MARK_START:
                start = length
            elif char == MARK_END:
                if start is not None and length > start:
                    spans.append((start, length))
                start = None
            else:
                plain.append(char)
                length += 1
        return cls("".join(plain), tuple(spans))


@dataclass(frozen=True, slots=True)
class SearchHit:
    note: Note
    body: MarkedText  # the whole body with matches marked (unmarked past LONG_BODY_CHARS)
    quote: MarkedText  # the whole quote with matches marked
    matched_tags: tuple[str, ...]
    snippet: MarkedText  # a short excerpt around the best match, for a results list


@dataclass(frozen=True, slots=True)
class OtherTextHit:
    """A note of another text found by ``search_other_texts``: enough to list it under its
    text and to show it once that text is open (placing it would need that text)."""

    text_id: str
    note_id: str
    quote: str
    snippet: MarkedText


@dataclass(frozen=True, slots=True)
class NoteCounts:
    total: int
    passage: int
    free: int
    glossary: int
    detached: int


@dataclass(frozen=True, slots=True)
class ReanchorReport:
    checked: int
    exact: int
    moved: int
    fuzzy: int
    detached: tuple[Note, ...]


_WORD = re.compile(r"\w+")


def fts_query(text: str) -> str | None:
    """Turn what the user typed into a safe FTS5 query: every word must appear, and the word
    still being typed matches as a prefix. Operators and quotes typed by the user are taken
    as plain words, so no input can raise an FTS syntax error."""
    words = _WORD.findall(text)
    if not words:
        return None
    terms = [f'"{word}"' for word in words]
    if text[-1:].isalnum() or text[-1:] == "_":
        terms[-1] += "*"
    return " ".join(terms)


def _excerpt_of_long_body(body: str, typed: str) -> MarkedText:
    """A few words around the first word typed found in ``body``, the matches marked."""
    words = _WORD.findall(typed)
    pattern = re.compile("|".join(rf"\b{re.escape(word)}" for word in words), re.IGNORECASE)
    first = pattern.search(body)
    centre = first.start() if first else 0
    start = max(0, centre - LONG_BODY_EXCERPT_CHARS)
    end = min(len(body), centre + LONG_BODY_EXCERPT_CHARS)
    lead = "…" if start else ""
    excerpt = f"{lead}{body[start:end]}{'…' if end < len(body) else ''}"
    spans = tuple(
        (match.start() + len(lead) - start, match.end() + len(lead) - start)
        for match in pattern.finditer(body, start, end)
    )
    return MarkedText(excerpt, spans)


_NOTE_COLUMNS = """
    n.id, n.kind, n.body, n.colour, n.glossary_entry_id,
    n.anchor_block_id, n.anchor_start, n.anchor_end, n.anchor_exact, n.anchor_prefix,
    n.anchor_suffix, n.anchor_text_version,
    n.placement_status, n.placed_block_id, n.placed_start, n.placed_end, n.placed_text_version,
    n.created, n.updated,
    (SELECT json_group_array(tag) FROM
        (SELECT tag FROM note_tags WHERE note_id = n.id ORDER BY position)) AS tags
"""
_COLUMN_COUNT = 20

_ORDER_SQL = {
    NoteOrder.POSITION: "n.placed_position IS NULL, n.placed_position, n.created, n.id",
    NoteOrder.UPDATED: "n.updated DESC, n.id",
    NoteOrder.CREATED: "n.created DESC, n.id",
}


def _row_to_note(row: sqlite3.Row | tuple[Any, ...], document: Document) -> Note:
    """A Note from a row of ``_NOTE_COLUMNS``.

    A placement stored for another edition of the text (only possible in a read-only
    repository, which cannot re-anchor on disk) is recomputed in memory.
    """
    (
        note_id, kind, body, colour, glossary_entry_id,
        a_block, a_start, a_end, a_exact, a_prefix, a_suffix, a_version,
        p_status, p_block, p_start, p_end, p_version,
        created, updated, tags,
    ) = row  # fmt: skip
    anchor = None
    if a_exact is not None:
        anchor = Anchor(a_block, a_start, a_end, a_exact, a_prefix or "", a_suffix or "", a_version)
    placement = None
    if p_status is not None and p_version == document.version:
        placement = Placement(PlacementStatus(p_status), p_block, p_start, p_end)
    elif anchor is not None:
        placement = resolve(anchor, document)
    return Note(
        id=note_id,
        kind=NoteKind(kind),
        body=body,
        colour=Colour(colour) if colour is not None else None,
        tags=tuple(json.loads(tags)),
        anchor=anchor,
        glossary_entry_id=glossary_entry_id,
        created=parse_timestamp(created),
        updated=parse_timestamp(updated),
        placement=placement,
    )


_REVISION_COLUMNS = "note_id, body, tags, colour, quote, modified, recorded, origin"


def _row_to_revision(row: tuple[Any, ...]) -> Revision:
    note_id, body, tags, colour, quote, modified, recorded, origin = row
    return Revision(
        note_id=note_id,
        body=body,
        tags=tuple(json.loads(tags)),
        colour=Colour(colour) if colour is not None else None,
        quote=quote,
        modified=parse_timestamp(modified),
        recorded=parse_timestamp(recorded),
        origin=RevisionOrigin(origin),
    )


def _content(note: Note) -> tuple[object, ...]:
    """What a reader would call the note's words and marks, without its times."""
    return (note.kind, note.body, note.tags, note.colour, note.anchor, note.glossary_entry_id)


class NotesRepository:
    """The notes of one text (the Document's id) in one sqlite database, placed in it."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        document: Document,
        *,
        path: Path | None = None,
        read_only_reason: str | None = None,
    ) -> None:
        """``read_only_reason``: set when the connection was opened read-only; it becomes the
        message of every refused write (e.g. "open in another copy of Study Reader")."""
        self._connection = connection
        self._document = document
        self._path = path
        self._read_only_reason = read_only_reason
        self._text_id = document.id
        self._listeners: list[Callable[[NotesChanged], None]] = []

    def for_text(self, document: Document) -> NotesRepository:
        """The notes of another text, on this connection, read-only when these are. The
        two do not share listeners: each text's panel hears only of its own notes."""
        return NotesRepository(
            self._connection,
            document,
            path=self._path,
            read_only_reason=self._read_only_reason,
        )

    @property
    def document(self) -> Document:
        return self._document

    def use_details_of(self, document: Document) -> None:
        """The text's corrected details (title, author, …), which exports name it by; the
        words must be the same, or the notes would be placed in another edition."""
        if document.id != self._text_id or document.blocks != self._document.blocks:
            raise ValueError("use_details_of takes the same text with other details only")
        self._document = document

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def connection(self) -> sqlite3.Connection:
        """For backups and tests; the UI never runs SQL."""
        return self._connection

    @property
    def read_only(self) -> bool:
        return self._read_only_reason is not None

    def close(self) -> None:
        self._connection.close()

    # -- listening ---------------------------------------------------------------------

    def subscribe(self, callback: Callable[[NotesChanged], None]) -> Callable[[], None]:
        """Call ``callback`` after every committed change; returns a function that stops it."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def _notify(self, kind: ChangeKind, note_ids: Iterable[str]) -> None:
        change = NotesChanged(kind, tuple(note_ids))
        if not change.note_ids:
            return
        for listener in list(self._listeners):
            listener(change)

    def changed_elsewhere(self, note_ids: Iterable[str]) -> None:
        """Notes written by another connection (a sync, on its own thread): place them in
        the text and tell the listeners, as after an import."""
        self.reanchor()
        self._notify(ChangeKind.IMPORTED, note_ids)

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        try:
            with transaction(self._connection, self._path):
                yield self._connection
        except ReadOnlyLocation as error:
            if self._read_only_reason is None:
                raise
            raise ReadOnlyLocation(self._read_only_reason, self._path) from error

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        """Every row of a read, fetched inside the translation of storage errors: a busy or
        damaged file while listing or searching is a plain-words ``StorageError``, as for a
        write, and never a raw sqlite error."""
        with storage_errors(self._path):
            return self._connection.execute(sql, params).fetchall()

    # -- writing -----------------------------------------------------------------------

    def _placement_columns(self, placement: Placement | None) -> tuple[object, ...]:
        if placement is None:
            return (None, None, None, None, None, None)
        span = global_range(self._document, placement)
        return (
            placement.status.value,
            placement.block_id,
            placement.start,
            placement.end,
            span[0] if span else None,
            self._document.version,
        )

    def _insert(self, connection: sqlite3.Connection, note: Note, *, placed: bool = False) -> None:
        """``placed``: the note's placement was computed in this repository's document
        (an import does so within its own bounded work), so it is stored as it is."""
        anchor = note.anchor
        anchor_columns = (
            (anchor.block_id, anchor.start, anchor.end, anchor.exact, anchor.prefix,
             anchor.suffix, anchor.text_version)
            if anchor is not None
            else (None,) * 7
        )  # fmt: skip
        connection.execute(
            """INSERT INTO notes (
                id, kind, body, colour, glossary_entry_id,
                anchor_block_id, anchor_start, anchor_end, anchor_exact, anchor_prefix,
                anchor_suffix, anchor_text_version,
                placement_status, placed_block_id, placed_start, placed_end, placed_position,
                placed_text_version, created, updated, text_id
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                note.id,
                note.kind.value,
                note.body,
                note.colour.value if note.colour else None,
                note.glossary_entry_id,
                *anchor_columns,
                *self._placement_columns(
                    (note.placement if placed else resolve(anchor, self._document))
                    if anchor is not None
                    else None
                ),
                format_timestamp(note.created),
                format_timestamp(note.updated),
                self._text_id,
            ),
        )
        self._write_tags(connection, note.id, note.tags)

    @staticmethod
    def _write_tags(connection: sqlite3.Connection, note_id: str, tags: tuple[str, ...]) -> None:
        connection.execute("DELETE FROM note_tags WHERE note_id = ?", (note_id,))
        connection.executemany(
            "INSERT INTO note_tags (note_id, tag, position) VALUES (?, ?, ?)",
            [(note_id, tag, position) for position, tag in enumerate(tags)],
        )

    def add(self, note: Note) -> Note:
        """Store a new note; returns it with its placement in the current text."""
        return self._store(note, ChangeKind.ADDED)

    def _store(self, note: Note, kind: ChangeKind) -> Note:
        with self._writing() as connection:
            self._insert(connection, note)
            stored = self._get(connection, note.id)
        self._notify(kind, [note.id])
        assert stored is not None
        return stored

    def update(
        self,
        note_id: str,
        *,
        body: str | None = None,
        tags: Iterable[str] | None = None,
        colour: Colour | None = None,
    ) -> Note:
        """Change a note's body, tags and/or colour (None leaves a field as it is).

        Nothing is written, and listeners hear nothing, when the values are the same.

        Raises NoteNotFound if the note does not exist (e.g. deleted meanwhile in the panel).
        """
        with self._writing() as connection:
            current = self._get(connection, note_id)
            if current is None:
                raise NoteNotFound(note_id, self._path)
            changed = current.edited(body=body, tags=tags, colour=colour)
            if (changed.body, changed.tags, changed.colour) == (
                current.body,
                current.tags,
                current.colour,
            ):
                # An autosave of unchanged words must not make the note "recently changed".
                return current
            connection.execute(
                "UPDATE notes SET body = ?, colour = ?, updated = ? WHERE id = ?",
                (
                    changed.body,
                    changed.colour.value if changed.colour else None,
                    format_timestamp(changed.updated),
                    note_id,
                ),
            )
            if changed.tags != current.tags:
                self._write_tags(connection, note_id, changed.tags)
        self._notify(ChangeKind.UPDATED, [note_id])
        return changed

    def delete(self, note_id: str) -> Note:
        """Delete a note and return it whole, which is all ``restore`` needs for Undo."""
        with self._writing() as connection:
            note = self._get(connection, note_id)
            if note is None:
                raise NoteNotFound(note_id, self._path)
            connection.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        self._notify(ChangeKind.DELETED, [note_id])
        return note

    def restore(self, note: Note) -> Note:
        """Put a deleted note back as it was: same id, times, anchor, tags and colour."""
        return self._store(note, ChangeKind.RESTORED)

    def reattach(self, note_id: str, anchor: Anchor) -> Note:
        """Give a (typically detached) passage note a new anchor chosen by the user."""
        with self._writing() as connection:
            current = self._get(connection, note_id)
            if current is None or current.kind is not NoteKind.PASSAGE:
                raise NoteNotFound(note_id, self._path)
            changed = replace(current, anchor=anchor, updated=utc_now())
            connection.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            self._insert(connection, changed)
            stored = self._get(connection, note_id)
        self._notify(ChangeKind.UPDATED, [note_id])
        assert stored is not None
        return stored

    def merge(self, notes: Iterable[Note], *, undated: Collection[str] = ()) -> MergeReport:
        """Import notes in one transaction, losing no one's words.

        A new id is added. For an id already here the newer ``updated`` wins, except that a
        note whose file gave no modification time (its id in ``undated``) never beats the
        note here. The version that loses, when its words differ, is kept as a revision of
        the note (once: importing the same file again adds nothing). A note's placement, if
        set, must be in this repository's document, as ``parse_import`` computes it.
        """
        added = updated = unchanged = kept = 0
        touched: list[str] = []
        undated_ids = set(undated)
        moment = utc_now()
        incoming = list(notes)
        with self._writing() as connection:
            # One query for which ids exist, so that a large import of new notes reads
            # nothing per note.
            ids = [note.id for note in incoming]
            present = self._existing_ids(connection, ids, self._text_id)
            elsewhere = self._existing_ids(connection, ids) - present
            for note in incoming:
                if note.id in elsewhere:
                    # A note of another text: it stays there as it is, and the file's
                    # words are kept in its history, so neither version is lost.
                    kept += self._keep_revision(connection, note, RevisionOrigin.IMPORT, moment)
                    unchanged += 1
                    continue
                existing = self._get(connection, note.id) if note.id in present else None
                if existing is None:
                    added += 1
                elif note.id not in undated_ids and note.updated > existing.updated:
                    if _content(note) != _content(existing):
                        kept += self._keep_revision(
                            connection, existing, RevisionOrigin.LOCAL, moment
                        )
                    connection.execute("DELETE FROM notes WHERE id = ?", (note.id,))
                    updated += 1
                else:
                    if _content(note) != _content(existing):
                        kept += self._keep_revision(connection, note, RevisionOrigin.IMPORT, moment)
                    unchanged += 1
                    continue
                self._insert(connection, note, placed=note.placement is not None)
                present.add(note.id)  # the same id may come again later in the file
                touched.append(note.id)
            detached = self._count_detached(connection, touched)
        self._notify(ChangeKind.IMPORTED, touched)
        return MergeReport(added, updated, unchanged, detached, kept)

    @staticmethod
    def _keep_revision(
        connection: sqlite3.Connection, note: Note, origin: RevisionOrigin, moment: datetime
    ) -> int:
        """Record ``note`` as a revision unless the same words are already kept; 1 if kept."""
        tags = json.dumps(list(note.tags), ensure_ascii=False)
        colour = note.colour.value if note.colour else None
        duplicate = connection.execute(
            """SELECT 1 FROM note_revisions WHERE note_id = ? AND body = ? AND tags = ?
            AND colour IS ? AND quote = ?""",
            (note.id, note.body, tags, colour, note.quote),
        ).fetchone()
        if duplicate is not None:
            return 0
        connection.execute(
            """INSERT INTO note_revisions
            (note_id, body, tags, colour, quote, modified, recorded, origin)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                note.id,
                note.body,
                tags,
                colour,
                note.quote,
                format_timestamp(note.updated),
                format_timestamp(moment),
                origin.value,
            ),
        )
        return 1

    @staticmethod
    def _existing_ids(
        connection: sqlite3.Connection, note_ids: list[str], text_id: str | None = None
    ) -> set[str]:
        """Which of ``note_ids`` are stored: in the text ``text_id``, or in any text."""
        found: set[str] = set()
        only = " AND text_id = ?" if text_id is not None else ""
        for start in range(0, len(note_ids), 500):
            chunk = note_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = connection.execute(
                f"SELECT id FROM notes WHERE id IN ({marks}){only}",
                [*chunk, *([text_id] if text_id is not None else [])],
            )
            found.update(note_id for (note_id,) in rows)
        return found

    @staticmethod
    def _count_detached(connection: sqlite3.Connection, note_ids: list[str]) -> int:
        count = 0
        for start in range(0, len(note_ids), 500):
            chunk = note_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            count += connection.execute(
                f"SELECT count(*) FROM notes WHERE placement_status = 'detached' "
                f"AND id IN ({marks})",
                chunk,
            ).fetchone()[0]
        return count

    def reanchor(self) -> ReanchorReport:
        """Place every passage note not yet placed in this edition of the text.

        Runs when the repository is opened; cheap when nothing changed (an indexed query
        that finds no rows). The original anchors are left untouched.
        """
        if self.read_only:
            return ReanchorReport(0, 0, 0, 0, ())
        counts = dict.fromkeys(PlacementStatus, 0)
        changed: list[str] = []
        with self._writing() as connection:
            rows = connection.execute(
                f"SELECT {_NOTE_COLUMNS} FROM notes n WHERE n.kind = 'passage' AND "
                "n.text_id = ? AND "
                "(n.placed_text_version IS NULL OR n.placed_text_version != ?)",
                (self._text_id, self._document.version),
            ).fetchall()
            for row in rows:
                note = _row_to_note(row, self._document)
                columns = self._placement_columns(note.placement or Placement.detached())
                status, block_id, start, end, position, version = columns
                counts[PlacementStatus(str(status))] += 1
                changed.append(note.id)
                connection.execute(
                    """UPDATE notes SET placement_status = ?, placed_block_id = ?,
                    placed_start = ?, placed_end = ?, placed_position = ?,
                    placed_text_version = ? WHERE id = ?""",
                    (status, block_id, start, end, position, version, note.id),
                )
        self._notify(ChangeKind.REANCHORED, changed)
        changed_ids = set(changed)
        detached = tuple(n for n in self.detached_notes() if n.id in changed_ids)
        return ReanchorReport(
            len(rows),
            counts[PlacementStatus.EXACT],
            counts[PlacementStatus.MOVED],
            counts[PlacementStatus.FUZZY],
            detached,
        )

    # -- reading -----------------------------------------------------------------------

    def _get(self, connection: sqlite3.Connection, note_id: str) -> Note | None:
        row = connection.execute(
            f"SELECT {_NOTE_COLUMNS} FROM notes n WHERE n.id = ? AND n.text_id = ?",
            (note_id, self._text_id),
        ).fetchone()
        return _row_to_note(row, self._document) if row is not None else None

    def get(self, note_id: str) -> Note | None:
        with storage_errors(self._path):
            return self._get(self._connection, note_id)

    def _filters(
        self, tag: str | None, colour: Colour | None, kind: NoteKind | None
    ) -> tuple[list[str], list[object]]:
        """The WHERE clauses of a listing: this text's notes, and those asked for."""
        clauses: list[str] = ["n.text_id = ?"]
        params: list[object] = [self._text_id]
        if tag is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM note_tags t WHERE t.note_id = n.id AND t.tag = ?)"
            )
            cleaned = normalise_tags([tag])
            params.append(cleaned[0] if cleaned else "")
        if colour is not None:
            clauses.append("n.colour = ?")
            params.append(Colour(colour).value)
        if kind is not None:
            clauses.append("n.kind = ?")
            params.append(NoteKind(kind).value)
        return clauses, params

    def list_notes(
        self,
        order: NoteOrder = NoteOrder.POSITION,
        *,
        tag: str | None = None,
        colour: Colour | None = None,
        kind: NoteKind | None = None,
    ) -> list[Note]:
        """Notes in the given order, optionally only those with a tag, colour or kind."""
        clauses, params = self._filters(tag, colour, kind)
        where = f"WHERE {' AND '.join(clauses)}"
        rows = self._rows(
            f"SELECT {_NOTE_COLUMNS} FROM notes n {where} ORDER BY {_ORDER_SQL[order]}", params
        )
        return [_row_to_note(row, self._document) for row in rows]

    def list_note_ids(
        self,
        order: NoteOrder = NoteOrder.POSITION,
        *,
        tag: str | None = None,
        colour: Colour | None = None,
    ) -> list[str]:
        """The ids ``list_notes`` would return, without building the notes: a list view
        with thousands of rows fetches only the notes it shows."""
        clauses, params = self._filters(tag, colour, None)
        where = f"WHERE {' AND '.join(clauses)}"
        rows = self._rows(f"SELECT n.id FROM notes n {where} ORDER BY {_ORDER_SQL[order]}", params)
        return [note_id for (note_id,) in rows]

    def highlights(self) -> list[Highlight]:
        """Placed passage notes as the reading view draws them, in text order."""
        rows = self._rows(
            """SELECT id, colour, placed_block_id, placed_start, placed_end,
                substr(body, 1, ?) FROM notes
            WHERE kind = 'passage' AND placement_status != 'detached'
                AND placed_block_id IS NOT NULL AND text_id = ?
            ORDER BY placed_position, created, id""",
            (HIGHLIGHT_PREVIEW_CHARS, self._text_id),
        )
        return [Highlight(*row) for row in rows]

    def detached_notes(self) -> list[Note]:
        rows = self._rows(
            f"SELECT {_NOTE_COLUMNS} FROM notes n WHERE n.placement_status = 'detached' "
            "AND n.text_id = ? ORDER BY n.created, n.id",
            (self._text_id,),
        )
        return [_row_to_note(row, self._document) for row in rows]

    def revisions(self, note_id: str) -> list[Revision]:
        """The kept versions of one note, newest first (for Notes > History of this note)."""
        rows = self._rows(
            f"SELECT {_REVISION_COLUMNS} FROM note_revisions WHERE note_id = ? "
            "ORDER BY recorded DESC, seq DESC",
            (note_id,),
        )
        return [_row_to_revision(row) for row in rows]

    def all_revisions(self) -> dict[str, list[Revision]]:
        """Every note's kept versions, newest first, by note id: what an export includes."""
        found: dict[str, list[Revision]] = {}
        rows = self._rows(
            f"SELECT {_REVISION_COLUMNS} FROM note_revisions WHERE note_id IN "
            "(SELECT id FROM notes WHERE text_id = ?) ORDER BY recorded DESC, seq DESC",
            (self._text_id,),
        )
        for row in rows:
            revision = _row_to_revision(row)
            found.setdefault(revision.note_id, []).append(revision)
        return found

    def tag_counts(self) -> dict[str, int]:
        rows = self._rows(
            "SELECT t.tag, count(*) FROM note_tags t JOIN notes n ON n.id = t.note_id "
            "WHERE n.text_id = ? GROUP BY t.tag ORDER BY t.tag",
            (self._text_id,),
        )
        return dict(rows)

    def counts(self) -> NoteCounts:
        row = self._rows(
            """SELECT count(*),
                coalesce(sum(kind = 'passage'), 0),
                coalesce(sum(kind = 'free'), 0),
                coalesce(sum(kind = 'glossary'), 0),
                coalesce(sum(placement_status = 'detached'), 0)
            FROM notes WHERE text_id = ?""",
            (self._text_id,),
        )[0]
        return NoteCounts(*row)

    def search_other_texts(self, text: str, *, limit: int = 200) -> list[OtherTextHit]:
        """The notes of every other text matching ``text`` as ``search`` matches, best first,
        for Search Everything (which lists them under their text)."""
        query = fts_query(text)
        if query is None:
            return []
        marks = (MARK_START, MARK_END)
        rows = self._rows(
            """SELECT n.text_id, n.id, n.anchor_exact, n.body,
                CASE WHEN length(n.body) <= ? THEN snippet(notes_fts, -1, ?, ?, '…', 16) END
            FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid
            WHERE notes_fts MATCH ? AND n.text_id != ?
            ORDER BY rank LIMIT ?""",
            [LONG_BODY_CHARS, *marks, query, self._text_id, limit],
        )
        return [
            OtherTextHit(
                text_id,
                note_id,
                quote or "",
                _excerpt_of_long_body(body, text) if snippet is None else MarkedText.parse(snippet),
            )
            for text_id, note_id, quote, body, snippet in rows
        ]

    def search(
        self,
        text: str,
        *,
        limit: int = 200,
        tag: str | None = None,
        colour: Colour | None = None,
    ) -> list[SearchHit]:
        """Full-text search over bodies, quotes and tags, best matches first.

        Every word typed must occur; the last one may be unfinished. Results carry the
        matched ranges, so the UI can mark them without parsing any markup.
        """
        query = fts_query(text)
        if query is None:
            return []
        clauses, params = self._filters(tag, colour, None)
        extra = "".join(f" AND {clause}" for clause in clauses)
        marks = (MARK_START, MARK_END)
        long = LONG_BODY_CHARS
        rows = self._rows(
            f"""SELECT {_NOTE_COLUMNS},
                CASE WHEN length(n.body) <= ? THEN highlight(notes_fts, 0, ?, ?) END,
                highlight(notes_fts, 1, ?, ?), highlight(notes_fts, 2, ?, ?),
                CASE WHEN length(n.body) <= ? THEN snippet(notes_fts, -1, ?, ?, '…', 16) END
            FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid
            WHERE notes_fts MATCH ?{extra}
            ORDER BY rank LIMIT ?""",
            [long, *marks, *marks, *marks, long, *marks, query, *params, limit],
        )
        hits = []
        for row in rows:
            note = _row_to_note(row[:_COLUMN_COUNT], self._document)
            body, quote, tags, snippet = row[_COLUMN_COUNT:]
            long_body = body is None  # see LONG_BODY_CHARS
            tag_text = MarkedText.parse(tags)
            matched = {
                tag_text.text[start:end] for start, end in tag_text.spans
            }  # FTS words, which may be part of a tag of several words
            matched_tags = tuple(t for t in note.tags if any(word in t for word in matched))
            hits.append(
                SearchHit(
                    note,
                    MarkedText(note.body, ()) if long_body else MarkedText.parse(body),
                    MarkedText.parse(quote),
                    matched_tags,
                    _excerpt_of_long_body(note.body, text)
                    if long_body
                    else MarkedText.parse(snippet),
                )
            )
        return hits
