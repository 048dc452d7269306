"""The library's texts as sync sees them: their metadata, their files, their removal.

A text added on one computer is sent as its metadata plus, when the file is at most
``MAX_TEXT_FILE_BYTES``, a copy of the file in the sync folder under
``texts/<device id>/<fingerprint><suffix>`` (written by that device only, whole, then moved
into place). The other computers add that file to their library through
``LibraryRepository.add_file`` (so the text gets the same id, made from its title and
fingerprint) and then take the metadata as corrected on the first. A removal is a tombstone:
the text is removed through ``LibraryRepository.remove``, its notes kept. A text whose file
has not arrived (too large, or not synced yet) waits and is tried again at every sync.
The bundled text is never sent: every computer has it.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader_app.domain.importing import TextImportError
from reader_app.storage.db import StorageError, storage_errors
from reader_app.storage.library import EDITABLE_FIELDS, LibraryRepository
from reader_app.storage.sync_rows import payload_fingerprint, read_in_chunks

MAX_TEXT_FILE_BYTES = 20 * 1024 * 1024
"""Texts whose file is larger are sent as metadata only: add the file by hand there."""
TEXT_FILES_FOLDER = "texts"
METADATA_COLUMNS = tuple(sorted(EDITABLE_FIELDS))
_COLUMNS = (*METADATA_COLUMNS, "source_format", "fingerprint", "file_name", "stored_path")


def changed_texts(connection: sqlite3.Connection, path: Path | None = None) -> dict[str, str]:
    """Added texts changed since last synced: id -> when."""
    with storage_errors(path):
        return dict(connection.execute("SELECT text_id, changed FROM sync_text_changes"))


def read_texts(
    connection: sqlite3.Connection, ids: list[str], path: Path | None = None
) -> dict[str, dict[str, Any]]:
    """The present (not removed) added texts among ``ids``: their columns by name."""
    sql = (
        f"SELECT id, {', '.join(_COLUMNS)} FROM texts "
        "WHERE bundled = 0 AND deleted IS NULL AND id IN ({marks})"
    )
    return {
        text_id: dict(zip(_COLUMNS, values, strict=True))
        for text_id, *values in read_in_chunks(connection, sql, ids, path)
    }


def text_fingerprint(payload: Mapping[str, Any]) -> str:
    """Equal exactly when what a text's record says (not where its file is) is unchanged."""
    return payload_fingerprint({k: v for k, v in payload.items() if k != "file"})


def text_payload(row: Mapping[str, Any], file: str | None) -> dict[str, Any]:
    payload = {name: row[name] for name in METADATA_COLUMNS}
    payload |= {k: row[k] for k in ("source_format", "fingerprint", "file_name")}
    payload["file"] = file
    return payload


def publish_file(
    data_dir: Path, sync_dir: Path, device: str, row: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """Put the text's file in the sync folder if it is small enough: (its path there, or
    None; a problem in words, or None)."""
    stored, fingerprint = row.get("stored_path"), row.get("fingerprint")
    if not stored or not fingerprint:
        return None, None
    source = data_dir / stored
    suffix = Path(stored).suffix
    relative = f"{TEXT_FILES_FOLDER}/{device}/{fingerprint}{suffix}"
    target = sync_dir / relative
    try:
        size = source.stat().st_size
        if size > MAX_TEXT_FILE_BYTES:
            return None, (
                f"“{row['title']}” is larger than {MAX_TEXT_FILE_BYTES // (1024 * 1024)} MB, "
                "so only its title and details are synced; add its file on the other "
                "computers by hand."
            )
        if target.exists() and target.stat().st_size == size:
            return relative, None
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(source, temporary)
        temporary.replace(target)
    except OSError as error:
        return None, (
            f"The file of “{row['title']}” could not be copied to the sync folder "
            f"({error.strerror or error}); its title and details are synced."
        )
    return relative, None


def check_payload(payload: Mapping[str, Any]) -> str | None:
    """Why a text payload cannot be taken, or None."""
    for name in (*METADATA_COLUMNS, "source_format", "fingerprint", "file_name"):
        value = payload.get(name)
        if name == "year":
            if value is not None and type(value) is not int:
                return "its year is not a number"
        elif not isinstance(value, str):
            return f"its {name.replace('_', ' ')} is missing"
    if not payload["title"].strip():
        return "it has no title"
    file = payload.get("file")
    if file is not None and (
        not isinstance(file, str)
        or not file.startswith(f"{TEXT_FILES_FOLDER}/")
        or ".." in Path(file).parts
    ):
        return "its file is not in the sync folder's texts folder"
    return None


@dataclass
class TextsApplied:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # here already, exactly as sent
    waiting: dict[str, dict[str, Any]] = field(default_factory=dict)  # no file yet
    problems: list[str] = field(default_factory=list)


def apply_texts(
    library: LibraryRepository,
    sync_dir: Path,
    winners: Mapping[str, Mapping[str, Any] | None],
) -> TextsApplied:
    """Add, correct or remove texts as other computers did (None: removed there)."""
    done = TextsApplied()
    for text_id, payload in winners.items():
        current = library.get(text_id)
        if payload is None:
            if current is not None and not current.bundled:
                library.remove(text_id)
                done.removed.append(text_id)
            continue
        if current is None:
            if not _add(library, sync_dir, text_id, payload, done):
                continue
            current = library.get(text_id)
            assert current is not None
            done.added.append(text_id)
        edits = {
            name: payload[name]
            for name in METADATA_COLUMNS
            if getattr(current.metadata, _ATTRIBUTES.get(name, name)) != payload[name]
        }
        if edits:
            library.update_metadata(text_id, **edits)
            if text_id not in done.added:
                done.changed.append(text_id)
        elif text_id not in done.added:
            done.matched.append(text_id)
    return done


_ATTRIBUTES = {"date_published": "published", "date_modified": "modified"}
"""``TextMetadata``'s names for the columns that differ from them."""


def _add(
    library: LibraryRepository,
    sync_dir: Path,
    text_id: str,
    payload: Mapping[str, Any],
    done: TextsApplied,
) -> bool:
    file = payload.get("file")
    source = sync_dir / file if isinstance(file, str) else None
    if source is None or not source.is_file():
        done.waiting[text_id] = dict(payload)
        return False
    if source.is_symlink() or not source.resolve().is_relative_to(sync_dir.resolve()):
        # A link could make this computer read, and then publish, a file from elsewhere.
        done.problems.append(
            f"“{payload['title']}” from another computer is a link, not a file; it was not added."
        )
        return False
    try:
        result = library.add_file(source)
    except (TextImportError, StorageError) as error:
        done.problems.append(f"“{payload['title']}” from another computer: {error}")
        return False
    if result.text_id != text_id:
        if result.added:  # not the text that was meant: take it out again
            with contextlib.suppress(StorageError):
                library.remove(result.text_id)
        done.problems.append(
            f"“{payload['title']}” from another computer is a different file here; it was "
            "not added."
        )
        return False
    return True
