"""The main window: three areas, docks, zoom, and state remembered between runs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget

from reader_app import APP_ID


def test_window_shows_text_and_its_docks(make_window) -> None:
    window = make_window()
    view = window.reading_view
    assert view.isVisible()
    plain = view.toPlainText()
    assert "Some third person decides your fate" in plain
    assert "Editor’s introduction" in plain  # the editor's matter is labelled apart
    docks = {dock.objectName(): dock for dock in window.findChildren(QDockWidget)}
    assert set(docks) == {"glossaryDock", "notesDock", "libraryDock", "contentsDock"}
    # The library is a tab behind the glossary; the bundled extract has no chapters.
    assert docks["glossaryDock"].isVisible() and docks["notesDock"].isVisible()
    assert window.tabifiedDockWidgets(docks["glossaryDock"]) == [docks["libraryDock"]]
    assert not docks["contentsDock"].isVisible()
    assert window.dockWidgetArea(docks["glossaryDock"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert window.dockWidgetArea(docks["notesDock"]) == Qt.DockWidgetArea.RightDockWidgetArea


def test_reading_view_uses_a_serif_reading_layout(make_window) -> None:
    window = make_window()
    window.resize(1400, 800)
    view = window.reading_view
    block = view.text_block("p1")
    font = block.begin().fragment().charFormat().font()
    assert font.family() == "Noto Serif"
    assert font.pointSizeF() >= 11
    assert block.blockFormat().lineHeight() >= 140
    # A reading measure, not the full window width: about 60-75 characters a line.
    line = block.layout().lineAt(0)
    assert 55 <= line.textLength() <= 80


def test_docks_close_and_come_back_from_the_view_menu(make_window, qtbot) -> None:
    window = make_window()
    toggle = window.glossary_dock.toggleViewAction()
    assert toggle in window.actions_table.menus["view"].actions()
    window.glossary_dock.close()
    qtbot.waitUntil(lambda: not window.glossary_dock.isVisible())
    toggle.trigger()
    qtbot.waitUntil(window.glossary_dock.isVisible)
    window.notes_dock.close()
    window.glossary_dock.close()
    window.action("restore-layout").trigger()
    assert window.notes_dock.isVisible() and window.glossary_dock.isVisible()


def test_zoom_changes_the_font_and_is_remembered(make_window, data_dir) -> None:
    window = make_window()
    view = window.reading_view

    def body_size(w) -> float:
        return w.reading_view.text_block("p2").begin().fragment().charFormat().font().pointSizeF()

    before = body_size(window)
    assert window.action("zoom-in").shortcuts()[0] == QKeySequence(QKeySequence.StandardKey.ZoomIn)
    window.action("zoom-in").trigger()
    window.action("zoom-in").trigger()
    assert view.zoom_percent == 120
    assert body_size(window) == pytest.approx(before * 1.2)
    assert window.zoom_label.text() == "120%"
    window.close()

    second = make_window()
    assert second.reading_view.zoom_percent == 120
    assert body_size(second) == pytest.approx(before * 1.2)
    second.action("zoom-reset").trigger()
    assert body_size(second) == before


def test_a_saved_look_is_built_in_not_applied_afterwards(make_window, data_dir, qtbot) -> None:
    """Zoom, style and theme from the last run shape the first layout: no second pass. A
    restyle edits every block, which raises the document's revision: the window's text must
    be at the revision of a reading view that was only built."""
    from reader_app.domain.text import load_document
    from reader_app.settings import LINE_HEIGHT, THEME, ZOOM_PERCENT, Settings
    from reader_app.ui.text_view import ReadingView
    from reader_app.ui.themes import theme_manager

    plain = ReadingView(load_document())
    qtbot.addWidget(plain)
    built_only = plain.document().revision()
    settings = Settings(data_dir)
    settings.set(ZOOM_PERCENT, 130)
    settings.set(LINE_HEIGHT, 180)
    settings.set(THEME, "sepia")
    settings.sync()
    try:
        window = make_window(show=False)
        view = window.reading_view
        assert view.document().revision() == built_only
        assert view.zoom_percent == 130
        assert window.zoom_label.text() == "130%"
        block = view.text_block("p1")
        assert block.blockFormat().lineHeight() == 180
        assert block.begin().fragment().charFormat().font().pointSizeF() == pytest.approx(
            view.reading_style.point_size * 1.3
        )
        assert theme_manager().current == "sepia"
    finally:
        theme_manager().apply("system")


def test_geometry_docks_and_reading_position_are_restored(make_window, qtbot) -> None:
    window = make_window()
    window.resize(760, 640)  # inside the offscreen screen (800x800), which clamps geometry
    window.notes_dock.close()
    view = window.reading_view
    target = view.text_block("p5").position()
    view.scroll_to_position(target)
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() > 0)
    saved_top = view.top_position()
    assert view.document().findBlock(saved_top).blockNumber() == view.text_block("p5").blockNumber()
    window.close()

    second = make_window(show=False)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (760, 640)
    assert not second.notes_dock.isVisible()
    assert second.glossary_dock.isVisible()
    qtbot.waitUntil(lambda: second.reading_view.top_position() == saved_top)


def test_a_first_start_opens_at_the_top_of_the_page(make_window, qtbot) -> None:
    """Not scrolled to the heading's first line, which would hide the page's top margin."""
    window = make_window()
    view = window.reading_view
    qtbot.wait(50)  # the saved position is restored just after the first layout
    assert view.verticalScrollBar().value() == 0
    heading_top = view.document().documentLayout().blockBoundingRect(view.text_block("heading"))
    assert heading_top.top() >= 28  # the margin above the heading is on screen


def test_ctrl_wheel_zooms_the_reading_font(make_window, qtbot) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    window = make_window()
    viewport = window.reading_view.viewport()
    event = QWheelEvent(
        QPointF(50, 50),
        QPointF(viewport.mapToGlobal(QPoint(50, 50))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)
    assert window.reading_view.zoom_percent == 110


def test_about_box_names_version_license_and_provenance(make_window, dialogs_shown) -> None:
    window = make_window()
    window.action("about").trigger()
    _, title, html = dialogs_shown.shown[0]
    assert "About Study Reader" in title
    from reader_app import __version__

    assert __version__ in html and "GPL" in html
    assert "editor" in html.lower() and "marxists.org" in html


def test_reading_view_loads_no_resources(make_window) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    view = make_window().reading_view
    url = QUrl("https://example.org/tracker.png")
    assert view.loadResource(QTextDocument.ResourceType.ImageResource.value, url) is None
    assert not view.openExternalLinks() and not view.openLinks()


def test_interactive_start_shows_the_text_before_building_the_panels(qtbot, data_dir) -> None:
    from reader_app.app import create_main_window

    window = create_main_window(data_dir, defer_panels=True)
    qtbot.addWidget(window)
    assert window.glossary_pane is None and window.notes_panel is None
    assert "Some third person" in window.reading_view.toPlainText()
    with qtbot.waitSignal(window.panels_ready, timeout=10_000):
        window.show()
    assert window.glossary_dock.widget() is window.glossary_pane
    assert window.notes_dock.widget() is window.notes_panel
    assert window.reading_view.marks("terms")


def test_the_review_due_count_is_drawn_with_the_panels(
    qtbot, data_dir, make_window, monkeypatch
) -> None:
    """The count of cards due is in the status bar when the panels are painted, and review
    keeps that same field: when review made its own, later, the status bar's fields moved
    once more after the window had looked complete."""
    from PySide6.QtWidgets import QLabel

    import reader_app.app as app_module
    from tests.gui.note_steps import select_words

    earlier = make_window()
    qtbot.waitUntil(lambda: earlier.review.controller is not None)
    select_words(earlier, "p2", "red tape")
    earlier.action("save-word-for-review").trigger()
    earlier.close()

    def due_fields(window) -> list[QLabel]:
        return [
            label
            for label in window.statusBar().findChildren(QLabel)
            if label.accessibleName() == "Review cards due" and not label.isHidden()
        ]

    seen_before_review: list[list[str]] = []
    finish = app_module.finish_window

    def finish_window(window, *args, **kwargs) -> None:
        seen_before_review.append([label.text() for label in due_fields(window)])
        finish(window, *args, **kwargs)

    monkeypatch.setattr(app_module, "finish_window", finish_window)
    window = app_module.create_main_window(data_dir, defer_panels=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.panels_ready, timeout=10_000):
        window.show()
    assert seen_before_review == [["1 due for review"]]
    assert due_fields(window) == [window.review.due_label]
    assert window.review.due_label.text() == "1 due for review"


def test_the_window_has_the_icon(qapp) -> None:
    sizes = {size.width() for size in qapp.windowIcon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    assert qapp.desktopFileName() == APP_ID
