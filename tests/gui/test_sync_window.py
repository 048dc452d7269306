"""Sync in the window: on start, after a change, on quit; the status field; Preferences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from reader_app.domain.notes import free_note
from reader_app.domain.personal_glossary import make_entry
from reader_app.models.sync_controller import SyncController, synced_ago
from reader_app.settings import SYNC_FOLDER, Settings
from reader_app.storage.glossary_repo import glossary_of
from reader_app.storage.library import ReadingState, library_of
from reader_app.storage.store import database_path, open_store
from reader_app.storage.sync_engine import SyncEngine
from reader_app.storage.sync_state import load_device
from reader_app.sync_window import attach_sync

from .note_steps import add_note, repo


def other_computer(folder: Path, sync_dir: Path, document) -> tuple:
    store = open_store(folder, document)
    engine = SyncEngine(
        store.repository.connection, folder, sync_dir, database_path=database_path(folder)
    )
    return store, engine


def status(window) -> str:
    return window.sync_controller.status()[0]


def test_the_window_syncs_on_start_after_a_change_and_shows_when(
    make_window, qtbot, tmp_path: Path, data_dir: Path
) -> None:
    sync_dir = tmp_path / "shared"
    sync_dir.mkdir()
    window = make_window()
    assert attach_sync(window, data_dir, sync_dir) is not None
    qtbot.waitUntil(lambda: status(window) == "Synced just now", timeout=10_000)
    (field,) = [
        label
        for label in window.statusBar().findChildren(QLabel)
        if label.accessibleName() == "Sync status"
    ]
    assert field.isVisible() and field.text() == "Synced just now"

    note = add_note(window)  # the change starts the pause after which it is sent
    laptop, engine = other_computer(tmp_path / "laptop", sync_dir, window.document)
    try:

        def arrived() -> bool:
            engine.sync()
            return laptop.repository.get(note.id) is not None

        qtbot.waitUntil(arrived, timeout=10_000)
        laptop.repository.add(free_note("written on the laptop"))
        engine.sync()
    finally:
        laptop.close()
    with qtbot.waitSignal(window.sync_controller.notes_arrived, timeout=10_000):
        window.sync_controller.sync_now()
    assert "written on the laptop" in {n.body for n in repo(window).list_notes()}
    model = window.notes_panel.model
    assert model.rowCount() == 2  # the panel shows it too


def test_the_last_sync_runs_on_quit(make_window, qtbot, tmp_path: Path, data_dir: Path) -> None:
    sync_dir = tmp_path / "shared"
    sync_dir.mkdir()
    window = make_window()
    attach_sync(window, data_dir, sync_dir)
    qtbot.waitUntil(lambda: status(window) == "Synced just now", timeout=10_000)
    note = add_note(window)  # and quit at once, before the pause after a change ends
    window.close()
    log = sync_dir / f"{load_device(data_dir).id}.jsonl"
    assert note.id in log.read_text(encoding="utf-8")


def test_an_unavailable_folder_is_said_in_the_status_bar(
    make_window, qtbot, tmp_path: Path, data_dir: Path
) -> None:
    window = make_window()
    attach_sync(window, data_dir, tmp_path / "unplugged")
    qtbot.waitUntil(lambda: status(window) == "Sync folder unavailable", timeout=10_000)
    assert "not there" in window.sync_controller.status()[1]


def test_preferences_choose_the_folder_and_name_the_computer(
    make_window, qtbot, tmp_path: Path, data_dir: Path, dialogs_shown
) -> None:
    window = make_window()
    attach_sync(window, data_dir, None)
    assert status(window) == ""  # not syncing: no field
    dialog = window.show_preferences()
    section = dialog.findChild(object, "syncSection")
    sync_dir = tmp_path / "shared"
    sync_dir.mkdir()
    dialogs_shown.folder_path = str(sync_dir)
    section.choose_button.click()
    assert Settings(data_dir).get(SYNC_FOLDER) == str(sync_dir)
    qtbot.waitUntil(lambda: status(window) == "Synced just now", timeout=10_000)
    section.name_field.setText("Library laptop")
    section.name_field.editingFinished.emit()
    assert load_device(data_dir).name == "Library laptop"
    section.off_button.click()
    assert Settings(data_dir).get(SYNC_FOLDER) == ""
    assert status(window) == ""
    dialog.close()


def test_synced_ago_in_words() -> None:
    assert [synced_ago(s) for s in (5, 61, 150, 7200, 3 * 86400)] == [
        "Synced just now",
        "Synced 1 minute ago",
        "Synced 2 minutes ago",
        "Synced 2 hours ago",
        "Synced 3 days ago",
    ]


def test_changes_are_synced_once_editing_pauses(qtbot, tmp_path: Path, document) -> None:
    data_dir, sync_dir = tmp_path / "data", tmp_path / "shared"
    sync_dir.mkdir()
    store = open_store(data_dir, document)
    try:
        sync = SyncController(data_dir, sync_dir, after_change_ms=50)
        with qtbot.waitSignal(sync.status_changed, timeout=10_000):
            sync.start()
        qtbot.waitUntil(lambda: not sync.syncing, timeout=10_000)
        note = store.repository.add(free_note("typed"))
        for _ in range(3):
            sync.note_changed()  # every keystroke's save restarts the pause
        log = sync_dir / f"{load_device(data_dir).id}.jsonl"
        qtbot.waitUntil(lambda: log.exists() and note.id in log.read_text("utf-8"), timeout=10_000)
        sync.finish()
    finally:
        store.close()


def test_changes_in_the_library_review_or_glossary_are_synced_after_the_pause_too(
    make_window, qtbot, tmp_path: Path, data_dir: Path
) -> None:
    sync_dir = tmp_path / "shared"
    sync_dir.mkdir()
    window = make_window()
    assert attach_sync(window, data_dir, sync_dir) is not None
    qtbot.waitUntil(lambda: status(window) == "Synced just now", timeout=10_000)
    log = sync_dir / f"{load_device(data_dir).id}.jsonl"
    sent = lambda: log.read_text("utf-8") if log.exists() else ""  # noqa: E731
    essay = tmp_path / "essay.md"
    essay.write_text("# Sent Along\n\nA paragraph.\n", encoding="utf-8")
    # Written as the library pane writes it, on the window's notes connection: no notes
    # change is announced, and nothing calls the sync controller.
    text_id = library_of(repo(window), data_dir).add_file(essay).text_id
    qtbot.waitUntil(lambda: text_id in sent(), timeout=10_000)
    entry = glossary_of(repo(window)).save(make_entry(headword="Soviet", gloss="A council."))
    qtbot.waitUntil(lambda: entry.entry.id in sent(), timeout=10_000)
    library_of(repo(window), data_dir).remove(text_id)
    qtbot.waitUntil(lambda: f'"id":"{text_id}","hlc"' in sent().splitlines()[-1], timeout=10_000)


def test_texts_and_glossary_entries_that_arrive_are_shown_in_their_panes(
    make_window, qtbot, tmp_path: Path, data_dir: Path
) -> None:
    sync_dir = tmp_path / "shared"
    sync_dir.mkdir()
    window = make_window()
    assert attach_sync(window, data_dir, sync_dir) is not None
    qtbot.waitUntil(lambda: status(window) == "Synced just now", timeout=10_000)
    assert window.library.model.rowCount() == 1  # the bundled text
    laptop, engine = other_computer(tmp_path / "laptop", sync_dir, window.document)
    try:
        essay = tmp_path / "essay.md"
        essay.write_text("# Came From The Laptop\n\nA paragraph.\n", encoding="utf-8")
        library_of(laptop.repository, tmp_path / "laptop").add_file(essay)
        entry = make_entry(headword="Zemstvo", gloss="A rural council.")
        glossary_of(laptop.repository).save(entry)
        engine.sync()
    finally:
        laptop.close()
    with qtbot.waitSignal(window.sync_controller.others_arrived, timeout=10_000):
        window.sync_controller.sync_now()
    titles = [text.title for text in window.library.model.texts()]  # what the pane lists
    assert "Came From The Laptop" in titles
    shown = {e.id for e in window.glossary_pane.glossary.entries}  # what the pane lists
    assert entry.entry.id in shown


def test_the_open_text_follows_a_place_from_elsewhere_unless_the_reader_moved(
    make_window, qtbot, tmp_path: Path, data_dir: Path
) -> None:
    sync_dir = tmp_path / "shared"
    sync_dir.mkdir()
    window = make_window()
    assert attach_sync(window, data_dir, sync_dir) is not None
    qtbot.waitUntil(lambda: status(window) == "Synced just now", timeout=10_000)
    essay = tmp_path / "long.md"
    paragraphs = "\n\n".join(f"Paragraph {n} of a long essay." for n in range(300))
    essay.write_text(f"# Long\n\n{paragraphs}\n", encoding="utf-8")
    text_id = library_of(repo(window), data_dir).add_file(essay).text_id
    window.library.model.refresh()
    assert window.library.open_text(text_id)
    view = window.reading_view
    blocks = window.document.body_blocks()
    with qtbot.waitSignal(window.sync_controller.status_changed, timeout=10_000):
        window.sync_controller.sync_now()  # the text goes to the laptop
    qtbot.waitUntil(lambda: not window.sync_controller.syncing, timeout=10_000)
    laptop, engine = other_computer(tmp_path / "laptop", sync_dir, window.document)
    try:
        engine.sync()
        away = library_of(laptop.repository, tmp_path / "laptop")
        assert away.get(text_id) is not None
        away.save_reading_state(text_id, ReadingState(blocks[150].id, 0))
        engine.sync()
        with qtbot.waitSignal(window.sync_controller.others_arrived, timeout=10_000):
            window.sync_controller.sync_now()
        shown = lambda: view.locate(view.top_position())[0].id  # noqa: E731
        qtbot.waitUntil(lambda: shown() == blocks[150].id, timeout=5_000)
        # The reader moves; a place that comes now does not move the page under them.
        view.scroll_to_position(view.document_position(blocks[40].id, 0))
        qtbot.waitUntil(lambda: shown() == blocks[40].id, timeout=5_000)
        away.save_reading_state(text_id, ReadingState(blocks[250].id, 0))
        engine.sync()
        with qtbot.waitSignal(window.sync_controller.others_arrived, timeout=10_000):
            window.sync_controller.sync_now()
        assert shown() == blocks[40].id
    finally:
        laptop.close()


def test_nothing_of_sync_keeps_running_once_the_window_has_closed(
    make_window, qtbot, tmp_path: Path, data_dir: Path
) -> None:
    """The once-a-second look at the lists of changes outlived the quit: it then read the
    closed notes database ("Cannot operate on a closed database" in the event loop)."""
    from PySide6.QtCore import QTimer

    sync_dir = tmp_path / "shared"
    sync_dir.mkdir()
    window = make_window()
    sync = attach_sync(window, data_dir, sync_dir)
    assert sync is not None
    assert any(timer.isActive() for timer in sync.findChildren(QTimer))
    window.close()
    assert [timer for timer in sync.findChildren(QTimer) if timer.isActive()] == []
