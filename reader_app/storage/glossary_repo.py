"""The reader's own glossary entries, stored beside the notes in the same database.

An entry is a row of ``glossary_entries`` (see migration step 6 for the schema's reasons).
``PersonalGlossaryRepository`` shares the notes repository's connection and transactions,
like the library and review, so the notes' backups hold the entries too. A deleted entry
stays as a tombstone: Undo and an import bring it back under the same id. Nothing here
imports Qt; what an entry may hold is checked by ``domain.personal_glossary``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from reader_app.domain.glossary import Category, Entry, Source
from reader_app.domain.notes import format_timestamp, parse_timestamp, utc_now
from reader_app.domain.personal_glossary import MergePlan, PersonalEntry, plan_merge
from reader_app.storage.db import (
    SharedConnectionRepository,
    StorageError,
)
from reader_app.storage.notes_repo import NotesRepository

_COLUMNS = (
    "id, text_id, headword, aliases, category, gloss, explanation, sources, start_date, "
    "end_date, see_also, created, modified"
)


class GlossaryEntryNotFound(StorageError):  # noqa: N818 - named for what the user sees
    """The entry was deleted meanwhile."""


def _sources_json(sources: tuple[Source, ...]) -> str:
    return json.dumps([asdict(s) for s in sources], ensure_ascii=False)


def _row_to_entry(row: tuple[Any, ...]) -> PersonalEntry:
    (entry_id, text_id, headword, aliases, category, gloss, explanation, sources, start, end,
     see_also, created, modified) = row  # fmt: skip
    entry = Entry(
        id=entry_id,
        headword=headword,
        aliases=tuple(json.loads(aliases)),
        category=Category(category),
        gloss=gloss,
        explanation=explanation,
        start=start,
        end=end,
        context=False,
        see_also=tuple(json.loads(see_also)),
        sources=tuple(
            Source(**{**s, "supports": tuple(s.get("supports", ()))}) for s in json.loads(sources)
        ),
    )
    return PersonalEntry(entry, text_id, parse_timestamp(created), parse_timestamp(modified))


class PersonalGlossaryRepository(SharedConnectionRepository):
    """The personal glossary of one data folder, on the notes database's connection."""

    # -- reading -----------------------------------------------------------------------

    def entries(self, text_id: str | None = None) -> list[PersonalEntry]:
        """Every live entry, or those that apply to ``text_id`` (its own and the library's),
        in headword order."""
        where = "deleted IS NULL"
        params: list[object] = []
        if text_id is not None:
            where += " AND (text_id IS NULL OR text_id = ?)"
            params.append(text_id)
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM glossary_entries WHERE {where} "
            "ORDER BY headword COLLATE NOCASE, id",
            params,
        )
        return [_row_to_entry(row) for row in rows]

    def entries_of_text(self, text_id: str) -> list[PersonalEntry]:
        """Only the entries made for ``text_id`` (what "export this text's glossary" means)."""
        return [p for p in self.entries(text_id) if p.text_id == text_id]

    def get(self, entry_id: str) -> PersonalEntry | None:
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM glossary_entries WHERE id = ? AND deleted IS NULL",
            (entry_id,),
        )
        return _row_to_entry(rows[0]) if rows else None

    # -- writing -----------------------------------------------------------------------

    @staticmethod
    def _upsert(connection: sqlite3.Connection, personal: PersonalEntry) -> None:
        entry = personal.entry
        connection.execute(
            f"""INSERT INTO glossary_entries ({_COLUMNS}, deleted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            ON CONFLICT (id) DO UPDATE SET text_id = excluded.text_id,
                headword = excluded.headword, aliases = excluded.aliases,
                category = excluded.category, gloss = excluded.gloss,
                explanation = excluded.explanation, sources = excluded.sources,
                start_date = excluded.start_date, end_date = excluded.end_date,
                see_also = excluded.see_also, created = excluded.created,
                modified = excluded.modified, deleted = NULL""",
            (
                entry.id,
                personal.text_id,
                entry.headword,
                json.dumps(list(entry.aliases), ensure_ascii=False),
                entry.category.value,
                entry.gloss,
                entry.explanation,
                _sources_json(entry.sources),
                entry.start,
                entry.end,
                json.dumps(list(entry.see_also), ensure_ascii=False),
                format_timestamp(personal.created),
                format_timestamp(personal.modified),
            ),
        )

    def save(self, personal: PersonalEntry) -> PersonalEntry:
        """Add an entry, or replace the one with its id (an edit, or Undo of a delete)."""
        with self._writing() as connection:
            self._upsert(connection, personal)
        return personal

    def delete(self, entry_id: str) -> PersonalEntry:
        """Mark an entry deleted; returns it as it was, for Undo."""
        with self._writing() as connection:
            current = self.get(entry_id)
            if current is None:
                raise GlossaryEntryNotFound("That glossary entry no longer exists.", self._path)
            now = format_timestamp(utc_now())
            connection.execute(
                "UPDATE glossary_entries SET deleted = ?, modified = ? WHERE id = ?",
                (now, now, entry_id),
            )
        return current

    def merge(
        self, incoming: Iterable[PersonalEntry], *, reserved_ids: Iterable[str] = ()
    ) -> MergePlan:
        """Import entries in one transaction (see ``plan_merge``): nothing is lost.

        A deleted entry whose id comes back in a file is restored with the file's version.
        """
        with self._writing() as connection:
            plan = plan_merge(self.entries(), incoming, reserved_ids=reserved_ids)
            for personal in (*plan.added, *plan.updated):
                self._upsert(connection, personal)
        return plan


def glossary_of(repository: NotesRepository) -> PersonalGlossaryRepository:
    """The personal glossary on an open notes repository's connection, read-only when the
    notes are."""
    reason = "These notes were opened for reading only." if repository.read_only else None
    return PersonalGlossaryRepository(
        repository.connection, path=repository.path, read_only_reason=reason
    )
