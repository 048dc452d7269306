"""One device's sync with a sync folder: send what changed here, merge what the others sent.

A sync is four steps, in this order so that a crash at any point loses nothing:

1. The notes changed since the last sync (listed by triggers in ``sync_changes``, deletions
   too, with their time) become change records, stamped by this device's hybrid clock with
   the time they were made, and are appended to this device's log. If the folder cannot
   take them, they wait in the sync state (``sync_state.SyncMeta.unwritten``).
2. The other devices' logs are read from where this device left them (``read_log``) and
   merged by hybrid stamp (``domain.sync.merge``).
3. The merged winners are written to the database in one transaction with their versions,
   every version that lost a conflict kept as a revision of its note
   (``sync_notes.apply_changes``).
4. The sync state is saved (``os.replace``). Had the app stopped before this, the next sync
   reads the same records again, and merging them again changes nothing.

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
from reader_app.domain.sync.clock import HybridClock, Stamp, wall_clock_ms
from reader_app.domain.sync.log import (
    LOG_SUFFIX,
    Cursor,
    Entity,
    LogWriter,
    Record,
    SyncLogError,
    log_path,
    read_log,
)
from reader_app.domain.sync.merge import Key, MergeResult, Version, merge
from reader_app.domain.sync.note_payload import NoteFields, PayloadError, from_payload, to_payload
from reader_app.storage.library import LibraryRepository
from reader_app.storage.sync_cards import (
    apply_cards,
    changed_cards,
    check_card,
    read_cards,
)
from reader_app.storage.sync_glossary import (
    apply_entries,
    apply_positions,
    changed_entries,
    changed_positions,
    check_entry,
    check_position,
    read_entries,
    read_positions,
)
from reader_app.storage.sync_notes import (
    STORED,
    SyncedVersion,
    apply_changes,
    changed_notes,
    fingerprint,
    forget_all,
    read_notes,
    read_versions,
    record_received,
    record_sent,
)
from reader_app.storage.sync_rows import payload_fingerprint
from reader_app.storage.sync_state import (
    Device,
    SyncMeta,
    load_device,
    load_meta,
    renew_device,
    save_meta,
)
from reader_app.storage.sync_texts import (
    apply_texts,
    changed_texts,
    check_payload,
    publish_file,
    read_texts,
    text_fingerprint,
    text_payload,
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
    texts_changed: int = 0  # texts added, corrected or removed here
    cards_changed: int = 0  # review cards added, answered or removed here
    glossary_changed: int = 0  # personal glossary entries added, edited or deleted here
    places_changed: int = 0  # texts moved to where another computer left them
    places_moved: frozenset[str] = frozenset()  # their ids

    @property
    def changed_here(self) -> bool:
        return bool(self.changed_note_ids)


APPLY_CHUNK = 300
"""Notes written per transaction when a sync brings many (a first sync)."""


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


def _millis(stored_time: str) -> int:
    return int(parse_timestamp(stored_time).timestamp() * 1000)


def _is_device_id(name: str) -> bool:
    try:
        Stamp(0, 0, name)
    except ValueError:
        return False
    return True


def read_record(record: Record) -> NoteFields | None:
    """The note a record from another device carries (None: a deletion, or a text);
    raises PayloadError saying in plain words why it cannot be taken."""
    if record.entity is Entity.TEXT:
        reason = None if record.payload is None else check_payload(record.payload)
        if reason:
            raise PayloadError(
                f"A text from another computer ({record.device}.jsonl) could not be read "
                f"({reason}); it is skipped"
            )
        return None
    if record.entity is Entity.REVIEW:
        reason = "a card is never deleted outright" if record.payload is None else None
        reason = reason or check_card(record.entity_id, record.payload or {})
        if reason:
            raise PayloadError(
                f"A review card from another computer ({record.device}.jsonl) could not be "
                f"read ({reason}); it is skipped"
            )
        return None
    if record.entity in (Entity.GLOSSARY, Entity.POSITION):
        what = "glossary entry" if record.entity is Entity.GLOSSARY else "reading position"
        if record.payload is None:
            why: str | None = "it is never deleted outright"
        elif record.entity is Entity.GLOSSARY:
            why = check_entry(record.entity_id, record.payload)
        else:
            why = check_position(record.payload)
        if why:
            raise PayloadError(
                f"A {what} from another computer ({record.device}.jsonl) could not be read "
                f"({why}); it is skipped"
            )
        return None
    if record.entity is not Entity.NOTE:
        raise PayloadError(
            f"{record.device}.jsonl holds a {record.kind} change, which this version skips"
        )
    if record.payload is None:
        return None
    try:
        return from_payload(record.entity_id, record.payload)
    except PayloadError as error:
        raise PayloadError(
            f"A note from another computer ({record.device}.jsonl) could not be read "
            f"({error}); it is skipped, and the version here is kept"
        ) from None


class SyncEngine:
    """Syncs the notes of one database (``connection``) through one sync folder.

    Keeps the sync state and the versions it has read in memory between syncs (the window
    keeps one engine), and on disk after each. ``wall`` is the wall clock (tests run clocks
    minutes apart).
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
        self._meta: SyncMeta | None = None
        self._versions: dict[Key, SyncedVersion | None] = {}  # None: known to have none
        self._writer = LogWriter(sync_dir, self.device.id)
        self._saved_cursors: dict[str, Cursor] = {}
        # Within one sync: the notes read from the logs, and the texts merged.
        self._arrived: dict[tuple[str, Stamp], NoteFields] = {}
        self._texts_merged: tuple[dict[Key, SyncedVersion], list[str]] = ({}, [])
        self._cards_merged: tuple[dict[Key, SyncedVersion], list[str]] = ({}, [])
        self._rows_merged: dict[Entity, tuple[dict[Key, SyncedVersion], list[str]]] = {}

    # -- state -------------------------------------------------------------------------

    def _load_meta(self, problems: list[str]) -> SyncMeta:
        if self._meta is None:
            folder = str(self.sync_dir.expanduser().resolve())
            meta, notice = load_meta(self.data_dir, folder)
            if notice:
                problems.append(notice)
            if meta is None:  # a new sync folder: everything here is sent there anew
                forget_all(self.connection, self._path)
                meta = SyncMeta(folder)
            self._meta = meta
        return self._meta

    def _versions_of(self, keys: set[Key]) -> dict[Key, SyncedVersion]:
        missing = [key for key in keys if key not in self._versions]
        if missing:
            found = read_versions(self.connection, missing, self._path)
            for key in missing:
                self._versions[key] = found.get(key)
        return {key: v for key in keys if (v := self._versions.get(key)) is not None}

    def _own_log_size(self, previous: int) -> int:
        try:
            return log_path(self.sync_dir, self.device.id).stat().st_size
        except FileNotFoundError:
            return 0
        except OSError:
            return previous

    # -- one sync ----------------------------------------------------------------------

    def sync(self) -> SyncOutcome:
        """One whole sync. Raises StorageError only when this device's own database or
        data folder cannot be used; every problem of the sync folder is in ``problems``."""
        problems: list[str] = []
        unavailable = _folder_problem(self.sync_dir)
        if unavailable:
            return SyncOutcome(problems=(unavailable,), folder_available=False)
        meta = self._load_meta(problems)
        if 0 < meta.own_log_size < self._own_log_size(meta.own_log_size):
            meta = self._start_as_new_device(meta, problems)
        # A new writer each time: the log's length is checked against the saved state.
        self._writer = LogWriter(self.sync_dir, self.device.id)
        clock = HybridClock(self.device.id, wall=self._wall, last=meta.last_stamp)
        if meta.own_log_size > self._own_log_size(meta.own_log_size):
            problems.append(
                "This computer's change log in the sync folder is shorter than Study Reader "
                "left it (the sync program rewound, replaced or deleted it). Its changes are "
                "written again."
            )
            self._republish(meta)
        sent, seen = self._send(meta, clock, problems)
        # Texts waiting for their file first: one added here by hand meanwhile takes the
        # details sent for it, rather than sending its file's own as a newer edit.
        texts = self._receive_texts(meta, problems) if meta.waiting_texts else 0
        for send in (self._send_texts, self._send_cards, self._send_glossary, self._send_places):
            more_sent, more_seen = send(meta, clock, problems)
            sent, seen = [*sent, *more_sent], {**seen, **more_seen}
        # The state (with any records the folder refused) is saved before the changes are
        # taken off the database's lists, so a crash between the two sends them again.
        meta.own_log_size = self._own_log_size(meta.own_log_size)
        save_meta(self.data_dir, meta)
        if seen:
            record_sent(self.connection, sent, seen, self._path)
        received, deleted, kept, changed = self._receive(meta, clock, problems)
        texts += self._receive_texts(meta, problems)
        cards = self._receive_cards(problems)
        entries = len(self._receive_rows(Entity.GLOSSARY, meta))
        moved = self._receive_rows(Entity.POSITION, meta)
        places = len(moved)
        if (
            received or deleted or kept or texts or cards or entries or places
            or meta.cursors != self._saved_cursors
        ):  # fmt: skip
            save_meta(self.data_dir, meta)
        self._saved_cursors = dict(meta.cursors)
        return SyncOutcome(
            sent=len(sent),
            received=received,
            deleted=deleted,
            revisions_kept=kept,
            changed_note_ids=frozenset(changed),
            problems=tuple(dict.fromkeys(problems)),
            texts_changed=texts,
            cards_changed=cards,
            glossary_changed=entries,
            places_changed=places,
            places_moved=frozenset(moved),
        )

    def _start_as_new_device(self, meta: SyncMeta, problems: list[str]) -> SyncMeta:
        """This device's log grew while this device did not write to it: a copy of this
        data folder is syncing under the same id. This copy takes a new id and sends all
        its notes again under it; the others recognise the same words and keep no
        duplicate."""
        problems.append(
            "This computer's change log in the sync folder was also written by another "
            "computer (was this data folder copied?). This computer now syncs under a new "
            "identity and sends all its notes again; nothing is lost or doubled."
        )
        self.device = renew_device(self.data_dir)
        forget_all(self.connection, self._path)
        self._versions.clear()
        self._meta = SyncMeta(meta.folder)  # every log is read again, the old id's too
        return self._meta

    def _write(self, meta: SyncMeta, records: list[Record], problems: list[str]) -> None:
        """Append ``records`` after any that waited; what the folder refuses waits on."""
        pending = [*meta.unwritten, *records]
        try:
            self._writer.append(pending)
        except SyncLogError as error:  # unwritable, full, or rewound meanwhile (next time)
            problems.append(f"{error} Changes are kept here and sent when it can be written.")
            meta.unwritten = pending
            return
        meta.unwritten = []

    def _republish(self, meta: SyncMeta) -> None:
        """Append again the current version of everything this device changed last: after
        its log was rewound or deleted, that is what the others may have missed. They
        recognise what they already have by its stamp, so nothing doubles. A version changed
        here since is left out: it goes with the next sync, made from the one it replaced."""
        own = {
            key: synced
            for key, synced in read_versions(self.connection, None, self._path).items()
            if synced.version.record.device == self.device.id
        }
        present = {
            Entity.NOTE: self._own_payloads(Entity.NOTE, [k[1] for k in own]),
            Entity.TEXT: self._own_payloads(Entity.TEXT, [k[1] for k in own]),
            Entity.REVIEW: self._own_payloads(Entity.REVIEW, [k[1] for k in own]),
            Entity.GLOSSARY: self._own_payloads(Entity.GLOSSARY, [k[1] for k in own]),
            Entity.POSITION: self._own_payloads(Entity.POSITION, [k[1] for k in own]),
        }
        records = [*meta.unwritten]
        for key, synced in sorted(own.items(), key=lambda item: item[1].version.record.stamp):
            record = synced.version.record
            if record.deleted:
                records.append(record)
                continue
            payload, printed = present.get(key[0], {}).get(key[1], (None, None))
            if payload is not None and printed == synced.fingerprint:
                records.append(Record(key[0], key[1], record.stamp, payload, record.base))
        try:
            self._writer.append(records)
            meta.unwritten = []
        except SyncLogError:
            meta.unwritten = records

    def _own_payloads(
        self, entity: Entity, ids: list[str]
    ) -> dict[str, tuple[Mapping[str, Any], str]]:
        """The payloads and fingerprints of the rows stored here with these ids."""
        if entity is Entity.NOTE:
            notes = read_notes(self.connection, ids, self._path)
            return {i: (to_payload(n), fingerprint(n)) for i, n in notes.items()}
        if entity is Entity.TEXT:
            found: dict[str, tuple[Mapping[str, Any], str]] = {}
            for text_id, row in read_texts(self.connection, ids, self._path).items():
                file, _ = publish_file(self.data_dir, self.sync_dir, self.device.id, row)
                payload = text_payload(row, file)
                found[text_id] = (payload, text_fingerprint(payload))
            return found
        if entity is Entity.GLOSSARY or entity is Entity.POSITION:
            read = read_entries if entity is Entity.GLOSSARY else read_positions
            rows = read(self.connection, ids, self._path)
            return {i: (row, payload_fingerprint(row)) for i, row in rows.items()}
        cards = read_cards(self.connection, ids, self._path)
        return {i: (dict(row), payload_fingerprint(row)) for i, row in cards.items()}

    def _stamp(
        self,
        key: Key,
        current: SyncedVersion | None,
        payload: Mapping[str, Any] | None,
        printed: str | None,
        made: int,
        clock: HybridClock,
    ) -> tuple[Record, SyncedVersion]:
        """The record of a local change to ``key``, made from ``current``, and the version
        it becomes."""
        base = None if current is None else current.version.record.stamp
        record = Record(key[0], key[1], clock.now(made), payload, base)
        settled = frozenset() if current is None else current.version.settled
        if base is not None:
            settled |= {base}
        synced = SyncedVersion(Version(record, settled), printed)
        self._versions[key] = synced
        return record, synced

    def _send(
        self, meta: SyncMeta, clock: HybridClock, problems: list[str]
    ) -> tuple[list[tuple[Key, SyncedVersion]], dict[Key, str]]:
        """Step 1: records for the notes changed here, appended to this device's log.
        Returns the new versions and the changes they cover, to record once the sync state
        is saved."""
        seen = changed_notes(self.connection, self._path)
        if not seen:
            self._write(meta, [], problems)
            return [], {}
        notes = read_notes(self.connection, list(seen), self._path)
        versions = self._versions_of({(Entity.NOTE, note_id) for note_id in seen})
        # Oldest first, each stamped with when it was made, so that the later of two edits
        # wins however late each device syncs; a deletion is dated by its trigger.
        order = sorted(seen, key=lambda i: notes[i].updated if i in notes else seen[i])
        records: list[Record] = []
        payload: Mapping[str, Any] | None
        sent: list[tuple[Key, SyncedVersion]] = []
        for note_id in order:
            key = (Entity.NOTE, note_id)
            current = versions.get(key)
            note = notes.get(note_id)
            if note is None:
                if current is None or current.version.deleted:
                    continue  # never synced, or its deletion already went out
                payload, made, printed = None, _millis(seen[note_id]), None
            else:
                printed = fingerprint(note)
                unchanged = current is not None and current.fingerprint == printed
                if unchanged and current is not None and not current.version.deleted:
                    continue  # written by a sync, or changed and changed back
                payload, made = to_payload(note), _millis(note.updated)
            record, synced = self._stamp(key, current, payload, printed, made, clock)
            sent.append((key, synced))  # stored by ``record_sent``
            records.append(record)
        if records:
            meta.last_stamp = records[-1].stamp
        self._write(meta, records, problems)
        return sent, {(Entity.NOTE, note_id): changed for note_id, changed in seen.items()}

    def _send_texts(
        self, meta: SyncMeta, clock: HybridClock, problems: list[str]
    ) -> tuple[list[tuple[Key, SyncedVersion]], dict[Key, str]]:
        """Step 1 for the library: texts added, corrected or removed here, with their files."""
        seen = changed_texts(self.connection, self._path)
        rows = read_texts(self.connection, list(seen), self._path) if seen else {}

        def payload_of(row: Mapping[str, Any]) -> Mapping[str, Any]:
            file, problem = publish_file(self.data_dir, self.sync_dir, self.device.id, row)
            if problem:
                problems.append(problem)
            return text_payload(row, file)

        return self._send_rows(
            Entity.TEXT, seen, rows, payload_of, text_fingerprint, meta, clock, problems
        )

    def _send_cards(
        self, meta: SyncMeta, clock: HybridClock, problems: list[str]
    ) -> tuple[list[tuple[Key, SyncedVersion]], dict[Key, str]]:
        """Step 1 for review: cards added, answered or removed here."""
        seen = changed_cards(self.connection, self._path)
        rows = read_cards(self.connection, list(seen), self._path) if seen else {}
        return self._send_rows(
            Entity.REVIEW, seen, rows, dict, payload_fingerprint, meta, clock, problems
        )

    def _send_glossary(
        self, meta: SyncMeta, clock: HybridClock, problems: list[str]
    ) -> tuple[list[tuple[Key, SyncedVersion]], dict[Key, str]]:
        """Step 1 for the personal glossary: entries added, edited or deleted here."""
        seen = changed_entries(self.connection, self._path)
        rows = read_entries(self.connection, list(seen), self._path) if seen else {}
        # Dated by the entry's own time: an edit made at 10:00 and synced at 11:00 loses to
        # one made at 10:30 elsewhere (this device's clock still never goes back).
        return self._send_rows(
            Entity.GLOSSARY, seen, rows, dict, payload_fingerprint, meta, clock, problems,
            made_of=lambda row: str(row["modified"]),
        )  # fmt: skip

    def _send_places(
        self, meta: SyncMeta, clock: HybridClock, problems: list[str]
    ) -> tuple[list[tuple[Key, SyncedVersion]], dict[Key, str]]:
        """Step 1 for reading positions: texts whose place moved here."""
        seen = changed_positions(self.connection, self._path)
        rows = read_positions(self.connection, list(seen), self._path) if seen else {}
        return self._send_rows(
            Entity.POSITION, seen, rows, dict, payload_fingerprint, meta, clock, problems
        )

    def _send_rows(
        self,
        entity: Entity,
        seen: dict[str, str],
        rows: Mapping[str, Mapping[str, Any]],
        payload_of: Callable[[Mapping[str, Any]], Mapping[str, Any]],
        fingerprint_of: Callable[[Mapping[str, Any]], str],
        meta: SyncMeta,
        clock: HybridClock,
        problems: list[str],
        made_of: Callable[[Mapping[str, Any]], str] | None = None,
    ) -> tuple[list[tuple[Key, SyncedVersion]], dict[Key, str]]:
        """Records for the rows of ``entity`` changed here (a missing row: removed), dated
        when they changed (by ``made_of`` of the row, or when the trigger listed them),
        appended to this device's log."""
        if not seen:
            return [], {}
        versions = self._versions_of({(entity, entity_id) for entity_id in seen})
        records: list[Record] = []
        sent: list[tuple[Key, SyncedVersion]] = []
        payload: Mapping[str, Any] | None

        def made(entity_id: str) -> str:
            row = rows.get(entity_id)
            return seen[entity_id] if made_of is None or row is None else made_of(row)

        for entity_id in sorted(seen, key=made):
            key = (entity, entity_id)
            current, row = versions.get(key), rows.get(entity_id)
            if row is None:
                if current is None or current.version.deleted:
                    continue  # never sent, or its removal already went out
                payload, printed = None, None
            else:
                payload = payload_of(row)
                printed = fingerprint_of(payload)
                if current is not None and current.fingerprint == printed:
                    continue  # as it came from another computer
            record, synced = self._stamp(
                key, current, payload, printed, _millis(made(entity_id)), clock
            )
            sent.append((key, synced))
            records.append(record)
        if records:
            meta.last_stamp = records[-1].stamp
        self._write(meta, records, problems)
        return sent, {(entity, entity_id): changed for entity_id, changed in seen.items()}

    def _receive(
        self, meta: SyncMeta, clock: HybridClock, problems: list[str]
    ) -> tuple[int, int, int, list[str]]:
        """Steps 2 and 3: read the others' logs, merge, and write what changed."""
        self._arrived = {}
        self._texts_merged = ({}, [])
        self._cards_merged = ({}, [])
        self._rows_merged = {}
        incoming = self._read_logs(meta, problems)
        if not incoming:
            return 0, 0, 0, []
        latest = max(record.stamp for record in incoming)
        clock.receive(latest)
        meta.last_stamp = max(latest, meta.last_stamp) if meta.last_stamp else latest
        keys = {(record.entity, record.entity_id) for record in incoming}
        before = self._versions_of(keys)
        result = merge({key: s.version for key, s in before.items()}, incoming)
        versions = {
            key: SyncedVersion(
                result.state[key], before[key].fingerprint if key in before else None
            )
            for key in keys
        }
        self._texts_merged = (
            {key: v for key, v in versions.items() if key[0] is Entity.TEXT},
            [r.entity_id for r in result.applied if r.entity is Entity.TEXT],
        )
        self._cards_merged = (
            {key: v for key, v in versions.items() if key[0] is Entity.REVIEW},
            [r.entity_id for r in result.applied if r.entity is Entity.REVIEW],
        )
        for entity in (Entity.GLOSSARY, Entity.POSITION):
            self._rows_merged[entity] = (
                {key: v for key, v in versions.items() if key[0] is entity},
                [r.entity_id for r in result.applied if r.entity is entity],
            )
        return self._apply_notes(
            result, versions, {k for k in keys if k[0] is Entity.NOTE}, problems
        )

    def _apply_notes(
        self,
        result: MergeResult,
        versions: dict[Key, SyncedVersion],
        keys: set[Key],
        problems: list[str],
    ) -> tuple[int, int, int, list[str]]:
        """Step 3 for notes: the merged winners and losers written, a few hundred at a time."""
        touched = dict.fromkeys(r.entity_id for r in result.applied if r.entity is Entity.NOTE)
        winners: dict[str, NoteFields | str] = {}
        for note_id in touched:
            record = result.state[(Entity.NOTE, note_id)].record
            winners[note_id] = (
                note_id if record.payload is None else self._arrived[(note_id, record.stamp)]
            )
        totals = [0, 0, 0]
        changed: list[str] = []
        skipped = False
        ids = sorted(key[1] for key in keys)
        # Written a few hundred notes at a time, so that the window's own saves never wait
        # long for the database; each part is whole, with its versions.
        # Each note's part found once: filtering every version per part grew as parts times
        # notes (a tenth of a second at 10,000 notes).
        part_of = {note_id: index // APPLY_CHUNK for index, note_id in enumerate(ids)}
        parts = range(len(ids) // APPLY_CHUNK + 1)
        versions_by_part: list[dict[Key, SyncedVersion]] = [{} for _ in parts]
        for key, version in versions.items():
            if key[0] is Entity.NOTE:
                versions_by_part[part_of[key[1]]][key] = version
        winners_by_part: list[list[NoteFields | str]] = [[] for _ in parts]
        for note_id, winner in winners.items():
            winners_by_part[part_of[note_id]].append(winner)
        losers_by_part: list[list[Record]] = [[] for _ in parts]
        for record in result.revisions:
            if record.entity is Entity.NOTE:
                losers_by_part[part_of[record.entity_id]].append(record)
        for part in parts:
            if not versions_by_part[part] and not winners_by_part[part]:
                continue
            part_versions = versions_by_part[part]
            applied = apply_changes(
                self.connection,
                winners_by_part[part],
                self._losers(losers_by_part[part]),
                part_versions,  # given the fingerprints of what is written
                self._path,
            )
            self._versions.update(part_versions)
            totals[0] += len(applied.written)
            totals[1] += len(applied.deleted)
            totals[2] += applied.revisions_kept
            changed += [*applied.written, *applied.deleted]
            skipped = skipped or bool(applied.skipped)
        if skipped:
            problems.append(
                "A note changed here while syncing; the other computer's version is kept in "
                "its history, and this one is sent next time."
            )
        return totals[0], totals[1], totals[2], changed

    def _receive_texts(self, meta: SyncMeta, problems: list[str]) -> int:
        """Step 3 for the library: add, correct or remove texts as the others did, and try
        again the texts whose file had not arrived."""
        versions, applied = self._texts_merged
        winners: dict[str, Mapping[str, Any] | None] = {
            text_id: versions[(Entity.TEXT, text_id)].version.payload for text_id in applied
        }
        retry = {i: p for i, p in meta.waiting_texts.items() if i not in winners}
        if not winners and not retry:
            return 0
        library = LibraryRepository(self.connection, self.data_dir, path=self._path)
        done = apply_texts(library, self.sync_dir, {**retry, **winners})
        problems.extend(done.problems)
        problems.extend(
            f"“{payload['title']}” was added on another computer; its file is not in the "
            "sync folder (not synced yet, or too large), so it is added here when it comes."
            for text_id, payload in done.waiting.items()
            if text_id not in meta.waiting_texts
        )
        meta.waiting_texts = done.waiting
        self._texts_merged = ({}, [])
        written = [*done.added, *done.changed, *done.removed]
        taken = [*written, *done.matched]
        known = self._versions_of({(Entity.TEXT, i) for i in taken} - set(versions))
        for text_id in taken:
            key = (Entity.TEXT, text_id)
            payload = winners.get(text_id, retry.get(text_id))
            printed = None if payload is None else text_fingerprint(payload)
            version = versions[key].version if key in versions else known[key].version
            versions[key] = SyncedVersion(version, printed)
        record_received(
            self.connection,
            list(versions.items()),
            [(Entity.TEXT, text_id) for text_id in taken],
            self._path,
        )
        self._versions.update(versions)
        return len(written)

    def _receive_cards(self, problems: list[str]) -> int:
        """Step 3 for review: cards as the others left them (the last answered wins)."""
        versions, applied = self._cards_merged
        winners = {
            card_id: payload
            for card_id in applied
            if (payload := versions[(Entity.REVIEW, card_id)].version.payload) is not None
        }
        if not winners:
            return 0
        written = apply_cards(self.connection, winners, self._path)
        for card_id in written:
            key = (Entity.REVIEW, card_id)
            versions[key] = SyncedVersion(
                versions[key].version, payload_fingerprint(winners[card_id])
            )
        record_received(self.connection, list(versions.items()), [], self._path)
        self._versions.update(versions)
        self._cards_merged = ({}, [])
        return len(written)

    def _receive_rows(self, entity: Entity, meta: SyncMeta) -> list[str]:
        """Step 3 for glossary entries and reading positions: as the others left them (the
        later edit wins). A place for a text not here yet waits in the sync state, and is
        tried again each sync until the text comes. Returns the ids written."""
        versions, applied = self._rows_merged.pop(entity, ({}, []))
        winners = {
            entity_id: dict(payload)
            for entity_id in applied
            if (payload := versions[(entity, entity_id)].version.payload) is not None
        }
        if entity is Entity.POSITION:
            retry = {i: p for i, p in meta.waiting_places.items() if i not in winners}
            if not winners and not retry:
                return []
            moved, meta.waiting_places = apply_positions(
                self.connection, {**retry, **winners}, self._path
            )
            written = [i for i in moved if i in winners]  # a retried one has its version
            changed = moved
        elif winners:
            written = apply_entries(self.connection, winners, self._path)
            changed = written
        else:
            return []
        for entity_id in written:
            key = (entity, entity_id)
            versions[key] = SyncedVersion(
                versions[key].version, payload_fingerprint(winners[entity_id])
            )
        if versions:
            record_received(self.connection, list(versions.items()), [], self._path)
            self._versions.update(versions)
        return changed

    def _read_logs(self, meta: SyncMeta, problems: list[str]) -> list[Record]:
        try:
            logs = sorted(self.sync_dir.glob(f"*{LOG_SUFFIX}"))
        except OSError as error:
            problems.append(f"Sync folder unavailable: {error.strerror or error}.")
            return []
        present = {path.stem for path in logs}
        for device in sorted(set(meta.cursors) - present):
            gone = read_log(self.sync_dir / f"{device}{LOG_SUFFIX}", meta.cursors.pop(device))
            problems.extend(problem.message for problem in gone.problems)
        incoming: list[Record] = []
        for path in logs:
            device = path.stem
            if device == self.device.id or not _is_device_id(device):
                continue
            read = read_log(path, meta.cursors.get(device))
            meta.cursors[device] = read.cursor
            problems.extend(problem.message for problem in read.problems)
            for record in read.records:
                try:
                    fields = read_record(record)
                except PayloadError as error:
                    problems.append(f"{error}.")
                    continue
                incoming.append(record)
                if fields is not None:
                    self._arrived[(record.entity_id, record.stamp)] = fields
        return incoming

    def _losers(self, revisions: list[Record]) -> list[tuple[NoteFields, RevisionOrigin]]:
        """The versions that lost a conflict, with their words, to keep as revisions."""
        losers: list[tuple[NoteFields, RevisionOrigin]] = []
        stored_here = [r.entity_id for r in revisions if r.payload is STORED]
        notes = read_notes(self.connection, stored_here, self._path) if stored_here else {}
        for record in revisions:
            if record.payload is None:
                continue
            if record.payload is STORED:  # the version stored here lost
                if record.entity_id in notes:
                    losers.append((notes[record.entity_id], RevisionOrigin.LOCAL))
                continue
            origin = (
                RevisionOrigin.LOCAL if record.device == self.device.id else RevisionOrigin.IMPORT
            )
            arrived = self._arrived.get((record.entity_id, record.stamp))
            # One of this sync's records, or, rarely, an older one arriving again late.
            losers.append((arrived or from_payload(record.entity_id, record.payload), origin))
        return losers
