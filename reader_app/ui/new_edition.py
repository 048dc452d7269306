"""File > Replace with a New Edition…: swap the current text's file for a corrected one and
place its notes again. Works on "the current text" (the window's ``document``); the bundled
text is updated with Study Reader itself, so the command explains that instead."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject

from reader_app.models.new_edition import report_text
from reader_app.ui import dialogs
from reader_app.ui.actions import ActionSpec

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from reader_app.domain.text import Document
    from reader_app.models.new_edition import EditionReport, NewEditionController
    from reader_app.ui.actions import ActionRegistry

NEW_EDITION_ACTIONS = (
    ActionSpec(
        "replace-edition",
        "Replace with a New &Edition…",
        "file",
        "text-files",
        tip="Read this text from a corrected file; your notes are placed in the new words",
    ),
)
TEXT_FILTERS = [
    "Texts (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub)",
    "All files (*)",
]


class EditionHost(Protocol):
    document: Document

    def show_problem(self, message: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...


class NewEditionCoordinator(QObject):
    def __init__(
        self,
        window: EditionHost,
        parent: QWidget,
        actions: ActionRegistry,
        controller: NewEditionController,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._parent = parent
        self.controller = controller
        actions.add_all(NEW_EDITION_ACTIONS, self)
        actions.action("replace-edition").setEnabled(not read_only)
        controller.failed.connect(window.show_problem)

    def replace_edition(self) -> EditionReport | None:
        document = self._window.document
        if self.controller.is_bundled(document.id):
            self._window.show_problem(
                f"“{document.title}” comes with Study Reader, and a corrected edition comes "
                "with a new version of Study Reader. Texts you added can be replaced."
            )
            return None
        path = dialogs.open_file_path(
            self._parent, f"New Edition of “{document.title}”", TEXT_FILTERS
        )
        if not path:
            return None
        report = self.controller.replace(document.id, Path(path))
        if report is not None:
            self._window.statusBar().showMessage(report_text(report), 15000)
        return report
