"""A QTextBrowser that never fetches anything and never follows a link by itself.

Glossary text and user notes pass through these views; the owner decides what a click
does (see ``links.open_external``), so nothing can navigate or load behind the user's back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTextBrowser, QWidget

if TYPE_CHECKING:  # QUrl's first use costs PySide five enums; the annotation needs none
    from PySide6.QtCore import QUrl


class SafeBrowser(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        """Refuse every resource (images, style sheets): no remote or local file is read."""
        return None
