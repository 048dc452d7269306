"""Opening links outside the app: only http(s), only when the user clicked one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QDesktopServices

if TYPE_CHECKING:  # the callers hand a QUrl in; importing it costs PySide five enum classes
    from PySide6.QtCore import QUrl


def is_web_link(url: QUrl) -> bool:
    return url.isValid() and url.scheme() in {"http", "https"} and bool(url.host())


def open_external(url: QUrl) -> bool:
    """Hand a clicked web address to the system browser; anything else is refused."""
    if not is_web_link(url):
        return False
    return QDesktopServices.openUrl(url)
