"""Annotations back in: a W3C collection, page or list (ours, Hypothesis', other tools'),
parsed with bounded work into notes and merged, all or nothing."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import os
import re
import stat
import time
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote as url_unquote

from reader_app.domain.anchors import (
    Anchor,
    Placement,
    anchor_from_quote,
    block_offsets,
    make_anchor,
    resolve,
)
from reader_app.domain.export.common import (
    EXTENSION_PREFIX,
    MAX_IMPORT_BYTES,
    STYLE_CLASS_PREFIX,
    NotesImportError,
    text_iri,
)
from reader_app.domain.highlights import DEFAULT_COLOUR, Colour
from reader_app.domain.notes import (
    MergeReport,
    Note,
    NoteError,
    NoteKind,
    parse_timestamp,
    utc_now,
)
from reader_app.domain.tags import normalise_tags
from reader_app.domain.text import Document


class NoteMerger(Protocol):
    """What import needs from storage (the NotesRepository), without importing storage."""

    def merge(self, notes: Iterable[Note], *, undated: Collection[str] = ()) -> MergeReport: ...


def read_import_file(path: Path, *, max_bytes: int = MAX_IMPORT_BYTES) -> bytes:
    """Read a file to import, refusing a huge one, or one that is not a regular file,
    before reading it.

    A FIFO nobody writes to would block the read forever, and a device such as
    ``/dev/zero`` never ends: they are refused at once. The file is opened without
    blocking and checked through the open descriptor, so it cannot be swapped for a FIFO
    between the check and the read.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise NotesImportError(f"Cannot import {path}: it is not a regular file.") from None
    except OSError as error:
        raise NotesImportError(f"Cannot read {path}: {error.strerror or error}.") from error
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            os.close(descriptor)
            raise NotesImportError(f"Cannot import {path}: it is not a regular file.")
        with os.fdopen(descriptor, "rb") as file:
            if status.st_size > max_bytes:
                raise NotesImportError(_too_large(status.st_size, max_bytes))
            data = file.read(max_bytes + 1)  # the file may have grown since fstat()
    except OSError as error:
        raise NotesImportError(f"Cannot read {path}: {error.strerror or error}.") from error
    if len(data) > max_bytes:
        raise NotesImportError(_too_large(len(data), max_bytes))
    return data


def _too_large(size: int, limit: int) -> str:
    mib = 1024 * 1024
    return (
        f"The file is too large to import ({size / mib:.1f} MB; the limit is {limit / mib:.0f} MB)."
    )


def _types(value: Any) -> set[str]:
    kinds = value.get("type", value.get("@type")) if isinstance(value, dict) else None
    if isinstance(kinds, str):
        return {kinds}
    if isinstance(kinds, list):
        return {kind for kind in kinds if isinstance(kind, str)}
    return set()


def _page_items(page: Any, where: str) -> list[Any]:
    items: list[Any] = []
    seen: set[int] = set()
    while page is not None:
        if not isinstance(page, dict):
            raise NotesImportError(
                f"The {where} refers to its pages by address instead of including them; "
                "only self-contained files can be imported."
            )
        if id(page) in seen:
            break
        seen.add(id(page))
        page_items = page.get("items", [])
        if not isinstance(page_items, list):
            raise NotesImportError(f"The {where} has 'items' that are not a list.")
        items.extend(page_items)
        page = page.get("next")
    return items


def _annotation_list(data: Any) -> list[Any]:
    """Accept the shapes W3C and Hypothesis exports come in; name the shape if it is wrong."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise NotesImportError(
            "The file is JSON but not annotations: expected an object or a list, "
            f"found {type(data).__name__}."
        )
    kinds = _types(data)
    if "AnnotationCollection" in kinds:
        return _page_items(data.get("first"), "annotation collection")
    if "AnnotationPage" in kinds:
        return _page_items(data, "annotation page")
    if "Annotation" in kinds or ("target" in data and not kinds):
        return [data]
    if isinstance(data.get("annotations"), list):  # Hypothesis' "Export annotations" file
        return list(data["annotations"])
    raise NotesImportError(
        "The file is JSON but not annotations: expected an AnnotationCollection, an "
        "AnnotationPage, an Annotation or a list of annotations."
    )


def _note_id(annotation: dict[str, Any]) -> str:
    """Our own ids come back unchanged; another tool's id maps to a fixed UUID, so that
    importing its file twice still finds the first copy."""
    raw = annotation.get("id", annotation.get("@id"))
    if isinstance(raw, str) and raw:
        if raw.startswith("urn:uuid:"):
            try:
                return str(uuid.UUID(raw.removeprefix("urn:uuid:")))
            except ValueError:
                pass
        return str(uuid.uuid5(uuid.NAMESPACE_URL, raw))
    canonical = json.dumps(annotation, sort_keys=True, ensure_ascii=False)
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, "sha256:" + hashlib.sha256(canonical.encode()).hexdigest())
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _bodies(annotation: dict[str, Any], label: str) -> tuple[str, list[str]]:
    texts: list[str] = []
    tags: list[str] = []
    if isinstance(annotation.get("bodyValue"), str):
        texts.append(annotation["bodyValue"])
    for body in _as_list(annotation.get("body")):
        if isinstance(body, str):
            texts.append(body)  # an external resource: keep its address as text
            continue
        if not isinstance(body, dict):
            raise NotesImportError(f"{label}: a body is neither text nor an object.")
        if "items" in body and "value" not in body:  # Choice or Set: take its first item
            chosen = _as_list(body["items"])[:1]
            inner_text, inner_tags = _bodies({"body": chosen}, label)
            if inner_text:
                texts.append(inner_text)
            tags += inner_tags
            continue
        value = body.get("value", body.get("id", ""))
        if not isinstance(value, str):
            raise NotesImportError(f"{label}: a body's value is not text.")
        if "tagging" in _as_list(body.get("purpose")):
            tags.append(value)
        elif value:
            texts.append(value)
    # Hypothesis' own (non-W3C) format keeps the note in "text" and tags in "tags".
    if not texts and isinstance(annotation.get("text"), str):
        texts.append(annotation["text"])
    if isinstance(annotation.get("tags"), list):
        tags += [tag for tag in annotation["tags"] if isinstance(tag, str)]
    return "\n\n".join(texts), tags


def _time(annotation: dict[str, Any], keys: tuple[str, ...], label: str) -> datetime | None:
    for key in keys:
        value = annotation.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise NotesImportError(f"{label}: '{key}' is not a date and time.")
        try:
            return parse_timestamp(value)
        except ValueError:
            raise NotesImportError(f"{label}: '{key}' is not a date and time: {value!r}.") from None
    return None


# Bounds on the work one annotation can cause, whatever the file holds: the W3C model
# allows any number of targets and selectors, but a real annotation has one target and a
# few selectors, so only the first ones are read (in order, so the usual ones are found).
MAX_TARGETS = 16
MAX_SELECTORS = 64
# Matching a quote that is not in the text verbatim is the one costly step (a fuzzy search
# over every paragraph): it is tried only for quotes of at most FUZZY_MAX_QUOTE characters
# (a highlight longer than that is found exactly or not at all), and none is started more
# than FUZZY_SECONDS after the import began. Annotations past the budget are imported
# detached, with their quotes, ready to be reattached by hand: kept, never dropped. With
# every other step linear in the file's size, 20 MB of any content imports in well under
# 10 s (benchmarks/import_hostile.py measures it).
FUZZY_MAX_QUOTE = 400
FUZZY_SECONDS = 2.0


class _FuzzyBudget:
    """Whether one more fuzzy search still fits in this import's time budget."""

    def __init__(self, seconds: float | None = None) -> None:
        self._deadline = time.monotonic() + (FUZZY_SECONDS if seconds is None else seconds)

    def __call__(self, quote: str) -> bool:
        return len(quote) <= FUZZY_MAX_QUOTE and time.monotonic() < self._deadline


def _selectors(target: dict[str, Any]) -> list[dict[str, Any]]:
    """The first ``MAX_SELECTORS`` selectors of a target, including those nested by
    ``refinedBy`` and a range's start and end."""
    found: list[dict[str, Any]] = []
    pending = collections.deque(_as_list(target.get("selector"))[:MAX_SELECTORS])
    while pending and len(found) < MAX_SELECTORS:
        selector = pending.popleft()
        if isinstance(selector, dict):
            found.append(selector)
            pending += _as_list(selector.get("refinedBy"))
            pending += [
                s for s in (selector.get("startSelector"), selector.get("endSelector")) if s
            ]
    return found


def _text_field(selector: dict[str, Any], key: str, label: str) -> str:
    value = selector.get(key, "")
    if not isinstance(value, str):
        raise NotesImportError(f"{label}: the quote's '{key}' is not text.")
    return value


MAX_POSITION = 2**31 - 1
"""No text is two billion characters long; a larger offset is no position (and would not
fit the database's integer column)."""


def _int_field(value: Any, key: str, label: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_POSITION:
        raise NotesImportError(f"{label}: '{key}' is not a position in the text.")
    return value


def _own_anchor(target: dict[str, Any], quote: dict[str, Any], label: str) -> Anchor | None:
    recorded = target.get(f"{EXTENSION_PREFIX}:anchor")
    if not isinstance(recorded, dict):
        return None
    block_id = recorded.get("blockId")
    version = recorded.get("textVersion")
    if not (block_id is None or isinstance(block_id, str)) or not (
        version is None or isinstance(version, str)
    ):
        raise NotesImportError(f"{label}: the recorded anchor is malformed.")
    return Anchor(
        block_id,
        _int_field(recorded.get("start"), "start", label),
        _int_field(recorded.get("end"), "end", label),
        _text_field(quote, "exact", label),
        _text_field(quote, "prefix", label),
        _text_field(quote, "suffix", label),
        version,
    )


def _anchor_from_position(document: Document, start: int, end: int) -> Anchor | None:
    for block_id, offset in block_offsets(document).items():
        length = len(document.block(block_id).text)
        if offset <= start < end <= offset + length:
            return make_anchor(document, block_id, start - offset, end - offset)
    return None


@dataclass(frozen=True, slots=True)
class _Passage:
    """What one target says: all None for a free note."""

    anchor: Anchor | None = None
    placement: Placement | None = None
    colour: Colour | None = None
    entry: str | None = None


def _passage(target: Any, document: Document, label: str, budget: _FuzzyBudget) -> _Passage:
    if isinstance(target, str):
        prefix = f"{text_iri(document)}:glossary:"
        if target.startswith(prefix):
            return _Passage(entry=url_unquote(target.removeprefix(prefix)))
        return _Passage()
    if not isinstance(target, dict):
        raise NotesImportError(f"{label}: the target is neither an address nor an object.")
    colour = DEFAULT_COLOUR
    for style in _as_list(target.get("styleClass")):
        if isinstance(style, str) and style.startswith(STYLE_CLASS_PREFIX):
            with contextlib.suppress(ValueError):  # another tool's class, or a future colour
                colour = Colour(style.removeprefix(STYLE_CLASS_PREFIX))
    selectors = _selectors(target)
    quote = next((s for s in selectors if "TextQuoteSelector" in _types(s)), None)
    if quote is not None:
        if not _text_field(quote, "exact", label).strip():
            raise NotesImportError(f"{label}: the quoted text is empty.")
        own = (
            _own_anchor(target, quote, label)
            if target.get("source") == text_iri(document)
            else None
        )
        if own is not None:
            return _Passage(own, resolve(own, document, may_go_fuzzy=budget), colour)
        anchor, placement = anchor_from_quote(
            document,
            _text_field(quote, "exact", label),
            _text_field(quote, "prefix", label),
            _text_field(quote, "suffix", label),
            may_go_fuzzy=budget,
        )
        return _Passage(anchor, placement, colour)
    position = next((s for s in selectors if "TextPositionSelector" in _types(s)), None)
    if position is not None and target.get("source") == text_iri(document):
        start = _int_field(position.get("start"), "start", label)
        end = _int_field(position.get("end"), "end", label)
        if start is not None and end is not None:
            positioned = _anchor_from_position(document, start, end)
            if positioned is not None:
                return _Passage(positioned, resolve(positioned, document), colour)
    return _Passage()


def _to_note(
    annotation: Any, document: Document, index: int, now: datetime, budget: _FuzzyBudget
) -> tuple[Note, bool]:
    """The note, and whether the file said when it was last modified (see ``merge``)."""
    label = f"Annotation {index + 1}"
    if not isinstance(annotation, dict):
        raise NotesImportError(f"{label} is not an object.")
    if "target" not in annotation:
        raise NotesImportError(f"{label} has no target (the thing it annotates).")
    targets = _as_list(annotation["target"])
    if not targets:
        raise NotesImportError(f"{label} has an empty target.")
    # Several targets: the first that quotes a passage wins; otherwise the first.
    found = _Passage()
    for target in targets[:MAX_TARGETS]:
        found = _passage(target, document, label, budget)
        if found.anchor is not None or found.entry is not None:
            break
    anchor, colour, entry = found.anchor, found.colour, found.entry
    body, tags = _bodies(annotation, label)
    # A time in the future (a wrong clock, or a file made to win every merge) is clamped
    # to the moment of the import, and is no evidence of being newer than a local edit:
    # the merge treats it like a missing one, so importing the file again changes nothing.
    created = _clamp(_time(annotation, ("created",), label), now)
    claimed = _time(annotation, ("modified", "updated"), label)
    modified = _clamp(claimed, now)
    dated = claimed is not None and claimed <= now
    created = created or modified or now
    modified = max(modified or created, created)
    if anchor is not None:
        kind = NoteKind.PASSAGE
    elif entry is not None:
        kind, colour = NoteKind.GLOSSARY, None
    else:
        kind, colour = NoteKind.FREE, None
    try:
        note = Note(
            _note_id(annotation), kind, body, colour, normalise_tags(tags), anchor, entry,
            created, modified, found.placement if anchor is not None else None,
        )  # fmt: skip
    except NoteError as error:
        raise NotesImportError(f"{label}: {error}") from error
    return note, dated


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""No annotation was written before 1970; an earlier time is a wrong clock or a hostile
file, and years before 1000 would not even be stored as sortable text."""


def _clamp(moment: datetime | None, now: datetime) -> datetime | None:
    return None if moment is None else min(max(moment, EARLIEST), now)


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """The notes of a file, and the ids of those whose file gave no modification time."""

    notes: list[Note]
    undated: frozenset[str]


def parse_annotations(data: bytes, document: Document) -> list[Note]:
    """Notes from the bytes of a JSON file; raises NotesImportError naming the problem."""
    return parse_import(data, document).notes


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_lone_surrogates(parsed: Any) -> None:
    """JSON can spell half of a surrogate pair (``"\\ud800"``), which is no character at all:
    nothing could store or show it. Pairs are fine; a lone half refuses the file."""
    try:
        json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        bad = error.object[error.start : error.end]
        raise NotesImportError(
            f"The file holds text that is not valid Unicode (a lone surrogate, {ascii(bad)[1:-1]})."
        ) from None


def parse_import(data: bytes, document: Document, *, now: datetime | None = None) -> ImportBatch:
    """The notes of a JSON file, with what the merge needs to know about their times."""
    if len(data) > MAX_IMPORT_BYTES:
        raise NotesImportError(_too_large(len(data), MAX_IMPORT_BYTES))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotesImportError(
            f"The file is not UTF-8 text (invalid byte at position {error.start})."
        ) from None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotesImportError(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    except RecursionError:
        raise NotesImportError("The file is not usable JSON: it is nested too deeply.") from None
    except ValueError as error:  # e.g. an integer of more digits than Python will convert
        raise NotesImportError(f"The file is not usable JSON: {error}.") from None
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(parsed)
    annotations = _annotation_list(parsed)
    moment = now or utc_now()
    budget = _FuzzyBudget()
    notes: list[Note] = []
    undated: set[str] = set()
    for index, annotation in enumerate(annotations):
        note, dated = _to_note(annotation, document, index, moment, budget)
        notes.append(note)
        if not dated:
            undated.add(note.id)
    return ImportBatch(notes, frozenset(undated))


def import_annotations(repository: NoteMerger, document: Document, data: bytes) -> MergeReport:
    """Parse everything first, then merge in one transaction: a bad file changes nothing."""
    batch = parse_import(data, document)
    return repository.merge(batch.notes, undated=batch.undated)
