"""Highlight colours, the one place for them: the names a note stores and the shades painted.

Names rather than RGB values are stored, so a theme can change shades without a migration.
The reading view, the notes list, the printed study edition and the exported stylesheet all
take their shades from here. Kept free of imports so the reading view loads it cheaply.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Colour(StrEnum):
    """Named highlight colours, in the order menus offer them."""

    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    PINK = "pink"
    PURPLE = "purple"


DEFAULT_COLOUR = Colour.YELLOW


class Shades(NamedTuple):
    light: str  # the background under dark text (light themes, paper, other tools)
    dark: str  # deep and desaturated, so light text on it keeps AA contrast


SHADES: dict[Colour, Shades] = {
    Colour.YELLOW: Shades("#fbeaa0", "#5c4d12"),
    Colour.GREEN: Shades("#cdeccb", "#1f4d2a"),
    Colour.BLUE: Shades("#cfe3fb", "#1d3d63"),
    Colour.PINK: Shades("#f8d3e3", "#5e2340"),
    Colour.PURPLE: Shades("#e2d6f5", "#3f2c63"),
}


def shades_of(name: str | None) -> Shades:
    """The shades for a stored colour name; an unknown or missing one is the default's."""
    try:
        return SHADES[Colour(name or DEFAULT_COLOUR)]
    except ValueError:
        return SHADES[DEFAULT_COLOUR]
