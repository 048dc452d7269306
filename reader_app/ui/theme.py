"""Colours for the reading view, derived from the current palette.

Deriving every colour from the palette (instead of fixed light-mode values) is what lets
the app follow the system's light or dark scheme without a second code path.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


def blend(front: QColor, back: QColor, amount: float) -> QColor:
    """``amount`` of ``front`` over ``back`` (0 gives back, 1 gives front)."""
    return QColor.fromRgbF(
        front.redF() * amount + back.redF() * (1 - amount),
        front.greenF() * amount + back.greenF() * (1 - amount),
        front.blueF() * amount + back.blueF() * (1 - amount),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


@dataclass(frozen=True)
class ReadingColours:
    text: QColor
    background: QColor
    muted: QColor  # headings, labels, paragraph numbers: present but quiet
    editorial_text: QColor
    editorial_background: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> ReadingColours:
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        return cls(
            text=text,
            background=base,
            muted=blend(text, base, 0.55),
            editorial_text=blend(text, base, 0.78),
            editorial_background=blend(text, base, 0.045),
        )
