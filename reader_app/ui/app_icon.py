"""The application icon, from the PNG sizes made by ``packaging/make_icons.py``.

PNG needs no image-format plugin, so the icon shows in a slim frozen build as it does from
source; Qt picks the best size for the title bar, the task bar and the About box.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon

from reader_app import APP_ID
from reader_app.paths import resource_root


def icon_files() -> list[str]:
    """The PNG files, smallest first (their folders are named like ``16x16``)."""
    hicolor = resource_root() / "icons" / "hicolor"
    files = hicolor.glob(f"*x*/apps/{APP_ID}.png")
    return [str(path) for path in sorted(files, key=lambda p: int(p.parts[-3].split("x")[0]))]


def application_icon() -> QIcon:
    icon = QIcon()
    for path in icon_files():
        icon.addFile(path)
    return icon
