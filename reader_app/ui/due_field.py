"""The status bar's count of review cards due: one field, drawn with the panels at start-up
(``app.show_due_count``) and kept up to date by the Review menu (``ui/review_menu.py``)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

DUE_FIELD_NAME = "reviewDue"


def due_text(due: int) -> str:
    return f"{due} due for review" if due else "Nothing due for review"


def due_field(status_bar: QStatusBar) -> QLabel:
    """The field, made hidden on first use: whoever counts first shows it, and the other
    finds it here, so the status bar's fields are laid out once."""
    field = status_bar.findChild(QLabel, DUE_FIELD_NAME)
    if field is None:
        field = QLabel(status_bar)
        field.setObjectName(DUE_FIELD_NAME)
        field.setAccessibleName("Review cards due")
        field.hide()
        status_bar.addPermanentWidget(field)
    return field
