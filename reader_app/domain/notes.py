"""A reader's note: on a passage, on a glossary entry, or free-standing.

The invariants live here, not in the UI or the database, so that every way a note can come
into being (typing, undo, import, migration) produces the same well-formed value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from reader_app.domain.anchors import Anchor, Placement, PlacementStatus
from reader_app.domain.highlights import DEFAULT_COLOUR, Colour
from reader_app.domain.tags import normalise_tags


class NoteKind(StrEnum):
    PASSAGE = "passage"  # highlights a quoted passage
    FREE = "free"  # about the text as a whole
    GLOSSARY = "glossary"  # about one glossary entry


class NoteError(ValueError):
    """A note was built against its own rules (a caller's bug, or bad imported data)."""


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What an import did: it merges by id, so running it twice adds nothing."""

    added: int
    updated: int
    unchanged: int
    detached: int
    revisions_kept: int = 0  # versions that lost the merge, kept in their note's history


class RevisionOrigin(StrEnum):
    LOCAL = "local"  # this notebook's version, replaced by a newer imported one
    IMPORT = "import"  # an imported version that lost to a newer (or undated) local one


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier or competing version of a note, kept so that a merge never loses words.

    ``modified`` is when that version was last changed; ``recorded`` when it was set aside.
    """

    note_id: str
    body: str
    tags: tuple[str, ...]
    colour: Colour | None
    quote: str
    modified: datetime
    recorded: datetime
    origin: RevisionOrigin


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_note_id() -> str:
    import uuid  # imported when used: see _is_note_id

    return str(uuid.uuid4())


_CANONICAL_ID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}")
"""The form ``new_note_id`` writes, which every stored note has."""


def _is_note_id(value: str) -> bool:
    """Whether ``value`` is a UUID in any spelling ``uuid.UUID`` reads. The usual form is
    checked without the uuid module, whose import (with platform's) cost the window's
    start-up some 2 ms when the notes were loaded; the others still go through it."""
    if _CANONICAL_ID.fullmatch(value):
        return True
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _require_utc(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() != UTC.utcoffset(None):
        raise NoteError(f"{name} must be an aware UTC datetime, got {value!r}.")


@dataclass(frozen=True, slots=True)
class Note:
    """One note. ``placement`` says where its anchor lands in the current text (passage notes)."""

    id: str
    kind: NoteKind
    body: str
    colour: Colour | None
    tags: tuple[str, ...]
    anchor: Anchor | None
    glossary_entry_id: str | None
    created: datetime
    updated: datetime
    placement: Placement | None = None

    def __post_init__(self) -> None:
        if not _is_note_id(self.id):
            raise NoteError(f"Note id {self.id!r} is not a UUID.")
        _require_utc(self.created, "created")
        _require_utc(self.updated, "updated")
        if self.tags != normalise_tags(self.tags):
            raise NoteError(f"Tags {self.tags!r} are not normalised.")
        if self.kind is NoteKind.PASSAGE:
            if self.anchor is None or self.colour is None or self.glossary_entry_id is not None:
                raise NoteError(
                    "A passage note needs an anchor and a colour, and no glossary entry."
                )
        elif self.kind is NoteKind.FREE:
            if self.anchor is not None or self.colour is not None or self.glossary_entry_id:
                raise NoteError("A free note has no anchor, colour or glossary entry.")
        elif self.anchor is not None or self.colour is not None or not self.glossary_entry_id:
            raise NoteError("A glossary note names its entry and has no anchor or colour.")

    @property
    def is_detached(self) -> bool:
        return self.placement is not None and self.placement.status is PlacementStatus.DETACHED

    @property
    def quote(self) -> str:
        return self.anchor.exact if self.anchor is not None else ""

    def edited(
        self,
        *,
        body: str | None = None,
        tags: Iterable[str] | None = None,
        colour: Colour | None = None,
        now: datetime | None = None,
    ) -> Note:
        """A copy with the given fields changed and ``updated`` moved on."""
        if colour is not None and self.kind is not NoteKind.PASSAGE:
            raise NoteError("Only passage notes have a colour.")
        return replace(
            self,
            body=self.body if body is None else body,
            tags=self.tags if tags is None else normalise_tags(tags),
            colour=self.colour if colour is None else colour,
            updated=now or utc_now(),
        )


def passage_note(
    anchor: Anchor,
    body: str = "",
    *,
    colour: Colour = DEFAULT_COLOUR,
    tags: Iterable[str] = (),
    now: datetime | None = None,
) -> Note:
    moment = now or utc_now()
    return Note(
        new_note_id(), NoteKind.PASSAGE, body, colour, normalise_tags(tags), anchor, None,
        moment, moment,
    )  # fmt: skip


def free_note(body: str = "", *, tags: Iterable[str] = (), now: datetime | None = None) -> Note:
    moment = now or utc_now()
    return Note(
        new_note_id(), NoteKind.FREE, body, None, normalise_tags(tags), None, None, moment, moment
    )


def glossary_note(
    entry_id: str, body: str = "", *, tags: Iterable[str] = (), now: datetime | None = None
) -> Note:
    moment = now or utc_now()
    return Note(
        new_note_id(), NoteKind.GLOSSARY, body, None, normalise_tags(tags), None, entry_id,
        moment, moment,
    )  # fmt: skip


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` and microseconds: sorts as text, and round-trips exactly."""
    _require_utc(moment, "timestamp")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """Read an ISO 8601 date-time; one without a zone is taken as UTC. Raises ValueError."""
    moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00 is before the year 1
        raise ValueError(f"{text!r} is out of the range of dates.") from None
