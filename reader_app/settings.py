"""Typed user settings: one registry of defaults and limits over QSettings.

The one place for the reading defaults, the zoom limits and the theme names: the reading
view, Preferences and the command line take them from here.

Every setting is declared once with its type and default, so a missing, old or hand-edited
value falls back to a sane default instead of crashing the app. Window geometry and dock
layout are opaque Qt blobs and kept apart from the preferences a user chooses.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:  # Qt loads with the first Settings, so the command line can read the names
    from PySide6.QtCore import QByteArray

T = TypeVar("T", int, float, str, bool)


# A NamedTuple, not a dataclass: cheaper to define on the start-up path.
class Setting(NamedTuple, Generic[T]):
    key: str
    default: T
    minimum: T | None = None
    maximum: T | None = None


def clamp(setting: Setting[T], value: T) -> T:
    """The value, or the setting's nearest limit when it lies outside them."""
    if setting.minimum is not None and value < setting.minimum:
        return setting.minimum
    if setting.maximum is not None and value > setting.maximum:
        return setting.maximum
    return value


def bounds(setting: Setting[T]) -> tuple[T, T]:
    """(minimum, maximum) of a bounded setting, for a spin box's range."""
    if setting.minimum is None or setting.maximum is None:
        raise ValueError(f"{setting.key} has no upper or lower limit")
    return setting.minimum, setting.maximum


ZOOM_PERCENT = Setting("reading/zoom_percent", 100, 50, 300)
READING_POSITION = Setting("reading/position", 0, 0, 2**31 - 1)  # Qt's int range

THEMES = ("system", "light", "sepia", "dark")  # "system" follows the desktop's palette
THEME = Setting("appearance/theme", THEMES[0])
READING_FAMILY = Setting("reading/font_family", "Noto Serif")
READING_SIZE = Setting("reading/font_size", 12.0, 7.0, 32.0)
LINE_HEIGHT = Setting("reading/line_height_percent", 155, 100, 250)
MEASURE = Setting("reading/measure_characters", 68, 35, 120)

CITATION_STYLE = Setting("output/citation_style", "chicago")  # a CitationStyle value
SYNC_FOLDER = Setting("sync/folder", "")  # "" : not syncing; see Preferences > Sync

# The share of cards the scheduler aims to have remembered when they come back (FSRS's
# range the domain accepts: below 0.7 cards come back too late to be worth it, above 0.99
# far too often).
DESIRED_RETENTION = Setting("review/desired_retention", 0.9, 0.7, 0.99)

ZOOM_STEP_PERCENT = 10  # one menu command, one key press or one notch of Ctrl+wheel


class Settings:
    """Preferences stored in an INI file inside the user's data folder.

    An INI file in the data folder (rather than the registry or ~/.config) keeps
    ``--data-dir`` truly self-contained: portable installs and tests touch nothing else.
    """

    def __init__(self, data_dir: Path) -> None:
        from PySide6.QtCore import QSettings

        self._store = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)

    def get(self, setting: Setting[T]) -> T:
        """The stored value if usable, clamped to the setting's range; else the default.
        A hand-edited file can hold anything, and nothing in it may stop the app."""
        raw: Any = self._store.value(setting.key, setting.default)  # whatever the file holds
        kind = type(setting.default)
        if kind is bool and isinstance(raw, str):
            raw = raw.strip().lower() in {"1", "true", "yes"}
        try:
            value: T = kind(raw)
        except (TypeError, ValueError, OverflowError):
            return setting.default
        if isinstance(value, float) and math.isnan(value):
            return setting.default  # a hand-edited "nan" is no value at all
        return clamp(setting, value)

    def set(self, setting: Setting[T], value: T) -> None:
        self._store.setValue(setting.key, value)

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        """Saved (geometry, dock layout), or None for what was never saved."""
        from PySide6.QtCore import QByteArray

        geometry = self._store.value("window/geometry")
        layout = self._store.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            layout if isinstance(layout, QByteArray) else None,
        )

    def save_window_state(self, geometry: QByteArray, layout: QByteArray) -> None:
        self._store.setValue("window/geometry", geometry)
        self._store.setValue("window/state", layout)

    def sync(self) -> None:
        self._store.sync()
