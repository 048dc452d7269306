"""Colour themes: the system's own, or light, sepia and dark palettes of our own.

Everything in the app takes its colours from the palette, so a theme is just a palette.
Contrast is checked (WCAG) in the tests for body text, selection, highlights and find marks.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from reader_app.settings import THEMES
from reader_app.ui.reading_colours import blend

_ROLES = QPalette.ColorRole

_PALETTES: dict[str, dict[QPalette.ColorRole, str]] = {
    "light": {
        _ROLES.Window: "#efede8",
        _ROLES.WindowText: "#1f1f1f",
        _ROLES.Base: "#fdfdfb",
        _ROLES.AlternateBase: "#f4f3ef",
        _ROLES.Text: "#1c1c1c",
        _ROLES.Button: "#e9e7e2",
        _ROLES.ButtonText: "#1f1f1f",
        _ROLES.Highlight: "#2f66a8",
        _ROLES.HighlightedText: "#ffffff",
        _ROLES.ToolTipBase: "#fffbe6",
        _ROLES.ToolTipText: "#1c1c1c",
        _ROLES.PlaceholderText: "#6f6f6f",
        _ROLES.Link: "#1f5aa0",
        _ROLES.LinkVisited: "#6a3d99",
        _ROLES.Mid: "#c9c6bf",
    },
    "sepia": {
        _ROLES.Window: "#e8dcc3",
        _ROLES.WindowText: "#3a2e1f",
        _ROLES.Base: "#f6eedb",
        _ROLES.AlternateBase: "#efe4cc",
        _ROLES.Text: "#3a2e1f",
        _ROLES.Button: "#e2d4b8",
        _ROLES.ButtonText: "#3a2e1f",
        _ROLES.Highlight: "#7b4f26",
        _ROLES.HighlightedText: "#fffaf0",
        _ROLES.ToolTipBase: "#fbf5e6",
        _ROLES.ToolTipText: "#3a2e1f",
        _ROLES.PlaceholderText: "#6e5d45",
        _ROLES.Link: "#7a3e12",
        _ROLES.LinkVisited: "#6b3a5a",
        _ROLES.Mid: "#c9b894",
    },
    "dark": {
        _ROLES.Window: "#26282b",
        _ROLES.WindowText: "#e4e4e4",
        _ROLES.Base: "#1c1d20",
        _ROLES.AlternateBase: "#232529",
        _ROLES.Text: "#e6e4df",
        _ROLES.Button: "#303236",
        _ROLES.ButtonText: "#e4e4e4",
        _ROLES.Highlight: "#3f6fae",
        _ROLES.HighlightedText: "#ffffff",
        _ROLES.ToolTipBase: "#303236",
        _ROLES.ToolTipText: "#e6e4df",
        _ROLES.PlaceholderText: "#9a9a9a",
        _ROLES.Link: "#8ab4f0",
        _ROLES.LinkVisited: "#c0a0e8",
        _ROLES.Mid: "#44474c",
    },
}


def theme_palette(name: str) -> QPalette | None:
    """The palette of one of our themes; None for "system"."""
    colours = _PALETTES.get(name)
    if colours is None:
        return None
    palette = QPalette()
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    # Halfway between the text and the button face: plainly dimmed in every theme (sepia's
    # placeholder brown, used before, left a disabled button looking like an enabled one).
    disabled = blend(QColor(colours[_ROLES.ButtonText]), QColor(colours[_ROLES.Button]), 0.5)
    for role in (_ROLES.Text, _ROLES.WindowText, _ROLES.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


_manager: ThemeManager | None = None


def install_theme_manager(app: QGuiApplication) -> ThemeManager:
    """Once per process, before any theme is applied, so the system palette is captured."""
    global _manager  # noqa: PLW0603 - one application, one manager
    if _manager is None:
        _manager = ThemeManager(app)
    return _manager


def theme_manager() -> ThemeManager:
    if _manager is None:
        raise RuntimeError("install_theme_manager() has not been called")
    return _manager


class ThemeManager:
    """Remembers the system palette so that "system" can always be restored."""

    def __init__(self, app: QGuiApplication) -> None:
        self._app = app
        self._system_palette = QPalette(app.palette())
        self.current = "system"

    def apply(self, name: str) -> None:
        if name not in THEMES:
            name = "system"
        if name == self.current:
            return  # a palette change restyles every widget: not for nothing
        palette = theme_palette(name)
        self._app.setPalette(palette if palette is not None else self._system_palette)
        self.current = name
