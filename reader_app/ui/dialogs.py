"""Every modal dialog the app shows goes through a function here.

Tests replace these functions (monkeypatch) so that no test ever blocks on ``exec()``, and
the one place that shows user-facing text makes it easy to keep it plain.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


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


def ask(parent: QWidget | None, title: str, message: str, accept: str, reject: str) -> bool:
    """A plain-text question with two named answers; True for ``accept``."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, message, QMessageBox.StandardButton.NoButton, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    yes = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(reject, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def save_file_path(
    parent: QWidget | None, title: str, suggested: str, filters: list[str]
) -> tuple[str, str]:
    """(path, chosen filter); an empty path when the user cancelled."""
    return QFileDialog.getSaveFileName(parent, title, suggested, ";;".join(filters))


def open_file_path(parent: QWidget | None, title: str, filters: list[str]) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", ";;".join(filters))
    return path


def ask_number(
    parent: QWidget | None, title: str, label: str, value: int, minimum: int, maximum: int
) -> int | None:
    number, accepted = QInputDialog.getInt(parent, title, label, value, minimum, maximum)
    return number if accepted else None
