"""Sync, second part: received notes are searchable as if typed here (written in bulk), the
personal glossary and reading positions travel between data folders."""

from __future__ import annotations

from collections.abc import Callable

from test_sync_engine import Computer, computers  # noqa: F401 - the fixture

from reader_app.domain.notes import free_note


def test_received_notes_are_found_by_their_words_quotes_and_tags(
    computers: Callable[..., list[Computer]],  # noqa: F811
) -> None:
    desk, laptop = computers(0, 0)
    kept = desk.repo.add(free_note("zanzibar harbour notes"))
    desk.repo.update(kept.id, tags=["trade routes", "islands"])
    replaced = desk.repo.add(free_note("first words"))
    assert laptop.sync().problems == ()
    assert desk.sync().problems == ()
    assert laptop.sync().problems == ()
    desk.repo.update(replaced.id, body="second wording entirely", tags=["later"])
    assert desk.sync().problems == ()
    assert laptop.sync().problems == ()
    found = lambda words: [hit.note.id for hit in laptop.repo.search(words)]  # noqa: E731
    assert found("zanzibar") == [kept.id]
    assert found("islands") == [kept.id]
    assert found("routes") == [kept.id]
    assert found("second wording") == [replaced.id]
    assert found("first") == []
    assert found("later") == [replaced.id]
    connection = laptop.repo.connection
    connection.execute("INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')")
    assert connection.execute("SELECT count(*) FROM sync_bulk").fetchone() == (0,)
    # Written by the sync, so not changes of the laptop's own to send back.
    assert connection.execute("SELECT count(*) FROM sync_changes").fetchone() == (0,)
    # The window's own writes keep their triggers.
    mine = laptop.repo.add(free_note("typed on the laptop"))
    laptop.repo.update(mine.id, tags=["own tag"])
    assert [hit.note.id for hit in laptop.repo.search("own tag")] == [mine.id]
    assert [r[0] for r in connection.execute("SELECT note_id FROM sync_changes")] == [mine.id]
