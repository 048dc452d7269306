"""Edit Details of This Text…: the current text's title, author, year and the rest, for
citations and exports. Works on "the current text" (the window's ``document``); the bundled
text's details are shown read-only. The dialog goes through ``ask_details``, which tests
replace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt

from reader_app.domain.text_details import DETAIL_FIELDS
from reader_app.models.text_details import TextDetails
from reader_app.ui.actions import ActionSpec

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from reader_app.domain.text import Document
    from reader_app.models.text_details import TextDetailsController
    from reader_app.ui.actions import ActionRegistry

TEXT_DETAILS_ACTIONS = (
    ActionSpec(
        "edit-text-details",
        "&Details of This Text…",
        "help",
        "guides",
        tip="The title, author, year and other details that citations of this text use",
    ),
)


def ask_details(parent: QWidget, details: TextDetails, title: str) -> dict[str, str] | None:
    """The details form; None when cancelled or when the text cannot be edited."""
    from PySide6.QtWidgets import (
        QDialog,
        QDialogButtonBox,
        QFormLayout,
        QLabel,
        QLineEdit,
        QVBoxLayout,
    )

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumWidth(520)
    layout = QVBoxLayout(dialog)
    if not details.editable:
        notice = QLabel(
            "This text comes with Study Reader: its details are part of the application "
            "and cannot be changed here.",
            dialog,
        )
        notice.setTextFormat(Qt.TextFormat.PlainText)
        notice.setWordWrap(True)
        layout.addWidget(notice)
    form = QFormLayout()
    layout.addLayout(form)
    edits = {}
    for name, label in DETAIL_FIELDS:
        edit = QLineEdit(details.values[name], dialog)
        edit.setReadOnly(not details.editable)
        edits[name] = edit
        form.addRow(f"{label}:", edit)
    buttons = QDialogButtonBox(dialog)
    if details.editable:
        buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
    else:
        buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted or not details.editable:
        return None
    return {name: edit.text() for name, edit in edits.items()}


class DetailsHost(Protocol):
    document: Document

    def show_problem(self, message: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...


class TextDetailsCoordinator(QObject):
    def __init__(
        self,
        window: DetailsHost,
        parent: QWidget,
        actions: ActionRegistry,
        controller: TextDetailsController,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._parent = parent
        self.controller = controller
        actions.add_all(TEXT_DETAILS_ACTIONS, self)
        controller.failed.connect(window.show_problem)

    def edit_text_details(self) -> bool:
        """Ask until the details can be stored or the reader cancels."""
        text_id = self._window.document.id
        details = self.controller.details(text_id)
        if details is None:
            self._window.show_problem("This text’s details cannot be found in the library.")
            return False
        title = "Details of This Text"
        while True:
            values = ask_details(self._parent, details, title)
            if values is None:
                return False
            if self.controller.save(text_id, values):
                self._window.statusBar().showMessage("Saved the details of this text.", 6000)
                return True
            details = details._replace(values=values)  # asked again with what was typed
