"""What a data folder remembers about sync, in two small files of its own ``sync`` folder.

``device.json`` is this data folder's identity as a device: a random id (the name of its
log in the sync folder) and a name for people, the host name until the reader changes it.
``state.json`` is how far this device got: which sync folder, how far it has read every
other device's log, how long its own log was, the hybrid stamp and fingerprint of every note
it has sent or received, and changes the sync folder could not take yet. Both are written
whole to a temporary file and moved into place (``os.replace``), so a crash leaves the old
file or the new one, never half of one; the database's schema is not involved.
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
from reader_app.domain.sync.log import Cursor, Entity, Record, parse_line
from reader_app.domain.sync.merge import Key, Version
from reader_app.storage.db import StorageError, translate_os_error

SYNC_FOLDER = "sync"
DEVICE_FILE = "device.json"
STATE_FILE = "state.json"
STATE_FORMAT = 1
MAX_NAME_CHARS = 80

PLACEHOLDER: dict[str, Any] = {}
"""The payload of a version loaded from ``state.json``: the state keeps stamps, not words
(the words are in the database), so a version read back has this empty payload."""


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


@dataclass
class SyncState:
    """Everything a device must remember between syncs with one sync folder."""

    folder: str
    versions: dict[Key, Version] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)  # note id -> as last synced
    cursors: dict[str, Cursor] = field(default_factory=dict)
    own_log_size: int = 0
    unwritten: list[Record] = field(default_factory=list)


def _stamp_text(stamp: Stamp | None) -> str | None:
    return None if stamp is None else str(stamp)


def _encode(state: SyncState) -> dict[str, Any]:
    versions: dict[str, list[Any]] = {}
    for (entity, entity_id), version in state.versions.items():
        record = version.record
        versions[f"{entity.value}:{entity_id}"] = [
            str(record.stamp),
            1 if record.deleted else 0,
            _stamp_text(record.base),
            sorted(str(s) for s in version.settled),
        ]
    return {
        "format": STATE_FORMAT,
        "folder": state.folder,
        "own_log_size": state.own_log_size,
        "cursors": {
            device: [c.offset, c.lines, c.last_start, c.last_end, _stamp_text(c.last_stamp)]
            for device, c in state.cursors.items()
        },
        "versions": versions,
        "fingerprints": state.fingerprints,
        "unwritten": [record.to_line().decode("utf-8") for record in state.unwritten],
    }


def _decode(data: dict[str, Any]) -> SyncState:
    """Raises (KeyError, TypeError, ValueError) on anything but what ``_encode`` writes."""
    state = SyncState(str(data["folder"]), own_log_size=int(data["own_log_size"]))
    for device, (offset, lines, start, end, stamp) in data["cursors"].items():
        state.cursors[str(device)] = Cursor(
            int(offset), int(lines), int(start), int(end), Stamp.parse(stamp) if stamp else None
        )
    for key, (stamp, deleted, base, settled) in data["versions"].items():
        kind, _, entity_id = str(key).partition(":")
        record = Record(
            Entity(kind),
            entity_id,
            Stamp.parse(stamp),
            None if deleted else PLACEHOLDER,
            Stamp.parse(base) if base else None,
        )
        state.versions[(record.entity, entity_id)] = Version(
            record, frozenset(Stamp.parse(s) for s in settled)
        )
    state.fingerprints = {str(k): str(v) for k, v in data["fingerprints"].items()}
    state.unwritten = [parse_line(line.encode("utf-8")) for line in data["unwritten"]]
    return state


def load_state(data_dir: Path, folder: str) -> tuple[SyncState, str | None]:
    """The state kept for ``folder``, and a message when it had to start afresh.

    A state for another sync folder, or a damaged one, is set aside: the device then sends
    all its notes again, which the others recognise or keep once as history; nothing is lost.
    A state written by a newer version raises SyncStateError rather than be overwritten.
    """
    path = data_dir / SYNC_FOLDER / STATE_FILE
    data = _read_json(path)
    if data is None and not path.exists():
        return SyncState(folder), None
    if isinstance(data, dict) and isinstance(data.get("format"), int):
        if data["format"] > STATE_FORMAT:
            raise SyncStateError(
                "This data folder was synced by a newer version of Study Reader; update "
                "Study Reader to sync it again. Your notes are untouched.",
                path,
            )
        if data.get("folder") != folder:
            return SyncState(folder), None  # another folder: everything is sent there anew
        try:
            return _decode(data), None
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    return SyncState(folder), (
        "The record of what was already synced was damaged; all notes are sent again, "
        "and nothing is lost or doubled."
    )


def save_state(data_dir: Path, state: SyncState) -> None:
    _write_atomically(data_dir / SYNC_FOLDER / STATE_FILE, _encode(state))
