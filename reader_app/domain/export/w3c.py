"""Notes as a W3C ``AnnotationCollection`` (JSON-LD, UTF-8, no BOM), readable by other
annotation tools and by our own import, which restores identical notes from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from reader_app import APP_NAME, __version__
from reader_app.domain.anchors import (
    global_range,
    resolve,
)
from reader_app.domain.export.common import (
    ANNO_CONTEXT,
    ANNOTATION_CONTEXT,
    EXTENSION_PREFIX,
    FRAGMENT_CONFORMS_TO,
    HIGHLIGHT_CSS,
    STYLE_CLASS_PREFIX,
    collection_iri,
    glossary_iri,
    text_iri,
)
from reader_app.domain.notes import (
    Note,
    NoteKind,
    Revision,
    format_timestamp,
    utc_now,
)
from reader_app.domain.text import Document


def _target(note: Note, document: Document) -> str | dict[str, Any]:
    if note.kind is NoteKind.FREE:
        return text_iri(document)
    if note.kind is NoteKind.GLOSSARY:
        return glossary_iri(document, note.glossary_entry_id or "")
    anchor = note.anchor
    assert anchor is not None
    selectors: list[dict[str, Any]] = [
        {
            "type": "TextQuoteSelector",
            "exact": anchor.exact,
            "prefix": anchor.prefix,
            "suffix": anchor.suffix,
        }
    ]
    placement = note.placement if note.placement is not None else resolve(anchor, document)
    span = global_range(document, placement)
    if span is not None:
        selectors.append({"type": "TextPositionSelector", "start": span[0], "end": span[1]})
        selectors.append(
            {
                "type": "FragmentSelector",
                "conformsTo": FRAGMENT_CONFORMS_TO,
                "value": placement.block_id,
                "refinedBy": {
                    "type": "TextPositionSelector",
                    "start": placement.start,
                    "end": placement.end,
                },
            }
        )
    target: dict[str, Any] = {
        "type": "SpecificResource",
        "source": text_iri(document),
        "selector": selectors,
        f"{EXTENSION_PREFIX}:anchor": {
            "blockId": anchor.block_id,
            "start": anchor.start,
            "end": anchor.end,
            "textVersion": anchor.text_version,
        },
    }
    if note.colour is not None:
        target["styleClass"] = f"{STYLE_CLASS_PREFIX}{note.colour.value}"
    return target


def _revision(revision: Revision) -> dict[str, Any]:
    kept: dict[str, Any] = {
        "value": revision.body,
        "tags": list(revision.tags),
        "modified": format_timestamp(revision.modified),
        "recorded": format_timestamp(revision.recorded),
        "origin": revision.origin.value,
    }
    if revision.colour is not None:
        kept["colour"] = revision.colour.value
    if revision.quote:
        kept["quote"] = revision.quote
    return kept


def to_annotation(
    note: Note, document: Document, revisions: Sequence[Revision] = ()
) -> dict[str, Any]:
    """One note as a W3C Annotation (with its own ``@context``, so it also stands alone).

    Kept earlier versions travel in the extension property ``sr:revisions``, newest first;
    other tools ignore it.
    """
    bodies: list[dict[str, Any]] = []
    if note.body:
        bodies.append(
            {
                "type": "TextualBody",
                "value": note.body,
                "format": "text/plain",
                "purpose": "commenting",
            }
        )
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in note.tags]
    annotation: dict[str, Any] = {
        "@context": ANNOTATION_CONTEXT,
        "id": f"urn:uuid:{note.id}",
        "type": "Annotation",
        "motivation": "commenting" if note.body or note.kind is not NoteKind.PASSAGE
        else "highlighting",
        "created": format_timestamp(note.created),
        "modified": format_timestamp(note.updated),
    }  # fmt: skip
    if bodies:
        annotation["body"] = bodies
    if note.colour is not None:
        style = f"{STYLE_CLASS_PREFIX}{note.colour.value}"
        annotation["stylesheet"] = {
            "type": "CssStylesheet",
            "value": f".{style} {{ background-color: {HIGHLIGHT_CSS[note.colour]}; }}",
        }
    annotation["target"] = _target(note, document)
    if revisions:
        annotation[f"{EXTENSION_PREFIX}:revisions"] = [_revision(r) for r in revisions]
    return annotation


def export_w3c(
    notes: Iterable[Note],
    document: Document,
    *,
    now: datetime | None = None,
    revisions: Mapping[str, Sequence[Revision]] | None = None,
) -> dict[str, Any]:
    """All notes as one AnnotationCollection with a single embedded AnnotationPage."""
    kept = revisions or {}
    items = [to_annotation(note, document, kept.get(note.id, ())) for note in notes]
    collection_id = collection_iri(document)
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Notes on {document.title} ({APP_NAME})",
        "total": len(items),
        "generator": {
            "id": "urn:study-reader:app",
            "type": "Software",
            "name": f"{APP_NAME} {__version__}",
        },
        "generated": format_timestamp(now or utc_now()),
        "first": {
            "id": f"{collection_id}:page:1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }
