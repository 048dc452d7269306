"""What a data folder remembers about sync, in two small files of its own ``sync`` folder.

``device.json`` is this data folder's identity as a device: a random id (the name of its
log in the sync folder) and a name for people, the host name until the reader changes it.
``state.json`` is how far this device got with its sync folder: how far it has read every
other device's log, how long its own log was, its clock, and changes the sync folder could
not take yet (the notes' own versions are in the database, beside the notes). Both files
are written whole to a temporary file and moved into place (``os.replace``), so a crash
leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader_app.domain.sync.clock import ClockError, Stamp
from reader_app.domain.sync.log import Cursor, Record, parse_line
from reader_app.storage.db import StorageError, translate_os_error

SYNC_FOLDER = "sync"
DEVICE_FILE = "device.json"
STATE_FILE = "state.json"
STATE_FORMAT = 1
MAX_NAME_CHARS = 80


class SyncStateError(StorageError):
    """The data folder's sync files cannot be read or written; the message is for the user."""


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)  # os.replace: atomic on one file system
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise SyncStateError(str(translate_os_error(error, path)), path) from error


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SyncStateError(str(translate_os_error(error, path)), path) from error
    except ValueError:
        return None  # damaged: the caller starts afresh, which only re-sends


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    name: str


def default_device_name() -> str:
    return (socket.gethostname() or "This computer")[:MAX_NAME_CHARS]


def load_device(data_dir: Path) -> Device:
    """This data folder's device, made (and kept) on first use."""
    path = data_dir / SYNC_FOLDER / DEVICE_FILE
    data = _read_json(path)
    if isinstance(data, dict):
        device_id, name = data.get("id"), data.get("name")
        try:
            Stamp(0, 0, device_id) if isinstance(device_id, str) else None
        except ClockError:
            device_id = None
        if isinstance(device_id, str) and isinstance(name, str):
            return Device(device_id, name[:MAX_NAME_CHARS] or default_device_name())
    device = Device(secrets.token_hex(8), default_device_name())
    _write_atomically(path, {"id": device.id, "name": device.name})
    return device


def rename_device(data_dir: Path, name: str) -> Device:
    """Give this device another name (blank: the host name); its id stays."""
    device = load_device(data_dir)
    cleaned = " ".join(name.split())[:MAX_NAME_CHARS] or default_device_name()
    renamed = Device(device.id, cleaned)
    _write_atomically(data_dir / SYNC_FOLDER / DEVICE_FILE, {"id": renamed.id, "name": cleaned})
    return renamed


def renew_device(data_dir: Path) -> Device:
    """A new id for this data folder, keeping its name: for a copied data folder, whose
    copies must not write one log."""
    renewed = Device(secrets.token_hex(8), load_device(data_dir).name)
    _write_atomically(
        data_dir / SYNC_FOLDER / DEVICE_FILE, {"id": renewed.id, "name": renewed.name}
    )
    return renewed


@dataclass
class SyncMeta:
    """What a device remembers of one sync folder besides its notes' versions (those are in
    the database, ``sync_versions``): how far it read each log, how long its own log was,
    the last hybrid stamp it issued or saw, and changes the folder could not take yet."""

    folder: str
    cursors: dict[str, Cursor] = field(default_factory=dict)
    own_log_size: int = 0
    last_stamp: Stamp | None = None
    unwritten: list[Record] = field(default_factory=list)
    waiting_texts: dict[str, dict[str, Any]] = field(default_factory=dict)  # file not here yet
    waiting_places: dict[str, dict[str, Any]] = field(default_factory=dict)  # text not here yet


def _stamp_text(stamp: Stamp | None) -> str | None:
    return None if stamp is None else str(stamp)


def _encode(meta: SyncMeta) -> dict[str, Any]:
    return {
        "format": STATE_FORMAT,
        "folder": meta.folder,
        "own_log_size": meta.own_log_size,
        "last_stamp": _stamp_text(meta.last_stamp),
        "cursors": {
            device: [c.offset, c.lines, c.last_start, c.last_end, _stamp_text(c.last_stamp)]
            for device, c in meta.cursors.items()
        },
        "unwritten": [record.to_line().decode("utf-8") for record in meta.unwritten],
        "waiting_texts": meta.waiting_texts,
        "waiting_places": meta.waiting_places,
    }


def _decode(data: dict[str, Any]) -> SyncMeta:
    """Raises (KeyError, TypeError, ValueError) on anything but what ``_encode`` writes."""
    last = data["last_stamp"]
    meta = SyncMeta(
        str(data["folder"]),
        own_log_size=int(data["own_log_size"]),
        last_stamp=Stamp.parse(last) if last else None,
    )
    for device, (offset, lines, start, end, stamp) in data["cursors"].items():
        meta.cursors[str(device)] = Cursor(
            int(offset), int(lines), int(start), int(end), Stamp.parse(stamp) if stamp else None
        )
    meta.unwritten = [parse_line(line.encode("utf-8")) for line in data["unwritten"]]
    waiting = data.get("waiting_texts", {})
    meta.waiting_texts = {str(k): dict(v) for k, v in waiting.items()}
    places = data.get("waiting_places", {})
    meta.waiting_places = {str(k): dict(v) for k, v in places.items()}
    return meta


def load_meta(data_dir: Path, folder: str) -> tuple[SyncMeta | None, str | None]:
    """The state kept for ``folder``, or None (and why, if it was damaged) when there is
    none for it: never synced, synced with another folder, or a damaged file.

    A state written by a newer version raises SyncStateError rather than be overwritten.
    """
    path = data_dir / SYNC_FOLDER / STATE_FILE
    data = _read_json(path)
    if data is None and not path.exists():
        return None, None
    if isinstance(data, dict) and isinstance(data.get("format"), int):
        if data["format"] > STATE_FORMAT:
            raise SyncStateError(
                "This data folder was synced by a newer version of Study Reader; update "
                "Study Reader to sync it again. Your notes are untouched.",
                path,
            )
        if data.get("folder") != folder:
            return None, None
        try:
            return _decode(data), None
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    return None, (
        "The record of what was already synced was damaged; all notes are sent again, "
        "and nothing is lost or doubled."
    )


def save_meta(data_dir: Path, meta: SyncMeta) -> None:
    _write_atomically(data_dir / SYNC_FOLDER / STATE_FILE, _encode(meta))
