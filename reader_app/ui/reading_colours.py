"""Colours for the reading view, derived from the current palette.

Deriving every colour from the palette (instead of fixed light-mode values) is what lets
the app follow the system's light or dark scheme without a second code path.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QColor, QPalette, QTextCharFormat

from reader_app.domain.highlights import shades_of


def blend(front: QColor, back: QColor, amount: float) -> QColor:
    """``amount`` of ``front`` over ``back`` (0 gives back, 1 gives front)."""
    return QColor.fromRgbF(
        front.redF() * amount + back.redF() * (1 - amount),
        front.greenF() * amount + back.greenF() * (1 - amount),
        front.blueF() * amount + back.blueF() * (1 - amount),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


# A NamedTuple, not a dataclass: cheaper to define on the start-up path.
class ReadingColours(NamedTuple):
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
            muted=blend(text, base, 0.7),
            editorial_text=blend(text, base, 0.78),
            editorial_background=blend(text, base, 0.045),
        )


def mark_format(style: str, palette: QPalette) -> QTextCharFormat:
    """The look of a mark in the reading view, for the current palette."""
    dark = is_dark(palette)
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    accent = palette.color(QPalette.ColorRole.Highlight)
    char_format = QTextCharFormat()
    if style == "term":
        char_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        char_format.setUnderlineColor(blend(accent, base, 0.75 if dark else 0.65))
    elif style.startswith("highlight:"):
        shades = shades_of(style.partition(":")[2])
        char_format.setBackground(QColor(shades.dark if dark else shades.light))
    elif style == "find":
        char_format.setBackground(blend(accent, base, 0.28))
    elif style in ("find-current", "flash"):
        char_format.setBackground(blend(accent, base, 0.55 if dark else 0.4))
        char_format.setForeground(text)
    return char_format
