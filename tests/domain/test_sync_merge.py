"""The merge rules as pure functions: newest stamp wins, deletions included, the loser of a
conflict comes back as a revision, and applying records again changes nothing."""

from __future__ import annotations

from reader_app.domain.sync.clock import Stamp
from reader_app.domain.sync.log import Entity, Record
from reader_app.domain.sync.merge import merge, state_of

ID = "note-1"


def edit(ms: int, device: str, body: str, base: Record | None = None) -> Record:
    return Record(Entity.NOTE, ID, Stamp(ms, 0, device), {"body": body}, _base(base))


def delete(ms: int, device: str, base: Record | None) -> Record:
    return Record(Entity.NOTE, ID, Stamp(ms, 0, device), None, _base(base))


def _base(record: Record | None) -> Stamp | None:
    return record.stamp if record is not None else None


def current(records: list[Record]) -> Record:
    return state_of(records)[(Entity.NOTE, ID)].record


def test_an_update_made_from_the_current_version_replaces_it_without_a_revision() -> None:
    first = edit(1, "a", "one")
    second = edit(2, "b", "two", base=first)
    result = merge(state_of([first]), [second])
    assert result.state[(Entity.NOTE, ID)].record == second
    assert result.applied == [second] and result.revisions == []


def test_concurrent_edits_the_newer_wins_and_the_older_is_returned_as_a_revision() -> None:
    origin = edit(1, "a", "one")
    on_a, on_b = edit(5, "a", "from a", origin), edit(6, "b", "from b", origin)
    here = merge(state_of([origin, on_a]), [on_b])  # a receives b's newer edit
    there = merge(state_of([origin, on_b]), [on_a])  # b receives a's older edit
    assert here.state == there.state
    assert current([origin, on_a, on_b]) == on_b
    assert here.revisions == [on_a] and there.revisions == [on_a]
    assert there.applied == []


def test_a_deletion_wins_over_an_older_edit_and_the_edit_is_kept() -> None:
    origin = edit(1, "a", "one")
    edited, deleted = edit(5, "a", "edited", origin), delete(6, "b", origin)
    for order in ([edited, deleted], [deleted, edited]):
        result = merge(state_of([origin]), order)
        assert result.state[(Entity.NOTE, ID)].deleted
        assert result.revisions == [edited]


def test_a_deletion_loses_to_a_newer_edit() -> None:
    origin = edit(1, "a", "one")
    deleted, edited = delete(5, "b", origin), edit(6, "a", "edited", origin)
    for order in ([edited, deleted], [deleted, edited]):
        result = merge(state_of([origin]), order)
        assert result.state[(Entity.NOTE, ID)].record == edited
        assert result.revisions == []  # a tombstone has no words to keep


def test_applying_the_same_records_twice_changes_nothing() -> None:
    origin = edit(1, "a", "one")
    records = [origin, edit(5, "a", "x", origin), edit(6, "b", "y", origin), delete(7, "c", None)]
    once = merge({}, records)
    twice = merge(once.state, records)
    assert twice.state == once.state
    assert twice.applied == [] and twice.revisions == []


def test_an_old_version_arriving_late_is_recognised_not_kept_again() -> None:
    v1 = edit(1, "c", "one")
    v2 = edit(2, "a", "two", v1)
    v3 = edit(3, "a", "three", v2)
    # b reads a's log (v2, v3) before c's (v1): v1 is v2's base, already settled
    result = merge(state_of([v2, v3]), [v1])
    assert result.applied == [] and result.revisions == []


def test_entities_of_different_kinds_with_the_same_id_do_not_meet() -> None:
    note = edit(1, "a", "note")
    glossary = Record(Entity.GLOSSARY, ID, Stamp(2, 0, "a"), {"term": "t"})
    state = state_of([note, glossary])
    assert len(state) == 2


def test_the_input_state_is_left_untouched() -> None:
    origin = edit(1, "a", "one")
    state = state_of([origin])
    snapshot = dict(state)
    merge(state, [edit(2, "b", "two", origin)])
    assert state == snapshot
