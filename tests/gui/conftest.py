"""The window's fixtures: one QApplication for the session, every modal dialog replaced by a
recorder, and the theme put back after each test. Tests here are marked ``gui`` (see
``tests/conftest.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a real display only when asked for


@pytest.fixture(scope="session", autouse=True)
def _isolated_qt_application(qapp):
    """Test mode keeps QStandardPaths away from the real folders; fonts and icon as in the app."""
    from PySide6.QtCore import QStandardPaths

    from reader_app.app import configure_application, install_application_icon

    QStandardPaths.setTestModeEnabled(True)
    configure_application(qapp)
    install_application_icon(qapp)
    return qapp


class DialogRecorder:
    """Stands in for every modal dialog: records what would have been shown, never blocks."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []  # (kind, title, text)
        self.answer = True  # what ``ask`` answers
        self.save_path: tuple[str, str] = ("", "")
        self.open_path = ""
        self.folder_path = ""  # what ``choose_folder`` answers ("": cancelled)
        self.number: int | None = None  # what ``ask_number`` answers (None: cancelled)
        self.study_options = None  # what ``study_edition_options`` answers (None: cancelled)
        self.print_accepted = False  # what ``print_setup`` answers

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
        monkeypatch.setattr(dialogs, "choose_folder", lambda *a: self.folder_path)
        monkeypatch.setattr(dialogs, "ask_number", lambda *a: self.number)
        monkeypatch.setattr(dialogs, "study_edition_options", self._study_options)
        monkeypatch.setattr(dialogs, "print_setup", self._print_setup)

    def _ask(self, parent, title: str, message: str, accept: str, reject: str) -> bool:
        self.shown.append(("ask", title, message))
        return self.answer

    def _study_options(self, parent, title: str, accept: str, options):
        self.shown.append(("study-options", title, accept))
        return self.study_options

    def _print_setup(self, parent, title: str, printer) -> bool:
        self.shown.append(("print", title, printer.outputFileName()))
        return self.print_accepted

    def texts(self, kind: str) -> list[str]:
        return [text for shown_kind, _, text in self.shown if shown_kind == kind]


@pytest.fixture(autouse=True)
def dialogs_shown(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    recorder = DialogRecorder()
    recorder.install(monkeypatch)
    return recorder


@pytest.fixture(autouse=True)
def _system_theme_after_each_test():
    """Themes change the application palette, which outlives a window: reset it."""
    yield
    from reader_app.ui.themes import theme_manager

    theme_manager().apply("system")


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
