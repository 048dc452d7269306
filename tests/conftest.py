"""Shared fixtures: every test gets its own data folder and never sees the real user folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _isolated_qt_application(qapp):
    """Test mode keeps QStandardPaths away from the real folders; fonts match the real app."""
    from PySide6.QtCore import QStandardPaths

    from reader_app.app import configure_application

    QStandardPaths.setTestModeEnabled(True)
    configure_application(qapp)
    return qapp


class DialogRecorder:
    """Stands in for every modal dialog: records what would have been shown, never blocks."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []  # (kind, title, text)
        self.answer = True  # what ``ask`` answers
        self.save_path: tuple[str, str] = ("", "")
        self.open_path = ""

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from reader_app.ui import dialogs

        monkeypatch.setattr(
            dialogs, "show_about", lambda p, t, h: self.shown.append(("about", t, h))
        )
        monkeypatch.setattr(
            dialogs, "show_error", lambda p, t, m: self.shown.append(("error", t, m))
        )
        monkeypatch.setattr(dialogs, "ask", self._ask)
        monkeypatch.setattr(dialogs, "save_file_path", lambda *a: self.save_path)
        monkeypatch.setattr(dialogs, "open_file_path", lambda *a: self.open_path)

    def _ask(self, parent, title: str, message: str, accept: str, reject: str) -> bool:
        self.shown.append(("ask", title, message))
        return self.answer

    def texts(self, kind: str) -> list[str]:
        return [text for shown_kind, _, text in self.shown if shown_kind == kind]


@pytest.fixture(autouse=True)
def dialogs_shown(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    recorder = DialogRecorder()
    recorder.install(monkeypatch)
    return recorder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def make_window(qtbot, data_dir: Path):
    """Build a main window on ``data_dir`` (or another folder) registered with qtbot."""
    from reader_app.app import create_main_window

    def factory(folder: Path | None = None, *, show: bool = True):
        window = create_main_window(folder or data_dir)
        qtbot.addWidget(window)
        if show:
            window.resize(1100, 760)
            window.show()
            qtbot.waitExposed(window)
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
        return window

    return factory
