"""Find, search everything, preferences and themes, moving around, and accessibility."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QWidget

from reader_app.domain.highlights import Colour
from reader_app.domain.search import find_pattern
from reader_app.ui.paragraphs import current_paragraph
from reader_app.ui.reading_colours import ReadingColours, mark_format
from reader_app.ui.search_everything import RESULT_ROLE
from reader_app.ui.text_view import ReadingStyle
from reader_app.ui.themes import theme_manager, theme_palette

from .wcag import contrast_ratio


def shown_matches(bar) -> tuple[int, int]:
    """(current match, count) as the find bar shows them: "3 of 12", or "No matches"."""
    found = re.match(r"(\d+) of (\d+)", bar.count_label.text())
    return (int(found[1]), int(found[2])) if found else (0, 0)


def search_results(dialog) -> dict[str, list[tuple]]:
    """Search Everything's results in the text being read (the first group, by text) as its
    tree shows them, by kind: (kind, target)."""
    groups = {}
    text_group = dialog.results.topLevelItem(0)
    assert text_group.text(0).endswith("(this text)")
    for row in range(text_group.childCount()):
        group = text_group.child(row)
        name = group.text(0).split(" (")[0]
        groups[name] = [
            (result.kind, *result.target[:1])
            for _text, _current, result in (
                group.child(i).data(0, RESULT_ROLE) for i in range(group.childCount())
            )
        ]
    return groups


def test_find_counts_wraps_and_treats_apostrophes_alike(make_window, qtbot) -> None:
    window = make_window()
    bar = window.find_bar
    window.action("find").trigger()
    start = window.reading_view.textCursor()
    start.setPosition(0)
    assert bar.isVisible() and bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "workers' republic")  # the text has a typographic apostrophe
    assert shown_matches(bar) == (1, 1)
    bar.edit.clear()
    window.reading_view.setTextCursor(start)  # counting starts from the caret, like a browser
    qtbot.keyClicks(bar.edit, "bureaucracy")
    _, total = shown_matches(bar)
    assert total >= 8
    assert bar.count_label.text() == f"1 of {total}"
    assert len(window.reading_view.marks("find")) == total
    for _ in range(total - 1):
        bar.find_next()
    assert bar.count_label.text() == f"{total} of {total}"
    bar.find_next()
    assert (
        bar.count_label.text().startswith(f"1 of {total}") and "wrapped" in bar.count_label.text()
    )
    bar.find_previous()
    assert shown_matches(bar) == (total, total)
    QTest.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert window.reading_view.marks("find") == []


def test_find_options_case_whole_words_and_spacing() -> None:
    text = "The Party and the party, partisan; third\u00a0 person"
    assert len(find_pattern("party").findall(text)) == 2
    assert len(find_pattern("party", match_case=True).findall(text)) == 1
    assert len(find_pattern("part", whole_words=True).findall(text)) == 0
    assert find_pattern("third person").search(text)  # across runs of space
    assert find_pattern("   ") is None


def test_find_bar_whole_word_checkbox_narrows_matches(make_window, qtbot) -> None:
    window = make_window()
    window.action("find").trigger()
    qtbot.keyClicks(window.find_bar.edit, "institution")
    _, loose = shown_matches(window.find_bar)
    window.find_bar.word_box.setChecked(True)
    assert loose > 0 and shown_matches(window.find_bar) == (0, 0)
    assert window.find_bar.count_label.text() == "No matches"


def test_search_everything_groups_text_glossary_and_notes(make_window, qtbot) -> None:
    window = make_window()
    view = window.reading_view
    start = window.document.block("p3").text.index("Some third person")
    cursor = view.textCursor()
    cursor.setPosition(view.document_position("p3", start))
    cursor.setPosition(view.document_position("p3", start + 17), cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    window.action("add-note").trigger()
    qtbot.keyClicks(window.notes_panel.editor, "self-activity against bureaucracy")
    window.notes_panel.flush()
    dialog = window.show_search_everything()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.edit, "self-activity")
    qtbot.waitUntil(lambda: dialog.results.topLevelItemCount() == 1)
    groups = search_results(dialog)
    assert list(groups) == ["Text", "Glossary", "Notes"]
    assert len(groups["Text"]) >= 5 and all(r[0] == "text" for r in groups["Text"])
    assert ("entry", "self-activity") in groups["Glossary"]
    assert len(groups["Notes"]) == 1
    text_item = dialog.results.topLevelItem(0).child(0).child(0)
    dialog.results.itemActivated.emit(text_item, 0)
    assert view.marks("flash")
    entry_group = dialog.results.topLevelItem(0).child(1)
    row = groups["Glossary"].index(("entry", "self-activity"))
    dialog.results.itemActivated.emit(entry_group.child(row), 0)
    assert window.glossary_pane.current_entry_id == "self-activity"


def test_preferences_apply_live_and_are_remembered(make_window, qtbot) -> None:
    window = make_window()
    dialog = window.show_preferences()
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("sepia"))
    dialog.size_box.setValue(15.0)
    dialog.line_box.setValue(170)
    dialog.measure_box.setValue(60)
    view = window.reading_view
    body = view.text_block("p2").begin().fragment().charFormat()
    assert body.font().pointSizeF() == pytest.approx(15.0)
    assert view.text_block("p2").blockFormat().lineHeight() == 170
    assert QApplication.palette().color(QPalette.ColorRole.Base) == theme_palette("sepia").color(
        QPalette.ColorRole.Base
    )
    assert view.reading_style.measure == 60
    dialog.close()
    window.close()
    theme_manager().apply("system")
    second = make_window()
    assert second.reading_view.reading_style == ReadingStyle("Noto Serif", 15.0, 170, 60)
    assert theme_manager().current == "sepia"


@pytest.mark.parametrize("theme", ["light", "sepia", "dark"])
def test_every_theme_keeps_text_marks_and_selection_readable(theme: str) -> None:
    palette = theme_palette(theme)
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    colours = ReadingColours.from_palette(palette)
    assert contrast_ratio(text, base) >= 7
    assert contrast_ratio(colours.muted, base) >= 4.5
    assert contrast_ratio(colours.editorial_text, colours.editorial_background) >= 4.5
    selected = (
        palette.color(QPalette.ColorRole.HighlightedText),
        palette.color(QPalette.ColorRole.Highlight),
    )
    assert contrast_ratio(*selected) >= 4.5
    styles = [f"highlight:{colour}" for colour in Colour] + ["find", "find-current", "flash"]
    for style in styles:
        background = mark_format(style, palette).background().color()
        assert contrast_ratio(text, background) >= 4.5, (theme, style)
    underline = mark_format("term", palette).underlineColor()
    assert contrast_ratio(underline, base) >= 1.5  # visible, yet quieter than the words


@pytest.mark.parametrize("theme", ["light", "sepia", "dark"])
def test_a_disabled_button_looks_disabled_in_every_theme(theme: str) -> None:
    palette = theme_palette(theme)
    face = palette.color(QPalette.ColorRole.Button)
    enabled = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    assert contrast_ratio(disabled, face) < 0.4 * contrast_ratio(enabled, face)
    assert contrast_ratio(disabled, face) >= 2  # dimmed, still legible


def test_go_to_paragraph_progress_and_f6(make_window, dialogs_shown, qtbot) -> None:
    window = make_window()
    dialogs_shown.number = 6
    window.action("go-to-paragraph").trigger()
    qtbot.waitUntil(lambda: current_paragraph(window.reading_view, window.document) == 6)
    assert window.progress_label.text().startswith("¶6 of 8")
    assert window.progress_label.text().endswith("% read")
    window.reading_view.setFocus()
    window.action("next-pane").trigger()
    assert window.glossary_pane.filter_edit.hasFocus()
    window.action("next-pane").trigger()
    assert window.notes_panel.search_edit.hasFocus()
    window.action("next-pane").trigger()
    assert window.reading_view.hasFocus()
    window.action("previous-pane").trigger()
    assert window.notes_panel.search_edit.hasFocus()


def test_shortcuts_come_from_the_platform_and_are_listed(make_window, dialogs_shown) -> None:
    window = make_window()
    assert window.action("find").shortcuts()[0] == QKeySequence(QKeySequence.StandardKey.Find)
    assert window.action("zoom-in").shortcuts()[0] == QKeySequence(QKeySequence.StandardKey.ZoomIn)
    rows = window.actions_table.shortcut_rows()
    actions = {action for _, action, _ in rows}
    assert {"Find…", "Search Everything…", "Add Note to Selection", "Next Pane"} <= actions
    window.action("keyboard-shortcuts").trigger()
    assert "Search Everything" in dialogs_shown.texts("about")[0]


def test_about_this_text_gives_provenance(make_window, dialogs_shown) -> None:
    window = make_window()
    window.action("about-text").trigger()
    shown = dialogs_shown.texts("about")[0]
    for words in (
        "Alpha History",
        "Shliapnikov",
        "ellipses",
        "Workers’ Dreadnought",
        "marxists.org",
        # How the ¶ numbers stand in each citation style (issue 15).
        "Citing this text",
        "this edition’s own",
        "“para. 4” is the app’s ¶3",
    ):
        assert words in shown


def test_every_focusable_widget_has_an_accessible_name(make_window) -> None:
    window = make_window()
    window.action("find").trigger()
    dialogs = [window.show_preferences(), window.show_search_everything()]
    unnamed = []
    for top in (window, *dialogs):
        for widget in top.findChildren(QWidget):
            if (
                widget.focusPolicy() != Qt.FocusPolicy.NoFocus
                and widget.isVisibleTo(top)
                and not widget.accessibleName()
                and not (isinstance(widget, QAbstractButton) and widget.text())
                and widget.parentWidget() is not None
                and not widget.metaObject().className().startswith("QScrollBar")
                # The editor inside a spin or combo box is announced as that named box.
                and not isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox))
            ):
                unnamed.append(f"{widget.metaObject().className()} {widget.objectName()}")
    for dialog in dialogs:
        dialog.close()
    assert unnamed == []


def run_screenshot(tmp_path: Path, *args: str, scale: str | None = None) -> QImage:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reader_app",
            "--data-dir",
            str(tmp_path / "d"),
            "--screenshot",
            str(shot),
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return QImage(str(shot))


def test_window_renders_at_twice_the_pixel_density(tmp_path: Path) -> None:
    image = run_screenshot(tmp_path, scale="2")
    assert (image.width(), image.height()) == (2560, 1600)
    colours = {image.pixel(x, y) for x in range(700, 1700, 9) for y in range(300, 1400, 9)}
    assert len(colours) > 40  # text drawn at full resolution, not a blank or tiny image


def test_theme_option_on_the_command_line(tmp_path: Path) -> None:
    image = run_screenshot(tmp_path, "--theme", "dark")
    background = QColor(image.pixel(640, 780 // 2))
    assert background.lightnessF() < 0.3
