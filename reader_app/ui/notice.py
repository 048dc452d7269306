"""The banner a pane shows when something needs the reader's attention (plain text only)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

WARNING = "#c0392b"  # something is broken: the glossary could not be read
NOTICE = "#c47f17"  # something to know: read-only notes, a restored backup


def notice_label(parent: QWidget, accessible_name: str, accent: str) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAccessibleName(accessible_name)
    label.setStyleSheet(
        f"QLabel {{ background: palette(alternate-base); border-left: 3px solid {accent};"
        " padding: 6px; }"
    )
    label.hide()
    return label
