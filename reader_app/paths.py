"""The one place that knows where files live, whether the app runs from source or frozen.

PyInstaller unpacks bundled data under ``sys._MEIPASS``; from a source checkout the
resources sit beside the package. Everything else asks this module instead of guessing.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def is_frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resource_root() -> Path:
    """Folder holding ``texts/``, ``glossary/``, ``fonts/``, ``icons/`` and ``styles/``."""
    if is_frozen():
        return Path(sys._MEIPASS) / "resources"  # type: ignore[attr-defined]
    return _PACKAGE_DIR.parent / "resources"


def default_data_dir() -> Path:
    """The platform's per-user app data folder (needs the QApplication names set first).

    Imported lazily so that the domain and storage layers can use this module without Qt.
    """
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    if not location:
        raise RuntimeError("The system reports no folder for application data.")
    return Path(location)
