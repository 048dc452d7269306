"""models/worker.py: work runs on the worker's thread, in the order given, and its outcome,
a failure included, is delivered on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from reader_app.models.worker import Worker


def test_results_and_failures_come_back_on_the_gui_thread_in_order(qtbot) -> None:
    worker = Worker()
    gui = QThread.currentThread()
    ran_on: list[QThread] = []
    delivered: list[tuple[object, str, bool]] = []

    def work(value: int) -> int:
        ran_on.append(QThread.currentThread())
        if value == 2:
            raise ValueError("a bug in the work")
        return value * 10

    def deliver(result: object, error: Exception | None) -> None:
        delivered.append((result, repr(error) if error else "", QThread.currentThread() is gui))

    for value in (1, 2, 3):
        worker.start(lambda value=value: work(value), deliver)
    qtbot.waitUntil(lambda: len(delivered) == 3)
    assert delivered == [
        (10, "", True),
        (None, "ValueError('a bug in the work')", True),
        (30, "", True),
    ]
    assert all(thread is not gui for thread in ran_on)
    worker.wait()
    assert not worker.busy


def test_work_queued_behind_running_work_and_cleared_never_runs(qtbot) -> None:
    worker = Worker()
    started, release = threading.Event(), threading.Event()
    delivered: list[object] = []

    def held() -> str:
        started.set()
        if not release.wait(10):
            raise TimeoutError("the test never let the work go")
        return "held"

    worker.start(held, lambda result, error: delivered.append(result or error))
    qtbot.waitUntil(started.is_set)
    assert worker.busy
    worker.start(lambda: "queued", lambda result, error: delivered.append(result or error))
    worker.clear()
    release.set()
    worker.wait()
    qtbot.waitUntil(lambda: delivered == ["held"])
    QApplication.processEvents()  # anything else delivered would be here now
    assert delivered == ["held"]
