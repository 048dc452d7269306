"""The backup taken a few seconds after start: off the window's thread, waited for on quit,
and its failure told in the status bar.

With a library of books the notes file is hundreds of megabytes; copied and checked on the
GUI thread, the backup froze the window for about a second at every start."""

from __future__ import annotations

import threading

import pytest

import reader_app.app as app_module
from reader_app.storage import backup


@pytest.fixture
def backup_at_once(monkeypatch):
    monkeypatch.setattr(app_module, "BACKUP_DELAY_MS", 0)


def backups(data_dir):
    return sorted((data_dir / "backups").glob("*.sqlite"))


def test_the_backup_is_made_off_the_windows_thread(
    make_window, data_dir, qtbot, monkeypatch, backup_at_once
) -> None:
    threads: list[threading.Thread] = []
    make_backup = backup.make_backup

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return make_backup(*args, **kwargs)

    monkeypatch.setattr(backup, "make_backup", recording)
    make_window()
    qtbot.waitUntil(lambda: bool(backups(data_dir)))
    assert threads and threading.main_thread() not in threads
    assert backup.check_database(backups(data_dir)[0])


def test_quitting_while_the_backup_runs_waits_for_it(
    make_window, data_dir, qtbot, monkeypatch, backup_at_once
) -> None:
    started, release = threading.Event(), threading.Event()
    make_backup = backup.make_backup

    def slow(*args, **kwargs):
        started.set()
        release.wait(10)
        return make_backup(*args, **kwargs)

    monkeypatch.setattr(backup, "make_backup", slow)
    window = make_window()
    qtbot.waitUntil(started.is_set)
    threading.Timer(0.2, release.set).start()
    window.close()  # returns once the backup is whole
    assert len(backups(data_dir)) == 1
    assert not list((data_dir / "backups").glob(".*.tmp"))


def test_a_failed_backup_is_told_in_the_status_bar(
    make_window, data_dir, qtbot, backup_at_once
) -> None:
    (data_dir / "backups").write_text("a file where the backups folder should be")
    window = make_window()
    qtbot.waitUntil(
        lambda: "automatic backup of your notes failed" in window.statusBar().currentMessage()
    )
    assert window.notes_controller is not None  # the notes are open all the same
    assert "checked in full at the next start" in window.statusBar().currentMessage()
    window.close()
    # The backup's check of its copy stood in for the start-up check: none was made, so
    # nothing marks the notes as closed whole (storage.store._unchanged_since_closed).
    assert not (data_dir / "notes.sqlite.closed").exists()


def test_a_window_closed_normally_marks_its_notes_closed_whole(make_window, data_dir) -> None:
    make_window().close()
    assert (data_dir / "notes.sqlite.closed").exists()
