"""The floor for the frozen start-up benchmark: a bare QTextBrowser showing the same text.

Frozen with the app's own spec (same excludes, plugins and bundled resources) by
``benchmarks/frozen_startup.py``. Like the app's probe, its first ``paintEvent`` prints
``first-paint`` and quits.
"""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QTextBrowser

TEXT = Path(sys._MEIPASS) / "resources" / "texts" / "kollontai-workers-opposition-1921.txt"


class Browser(QTextBrowser):
    seen = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.seen:
            self.seen = True
            print("first-paint", flush=True)
            QTimer.singleShot(0, QApplication.quit)


app = QApplication(sys.argv[:1])
browser = Browser()
browser.setPlainText(TEXT.read_text(encoding="utf-8"))
browser.resize(1280, 800)
browser.show()
sys.exit(app.exec())
