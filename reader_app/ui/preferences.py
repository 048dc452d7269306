"""Preferences: theme and reading settings, applied live as they change."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reader_app.settings import (
    DESIRED_RETENTION,
    LINE_HEIGHT,
    MEASURE,
    READING_SIZE,
    THEMES,
    bounds,
)
from reader_app.ui.text_view import ReadingStyle


class PreferencesDialog(QDialog):
    changed = Signal(str, object)  # theme name, ReadingStyle
    retention_changed = Signal(float)  # review's desired retention, 0.70-0.99

    def __init__(self, theme: str, style: ReadingStyle, parent: QWidget | None = None) -> None:
        # Whole on purpose: the form's rows in the order the dialog shows them.
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self._form = form
        self.retention_box: QSpinBox | None = None  # see offer_retention

        self.theme_box = QComboBox(self)
        self.theme_box.setAccessibleName("Theme")
        for name in THEMES:
            label = "Follow the system" if name == "system" else name.capitalize()
            self.theme_box.addItem(label, name)
        form.addRow("&Theme:", self.theme_box)

        self.font_box = QFontComboBox(self)
        self.font_box.setAccessibleName("Reading font")
        self.font_box.setFontFilters(QFontComboBox.FontFilter.ScalableFonts)
        form.addRow("Reading &font:", self.font_box)

        self.size_box = QDoubleSpinBox(self)
        self.size_box.setAccessibleName("Font size in points")
        self.size_box.setRange(*bounds(READING_SIZE))
        self.size_box.setSingleStep(0.5)
        self.size_box.setDecimals(1)
        self.size_box.setSuffix(" pt")
        form.addRow("Font &size:", self.size_box)

        self.line_box = QSpinBox(self)
        self.line_box.setAccessibleName("Line spacing in percent")
        self.line_box.setRange(*bounds(LINE_HEIGHT))
        self.line_box.setSingleStep(5)
        self.line_box.setSuffix(" %")
        form.addRow("&Line spacing:", self.line_box)

        self.measure_box = QSpinBox(self)
        self.measure_box.setAccessibleName("Text width in characters")
        self.measure_box.setRange(*bounds(MEASURE))
        self.measure_box.setSingleStep(2)
        self.measure_box.setSuffix(" characters")
        form.addRow("Text &width:", self.measure_box)

        for make_section in getattr(parent, "preference_sections", ()):  # e.g. Sync
            layout.addWidget(make_section(self))

        hint = QLabel("Changes apply at once and are remembered.", self)
        hint.setEnabled(False)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.RestoreDefaults | QDialogButtonBox.StandardButton.Close,
            self,
        )
        buttons.rejected.connect(self.close)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self._restore_defaults
        )
        for button in buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        layout.addWidget(buttons)

        self.set_values(theme, style)
        self.theme_box.currentIndexChanged.connect(self._emit)
        self.font_box.currentFontChanged.connect(self._emit)
        for box in (self.size_box, self.line_box, self.measure_box):
            box.valueChanged.connect(self._emit)

    def offer_retention(self, value: float) -> None:
        """Add review's desired retention (as a percentage) once review is available."""
        if self.retention_box is not None:
            return
        box = QSpinBox(self)
        box.setAccessibleName("Desired retention in percent")
        low, high = bounds(DESIRED_RETENTION)
        box.setRange(round(low * 100), round(high * 100))
        box.setSuffix(" %")
        box.setValue(round(value * 100))
        box.setToolTip(
            "How many of your review cards you aim to remember when they come back. Higher "
            "brings them back sooner and more often."
        )
        box.valueChanged.connect(lambda percent: self.retention_changed.emit(percent / 100))
        self._form.addRow("Review: desired &retention:", box)
        self.retention_box = box

    def _restore_defaults(self) -> None:
        self.set_values("system", ReadingStyle())
        if self.retention_box is not None:
            self.retention_box.setValue(round(DESIRED_RETENTION.default * 100))

    def set_values(self, theme: str, style: ReadingStyle) -> None:
        widgets = (self.theme_box, self.font_box, self.size_box, self.line_box, self.measure_box)
        for widget in widgets:
            widget.blockSignals(True)
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(theme)))
        self.font_box.setCurrentFont(QFont(style.family))
        self.size_box.setValue(style.point_size)
        self.line_box.setValue(style.line_height)
        self.measure_box.setValue(style.measure)
        for widget in widgets:
            widget.blockSignals(False)
        self._emit()

    def reading_style(self) -> ReadingStyle:
        return ReadingStyle(
            family=self.font_box.currentFont().family(),
            point_size=self.size_box.value(),
            line_height=self.line_box.value(),
            measure=self.measure_box.value(),
        )

    def _emit(self) -> None:
        self.changed.emit(self.theme_box.currentData(), self.reading_style())
