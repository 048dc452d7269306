"""The bundled text as a sequence of blocks with permanent ids.

A text ships as a verbatim UTF-8 file plus a TOML sidecar that names each block (blocks
are separated by blank lines) and its role. Ids live in the sidecar rather than being
derived from the words so that notes stay attached when a corrected edition changes them.
"""

from __future__ import annotations

import contextlib
import functools
import re
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from reader_app import resources
from reader_app.domain import toml_cache

DEFAULT_TEXT_ID = "kollontai-workers-opposition-1921"

_BLOCK_SEPARATOR = re.compile(r"\n[ \t]*\n")


class TextError(Exception):
    """The text or its metadata cannot be used; the message is meant for the user."""


class Role(StrEnum):
    HEADING = "heading"
    EDITORIAL = "editorial"
    BODY = "body"


# Records are NamedTuples, not dataclasses: they are defined while the app starts, where
# building a dataclass costs about a millisecond each (see benchmarks/startup.py).
class Block(NamedTuple):
    id: str
    role: Role
    text: str
    number: int | None  # ¶ number for body blocks, None for the editor's matter

    @property
    def citation_label(self) -> str:
        if self.number is not None:
            return f"¶{self.number}"
        return "Heading" if self.role is Role.HEADING else "Editor’s introduction"


class Document(NamedTuple):
    id: str
    title: str
    display_title: str
    author: str
    year: int
    blocks: tuple[Block, ...]
    raw: str  # the text file exactly as shipped
    glossary_file: str | None
    provenance: dict[str, str]
    citation: dict[str, str]  # see domain/citation.py

    @property
    def version(self) -> str:
        """Hash of the exact text, so anchors know which edition they were made on."""
        return text_version(self.raw)

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)

    def body_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.role is Role.BODY)

    def block_index(self, block_id: str) -> int:
        for index, block in enumerate(self.blocks):
            if block.id == block_id:
                return index
        raise KeyError(block_id)


def strip_unmatched_quotes(text: str) -> str:
    """Drop a quotation mark of the source that the selection cut from its partner.

    Kollontai's extract opens with “ and closes with ”; a passage taken from its start or end
    carries one of them, and quoting it again would print ““Is it…”.
    """
    text = text.strip()
    if text.startswith("“") and "”" not in text[1:]:
        text = text[1:]
    if text.endswith("”") and "“" not in text[:-1]:
        text = text[:-1]
    return text


def in_quotation_marks(text: str) -> str:
    """A passage quoted once, whatever quotation marks of the source it carries."""
    return f"“{strip_unmatched_quotes(text)}”"


def split_blocks(raw: str) -> list[str]:
    """Blocks are separated by blank lines; single newlines inside a block are kept."""
    normalised = raw.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return [part.strip("\n") for part in _BLOCK_SEPARATOR.split(normalised) if part.strip()]


@functools.cache
def text_version(raw: str) -> str:
    """Computed when the notes first ask: hashlib loads OpenSSL, not needed to show the text."""
    import hashlib

    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def parse_document(metadata: dict[str, Any], raw: str, *, source: str = "text") -> Document:
    """Build a Document from parsed sidecar metadata and the raw text."""
    parts = split_blocks(raw)
    declared = metadata.get("blocks", [])
    if len(declared) != len(parts):
        raise TextError(
            f"{source}: the metadata lists {len(declared)} blocks but the text has {len(parts)}."
        )
    seen: set[str] = set()
    blocks: list[Block] = []
    number = 0
    for spec, text in zip(declared, parts, strict=True):
        block_id, role_name = spec.get("id"), spec.get("role")
        if not block_id or block_id in seen:
            raise TextError(f"{source}: block id {block_id!r} is missing or repeated.")
        try:
            role = Role(role_name)
        except ValueError:
            raise TextError(
                f"{source}: block {block_id!r} has unknown role {role_name!r}."
            ) from None
        seen.add(block_id)
        if role is Role.BODY:
            number += 1
        blocks.append(Block(block_id, role, text, number if role is Role.BODY else None))
    return Document(
        id=metadata["id"],
        title=metadata["title"],
        display_title=metadata.get("display_title", metadata["title"]),
        author=metadata["author"],
        year=int(metadata["year"]),
        blocks=tuple(blocks),
        raw=raw,
        glossary_file=metadata.get("glossary"),
        provenance={k: str(v) for k, v in metadata.get("provenance", {}).items()},
        citation={k: str(v) for k, v in metadata.get("citation", {}).items()},
    )


def load_document(text_id: str = DEFAULT_TEXT_ID, *, cache_dir: Path | None = None) -> Document:
    """Load a bundled text by id from ``resources/texts/``; with ``cache_dir``, its metadata
    is read through a JSON copy kept there (see domain.toml_cache)."""
    metadata_name = f"texts/{text_id}.toml"
    content = resources.read_bytes(metadata_name)
    cached = (
        None if cache_dir is None else toml_cache.cache_path(cache_dir, f"text-{text_id}", content)
    )
    if cached is not None and (metadata := toml_cache.read_cached(cached)) is not None:
        # Data the file would have given cannot fail; anything else is not to be trusted.
        with contextlib.suppress(
            TextError, resources.ResourceError, LookupError, TypeError, ValueError
        ):
            return _document_from(metadata, metadata_name)
    try:
        metadata = toml_cache.parse_toml(content.decode("utf-8"))
    except ValueError as error:  # tomllib.TOMLDecodeError
        raise TextError(f"{metadata_name}: {error}") from error
    document = _document_from(metadata, metadata_name)
    if cached is not None:
        toml_cache.write_cached(cached, metadata)
    return document


def _document_from(metadata: dict[str, Any], metadata_name: str) -> Document:
    raw = resources.read_text(f"texts/{metadata['file']}")
    return parse_document(metadata, raw, source=metadata_name)
