"""Syncing the open notes in the background: on start, on a timer, after changes, on quit.

``SyncController`` lives on the window's thread and decides when to sync; ``_SyncWorker``
runs each sync on a thread of its own, with its own database connection (SQLite allows
one writer at a time and the window's writes simply wait for a moment), so the window is
never blocked. The status is a short text for the status bar ("Synced 2 minutes ago",
"Sync folder unavailable") and a tooltip with the problems in full.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from reader_app.storage.db import StorageError, connect
from reader_app.storage.store import database_path
from reader_app.storage.sync_engine import SyncEngine, SyncOutcome
from reader_app.storage.sync_state import Device, load_device, rename_device

SYNC_INTERVAL_MS = 5 * 60 * 1000
AFTER_CHANGE_MS = 3000  # a pause in editing before the changes go out
STATUS_REFRESH_MS = 30_000  # "Synced 2 minutes ago" keeps counting
QUIT_WAIT_S = 10.0


def synced_ago(seconds: float) -> str:
    if seconds < 60:
        return "Synced just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"Synced {minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 48:
        return f"Synced {hours} hour{'s' if hours != 1 else ''} ago"
    return f"Synced {hours // 24} days ago"


class _SyncWorker(QObject):
    """Runs syncs on its own thread. The engine (with what it has read) is kept between
    syncs; the database connection is opened and closed by each, on this thread."""

    finished = Signal(object)  # SyncOutcome, or a str: why this device's notes could not sync

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._engine: SyncEngine | None = None
        self.idle = threading.Event()
        self.idle.set()

    @Slot(str)
    def run(self, folder: str) -> None:
        path = database_path(self._data_dir)
        try:
            connection = connect(path)
            try:
                if self._engine is None or self._engine.sync_dir != Path(folder):
                    self._engine = SyncEngine(
                        connection, self._data_dir, Path(folder), database_path=path
                    )
                self._engine.connection = connection
                outcome: SyncOutcome | str = self._engine.sync()
            finally:
                connection.close()
        except StorageError as error:
            outcome = str(error)
        finally:
            self.idle.set()
        self.finished.emit(outcome)


class SyncController(QObject):
    """When to sync the notes of ``data_dir`` with ``folder`` (None: sync is off)."""

    status_changed = Signal(str, str)  # short text for the status bar, problems in full
    notes_arrived = Signal(object)  # frozenset of note ids written or deleted by a sync
    others_arrived = Signal(object)  # the SyncOutcome of a sync that wrote texts, cards,
    # glossary entries or reading places: the panes showing them read them again
    _requested = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        folder: Path | None,
        parent: QObject | None = None,
        *,
        interval_ms: int = SYNC_INTERVAL_MS,
        after_change_ms: int = AFTER_CHANGE_MS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.folder = folder
        self._clock = clock
        self._last_synced: float | None = None
        self._outcome: SyncOutcome | str | None = None
        self._running = False
        self._again = False
        self._stopped = False
        self._thread = QThread(self)
        self._thread.setObjectName("sync")
        self._worker = _SyncWorker(data_dir)
        self._worker.moveToThread(self._thread)
        self._requested.connect(self._worker.run)
        self._worker.finished.connect(self._finished)
        self._thread.finished.connect(self._worker.deleteLater)
        self._timer = self._timer_calling(self.sync_now, interval_ms)
        self._after_change = self._timer_calling(self.sync_now, after_change_ms)
        self._after_change.setSingleShot(True)
        self._status_timer = self._timer_calling(self._report, STATUS_REFRESH_MS)
        self._watchers: list[QTimer] = []

    def watch(self, look: Callable[[], None], interval_ms: int) -> None:
        """Call ``look`` every ``interval_ms`` until the last sync on quit (``finish``): for
        changes the window is told of by no signal, which ``look`` finds and reports with
        ``note_changed``."""
        timer = self._timer_calling(look, interval_ms)
        self._watchers.append(timer)
        timer.start()

    def _timer_calling(self, action: Callable[[], None], interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.timeout.connect(action)
        return timer

    @property
    def device(self) -> Device:
        return load_device(self.data_dir)

    def rename_device(self, name: str) -> Device:
        """Raises StorageError if the data folder cannot be written."""
        return rename_device(self.data_dir, name)

    def start(self) -> None:
        """Sync now (the start-up sync) and from now on; nothing happens without a folder."""
        self._thread.start()
        self._timer.start()
        self._status_timer.start()
        self.sync_now()

    def set_folder(self, folder: Path | None) -> None:
        self.folder = folder
        self._last_synced = None
        self._outcome = None
        self.sync_now()

    def note_changed(self) -> None:
        """A note changed here: sync once editing pauses."""
        if self.folder is not None and not self._stopped:
            self._after_change.start()

    @property
    def syncing(self) -> bool:
        return self._running

    def sync_now(self) -> None:
        if self.folder is None or self._stopped:
            self._report()
            return
        if self._running:
            self._again = True  # one more when this one ends: it may have missed a change
            return
        self._running = True
        self._worker.idle.clear()
        self._report()
        self._requested.emit(str(self.folder))

    def _finished(self, outcome: SyncOutcome | str) -> None:
        self._running = False
        self._outcome = outcome
        if isinstance(outcome, SyncOutcome) and outcome.folder_available:
            self._last_synced = self._clock()
            if outcome.changed_here:
                self.notes_arrived.emit(outcome.changed_note_ids)
            if (
                outcome.texts_changed or outcome.cards_changed or outcome.glossary_changed
                or outcome.places_changed
            ):  # fmt: skip
                self.others_arrived.emit(outcome)
        self._report()
        if self._again and not self._stopped:
            self._again = False
            self.sync_now()

    def status(self) -> tuple[str, str]:
        """(status bar text, tooltip)."""
        if self.folder is None:
            return "", ""
        outcome = self._outcome
        if isinstance(outcome, str):
            return "Sync failed", outcome
        if isinstance(outcome, SyncOutcome) and not outcome.folder_available:
            return "Sync folder unavailable", "\n".join(outcome.problems)
        if self._last_synced is None:
            return "Syncing…", f"Syncing with {self.folder}"
        text = synced_ago(self._clock() - self._last_synced)
        problems = outcome.problems if isinstance(outcome, SyncOutcome) else ()
        if problems:
            return f"{text}, with problems", "\n".join(problems)
        return text, f"Synced with {self.folder} as “{self.device.name}”."

    def _report(self) -> None:
        self.status_changed.emit(*self.status())

    def finish(self, wait_s: float = QUIT_WAIT_S) -> None:
        """On quit: one last sync if a folder is set, waited for at most ``wait_s``, then
        the worker's thread ends. The window is already gone; nothing else waits."""
        if self._stopped:
            return
        for timer in (self._timer, self._after_change, self._status_timer, *self._watchers):
            timer.stop()
        if self.folder is not None and self._thread.isRunning():
            self._worker.idle.wait(wait_s)  # a sync under way ends first
            self._running = False
            self.sync_now()
            self._worker.idle.wait(wait_s)
        self._stopped = True
        self._thread.quit()
        self._thread.wait(int(wait_s * 1000))
