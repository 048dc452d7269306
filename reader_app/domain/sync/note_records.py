"""Notes as change records: the payload is the W3C annotation our export writes, so that
the logs stay readable by other annotation tools, and a note read back is the note sent."""

from __future__ import annotations

import json

from reader_app.domain.export.common import NotesImportError
from reader_app.domain.export.w3c import to_annotation
from reader_app.domain.export.w3c_import import parse_import
from reader_app.domain.notes import Note
from reader_app.domain.sync.clock import Stamp
from reader_app.domain.sync.log import Entity, Record
from reader_app.domain.text import Document


def note_record(note: Note, document: Document, stamp: Stamp, base: Stamp | None) -> Record:
    return Record(Entity.NOTE, note.id, stamp, to_annotation(note, document), base)


def note_tombstone(note_id: str, stamp: Stamp, base: Stamp | None) -> Record:
    return Record(Entity.NOTE, note_id, stamp, None, base)


def note_from_record(record: Record, document: Document) -> Note:
    """The note a record carries, through our W3C import (which bounds its work on hostile
    input); raises NotesImportError with the reason, also for a tombstone or another entity."""
    if record.entity is not Entity.NOTE or record.payload is None:
        raise NotesImportError(f"The change {record.kind} {record.entity_id} carries no note.")
    notes = parse_import(json.dumps([record.payload]).encode("utf-8"), document).notes
    if len(notes) != 1 or notes[0].id != record.entity_id:
        raise NotesImportError(f"The change for note {record.entity_id} carries another note.")
    return notes[0]
