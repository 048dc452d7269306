"""The library's modal dialogs, each a small function the tests replace (as in dialogs.py)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

TEXT_FILTERS = [
    "Texts (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub)",
    "All files (*)",
]


class RemoveChoice(Enum):
    KEEP_NOTES = "keep"  # remove the text, keep its notes (they come back if it is re-added)
    EXPORT_AND_DELETE_NOTES = "export"  # export the notes to a file first, then delete them
    CANCEL = "cancel"


def open_file_paths(parent: QWidget | None, title: str) -> list[str]:
    """Several files at once; an empty list when the user cancelled."""
    from PySide6.QtWidgets import QFileDialog

    paths, _ = QFileDialog.getOpenFileNames(parent, title, "", ";;".join(TEXT_FILTERS))
    return paths


def ask_remove(parent: QWidget | None, title: str, notes: int) -> RemoveChoice:
    """Remove a text: keep its notes (the default), or export them and delete them."""
    from PySide6.QtWidgets import QMessageBox

    count = f"{notes} note" + ("" if notes == 1 else "s")
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Remove Text",
        f"Remove “{title}” from the library? Its {count} stay in your notes file and come "
        "back if you add the file again, unless you export them to a file and delete them.",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    keep = box.addButton("Remove, Keep Notes", QMessageBox.ButtonRole.AcceptRole)
    export = box.addButton("Export Notes and Delete…", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep)
    box.exec()
    if box.clickedButton() is keep:
        return RemoveChoice.KEEP_NOTES
    if box.clickedButton() is export:
        return RemoveChoice.EXPORT_AND_DELETE_NOTES
    return RemoveChoice.CANCEL
