"""Side panes that stay readable whatever the screen.

Docks sharing a place show tabs, and Qt cuts their titles ("Glo…", "Li…", "Con…") when the
place is narrow: each docked pane is kept at least as wide as its group's tabs with their
full titles. And Qt restores a saved layout's dock widths in pixels, so a layout saved in a
small window kept its panes narrow in a large one, the text taking all the room: when the
window grows by a large step (maximised, or moved to a larger screen), panes narrower than
their usual width get it back (as far as the text's own minimum allows).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

SIDE_PANE_WIDTH = 300  # pixels: a pane's usual width, a glossary entry's lines at ease


MUCH_WIDER = 1.25  # a window grown this much was maximised or moved to a larger screen


def _much_wider(event: QResizeEvent) -> bool:
    """A large step wider, not the restore at start nor a drag of the window's edge: a
    pane the reader narrowed on purpose keeps its width across restarts and small drags."""
    old = event.oldSize().width()
    return old > 0 and event.size().width() >= MUCH_WIDER * old


class DockWidths(QObject):
    def __init__(self, window: QMainWindow, usual: dict[QDockWidget, int]) -> None:
        super().__init__(window)
        self._window = window
        self._usual: dict[QDockWidget, int] = {}
        self._tabs_pending = False
        for dock, width in usual.items():
            self.add(dock, width)
        window.installEventFilter(self)

    def add(self, dock: QDockWidget, usual: int = SIDE_PANE_WIDTH) -> None:
        self._usual[dock] = usual
        self._tabs_changed()

    def widen(self) -> None:
        """Docked panes narrower than their usual width get it, the text giving way."""
        narrow = [
            dock
            for dock in self._usual
            if dock.isVisible() and not dock.isFloating() and dock.width() < self._usual[dock]
        ]
        if narrow:
            widths = [self._usual[dock] for dock in narrow]
            self._window.resizeDocks(narrow, widths, Qt.Orientation.Horizontal)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.LayoutRequest:
            self._tabs_changed()  # a dock shown, hidden, moved or tabbed
        elif watched is self._window and event.type() == QEvent.Type.Resize:
            assert isinstance(event, QResizeEvent)
            if self._window.isVisible() and _much_wider(event):
                QTimer.singleShot(0, self.widen)  # once the layout has the new width
        return False

    def _tabs_changed(self) -> None:
        if not self._tabs_pending:  # after Qt has rebuilt the tab bars
            self._tabs_pending = True
            QTimer.singleShot(0, self.keep_tab_titles_whole)

    def keep_tab_titles_whole(self) -> None:
        self._tabs_pending = False
        whole: dict[str, int] = {}
        for bar in self._window.findChildren(QTabBar):
            if bar.parentWidget() is self._window and not bar.isHidden():
                width = bar.sizeHint().width()  # every tab with its full title
                whole.update((bar.tabText(index), width) for index in range(bar.count()))
        for dock in self._usual:
            width = whole.get(dock.windowTitle(), 0)
            if dock.minimumWidth() != width:  # each change asks for another layout
                dock.setMinimumWidth(width)
