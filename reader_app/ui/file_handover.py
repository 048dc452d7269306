"""Files given on the command line, or handed over by a later launch (single_instance.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from reader_app import APP_NAME
from reader_app.ui import dialogs


def receive_files(window: QWidget, paths: list[str]) -> None:
    """The window comes forward. Opening the user's own files needs the library, which does
    not exist yet, so the reader is told so in plain words, never shown a pretence."""
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
    if not paths:
        return
    names = ", ".join(Path(path).name for path in paths)
    dialogs.show_notice(
        window,
        "Cannot open files yet",
        f"{APP_NAME} cannot open your own files yet: {names}\n\n"
        "This version reads only the text it comes with. Opening EPUB, Markdown, "
        "text and HTML files arrives with the library, in a later version.",
    )
