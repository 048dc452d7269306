"""One device's side of a sync folder: its clock, its log, how far it has read the others'
logs, and the merged state. The wiring keeps these in the data folder and applies what a
sync returns to the notes store; this class does the rest and touches nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader_app.domain.sync.clock import ClockError, HybridClock, Stamp, wall_clock_ms
from reader_app.domain.sync.log import (
    LOG_SUFFIX,
    Cursor,
    Entity,
    LogRewoundError,
    LogWriter,
    Problem,
    ProblemKind,
    Record,
    SyncLogError,
    read_log,
)
from reader_app.domain.sync.merge import Key, Version, merge


@dataclass(frozen=True, slots=True)
class SyncReport:
    applied: list[Record] = field(default_factory=list)
    revisions: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _is_device_id(name: str) -> bool:
    try:
        Stamp(0, 0, name)
    except ClockError:
        return False
    return True


class Replica:
    """A device: ``change`` records a local edit or deletion, ``sync`` merges the others."""

    def __init__(
        self,
        folder: Path,
        device: str,
        *,
        wall: Callable[[], int] = wall_clock_ms,
        state: Mapping[Key, Version] | None = None,
        cursors: Mapping[str, Cursor] | None = None,
    ) -> None:
        self.folder = folder
        self.device = device
        self.clock = HybridClock(device, wall=wall)
        self.writer = LogWriter(folder, device)
        self.state: dict[Key, Version] = dict(state or {})
        self.cursors: dict[str, Cursor] = dict(cursors or {})
        self.unwritten: list[Record] = []  # local changes the sync folder did not take yet
        self._notices: list[Problem] = []
        for version in self.state.values():
            self.clock.receive(version.record.stamp)

    def change(self, entity: Entity, entity_id: str, payload: Mapping[str, Any] | None) -> Record:
        """Record a local change (``payload`` None deletes), made from the current version.

        The change is part of the state at once; if the sync folder cannot take it, it waits
        in ``unwritten`` for the next ``change`` or ``sync``, and SyncLogError says why.
        """
        return self.change_many([(entity, entity_id, payload)])[0]

    def change_many(
        self, changes: Iterable[tuple[Entity, str, Mapping[str, Any] | None]]
    ) -> list[Record]:
        """Several local changes in one write (one fsync), for example a whole library's
        notes when sync is first switched on."""
        records: list[Record] = []
        made_now: dict[tuple[Entity, str], Stamp] = {}  # a batch may change one id twice
        for entity, entity_id, payload in changes:
            current = self.state.get((entity, entity_id))
            base = made_now.get((entity, entity_id))
            if base is None and current is not None:
                base = current.record.stamp
            record = Record(entity, entity_id, self.clock.now(), payload, base)
            made_now[(entity, entity_id)] = record.stamp
            records.append(record)
        self.state = merge(self.state, records).state
        self.unwritten.extend(records)
        self._write_pending()
        return records

    def _write_pending(self) -> None:
        try:
            self.writer.append(self.unwritten)
        except LogRewoundError as error:
            self._notices.append(Problem(ProblemKind.REWOUND, str(error)))
            self.republish()
        self.unwritten = []

    def republish(self) -> None:
        """Append again the current version of everything this device changed last: after
        its log was rewound or deleted, that is what the others may have missed. They
        recognise what they already have by its stamp, so nothing doubles."""
        own = [v.record for v in self.state.values() if v.record.device == self.device]
        self.writer.append(sorted(own, key=lambda record: record.stamp))

    def sync(self) -> SyncReport:
        """Read what the other devices added since last time and merge it in."""
        report = SyncReport(problems=self._notices)
        self._notices = []
        try:
            self._write_pending()
        except SyncLogError as error:
            report.problems.append(Problem(ProblemKind.UNWRITABLE, str(error)))
        try:
            logs = sorted(self.folder.glob(f"*{LOG_SUFFIX}"))
        except OSError as error:
            message = f"Sync folder unavailable: {error.strerror or error}."
            report.problems.append(Problem(ProblemKind.UNREADABLE, message))
            return report
        present = {path.stem for path in logs}
        for device in sorted(set(self.cursors) - present):
            path = self.folder / f"{device}{LOG_SUFFIX}"
            report.problems.extend(read_log(path, self.cursors.pop(device)).problems)
        for path in logs:
            device = path.stem
            if device == self.device or not _is_device_id(device):
                continue
            read = read_log(path, self.cursors.get(device))
            self.cursors[device] = read.cursor
            report.problems.extend(read.problems)
            if not read.records:
                continue
            self.clock.receive(max(record.stamp for record in read.records))
            result = merge(self.state, read.records)
            self.state = result.state
            report.applied.extend(result.applied)
            report.revisions.extend(result.revisions)
        return report
