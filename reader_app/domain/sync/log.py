"""The change logs in the sync folder: one append-only JSON-lines file per device.

Every line is one whole change record::

    {"v": 1, "kind": "note", "id": "…", "hlc": "…", "base": "…", "device": "…", "payload": {…}}

``kind`` names the entity and, with ``-deleted``, a tombstone (no payload); ``hlc`` is the
hybrid clock stamp of the change; ``base`` the stamp of the version the device changed, if
any, so that the merge can tell an update from a concurrent edit. For notes the payload is
the W3C annotation our export writes, so other tools can read the log too.

Only the device named in the file writes it, and only by appending whole lines; sync tools
may still deliver a file cut off mid-line, corrupted, rewound to an older copy, or deleted.
The reader remembers, per device, how far it has applied the file (a ``Cursor``) and turns
each of those cases into records it can apply and problems it can say in plain words.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from reader_app.domain.sync.clock import ClockError, Stamp

FORMAT_VERSION = 1
LOG_SUFFIX = ".jsonl"
MAX_LINE_BYTES = 8 * 1024 * 1024
"""No honest record is this long (a note's annotation is a few kilobytes); a longer line is
reported and skipped rather than parsed."""


class Entity(StrEnum):
    NOTE = "note"
    TEXT = "text"  # a text in the library: its metadata
    POSITION = "position"  # where the reader is in a text
    GLOSSARY = "glossary"  # a personal glossary entry
    REVIEW = "review"  # a review card's state


TOMBSTONE_SUFFIX = "-deleted"


class SyncLogError(Exception):
    """The sync folder cannot be written as needed; the message is for the reader."""


class LogRewoundError(SyncLogError):
    """This device's own log is shorter than it was written: it must be published again."""


@dataclass(frozen=True, slots=True)
class Record:
    """One change. ``payload`` is None exactly for a tombstone (a deletion)."""

    entity: Entity
    entity_id: str
    stamp: Stamp
    payload: Mapping[str, Any] | None
    base: Stamp | None = None

    @property
    def deleted(self) -> bool:
        return self.payload is None

    @property
    def device(self) -> str:
        return self.stamp.device

    @property
    def kind(self) -> str:
        return f"{self.entity.value}{TOMBSTONE_SUFFIX}" if self.deleted else self.entity.value

    def to_line(self) -> bytes:
        line: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "kind": self.kind,
            "id": self.entity_id,
            "hlc": str(self.stamp),
            "device": self.device,
        }
        if self.base is not None:
            line["base"] = str(self.base)
        if self.payload is not None:
            line["payload"] = self.payload
        text = json.dumps(line, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8") + b"\n"


class NewerFormatError(ValueError):
    """A line from a newer version of the app: the rest of the file waits for an update."""


def parse_line(line: bytes) -> Record:
    """The record on one complete line (without its newline).

    Raises ValueError saying what is wrong, or NewerFormatError for a newer format.
    """
    if len(line) > MAX_LINE_BYTES:
        raise ValueError(f"the line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB")
    try:
        data = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("the line is not UTF-8 text") from None
    except RecursionError:
        raise ValueError("the line is nested too deeply") from None
    except ValueError as error:
        raise ValueError(f"the line is not JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("the line is not a JSON object")
    version = data.get("v")
    if type(version) is not int or version < 1:
        raise ValueError("the line has no format version")
    if version > FORMAT_VERSION:
        raise NewerFormatError(
            f"it was written by a newer version of Study Reader (log format {version}, this "
            f"version reads {FORMAT_VERSION}); update Study Reader to sync this device's changes"
        )
    kind, entity_id, payload = data.get("kind"), data.get("id"), data.get("payload")
    if not isinstance(kind, str) or not isinstance(entity_id, str) or not entity_id:
        raise ValueError("the line has no kind or id")
    deleted = kind.endswith(TOMBSTONE_SUFFIX)
    try:
        entity = Entity(kind.removesuffix(TOMBSTONE_SUFFIX))
    except ValueError:
        raise ValueError(f"unknown kind of change {kind[:40]!r}") from None
    try:
        stamp = Stamp.parse(data.get("hlc"))
        base = None if data.get("base") is None else Stamp.parse(data["base"])
    except ClockError as error:
        raise ValueError(str(error)) from None
    if data.get("device") != stamp.device:
        raise ValueError("the line's device does not match its clock stamp")
    if deleted != (payload is None) or not (payload is None or isinstance(payload, dict)):
        raise ValueError("a change needs an object payload, and a deletion none")
    return Record(entity, entity_id, stamp, payload, base)


def log_path(folder: Path, device: str) -> Path:
    return folder / f"{device}{LOG_SUFFIX}"


class LogWriter:
    """Appends records to this device's log: whole lines, flushed and fsynced, never rewritten.

    A line left half-written by a crash is closed with a newline before the next append, so
    that readers report it as one corrupt line instead of gluing it to the next record.
    A log that shrank under us (rewound or deleted by a sync tool) raises SyncLogError: the
    other devices can no longer read what it held, and the caller must publish again.
    """

    def __init__(self, folder: Path, device: str) -> None:
        Stamp(0, 0, device)  # validates the id before it becomes a file name
        self.path = log_path(folder, device)
        self._expected_size: int | None = None

    def append(self, records: list[Record]) -> None:
        if not records:
            return
        for record in records:
            if record.device != self.path.stem:
                raise ValueError(f"{record.device} cannot write to {self.path.name}.")
        data = b"".join(record.to_line() for record in records)
        try:
            with self.path.open("a+b") as file:
                size = os.fstat(file.fileno()).st_size
                if self._expected_size is not None and size < self._expected_size:
                    self._expected_size = None  # checked once: the caller republishes
                    raise LogRewoundError(
                        f"This computer's change log {self.path.name} in the sync folder is "
                        "shorter than Study Reader left it (the sync program rewound or "
                        "replaced it). Its changes will be written again."
                    )
                if size:
                    file.seek(size - 1)
                    if file.read(1) != b"\n":
                        data = b"\n" + data
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
                self._expected_size = size + len(data)
        except OSError as error:
            raise SyncLogError(
                f"Cannot write to the sync folder {self.path.parent}: {error.strerror or error}."
            ) from error


@dataclass(frozen=True, slots=True)
class Cursor:
    """How far one device's log has been applied: a high-water mark.

    ``offset`` is the byte just after the last complete line read, ``lines`` how many lines
    that is, and ``last_start``/``last_end``/``last_stamp`` where the last record line lies
    and its stamp. Before reading on, the reader reads that line again: if the file is now shorter
    than ``offset``, or that line no longer holds that stamp, the file was rewound or
    replaced, and it is read again from the start (the merge ignores what it already has).
    """

    offset: int = 0
    lines: int = 0
    last_start: int = 0
    last_end: int = 0
    last_stamp: Stamp | None = None


class ProblemKind(StrEnum):
    CORRUPT_LINE = "corrupt-line"
    NEWER_FORMAT = "newer-format"
    REWOUND = "rewound"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    UNWRITABLE = "unwritable"


@dataclass(frozen=True, slots=True)
class Problem:
    kind: ProblemKind
    message: str


@dataclass(frozen=True, slots=True)
class LogRead:
    """What one read of a log gave: new records, problems in plain words, and where to
    start next time."""

    records: list[Record]
    problems: list[Problem] = field(default_factory=list)
    cursor: Cursor = field(default_factory=Cursor)


def _lines(data: bytes, start: int) -> Iterator[tuple[int, bytes]]:
    """Complete lines (offset of their start, bytes without the newline); a last line
    without its newline is left for next time."""
    position = 0
    while True:
        end = data.find(b"\n", position)
        if end < 0:
            return
        yield start + position, data[position:end]
        position = end + 1


def _still_there(file: Any, cursor: Cursor) -> bool:
    """Whether the file still holds, where the cursor left it, the line it last applied."""
    if cursor.last_stamp is None:
        return True
    file.seek(cursor.last_start)
    line = file.read(cursor.last_end - cursor.last_start)
    try:
        return parse_line(line.rstrip(b"\n")).stamp == cursor.last_stamp
    except ValueError:
        return False


def read_log(path: Path, cursor: Cursor | None = None) -> LogRead:
    """The records added to ``path`` since ``cursor``; never raises for the file's content."""
    cursor = cursor or Cursor()
    name = path.name
    problems: list[Problem] = []
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size < cursor.offset or not _still_there(file, cursor):
                problems.append(
                    Problem(
                        ProblemKind.REWOUND,
                        f"The change log {name} was rewound or replaced by the sync program; "
                        "it is read again from the start, and nothing already synced is lost.",
                    )
                )
                cursor = Cursor()
            file.seek(cursor.offset)
            data = file.read()
    except FileNotFoundError:
        if cursor.offset:
            problems.append(
                Problem(
                    ProblemKind.MISSING,
                    f"The change log {name} has disappeared from the sync folder; the changes "
                    "already synced from it are kept here.",
                )
            )
        return LogRead([], problems, Cursor())
    except OSError as error:
        problems.append(
            Problem(ProblemKind.UNREADABLE, f"Cannot read {name}: {error.strerror or error}.")
        )
        return LogRead([], problems, cursor)
    records: list[Record] = []
    for start, line in _lines(data, cursor.offset):
        line_number = cursor.lines + 1
        try:
            record = parse_line(line)
        except NewerFormatError as error:
            problems.append(
                Problem(ProblemKind.NEWER_FORMAT, f"{name}, line {line_number}: {error}.")
            )
            break  # this line and the rest wait for an update; the cursor stays before it
        except ValueError as error:
            if line.strip():
                problems.append(
                    Problem(
                        ProblemKind.CORRUPT_LINE,
                        f"{name}, line {line_number}: {error}; the line is skipped.",
                    )
                )
            cursor = replace(cursor, offset=start + len(line) + 1, lines=line_number)
            continue
        records.append(record)
        end = start + len(line) + 1
        cursor = Cursor(end, line_number, start, end, record.stamp)
    return LogRead(records, problems, cursor)
