"""One device's sync with a sync folder: send what changed here, merge what the others sent.

A sync is four steps, in this order so that a crash at any point loses nothing:

1. Compare every note in the database with the fingerprint it had when last synced (kept in
   ``sync_state``): a new or changed note becomes a change record, a note that is gone a
   deletion (the notes store deletes rows outright, so this comparison is how deletions are
   found). The records go into this device's log (``domain.sync.replica``).
2. Read what the other devices' logs gained since last time and merge it by hybrid stamp.
3. Write the merged winners to the database in one transaction, keeping every version that
   lost a conflict as a revision of its note (``sync_notes.apply_changes``).
4. Save the state (``os.replace``). Had the app stopped before this, the next sync reads the
   same records again, and merging them again changes nothing.

Nothing here imports Qt; the window runs ``SyncEngine.sync`` on a worker thread with its own
database connection, the command line once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader_app.domain.notes import RevisionOrigin, parse_timestamp
from reader_app.domain.sync.clock import HybridClock, wall_clock_ms
from reader_app.domain.sync.log import (
    Entity,
    Record,
    SyncLogError,
    log_path,
)
from reader_app.domain.sync.note_payload import NoteFields, PayloadError, from_payload, to_payload
from reader_app.domain.sync.replica import Replica
from reader_app.storage.sync_notes import apply_changes, fingerprint, read_notes
from reader_app.storage.sync_state import (
    PLACEHOLDER,
    Device,
    SyncState,
    load_device,
    load_state,
    save_state,
)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """What one sync did, in numbers, and every problem in plain words."""

    sent: int = 0
    received: int = 0
    deleted: int = 0
    revisions_kept: int = 0
    changed_note_ids: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()
    folder_available: bool = True

    @property
    def changed_here(self) -> bool:
        return bool(self.changed_note_ids)


def _folder_problem(folder: Path) -> str | None:
    try:
        if folder.is_dir():
            return None
    except OSError as error:
        return f"Sync folder unavailable: {error.strerror or error}."
    return (
        f"Sync folder unavailable: {folder} is not there (unplugged, moved or not yet "
        "synced?). Changes are kept here and sent when it is back."
    )


class _NotesReplica(Replica):
    """A replica whose stored versions hold no words: republishing takes them from the
    database (``payload_of``)."""

    payload_of: Callable[[str], Mapping[str, Any] | None]

    def refusal(self, record: Record) -> str | None:
        if record.entity is not Entity.NOTE or record.payload is None:
            return None
        try:
            from_payload(record.entity_id, record.payload)
        except PayloadError as error:
            return (
                f"A note from another computer ({record.device}.jsonl) could not be read "
                f"({error}); it is skipped, and the version here is kept."
            )
        return None

    def republish(self) -> None:
        own: list[Record] = []
        for version in self.state.values():
            record = version.record
            if record.device != self.device:
                continue
            if record.payload is PLACEHOLDER:
                payload = self.payload_of(record.entity_id)
                if payload is None:
                    continue  # deleted here since; step 1 of the next sync sends that
                record = Record(record.entity, record.entity_id, record.stamp, payload, record.base)
            own.append(record)
        self.writer.append(sorted(own, key=lambda record: record.stamp))


class SyncEngine:
    """Syncs the notes of one database (``connection``) through one sync folder.

    Keeps its state in memory between syncs and on disk after each; ``wall`` is the wall
    clock (tests run clocks minutes apart).
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        data_dir: Path,
        sync_dir: Path,
        *,
        wall: Callable[[], int] = wall_clock_ms,
        database_path: Path | None = None,
    ) -> None:
        self.connection = connection
        self.data_dir = data_dir
        self.sync_dir = sync_dir
        self.device: Device = load_device(data_dir)
        self._wall = wall
        self._path = database_path
        self._state: SyncState | None = None
        self._notices: list[str] = []

    def _folder_key(self) -> str:
        return str(self.sync_dir.expanduser().resolve())

    def _load(self) -> SyncState:
        if self._state is None:
            self._state, notice = load_state(self.data_dir, self._folder_key())
            if notice:
                self._notices.append(notice)
        return self._state

    def sync(self) -> SyncOutcome:
        """One whole sync. Raises StorageError only when this device's own database or
        data folder cannot be used; every problem of the sync folder is in ``problems``."""
        problems, self._notices = self._notices, []
        unavailable = _folder_problem(self.sync_dir)
        if unavailable:
            return SyncOutcome(problems=(*problems, unavailable), folder_available=False)
        state = self._load()
        notes = read_notes(self.connection, self._path)
        replica = _NotesReplica(self.sync_dir, self.device.id, cursors=state.cursors)
        replica.state = dict(state.versions)
        # The clock resumes from the last stamp it knows, not from now, so that an edit made
        # before this sync is stamped with its own time (see ``_send``).
        last = max((v.record.stamp for v in state.versions.values()), default=None)
        replica.clock = HybridClock(self.device.id, wall=self._wall, last=last)
        replica.payload_of = lambda note_id: (
            to_payload(notes[note_id]) if note_id in notes else None
        )
        replica.unwritten = list(state.unwritten)
        self._check_own_log(replica, state, problems)
        sent = self._send(replica, state, notes, problems)
        report = replica.sync()
        problems.extend(problem.message for problem in report.problems)
        outcome = self._apply(replica, state, notes, report.applied, report.revisions, problems)
        state.versions = replica.state
        state.cursors = replica.cursors
        state.unwritten = replica.unwritten
        state.own_log_size = self._own_log_size(state.own_log_size)
        save_state(self.data_dir, state)
        return SyncOutcome(
            sent=sent,
            received=outcome[0],
            deleted=outcome[1],
            revisions_kept=outcome[2],
            changed_note_ids=frozenset(outcome[3]),
            problems=tuple(dict.fromkeys(problems)),
        )

    def _own_log_size(self, previous: int) -> int:
        try:
            return log_path(self.sync_dir, self.device.id).stat().st_size
        except FileNotFoundError:
            return 0
        except OSError:
            return previous

    def _check_own_log(self, replica: Replica, state: SyncState, problems: list[str]) -> None:
        """A log shorter than this device left it (rewound, replaced or deleted by the sync
        program, while the app was closed): write everything this device changed again."""
        if state.own_log_size <= self._own_log_size(state.own_log_size):
            return
        problems.append(
            "This computer's change log in the sync folder is shorter than Study Reader "
            "left it (the sync program rewound, replaced or deleted it). Its changes are "
            "written again."
        )
        try:
            replica.republish()
        except SyncLogError as error:
            problems.append(str(error))

    def _send(
        self,
        replica: Replica,
        state: SyncState,
        notes: dict[str, NoteFields],
        problems: list[str],
    ) -> int:
        changes: list[tuple[int | None, Entity, str, Mapping[str, Any] | None]] = []
        printed: dict[str, str] = {}
        for note_id, note in notes.items():
            digest = fingerprint(note)
            version = replica.state.get((Entity.NOTE, note_id))
            if version is None or version.deleted or state.fingerprints.get(note_id) != digest:
                # Stamped with when it was made, not when this sync noticed it, so that the
                # later of two edits wins however late each device syncs.
                made = int(parse_timestamp(note.updated).timestamp() * 1000)
                changes.append((made, Entity.NOTE, note_id, to_payload(note)))
                printed[note_id] = digest
        for (entity, note_id), version in replica.state.items():
            if entity is Entity.NOTE and not version.deleted and note_id not in notes:
                changes.append((None, Entity.NOTE, note_id, None))  # deleted: dated now
        if not changes:
            return 0
        changes.sort(key=lambda change: (change[0] is None, change[0] or 0))
        try:
            replica.change_many(
                [(entity, note_id, payload) for _, entity, note_id, payload in changes],
                [made for made, *_ in changes],
            )
        except SyncLogError as error:
            problems.append(str(error))  # the records wait in ``unwritten``
        state.fingerprints.update(printed)
        for _made, _entity, note_id, payload in changes:
            if payload is None:
                state.fingerprints.pop(note_id, None)
        return len(changes)

    @staticmethod
    def _winners(replica: Replica, applied: list[Record]) -> list[NoteFields | str]:
        """Each note a sync changed, as it now is: its fields, or its id if deleted."""
        touched = dict.fromkeys(r.entity_id for r in applied if r.entity is Entity.NOTE)
        winners: list[NoteFields | str] = []
        for note_id in touched:
            record = replica.state[(Entity.NOTE, note_id)].record
            if record.payload is None:
                winners.append(note_id)
                continue
            winners.append(from_payload(note_id, record.payload))  # checked by ``refusal``
        return winners

    def _losers(
        self, notes: dict[str, NoteFields], revisions: list[Record]
    ) -> list[tuple[NoteFields, RevisionOrigin]]:
        """The versions that lost a conflict, with their words, to keep as revisions."""
        losers: list[tuple[NoteFields, RevisionOrigin]] = []
        for record in revisions:
            if record.entity is not Entity.NOTE or record.payload is None:
                continue
            if record.payload is PLACEHOLDER:  # the version stored here lost
                if record.entity_id in notes:
                    losers.append((notes[record.entity_id], RevisionOrigin.LOCAL))
                continue
            origin = (
                RevisionOrigin.LOCAL if record.device == self.device.id else RevisionOrigin.IMPORT
            )
            losers.append((from_payload(record.entity_id, record.payload), origin))
        return losers

    def _apply(
        self,
        replica: Replica,
        state: SyncState,
        notes: dict[str, NoteFields],
        applied: list[Record],
        revisions: list[Record],
        problems: list[str],
    ) -> tuple[int, int, int, list[str]]:
        winners = self._winners(replica, applied)
        losers = self._losers(notes, revisions)
        if not winners and not losers:
            return 0, 0, 0, []
        expected = {
            note_id: fingerprint(notes[note_id]) if note_id in notes else None
            for note_id in (w if isinstance(w, str) else w.id for w in winners)
        }
        result = apply_changes(self.connection, expected, winners, losers, self._path)
        for winner in winners:
            if isinstance(winner, str):
                if winner not in result.skipped:
                    state.fingerprints.pop(winner, None)
            elif winner.id not in result.skipped:
                state.fingerprints[winner.id] = fingerprint(winner)
        changed = [*result.written, *result.deleted]
        return len(result.written), len(result.deleted), result.revisions_kept, changed
