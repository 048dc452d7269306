"""The library: the reader's own texts, stored beside the notes in the same database.

A text is a row of ``texts`` (metadata, reading state, a tombstone for folder sync), its
blocks in ``text_blocks`` (one row each, in reading order, indexed by FTS5) and its contents
in ``text_contents``; the original file is copied into the data folder under ``texts/`` so
the text can always be rebuilt from it (see migration step 4 for the schema's reasons).

``LibraryRepository`` shares the notes repository's connection and its ``transaction``, so
an addition is one transaction, like a note, and the errors a user can act on arrive as
``StorageError``. Nothing here imports Qt; parsing a file is the importers' job
(``domain.importing``), which raises ``TextImportError`` before anything is written.

Adding a book is one ``executemany`` of its blocks and one INSERT … SELECT into the FTS index,
in one transaction: about half a second for the 31,000-block test book on the 2-core
machine, within the issue's 2 s with the parse (``benchmarks/library_add.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from reader_app.domain.anchors import BLOCK_SEPARATOR
from reader_app.domain.importing import (
    MAX_INPUT_BYTES,
    ImportedText,
    SourceFormat,
    TextImportError,
    TextMetadata,
    TocEntry,
    fingerprint_of,
    import_bytes,
)
from reader_app.domain.notes import format_timestamp, parse_timestamp, utc_now
from reader_app.domain.text import Block, Document, Role
from reader_app.storage.db import ReadOnlyLocation, StorageError, storage_errors, transaction
from reader_app.storage.notes_repo import (
    MARK_END,
    MARK_START,
    MarkedText,
    NotesRepository,
    fts_query,
)

TEXTS_FOLDER = "texts"
"""Where the original files are kept, inside the data folder."""

_SUFFIXES = {
    SourceFormat.PLAIN: ".txt",
    SourceFormat.MARKDOWN: ".md",
    SourceFormat.HTML: ".html",
    SourceFormat.EPUB: ".epub",
}

EDITABLE_FIELDS = frozenset(TextMetadata._fields) - {"published", "modified"} | {
    "date_published",
    "date_modified",
}
"""Metadata a reader may correct in "About this Text"; the file's own dates keep the names
of their columns (``date_published``, ``date_modified``), apart from the sync marker."""

SNIPPET_TOKENS = 12


class LibraryError(StorageError):
    """A library request that cannot be done as asked (no such text, the bundled text)."""


class TextSummary(NamedTuple):
    """One line of the library list."""

    id: str
    title: str
    author: str
    year: int | None
    bundled: bool
    source_format: str
    notes: int
    added: datetime
    last_opened: datetime | None
    body_count: int
    position_seq: int | None  # how far the reader has got, in blocks (None: never opened)
    block_count: int


class ReadingState(NamedTuple):
    """Where a text was left: the block and offset at the top of the view, zoom, entry."""

    block_id: str | None = None
    offset: int = 0
    zoom: float | None = None
    glossary_entry_id: str | None = None


class TextRecord(NamedTuple):
    id: str
    bundled: bool
    metadata: TextMetadata
    source_format: str
    fingerprint: str | None
    file_name: str
    stored_path: str | None  # relative to the data folder, with "/" separators
    block_count: int
    body_count: int
    added: datetime
    last_opened: datetime | None
    modified: datetime
    reading: ReadingState


class StoredBlock(NamedTuple):
    seq: int  # reading order, from 0
    id: str
    role: Role
    number: int | None  # ¶ number for body blocks
    chapter: int
    chapter_title: str
    text: str


class AddResult(NamedTuple):
    text_id: str
    title: str
    added: bool  # False: the same file was in the library already, nothing was added
    notice: str = ""  # what of the file could not be read (ImportedText.unread_notice)


class BlockHit(NamedTuple):
    """A search-everything match: where it is, and a snippet with the matches marked."""

    text_id: str
    title: str
    block_id: str
    seq: int
    number: int | None  # ¶ number, None for a heading
    chapter_title: str
    snippet: MarkedText


class RemoveResult(NamedTuple):
    text_id: str
    title: str
    notes_kept: int
    notes_deleted: int


class EditionReplaced(NamedTuple):
    """What re-anchoring a text's notes after a new edition needs.

    ``old`` and ``new`` are the two editions as Documents; ``domain.anchors.resolve(anchor,
    new)`` places a note made on ``old``. Notes of added texts cannot be made yet (the notes
    repository serves the bundled text), so nothing re-anchors them here: the window's
    Replace with a New Edition will, with these two Documents.
    """

    text_id: str
    old: Document
    new: Document
    blocks_kept: int  # blocks of the old edition whose id is in the new one


_TEXT_COLUMNS = """
    t.id, t.bundled, t.title, t.author, t.year, t.translator, t.editor, t.publisher, t.url,
    t.language, t.date_published, t.date_modified, t.description, t.source_format,
    t.fingerprint, t.file_name, t.stored_path, t.block_count, t.body_count, t.added,
    t.last_opened, t.modified, t.position_block_id, t.position_offset, t.zoom,
    t.glossary_entry_id
"""


def _optional_time(text: str | None) -> datetime | None:
    return parse_timestamp(text) if text else None


def _row_to_record(row: tuple[Any, ...]) -> TextRecord:
    """A TextRecord from a row of ``_TEXT_COLUMNS``: id, bundled, the eleven metadata
    columns in ``TextMetadata``'s order, then the file, times and reading state."""
    text_id, bundled = row[0], row[1]
    metadata = TextMetadata(*row[2:13])
    (source_format, fingerprint, file_name, stored_path, block_count, body_count, added,
     last_opened, modified, position_block, position_offset, zoom, entry) = row[13:]  # fmt: skip
    return TextRecord(
        id=text_id,
        bundled=bool(bundled),
        metadata=metadata,
        source_format=source_format,
        fingerprint=fingerprint,
        file_name=file_name,
        stored_path=stored_path,
        block_count=block_count,
        body_count=body_count,
        added=parse_timestamp(added),
        last_opened=_optional_time(last_opened),
        modified=parse_timestamp(modified),
        reading=ReadingState(position_block, position_offset, zoom, entry),
    )


_CITATION_KINDS = {"epub": "epub", "html": "web-article"}


def _citation_fields(record: TextRecord) -> dict[str, str]:
    """What ``citation.CitedWork.from_document`` reads beyond title, author and year: the
    metadata as the reader left it in "About this Text", so citations follow their edits."""
    meta = record.metadata
    web = record.source_format == "html"
    fields = {
        "kind": _CITATION_KINDS.get(record.source_format, "book"),
        "translator": meta.translator,
        "editor": meta.editor,
        "website" if web else "publisher": meta.publisher,
        "url": meta.url,
        "published": meta.published,
    }
    return {key: value for key, value in fields.items() if value}


def slug(title: str) -> str:
    """ "The Workers’ Opposition" → "the-workers-opposition": ASCII, for ids one can type."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:48].rstrip("-") or "text"


def read_original(path: Path) -> bytes:
    """A file's bytes for adding, refused as ``import_file`` refuses it (not a file, too big)."""
    name = path.name
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a pipe or a device would block or never end
            raise TextImportError(name, "is not a file.")
        with path.open("rb") as file:
            # One byte past the limit is enough for import_bytes to refuse the file.
            return file.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise TextImportError(name, f"cannot be read ({error.strerror or error}).") from None


class LibraryRepository:
    """The texts of one data folder, on the notes database's connection."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        data_dir: Path,
        *,
        path: Path | None = None,
        read_only_reason: str | None = None,
    ) -> None:
        self._connection = connection
        self._data_dir = data_dir
        self._path = path
        self._read_only_reason = read_only_reason

    @property
    def data_dir(self) -> Path:
        return self._data_dir

    @property
    def path(self) -> Path | None:
        """The database file (None for an in-memory copy): another thread opens its own
        connection to it, as sqlite connections are not shared between threads."""
        return self._path

    @property
    def read_only(self) -> bool:
        return self._read_only_reason is not None

    def _refuse_if_read_only(self) -> None:
        """Called before a file is copied into the data folder, not only at the write."""
        if self._read_only_reason is not None:
            raise ReadOnlyLocation(self._read_only_reason, self._path)

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        self._refuse_if_read_only()
        with transaction(self._connection, self._path):
            yield self._connection

    # -- adding ------------------------------------------------------------------------

    def find_fingerprint(self, fingerprint: str) -> str | None:
        """The id of the text stored from exactly these bytes, if it is in the library."""
        row = self._connection.execute(
            "SELECT id FROM texts WHERE fingerprint = ? AND deleted IS NULL", (fingerprint,)
        ).fetchone()
        return row[0] if row else None

    def add_file(self, path: Path) -> AddResult:
        """Add a file, or find it if the same bytes are already in the library.

        Raises TextImportError (the file: nothing written) or StorageError (the data folder).
        A file already here is recognised by its fingerprint before anything is parsed.
        """
        data = read_original(path)
        existing = self.find_fingerprint(fingerprint_of(data))
        if existing is not None:
            return AddResult(existing, self._title(existing), False)
        return self.add(import_bytes(data, path.name), data)

    def add(self, imported: ImportedText, original: bytes) -> AddResult:
        """Store an imported text and its original file; the same fingerprint adds nothing.

        The file is written to the data folder first (temporary name, then renamed), the
        rows second, in one transaction; if the rows cannot be written the file is removed
        again, so a failure leaves the library as it was.
        """
        if fingerprint_of(original) != imported.fingerprint:
            raise ValueError("The original bytes are not the file that was imported.")
        existing = self.find_fingerprint(imported.fingerprint)
        if existing is not None:
            return AddResult(existing, self._title(existing), False)
        removed = self._connection.execute(
            "SELECT id FROM texts WHERE fingerprint = ?", (imported.fingerprint,)
        ).fetchone()
        text_id = removed[0] if removed else self._new_id(imported)
        self._refuse_if_read_only()
        stored = self._store_original(text_id, imported, original)
        try:
            with self._writing() as connection:
                now = format_timestamp(utc_now())
                values = self._file_columns(imported, stored)
                if removed:  # re-added after a removal: same id, so its notes come back
                    connection.execute(
                        f"UPDATE texts SET {', '.join(f'{c} = ?' for c in values)}, "
                        "added = ?, modified = ?, deleted = NULL, last_opened = NULL, "
                        "position_block_id = NULL, position_offset = 0 WHERE id = ?",
                        [*values.values(), now, now, text_id],
                    )
                else:
                    columns = [*values, "id", "added", "modified"]
                    connection.execute(
                        f"INSERT INTO texts ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' * len(columns))})",
                        [*values.values(), text_id, now, now],
                    )
                self._write_blocks(connection, text_id, imported)
        except BaseException:
            self._discard(stored)
            raise
        return AddResult(text_id, imported.metadata.title, True, imported.unread_notice())

    def _new_id(self, imported: ImportedText) -> str:
        """A slug of the title and the start of the fingerprint: stable for the file, and
        longer only in the unlikely case that a different file already took it."""
        base = slug(imported.metadata.title)
        for length in (8, 16, 64):
            candidate = f"{base}-{imported.fingerprint[:length]}"
            taken = self._connection.execute(
                "SELECT 1 FROM texts WHERE id = ?", (candidate,)
            ).fetchone()
            if taken is None:
                return candidate
        raise LibraryError(f"Cannot give {imported.file_name} an id of its own.", self._path)

    @staticmethod
    def _file_columns(imported: ImportedText, stored: str) -> dict[str, object]:
        meta = imported.metadata
        return {
            "title": meta.title,
            "author": meta.author,
            "year": meta.year,
            "translator": meta.translator,
            "editor": meta.editor,
            "publisher": meta.publisher,
            "url": meta.url,
            "language": meta.language,
            "date_published": meta.published,
            "date_modified": meta.modified,
            "description": meta.description,
            **LibraryRepository._edition_columns(imported, stored),
        }

    @staticmethod
    def _edition_columns(imported: ImportedText, stored: str) -> dict[str, object]:
        return {
            "source_format": imported.source_format.value,
            "fingerprint": imported.fingerprint,
            "file_name": imported.file_name,
            "stored_path": stored,
            "block_count": len(imported.blocks),
            "body_count": sum(1 for b in imported.blocks if b.role is Role.BODY),
        }

    @staticmethod
    def _delete_blocks(connection: sqlite3.Connection, text_id: str) -> None:
        """A text's blocks, contents and index entries (see migration 4 on the index)."""
        connection.execute(
            "INSERT INTO text_blocks_fts (text_blocks_fts, rowid, text) "
            "SELECT 'delete', row, text FROM text_blocks WHERE text_id = ? ORDER BY row",
            (text_id,),
        )
        connection.execute("DELETE FROM text_blocks WHERE text_id = ?", (text_id,))
        connection.execute("DELETE FROM text_contents WHERE text_id = ?", (text_id,))

    @classmethod
    def _write_blocks(
        cls, connection: sqlite3.Connection, text_id: str, imported: ImportedText
    ) -> None:
        cls._delete_blocks(connection, text_id)
        numbers = (block.number for block in imported.reading_blocks())
        connection.executemany(
            "INSERT INTO text_blocks (text_id, seq, block_id, role, number, chapter, "
            "chapter_title, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (text_id, seq, b.id, b.role.value, number, b.chapter, b.chapter_title, b.text)
                for seq, (b, number) in enumerate(zip(imported.blocks, numbers, strict=True))
            ),
        )
        connection.executemany(
            "INSERT INTO text_contents (text_id, seq, title, block_id, depth) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                (text_id, seq, e.title, e.block_id, e.depth)
                for seq, e in enumerate(imported.contents)
            ),
        )
        # New rows have the highest rowids, so the index receives them in ascending order,
        # which FTS5 appends without reshuffling its segments.
        connection.execute(
            "INSERT INTO text_blocks_fts (rowid, text) "
            "SELECT row, text FROM text_blocks WHERE text_id = ? ORDER BY row",
            (text_id,),
        )

    def _store_original(self, text_id: str, imported: ImportedText, data: bytes) -> str:
        """Copy the file into ``texts/`` atomically; returns its path relative to the data
        folder. The name carries the fingerprint, so a new edition never overwrites the
        file of the edition it replaces before its rows are committed."""
        suffix = _SUFFIXES[imported.source_format]
        relative = f"{TEXTS_FOLDER}/{text_id}.{imported.fingerprint[:12]}{suffix}"
        target = self._data_dir / relative
        with storage_errors(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, name = tempfile.mkstemp(prefix=".adding-", suffix=".tmp", dir=target.parent)
            temporary = Path(name)
            try:
                with os.fdopen(descriptor, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                temporary.replace(target)
            except BaseException:
                with contextlib.suppress(OSError):
                    temporary.unlink()
                raise
        return relative

    def _discard(self, relative: str | None) -> None:
        """Remove a stored original that no row refers to. Failing to is harmless: a stray
        file in ``texts/`` is overwritten by the next addition of the same file."""
        if relative:
            with contextlib.suppress(OSError):
                (self._data_dir / relative).unlink(missing_ok=True)

    # -- reading -----------------------------------------------------------------------

    def _title(self, text_id: str) -> str:
        record = self.get(text_id)
        return record.metadata.title if record else text_id

    def list_texts(self) -> list[TextSummary]:
        """Every text in the library, the bundled one first, then in the order added."""
        rows = self._connection.execute(
            """SELECT t.id, t.title, t.author, t.year, t.bundled, t.source_format,
                (SELECT count(*) FROM notes n WHERE n.text_id = t.id),
                t.added, t.last_opened, t.body_count,
                (SELECT b.seq FROM text_blocks b
                 WHERE b.text_id = t.id AND b.block_id = t.position_block_id),
                t.block_count
            FROM texts t WHERE t.deleted IS NULL
            ORDER BY t.bundled DESC, t.added, t.id"""
        )
        summaries = []
        for row in rows:
            added, last_opened = row[7], row[8]
            summaries.append(
                TextSummary(
                    id=row[0],
                    title=row[1],
                    author=row[2],
                    year=row[3],
                    bundled=bool(row[4]),
                    source_format=row[5],
                    notes=row[6],
                    added=parse_timestamp(added),
                    last_opened=_optional_time(last_opened),
                    body_count=row[9],
                    position_seq=row[10],
                    block_count=row[11],
                )
            )
        return summaries

    def get(self, text_id: str) -> TextRecord | None:
        """A text's metadata and reading state; None for an unknown or removed text."""
        row = self._connection.execute(
            f"SELECT {_TEXT_COLUMNS} FROM texts t WHERE t.id = ? AND t.deleted IS NULL",
            (text_id,),
        ).fetchone()
        return _row_to_record(row) if row else None

    def _require(self, text_id: str) -> TextRecord:
        record = self.get(text_id)
        if record is None:
            raise LibraryError(f"There is no text with the id “{text_id}” in the library.")
        return record

    def blocks(self, text_id: str, start: int = 0, count: int | None = None) -> list[StoredBlock]:
        """Blocks ``start`` to ``start + count`` in reading order (all to the end by default):
        a view that lays out only what is near the screen asks for a window at a time."""
        rows = self._connection.execute(
            "SELECT seq, block_id, role, number, chapter, chapter_title, text FROM text_blocks "
            "WHERE text_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
            (text_id, start, -1 if count is None else count),
        )
        return [StoredBlock(seq, bid, Role(role), *rest) for seq, bid, role, *rest in rows]

    def seq_of(self, text_id: str, block_id: str) -> int | None:
        """Where a block stands in its text's reading order (for jumping to a note or hit)."""
        row = self._connection.execute(
            "SELECT seq FROM text_blocks WHERE text_id = ? AND block_id = ?", (text_id, block_id)
        ).fetchone()
        return row[0] if row else None

    def contents(self, text_id: str) -> list[TocEntry]:
        rows = self._connection.execute(
            "SELECT title, block_id, depth FROM text_contents WHERE text_id = ? ORDER BY seq",
            (text_id,),
        )
        return [TocEntry(*row) for row in rows]

    def document(self, text_id: str) -> Document:
        """An added text as the Document that anchoring and citations work on.

        Its ``raw`` is the blocks joined as ``anchors.document_text`` joins them, so the
        version hash changes exactly when the words of some block change.
        """
        record = self._require(text_id)
        if record.bundled:
            raise LibraryError("The bundled text is read from the application's resources.")
        return self._as_document(record, self.blocks(text_id))

    @staticmethod
    def _as_document(record: TextRecord, blocks: list[StoredBlock]) -> Document:
        meta = record.metadata
        return Document(
            id=record.id,
            title=meta.title,
            display_title=meta.title,
            author=meta.author,
            year=meta.year,  # type: ignore[arg-type]  # None where the file gives no year
            blocks=tuple(Block(b.id, b.role, b.text, b.number) for b in blocks),
            raw=BLOCK_SEPARATOR.join(b.text for b in blocks),
            glossary_file=None,
            provenance={},
            citation=_citation_fields(record),
        )

    # -- changing ----------------------------------------------------------------------

    def update_metadata(self, text_id: str, **fields: object) -> TextRecord:
        """Correct metadata ("About this Text"); ``EDITABLE_FIELDS`` names what may change."""
        unknown = set(fields) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"Not editable metadata: {', '.join(sorted(unknown))}")
        if "title" in fields and not str(fields["title"]).strip():
            raise LibraryError("A text needs a title.")
        self._require(text_id)
        if fields:
            with self._writing() as connection:
                assignments = ", ".join(f"{name} = ?" for name in fields)
                connection.execute(
                    f"UPDATE texts SET {assignments}, modified = ? WHERE id = ?",
                    [*fields.values(), format_timestamp(utc_now()), text_id],
                )
        return self._require(text_id)

    def mark_opened(self, text_id: str) -> None:
        """Record that the reader opened a text now (the library's "last opened")."""
        self._require(text_id)
        with self._writing() as connection:
            now = format_timestamp(utc_now())
            connection.execute(
                "UPDATE texts SET last_opened = ?, modified = ? WHERE id = ?",
                (now, now, text_id),
            )

    def save_reading_state(self, text_id: str, state: ReadingState) -> None:
        self._require(text_id)
        with self._writing() as connection:
            connection.execute(
                """UPDATE texts SET position_block_id = ?, position_offset = ?, zoom = ?,
                glossary_entry_id = ?, modified = ? WHERE id = ?""",
                (
                    state.block_id,
                    state.offset,
                    state.zoom,
                    state.glossary_entry_id,
                    format_timestamp(utc_now()),
                    text_id,
                ),
            )

    def reading_state(self, text_id: str) -> ReadingState:
        return self._require(text_id).reading

    def remove(self, text_id: str, *, delete_notes: bool = False) -> RemoveResult:
        """Take a text out of the library; its notes stay unless ``delete_notes``.

        The row stays as a tombstone (for folder sync, and so that adding the same file
        again gives the same id and finds the kept notes); the blocks and the stored file go.
        """
        record = self._require(text_id)
        if record.bundled:
            raise LibraryError(
                "The bundled text cannot be removed: it comes with Study Reader and its "
                "glossary belongs to it."
            )
        with self._writing() as connection:
            notes = connection.execute(
                "SELECT count(*) FROM notes WHERE text_id = ?", (text_id,)
            ).fetchone()[0]
            if delete_notes:
                connection.execute("DELETE FROM notes WHERE text_id = ?", (text_id,))
            self._delete_blocks(connection, text_id)
            now = format_timestamp(utc_now())
            connection.execute(
                "UPDATE texts SET deleted = ?, modified = ?, stored_path = NULL, "
                "block_count = 0, body_count = 0 WHERE id = ?",
                (now, now, text_id),
            )
        self._discard(record.stored_path)
        kept, deleted = (0, notes) if delete_notes else (notes, 0)
        return RemoveResult(text_id, record.metadata.title, kept, deleted)

    def replace_edition(
        self, text_id: str, imported: ImportedText, original: bytes
    ) -> EditionReplaced:
        """Swap a text's file and blocks for a corrected edition, keeping its id, metadata
        as the reader left it, reading state and notes; see ``EditionReplaced``."""
        if fingerprint_of(original) != imported.fingerprint:
            raise ValueError("The original bytes are not the file that was imported.")
        record = self._require(text_id)
        if record.bundled:
            raise LibraryError("The bundled text is updated with Study Reader itself.")
        other = self._connection.execute(
            "SELECT id FROM texts WHERE fingerprint = ? AND id != ?",
            (imported.fingerprint, text_id),
        ).fetchone()
        if other is not None:
            raise LibraryError(
                f"{imported.file_name} is already in the library as “{other[0]}”; "
                "remove that text first to use the file as a new edition."
            )
        old = self._as_document(record, self.blocks(text_id))
        if imported.fingerprint == record.fingerprint:
            return EditionReplaced(text_id, old, old, len(old.blocks))
        self._refuse_if_read_only()
        stored = self._store_original(text_id, imported, original)
        try:
            with self._writing() as connection:
                columns = self._edition_columns(imported, stored)
                connection.execute(
                    f"UPDATE texts SET {', '.join(f'{c} = ?' for c in columns)}, modified = ? "
                    "WHERE id = ?",
                    [*columns.values(), format_timestamp(utc_now()), text_id],
                )
                self._write_blocks(connection, text_id, imported)
        except BaseException:
            self._discard(stored)
            raise
        if record.stored_path != stored:
            self._discard(record.stored_path)
        new = self._as_document(self._require(text_id), self.blocks(text_id))
        new_ids = {block.id for block in new.blocks}
        kept = sum(1 for block in old.blocks if block.id in new_ids)
        return EditionReplaced(text_id, old, new, kept)

    # -- search everything -------------------------------------------------------------

    def search(self, text: str, *, limit: int = 100, text_id: str | None = None) -> list[BlockHit]:
        """Blocks of every text (or one) holding every word typed, best first (bm25).

        The last word may be unfinished; what was typed is never read as FTS syntax.

        Ranked and cut to ``limit`` in the FTS table alone, then only the winners' rows and
        titles are read: joining every match before sorting cost twice as much (a common
        word matches 135,000 blocks of a 20-book library). The snippet is made only for the
        rows kept. Equal scores are ordered by text and place, as before; only where such a
        tie straddles the cut does the index keep the rows stored first.
        """
        query = fts_query(text)
        if query is None:
            return []
        with storage_errors(self._path):
            if text_id is None:
                ranked = self._connection.execute(
                    """SELECT rowid, bm25(text_blocks_fts),
                        snippet(text_blocks_fts, 0, ?, ?, '…', ?)
                    FROM text_blocks_fts WHERE text_blocks_fts MATCH ?
                    ORDER BY 2, 1 LIMIT ?""",
                    (MARK_START, MARK_END, SNIPPET_TOKENS, query, limit),
                ).fetchall()
            else:
                ranked = self._ranked_in_text(query, text_id, limit)
            rows = self._rows_of([row for row, _, _ in ranked])
        hits = [
            (score, BlockHit(*rows[row], MarkedText.parse(snippet)))
            for row, score, snippet in ranked
            if row in rows  # else its block was removed since the ranking
        ]
        hits.sort(key=lambda hit: (hit[0], hit[1].text_id, hit[1].seq))  # as the join did
        return [hit for _, hit in hits]

    def _ranked_in_text(self, query: str, text_id: str, limit: int) -> list[Any]:
        """(row, bm25, snippet) of one text's matching blocks. A text's blocks are stored
        together, so the FTS scan is bounded to its rows' range; the join still checks each
        row's text, as another text's blocks could lie inside the range."""
        return self._connection.execute(
            """SELECT f.rowid, bm25(text_blocks_fts), snippet(text_blocks_fts, 0, ?, ?, '…', ?)
            FROM text_blocks_fts f JOIN text_blocks b ON b.row = f.rowid
            WHERE text_blocks_fts MATCH ? AND b.text_id = ?
                AND f.rowid BETWEEN (SELECT min(row) FROM text_blocks WHERE text_id = ?)
                AND (SELECT max(row) FROM text_blocks WHERE text_id = ?)
            ORDER BY 2, 1 LIMIT ?""",
            (MARK_START, MARK_END, SNIPPET_TOKENS, query, text_id, text_id, text_id, limit),
        ).fetchall()

    def _rows_of(self, rows: list[int]) -> dict[int, tuple[str, str, str, int, int | None, str]]:
        """row → (text id, title, block id, seq, ¶ number, chapter title); the rows go as
        one JSON array, so no count of them meets sqlite's limit on parameters."""
        found = self._connection.execute(
            """SELECT b.row, b.text_id, t.title, b.block_id, b.seq, b.number, b.chapter_title
            FROM text_blocks b JOIN texts t ON t.id = b.text_id
            WHERE b.row IN (SELECT value FROM json_each(?))""",
            (json.dumps(rows),),
        )
        return {
            row: (text_id, title, block_id, seq, number, chapter)
            for row, text_id, title, block_id, seq, number, chapter in found
        }


def library_of(repository: NotesRepository, data_dir: Path) -> LibraryRepository:
    """The library on an open notes repository's connection (``StoreOpenResult.repository``),
    read-only when the notes are."""
    reason = "This library was opened for reading only." if repository.read_only else None
    return LibraryRepository(
        repository.connection, data_dir, path=repository.path, read_only_reason=reason
    )
