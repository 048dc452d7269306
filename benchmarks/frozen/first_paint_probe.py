"""PyInstaller runtime hook for the frozen start-up benchmark (never part of a release build).

Runs before the app's entry script and wraps ``reader_app.app.create_main_window`` so that
the reading view's first paint (its ``first_painted`` signal) prints ``first-paint`` and
quits; ``benchmarks/frozen_startup.py`` times launch to that line without changing the app.
Nothing but ``reader_app.app`` is imported here, as in the entry script itself: the order of
imports changes what PySide's import hook does. The bare window prints the same line from
its own ``paintEvent``.
"""

from reader_app import app as _app

_create = _app.create_main_window


def _quit() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    print("first-paint", flush=True)
    QTimer.singleShot(0, QApplication.quit)


def _create_and_watch(*args, **kwargs):
    window = _create(*args, **kwargs)
    window.reading_view.first_painted.connect(_quit)
    return window


_app.create_main_window = _create_and_watch
