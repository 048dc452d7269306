"""PyInstaller runtime hook for the frozen start-up benchmark (never part of a release build).

Runs before the app's entry script and wraps the reading view's ``paintEvent``: the first
call prints ``first-paint`` and quits, so ``benchmarks/frozen_startup.py`` can time launch to
first paint without changing the app. The bare window prints the same line from its own
``paintEvent``, so both are timed at the same point at the cost of one Python call.
"""

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from reader_app.ui import text_view

_paint = text_view.ReadingView.paintEvent
_seen = []


def _paint_and_report(self, event):
    _paint(self, event)
    if not _seen:
        _seen.append(True)
        print("first-paint", flush=True)
        QTimer.singleShot(0, QApplication.quit)


text_view.ReadingView.paintEvent = _paint_and_report
