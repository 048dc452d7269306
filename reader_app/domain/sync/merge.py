"""Merging change records into local state: pure functions, no files, no database.

The rules (issue 16): by entity and id; the newer hybrid stamp wins, whether it is an edit
or a deletion; the version that loses a *conflict* is handed back as a revision to keep.

A conflict is two versions neither of which was made from the other. Each record names its
``base``, the version its device changed; each entity remembers the stamps it has already
settled (replaced knowingly, or set aside as a revision). So an update made from the current
version replaces it silently, an old version arriving late is recognised as already
handled, and only a genuinely concurrent version becomes a revision. Because the winner is
always the record with the largest stamp, devices that have seen the same records agree,
in whatever order they saw them, and applying records again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reader_app.domain.sync.clock import Stamp
from reader_app.domain.sync.log import Entity, Record

Key = tuple[Entity, str]


@dataclass(frozen=True, slots=True)
class Version:
    """The current version of one entity, and the stamps it has already settled.

    Two versions are equal when their records are: ``settled`` is this device's bookkeeping
    of what it has seen, which differs between devices holding the same notes.
    """

    record: Record
    settled: frozenset[Stamp] = field(default=frozenset(), compare=False)

    @property
    def payload(self) -> Mapping[str, Any] | None:
        return self.record.payload

    @property
    def deleted(self) -> bool:
        return self.record.deleted

    def knows(self, stamp: Stamp) -> bool:
        return stamp == self.record.stamp or stamp in self.settled


State = Mapping[Key, Version]


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The new state; the records that changed it (for the local store to apply, in
    order); and the losing versions of conflicts, which the caller keeps as history."""

    state: dict[Key, Version]
    applied: list[Record] = field(default_factory=list)
    revisions: list[Record] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied or self.revisions)


def merge(state: State, incoming: Iterable[Record]) -> MergeResult:
    """``state`` with ``incoming`` merged in; ``state`` itself is not changed."""
    merged = dict(state)
    applied: list[Record] = []
    revisions: list[Record] = []
    for record in incoming:
        key = (record.entity, record.entity_id)
        current = merged.get(key)
        if current is None:
            settled = frozenset() if record.base is None else frozenset({record.base})
            merged[key] = Version(record, settled)
            applied.append(record)
            continue
        if current.knows(record.stamp):
            continue  # this very record, or one already replaced or kept
        settled = current.settled | {current.record.stamp, record.stamp}
        if record.base is not None:
            settled |= {record.base}
        if record.stamp > current.record.stamp:
            if not current.deleted and record.base != current.record.stamp:
                revisions.append(current.record)  # concurrent: it lost, keep it
            merged[key] = Version(record, settled)
            applied.append(record)
        else:
            if not record.deleted:
                revisions.append(record)  # an older concurrent version: keep it
            merged[key] = Version(current.record, settled)
    return MergeResult(merged, applied, revisions)


def state_of(records: Iterable[Record]) -> dict[Key, Version]:
    """The state a device reaches from nothing by applying ``records``."""
    return merge({}, records).state
