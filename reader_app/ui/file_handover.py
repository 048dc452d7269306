"""Files given on the command line, or handed over by a later launch (single_instance.py):
the window comes forward and the library adds (or finds) and opens them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from reader_app import APP_NAME
from reader_app.ui import dialogs


def receive_files(window: QMainWindow, paths: list[str]) -> None:
    """Files that arrive while the window is still opening its notes (a fraction of a second
    after start) wait for the library; without notes there is no library to add them to,
    and the reader is told so in plain words."""
    library = getattr(window, "library", None)
    if library is not None:
        library.receive_files(paths)
        return
    if not hasattr(window, "library"):  # the panels are still being built
        window.panels_ready.connect(  # type: ignore[attr-defined]
            lambda: receive_files(window, paths), Qt.ConnectionType.SingleShotConnection
        )
        return
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
    if paths:
        names = ", ".join(Path(path).name for path in paths)
        dialogs.show_notice(
            window,
            "Cannot add files",
            f"{APP_NAME} cannot add {names} to the library, because the notes file, which "
            "holds the library, could not be opened.",
        )
