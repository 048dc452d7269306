"""Which text of the library each annotation of an imported file belongs to.

An annotation names its text in its target (``source``, or a glossary entry's address,
both ``urn:study-reader:text:<id>…`` in our own exports). When that text is in the library
it goes there. Otherwise it goes to the text the reader chose (``--text``), and without a
choice its quote is looked for, exactly, in each text (the default text first); where none
holds it, it goes to the default text, where it is kept detached, never dropped.

The whole file is checked first (``parse_import``), so a file refused here is refused as a
whole, with the message the single-text import gives.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from reader_app.domain.anchors import anchor_from_quote
from reader_app.domain.export.w3c_import import _annotation_list, parse_import
from reader_app.domain.text import Document

_TEXT_PREFIX = "urn:study-reader:text:"


def _named_text(annotation: Any) -> str | None:
    """The text id the annotation's first target names, if any."""
    targets = annotation.get("target") if isinstance(annotation, dict) else None
    for target in targets if isinstance(targets, list) else [targets]:
        source = target.get("source") if isinstance(target, dict) else target
        if isinstance(source, str) and source.startswith(_TEXT_PREFIX):
            return unquote(source.removeprefix(_TEXT_PREFIX).split(":", 1)[0])
    return None


def _quote(annotation: Any) -> tuple[str, str, str] | None:
    targets = annotation.get("target") if isinstance(annotation, dict) else None
    for target in targets if isinstance(targets, list) else [targets]:
        if not isinstance(target, dict):
            continue
        selectors = target.get("selector")
        for selector in selectors if isinstance(selectors, list) else [selectors]:
            if isinstance(selector, dict) and selector.get("type") == "TextQuoteSelector":
                exact, prefix, suffix = (selector.get(k, "") for k in ("exact", "prefix", "suffix"))
                if all(isinstance(part, str) for part in (exact, prefix, suffix)) and exact.strip():
                    return exact, prefix, suffix
    return None


def _holder(
    quote: tuple[str, str, str], documents: Mapping[str, Document], order: list[str]
) -> str | None:
    exact, prefix, suffix = quote
    for text_id in order:
        _, placement = anchor_from_quote(
            documents[text_id], exact, prefix, suffix, may_go_fuzzy=lambda _quote: False
        )
        if placement.is_placed:
            return text_id
    return None


def split_by_text(
    data: bytes,
    documents: Mapping[str, Document],
    *,
    default: str,
    chosen: str | None = None,
) -> dict[str, bytes]:
    """The file's annotations grouped by text id, each group as a JSON file of its own for
    ``parse_import`` with that text's Document. ``documents`` holds every text of the
    library by id; raises NotesImportError for a file that cannot be imported at all."""
    parse_import(data, documents[default])  # the whole file's checks, and their messages
    annotations = _annotation_list(json.loads(data.decode("utf-8-sig")))
    order = [default, *(text_id for text_id in documents if text_id != default)]
    groups: dict[str, list[Any]] = {}
    for annotation in annotations:
        named = _named_text(annotation)
        if named is not None and named in documents:
            text_id = named
        elif chosen is not None:
            text_id = chosen
        else:
            quote = _quote(annotation)
            text_id = (_holder(quote, documents, order) if quote else None) or default
        groups.setdefault(text_id, []).append(annotation)
    return {
        text_id: json.dumps(items, ensure_ascii=False).encode("utf-8")
        for text_id, items in groups.items()
    }
