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
        return window

    return factory
