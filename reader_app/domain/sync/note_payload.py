"""A stored note as a sync payload and back, without the text it belongs to.

The payload is a W3C Web Annotation (body, tags, quote, times), so that other annotation
tools can read the logs, plus a ``studyReader`` member with what the W3C model has no place
for (the text's id, the kind of note, the colour, the glossary entry, the anchor's block and
offsets). Unlike the export (``domain/export/w3c.py``) it needs no Document: a device may
receive notes on a text it has not opened, or not received yet, and the notes store places
them when that text is read (a stored note without a placement is placed on open).

``NoteFields`` are the stored columns exactly, so a note read back is the note sent, and a
payload is checked field by field before anything of it reaches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reader_app.domain.anchors import Anchor
from reader_app.domain.highlights import Colour
from reader_app.domain.notes import Note, NoteError, NoteKind, parse_timestamp
from reader_app.domain.tags import normalise_tags

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
TEXT_IRI_PREFIX = "urn:study-reader:text:"
MAX_BODY_CHARS = 4_000_000
"""Far above any note typed by hand; a longer body in a log is refused, not stored."""


@dataclass(frozen=True, slots=True)
class StoredAnchor:
    """``block_id``, ``start`` and ``end`` are None together for an imported quote that was
    never found in its text (see ``domain.anchors.Anchor``)."""

    block_id: str | None
    start: int | None
    end: int | None
    exact: str
    prefix: str
    suffix: str
    text_version: str | None


@dataclass(frozen=True, slots=True)
class NoteFields:
    """One row of ``notes`` with its tags, as stored (times as their stored text)."""

    id: str
    text_id: str
    kind: str
    body: str
    colour: str | None
    glossary_entry_id: str | None
    anchor: StoredAnchor | None
    created: str
    updated: str
    tags: tuple[str, ...]

    @property
    def quote(self) -> str:
        return self.anchor.exact if self.anchor is not None else ""


def to_payload(note: NoteFields) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = []
    if note.body:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": note.body})
    bodies.extend({"type": "TextualBody", "purpose": "tagging", "value": t} for t in note.tags)
    target: dict[str, Any] = {"source": TEXT_IRI_PREFIX + note.text_id}
    own: dict[str, Any] = {"text": note.text_id, "kind": note.kind}
    if note.colour is not None:
        own["colour"] = note.colour
    if note.glossary_entry_id is not None:
        own["entry"] = note.glossary_entry_id
    if note.anchor is not None:
        anchor = note.anchor
        target["selector"] = {
            "type": "TextQuoteSelector",
            "exact": anchor.exact,
            "prefix": anchor.prefix,
            "suffix": anchor.suffix,
        }
        own["anchor"] = [anchor.block_id, anchor.start, anchor.end, anchor.text_version]
    return {
        "@context": W3C_CONTEXT,
        "id": f"urn:uuid:{note.id}",
        "type": "Annotation",
        "motivation": "highlighting" if note.anchor is not None and not note.body else "commenting",
        "created": note.created,
        "modified": note.updated,
        "body": bodies,
        "target": target,
        "studyReader": own,
    }


class PayloadError(ValueError):
    """A payload that is not a note this version can store; the message says why."""


def _text(value: object, what: str, *, empty: bool = True) -> str:
    if not isinstance(value, str) or (not empty and not value):
        raise PayloadError(f"its {what} is missing or not text")
    return value


def _time(value: object, what: str) -> str:
    text = _text(value, what, empty=False)
    try:
        parse_timestamp(text)
    except ValueError:
        raise PayloadError(f"its {what} {text[:40]!r} is not a date") from None
    return text


def _anchor(own: Mapping[str, Any], target: Mapping[str, Any]) -> StoredAnchor | None:
    place = own.get("anchor")
    if place is None:
        return None
    selector = target.get("selector")
    if not isinstance(place, list) or len(place) != 4 or not isinstance(selector, dict):
        raise PayloadError("its anchor is malformed")
    block_id, start, end, version = place
    if block_id is None and start is None and end is None:
        pass  # a quote whose place is unknown
    elif not all(type(n) is int and n >= 0 for n in (start, end)) or start > end:
        raise PayloadError("its anchor's offsets are not a range")
    else:
        _text(block_id, "anchor's paragraph", empty=False)
    if version is not None and not isinstance(version, str):
        raise PayloadError("its anchor's text version is not text")
    return StoredAnchor(
        block_id,
        start,
        end,
        _text(selector.get("exact"), "quote", empty=False),
        _text(selector.get("prefix", ""), "quote's prefix"),
        _text(selector.get("suffix", ""), "quote's suffix"),
        version,
    )


def from_payload(note_id: str, payload: Mapping[str, Any]) -> NoteFields:
    """The stored fields a payload carries; raises PayloadError saying what is wrong."""
    own, target, bodies = payload.get("studyReader"), payload.get("target"), payload.get("body")
    if not isinstance(own, dict) or not isinstance(target, dict) or not isinstance(bodies, list):
        raise PayloadError("it is not a Study Reader note")
    if payload.get("id") != f"urn:uuid:{note_id}":
        raise PayloadError("it carries another note's id")
    kind = own.get("kind")
    if kind not in {k.value for k in NoteKind}:
        raise PayloadError(f"its kind {str(kind)[:20]!r} is unknown")
    colour = own.get("colour")
    if colour is not None and colour not in {c.value for c in Colour}:
        raise PayloadError(f"its colour {str(colour)[:20]!r} is unknown")
    entry = own.get("entry")
    if entry is not None:
        entry = _text(entry, "glossary entry", empty=False)
    body = ""
    tags: list[str] = []
    for item in bodies:
        if not isinstance(item, dict):
            raise PayloadError("one of its bodies is malformed")
        value = _text(item.get("value"), "body")
        if item.get("purpose") == "tagging":
            tags.append(value)
        else:
            body = value
    if len(body) > MAX_BODY_CHARS:
        raise PayloadError("its body is too long")
    clean_tags = normalise_tags(tags)
    if list(clean_tags) != tags:
        raise PayloadError("its tags are not in stored form")
    fields = NoteFields(
        id=note_id,
        text_id=_text(own.get("text"), "text", empty=False),
        kind=kind,
        body=body,
        colour=colour,
        glossary_entry_id=entry,
        anchor=_anchor(own, target),
        created=_time(payload.get("created"), "creation time"),
        updated=_time(payload.get("modified"), "modification time"),
        tags=clean_tags,
    )
    _check_note_rules(fields)
    return fields


def _check_note_rules(fields: NoteFields) -> None:
    """The domain's own rules for a note (id a UUID, which kinds carry an anchor, a colour
    or a glossary entry), applied by building one."""
    stored = fields.anchor
    anchor = (
        None
        if stored is None
        else Anchor(stored.block_id, stored.start, stored.end, stored.exact, stored.prefix,
                    stored.suffix, stored.text_version)
    )  # fmt: skip
    try:
        Note(
            id=fields.id,
            kind=NoteKind(fields.kind),
            body=fields.body,
            colour=Colour(fields.colour) if fields.colour is not None else None,
            tags=fields.tags,
            anchor=anchor,
            glossary_entry_id=fields.glossary_entry_id,
            created=parse_timestamp(fields.created),
            updated=parse_timestamp(fields.updated),
        )
    except (NoteError, ValueError) as error:
        raise PayloadError(str(error).rstrip(".")) from None
