"""Steps the library tests take as a reader would: add texts through File > Add Text…."""

from __future__ import annotations

from pathlib import Path

from reader_app.ui import library_dialogs


def add_texts(window, qtbot, monkeypatch, paths: list[Path]) -> None:
    """File > Add Text…, choosing ``paths``; returns once every file has been dealt with
    (the last one added is then open)."""
    monkeypatch.setattr(library_dialogs, "open_file_paths", lambda *a: [str(p) for p in paths])
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    with qtbot.waitSignal(
        window.library.controller.adding_changed, check_params_cb=lambda n: n == 0
    ):
        window.action("add-text").trigger()
