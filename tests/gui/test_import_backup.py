"""Notes > Import backs up the notes first, off the window's thread (issue 13).

With a library of books the notes file is hundreds of megabytes; copied and checked on the
GUI thread before an import, the backup froze the window for about a second. These tests hold
the backup with an Event the test releases, and watch the window meanwhile."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from reader_app.domain.text import DEFAULT_TEXT_ID
from reader_app.storage import backup
from reader_app.ui import library_dialogs
from reader_app.ui.library_dialogs import RemoveChoice

from .note_steps import QUOTE, add_note, repo

IMPORTED_BODY = "a note from the other laptop"


class HeldBackup:
    """``backup.make_backup`` that records its thread and, off the GUI thread, waits for the
    test to release it. On the GUI thread it never waits: the test fails on its assertions,
    instead of hanging the window it means to watch."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.threads: list[threading.Thread] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self._make_backup = backup.make_backup
        monkeypatch.setattr(backup, "make_backup", self._held)

    def _held(self, *args, **kwargs):
        self.threads.append(threading.current_thread())
        self.started.set()
        if threading.current_thread() is not threading.main_thread():
            self.release.wait(10)
        return self._make_backup(*args, **kwargs)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldBackup:
    return HeldBackup(monkeypatch)


def import_file(tmp_path: Path, name: str = "from-laptop.json") -> Path:
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:uuid:7c0de9a4-2f1b-4e6d-8a3c-5b9e0f1d2c34",
        "type": "Annotation",
        "body": [{"type": "TextualBody", "value": IMPORTED_BODY}],
        "target": {"selector": {"type": "TextQuoteSelector", "exact": QUOTE}},
    }
    path = tmp_path / name
    path.write_text(json.dumps(annotation), encoding="utf-8")
    return path


def stored_bodies(data_dir: Path) -> list[str]:
    with closing(sqlite3.connect(data_dir / "notes.sqlite")) as connection:
        return sorted(body for (body,) in connection.execute("SELECT body FROM notes"))


def backups(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "backups").glob("*.sqlite"))


def import_held(window, dialogs_shown, held: HeldBackup, source: Path) -> None:
    """Notes > Import of ``source``, its backup started and held by the test."""
    dialogs_shown.open_path = str(source)
    window.action("import-notes").trigger()
    assert held.started.wait(5)


def test_the_backup_before_an_import_runs_off_the_windows_thread_while_the_window_answers(
    make_window, qtbot, dialogs_shown, held: HeldBackup, data_dir: Path, tmp_path: Path
) -> None:
    window = make_window()
    add_note(window)
    dialogs_shown.open_path = str(import_file(tmp_path))

    window.action("import-notes").trigger()

    assert held.started.wait(5)
    assert held.threads and threading.main_thread() not in held.threads
    # The backup is held: the window goes on handling events, says what is happening, and
    # has not imported anything yet, nor lets a second import start.
    ticks = QTimer(window)
    ticks.setInterval(5)
    with qtbot.waitSignal(ticks.timeout, timeout=1000):
        ticks.start()
    ticks.stop()
    assert "Backing up your notes before the import" in window.statusBar().currentMessage()
    assert IMPORTED_BODY not in [note.body for note in repo(window).list_notes()]
    assert not window.action("import-notes").isEnabled()

    held.release.set()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Imported: 1 new"), timeout=5000
    )
    assert IMPORTED_BODY in [note.body for note in repo(window).list_notes()]
    assert window.action("import-notes").isEnabled()
    (made,) = backups(data_dir)
    with closing(sqlite3.connect(made)) as connection:  # the notes as they were before
        assert connection.execute("SELECT body FROM notes").fetchall() == [("",)]
    assert dialogs_shown.texts("error") == []


def test_a_second_import_is_refused_while_the_first_backs_up(
    make_window, qtbot, dialogs_shown, held: HeldBackup, data_dir: Path, tmp_path: Path
) -> None:
    window = make_window()
    import_held(window, dialogs_shown, held, import_file(tmp_path))

    assert window.notes_controller.import_from(import_file(tmp_path, "again.json")) is False
    (message,) = dialogs_shown.texts("error")
    assert "already" in message

    held.release.set()
    qtbot.waitUntil(lambda: window.action("import-notes").isEnabled(), timeout=5000)
    assert [note.body for note in repo(window).list_notes()] == [IMPORTED_BODY]
    assert len(backups(data_dir)) == 1


def test_quitting_while_the_backup_runs_waits_for_it_and_keeps_the_import(
    make_window, qtbot, dialogs_shown, held: HeldBackup, data_dir: Path, tmp_path: Path
) -> None:
    window = make_window()
    import_held(window, dialogs_shown, held, import_file(tmp_path))
    threading.Timer(0.2, held.release.set).start()

    window.close()  # returns once the backup is whole and the import it was for is stored

    assert len(backups(data_dir)) == 1
    assert not list((data_dir / "backups").glob(".*.tmp"))
    assert stored_bodies(data_dir) == [IMPORTED_BODY]


ESSAY_WORDS = "On bread and on peace, a paragraph."


def window_library(window, qtbot):
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    return window.library


def add_essay(window, qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """File > Add Text… with a short essay, which opens; returns its id."""
    essay = tmp_path / "essay.txt"
    essay.write_text(f"An Essay\n\n{ESSAY_WORDS}", encoding="utf-8")
    library = window_library(window, qtbot)
    monkeypatch.setattr(library_dialogs, "open_file_paths", lambda *a: [str(essay)])
    with qtbot.waitSignal(library.controller.adding_changed, check_params_cb=lambda n: n == 0):
        window.action("add-text").trigger()
    assert library.current_text_id != DEFAULT_TEXT_ID
    return library.current_text_id


def test_opening_another_text_while_the_backup_runs_imports_into_the_text_chosen_for(
    make_window, qtbot, dialogs_shown, held: HeldBackup, monkeypatch, data_dir: Path, tmp_path
) -> None:
    window = make_window()
    library = window_library(window, qtbot)
    essay_id = add_essay(window, qtbot, monkeypatch, tmp_path)
    library.open_text(DEFAULT_TEXT_ID)
    import_held(window, dialogs_shown, held, import_file(tmp_path))

    library.open_text(essay_id)
    assert not window.action("import-notes").isEnabled()  # still backing up
    held.release.set()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Imported: 1 new"), timeout=5000
    )

    assert window.action("import-notes").isEnabled()
    assert repo(window).list_notes() == []  # the essay's notes: none
    library.open_text(DEFAULT_TEXT_ID)
    assert [note.body for note in repo(window).list_notes()] == [IMPORTED_BODY]


def test_read_only_notes_are_not_imported_into(
    make_window, qtbot, dialogs_shown, data_dir: Path, tmp_path: Path
) -> None:
    """As before: Import is off, and asked anyway, nothing is backed up nor imported."""
    make_window()
    second = make_window()  # the notes are open for writing in the first window
    controller = second.notes_controller
    assert controller.read_only
    assert not second.action("import-notes").isEnabled()

    with qtbot.waitSignal(controller.imported, check_params_cb=lambda report: report is None):
        assert controller.import_from(import_file(tmp_path))
    (message,) = dialogs_shown.texts("error")
    assert message.startswith("Nothing was imported, because a backup of your notes")
    assert "no writable notes" in message
    assert backups(data_dir) == [] and stored_bodies(data_dir) == []
    assert not second.action("import-notes").isEnabled()


def test_removing_the_text_while_its_import_backs_up_drops_that_import_and_says_so(
    make_window, qtbot, dialogs_shown, held: HeldBackup, monkeypatch, data_dir: Path, tmp_path
) -> None:
    """Its notes controller is let go with the text: the import, parsed against that text,
    is not made, and Import comes back on."""
    window = make_window()
    library = window_library(window, qtbot)
    essay_id = add_essay(window, qtbot, monkeypatch, tmp_path)
    annotation = json.loads(import_file(tmp_path).read_text(encoding="utf-8"))
    annotation["target"]["selector"]["exact"] = ESSAY_WORDS
    source = tmp_path / "on-the-essay.json"
    source.write_text(json.dumps(annotation), encoding="utf-8")
    import_held(window, dialogs_shown, held, source)

    monkeypatch.setattr(library_dialogs, "ask_remove", lambda *a: RemoveChoice.KEEP_NOTES)
    library.remove_text(essay_id)
    held.release.set()
    qtbot.waitUntil(lambda: "was not made" in window.statusBar().currentMessage(), timeout=5000)

    assert window.action("import-notes").isEnabled()
    assert stored_bodies(data_dir) == []
    assert len(backups(data_dir)) == 1
