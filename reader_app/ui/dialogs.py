"""Every modal dialog the app shows goes through a function here.

Tests replace these functions (monkeypatch) so that no test ever blocks on ``exec()``, and
the one place that shows user-facing text makes it easy to keep it plain.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def show_about(parent: QWidget | None, title: str, html: str) -> None:
    """``html`` must be built by our own code with every inserted value escaped."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(html)
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64) if parent else box.iconPixmap())
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.exec()


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """A plain-text error; ``message`` may contain user data and is never read as markup."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
