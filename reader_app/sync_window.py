"""Wiring sync into the window: the controller, its status field, Preferences > Sync.

Called by ``app.py`` once the notes are open (``panels_ready``). Kept apart from ``app.py``
so the window's start-up path loads none of it before the text is on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

CHANGE_LOOK_MS = 1000
"""How often the window looks for changes made outside the notes (library, review,
glossary, reading place) to start the pause after which they are synced."""

if TYPE_CHECKING:
    from reader_app.models.sync_controller import SyncController
    from reader_app.storage.notes_repo import NotesRepository
    from reader_app.storage.store import StoreOpenResult
    from reader_app.storage.sync_engine import SyncOutcome
    from reader_app.ui.main_window import MainWindow


def attach_sync(window: MainWindow, data_dir: Path, folder: Path | None) -> SyncController | None:
    """Start syncing the window's notes with ``folder`` (this run only), else with the folder
    chosen in Preferences; nothing is synced from a window that only reads the notes."""
    from reader_app.models.sync_controller import SyncController
    from reader_app.settings import SYNC_FOLDER, Settings
    from reader_app.storage.db import StorageError
    from reader_app.ui.sync_widgets import SyncSection, SyncStatusField

    notes = window.notes_controller
    if notes is None or notes.read_only:
        return None
    settings = Settings(data_dir)
    chosen = folder or (Path(settings.get(SYNC_FOLDER)) if settings.get(SYNC_FOLDER) else None)
    sync = SyncController(data_dir, chosen, window)
    field = SyncStatusField(window.statusBar())
    sync.status_changed.connect(field.show_status)
    repository = notes.repository
    arriving = False

    def changed_here(_change: object) -> None:
        if not arriving:
            sync.note_changed()

    def arrived(note_ids: frozenset[str]) -> None:
        nonlocal arriving
        arriving = True  # the window hears of what a sync wrote; that is not a change to send
        try:
            repository.changed_elsewhere(note_ids)
        except StorageError as error:
            window.statusBar().showMessage(str(error), 10000)
        finally:
            arriving = False

    repository.subscribe(changed_here)
    sync.notes_arrived.connect(arrived)

    _sync_after_other_changes(sync, repository)
    sync.others_arrived.connect(lambda outcome: _show_what_arrived(window, outcome))

    def choose_folder(path: str) -> None:
        settings.set(SYNC_FOLDER, path)
        sync.set_folder(Path(path) if path else None)

    def rename(name: str) -> None:
        try:
            sync.rename_device(name)
        except StorageError as error:
            window.show_problem(str(error))

    def make_section(parent: object) -> SyncSection:
        section = SyncSection(str(sync.folder or ""), sync.device.name, parent)  # type: ignore[arg-type]
        section.folder_chosen.connect(choose_folder)
        section.name_edited.connect(rename)
        return section

    # Set on the window, not declared by it: the main window stays a thin shell.
    window.preference_sections = [make_section]  # type: ignore[attr-defined]  # read by Preferences
    window.sync_controller = sync  # type: ignore[attr-defined]  # for close_after_last_sync
    sync.start()
    return sync


def _sync_after_other_changes(sync: SyncController, repository: NotesRepository) -> None:
    """Texts added or removed, cards answered, glossary entries and reading places: their
    triggers list them for sync, whichever window or pane wrote them, so the window looks
    at those lists each second rather than at each pane; a newer change starts the pause
    after which it is synced, as a note's does. The looking ends with the last sync on quit,
    before the notes close."""
    from reader_app.storage.db import StorageError
    from reader_app.storage.sync_notes import latest_unsynced_change

    def latest() -> str | None:
        try:
            return latest_unsynced_change(repository.connection, repository.path)
        except StorageError:
            return None  # the notes' own error handling says what is wrong with the database

    seen = [latest()]  # the start-up sync sends what is listed already

    def look() -> None:
        if sync.folder is None:
            return
        newest = latest()
        if newest is not None and (seen[0] is None or newest > seen[0]):
            seen[0] = newest
            sync.note_changed()

    sync.watch(look, CHANGE_LOOK_MS)


def _show_what_arrived(window: MainWindow, outcome: SyncOutcome) -> None:
    """A sync wrote texts, cards, glossary entries or places: the Library pane, the personal
    glossary's entries and marks, and the review due count are read again, and the open
    text goes to a place that came for it if the reader has not moved in it. Each pane is
    set on the window by its own wiring, if it is there."""
    library = getattr(window, "library", None)
    if library is not None:
        library.model.refresh()
        if library.current_text_id in outcome.places_moved:
            library.follow_place(library.current_text_id)
    glossary = getattr(window, "personal_glossary", None)
    if glossary is not None:
        glossary.refresh()
    review = getattr(window, "review", None)
    if review is not None:
        review.update_due_count()


def close_after_last_sync(window: MainWindow, store: StoreOpenResult) -> None:
    """On quit: the last sync first (bounded), then the notes and their lock are let go, so
    no other window can start writing them while it runs."""
    sync = getattr(window, "sync_controller", None)
    if sync is not None:
        sync.finish()
    store.close()
