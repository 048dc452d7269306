"""Every modal dialog the app shows goes through a function here.

Tests replace these functions (monkeypatch) so that no test ever blocks on ``exec()``, and
the one place that shows user-facing text makes it easy to keep it plain. The dialog classes
are imported inside the functions, so none of them is loaded before the window first paints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

    from reader_app.domain.edition import StudyEditionOptions


def show_about(parent: QWidget | None, title: str, html: str) -> None:
    """``html`` must be built by our own code with every inserted value escaped."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(html)
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64) if parent else box.iconPixmap())
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.exec()


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """A plain-text error; ``message`` may contain user data and is never read as markup."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def show_notice(parent: QWidget | None, title: str, message: str) -> None:
    """Plain-text information that does not block: it may arrive from another launch while
    the reader is busy (single_instance.py), so the caller must not wait on it."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def ask(parent: QWidget | None, title: str, message: str, accept: str, reject: str) -> bool:
    """A plain-text question with two named answers; True for ``accept``."""
    from PySide6.QtWidgets import QMessageBox

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
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getSaveFileName(parent, title, suggested, ";;".join(filters))


def open_file_path(parent: QWidget | None, title: str, filters: list[str]) -> str:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, "", ";;".join(filters))
    return path


def choose_folder(parent: QWidget | None, title: str, start: str) -> str:
    """A folder's path; empty when the user cancelled."""
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(parent, title, start)


def ask_number(
    parent: QWidget | None, title: str, label: str, value: int, minimum: int, maximum: int
) -> int | None:
    from PySide6.QtWidgets import QInputDialog

    number, accepted = QInputDialog.getInt(parent, title, label, value, minimum, maximum)
    return number if accepted else None


def study_edition_options(
    parent: QWidget | None, title: str, accept: str, options: StudyEditionOptions
) -> StudyEditionOptions | None:
    """What to put in a printed study edition; None when the user cancelled."""
    from PySide6.QtWidgets import (
        QCheckBox,
        QDialog,
        QDialogButtonBox,
        QLabel,
        QVBoxLayout,
    )

    from reader_app.domain.edition import StudyEditionOptions

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    intro = QLabel(
        "The text with paragraph numbers and your highlights, and your notes as numbered endnotes.",
        dialog,
    )
    intro.setTextFormat(Qt.TextFormat.PlainText)
    intro.setWordWrap(True)
    glossary = QCheckBox("Add the glossary entries for the terms in the text, as an appendix")
    glossary.setChecked(options.include_glossary)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(accept)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(intro)
    layout.addWidget(glossary)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return StudyEditionOptions(include_glossary=glossary.isChecked())


def print_setup(parent: QWidget | None, title: str, printer: QPrinter) -> bool:
    """The platform's print dialog; True when the user chose to print."""
    from PySide6.QtPrintSupport import QPrintDialog  # printing support loads on first use
    from PySide6.QtWidgets import QDialog

    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    return dialog.exec() == QDialog.DialogCode.Accepted
