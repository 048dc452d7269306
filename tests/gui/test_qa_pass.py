"""Defects found in a QA pass over the merged library, glossary, review and sync work, each
driven through the real window as a reader would meet it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.library_steps import add_texts

ESSAY_MD = """# A Markdown Essay

## Part One

The first part talks about rivers and mountains.

## Part Two

The second part is about the sea.
"""


@pytest.fixture
def essay(tmp_path: Path) -> Path:
    path = tmp_path / "own-files" / "essay.md"
    path.parent.mkdir()
    path.write_text(ESSAY_MD, encoding="utf-8")
    return path


def test_progress_above_the_first_paragraph_of_a_library_text_says_no_introduction(
    make_window, qtbot, monkeypatch, essay
) -> None:
    """The bundled text opens on its editor's introduction; a reader's own essay has none,
    and the status bar called its title heading "Introduction" all the same."""
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [essay])
    assert window.document.title == "A Markdown Essay"
    window.reading_view.scroll_to_position(0)
    qtbot.waitUntil(lambda: window.progress_label.text().startswith("Before ¶1 · "))
    assert "Introduction" not in window.progress_label.text()


def test_the_text_shown_at_start_counts_as_opened_in_the_library(make_window, qtbot) -> None:
    """On a first start the bundled text is read at once, yet the Library said it was
    opened "never" (only texts opened from the Library were recorded)."""
    from reader_app.domain.text import DEFAULT_TEXT_ID
    from reader_app.models.library_model import COLUMNS

    window = make_window()
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    assert window.document.id == DEFAULT_TEXT_ID
    shown = next(t for t in window.library.model.texts() if t.id == DEFAULT_TEXT_ID)
    last_opened = next(c for c in COLUMNS if c.title == "Last Opened")
    assert shown.last_opened is not None
    assert last_opened.shown(shown) != "never"


def test_add_to_glossary_through_the_real_entry_dialog_stores_the_entry(
    make_window, qtbot, monkeypatch, essay
) -> None:
    """The entry dialog's category came back as a plain string (Qt hands a StrEnum item's
    data back as str), and saving the entry raised AttributeError: the reader's entry was
    lost. Other tests replace the dialog, so only the real one shows it."""
    from PySide6.QtWidgets import QDialog, QLineEdit

    from gui.note_steps import select_words
    from reader_app.domain.glossary import Category

    def fill_and_save(dialog: QDialog) -> int:
        gloss = next(
            e for e in dialog.findChildren(QLineEdit) if e.placeholderText() == "one sentence"
        )
        gloss.setText("Running water between banks.")
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", fill_and_save)
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [essay])
    select_words(window, window.document.body_blocks()[0].id, "rivers")
    window.action("add-to-glossary").trigger()

    entries = window.glossary_pane.glossary.entries
    assert [(e.headword, e.category) for e in entries] == [("rivers", Category.CONCEPT)]
    assert window.glossary_pane.current_entry_id == entries[0].id


def test_the_find_field_keeps_room_to_type_beside_the_library_text(
    make_window, qtbot, monkeypatch, essay
) -> None:
    """With both docks beside a library text the buttons took the bar and left the find
    field about two letters wide ("Fi…"): the reader could not see what was typed."""
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [essay])
    window.open_find_bar()
    bar = window.find_bar
    qtbot.waitUntil(bar.edit.isVisible)
    bar.edit.setText("mountains")
    letters = bar.edit.fontMetrics().horizontalAdvance("mountains and")
    qtbot.waitUntil(
        lambda: (
            bar.edit.width() >= letters
            and bar.edit.geometry().right() < bar.count_label.geometry().left()
        )
    )


def test_the_reading_column_keeps_a_readable_width_in_a_small_window(
    make_window, qtbot, monkeypatch, essay
) -> None:
    """In an 800-pixel window with the Library shown, the docks took all but a sliver and
    the text ran one letter a line under a horizontal scroll bar."""
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [essay])
    window.library.show_library()
    window.resize(800, 700)
    view = window.reading_view
    readable = view.fontMetrics().horizontalAdvance("x" * 30)
    qtbot.waitUntil(lambda: window.library.library_dock.isVisible() and window.width() < 850)
    assert view.width() >= readable
    assert window.minimumSizeHint().width() <= 800  # the docks gave way, not the screen


def test_search_everything_shows_a_note_without_text_once(
    make_window, qtbot, monkeypatch, essay, tmp_path
) -> None:
    """A note with no text yet was listed as “rivers” rivers: its quote, then the same
    words again as the snippet of a body that is empty."""
    from gui.note_steps import select_words

    other = tmp_path / "other.txt"
    other.write_text("Other\n\nA line about oak trees and rivers.", encoding="utf-8")
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [other, essay])
    select_words(window, window.document.body_blocks()[0].id, "rivers")
    window.action("add-note").trigger()
    for shown_text in ("A Markdown Essay", "other"):  # the open text's notes, then another's
        text_id = next(t.id for t in window.library.model.texts() if t.title == shown_text)
        window.library.open_text(text_id)
        dialog = window.show_search_everything()
        assert dialog is not None
        dialog.edit.setText("rivers")
        with qtbot.waitSignal(dialog.results_shown):  # the library is searched apart
            dialog.run_search()
        notes = [item.text(0) for item in dialog._leaves() if "“" in item.text(0)]
        assert notes == ["“rivers”"], shown_text
        dialog.close()


def test_quitting_just_after_typing_in_search_everything_raises_nothing(
    make_window, qtbot, monkeypatch, essay
) -> None:
    """Search Everything waits 120 ms after a keystroke; closing it and quitting within that
    time let the wait end on closed notes: "Cannot operate on a closed database"."""
    from gui.note_steps import select_words

    window = make_window()
    add_texts(window, qtbot, monkeypatch, [essay])
    select_words(window, window.document.body_blocks()[0].id, "rivers")
    window.action("add-note").trigger()
    dialog = window.show_search_everything()
    assert dialog is not None
    dialog.edit.setText("rivers")
    window.close()  # Ctrl+Q with the dialog still open
    qtbot.waitUntil(lambda: not dialog._timer.isActive())  # no search left to run later


def test_search_everything_reopened_in_another_text_shows_that_text_first(
    make_window, qtbot, monkeypatch, essay, tmp_path
) -> None:
    """After a result opened another text, Ctrl+Shift+F showed the old results, the text
    left still marked "(this text)"; choosing one of its paragraphs looked for it in the
    text now open."""
    other = tmp_path / "other.txt"
    other.write_text("Other\n\nA line about oak trees and rivers.", encoding="utf-8")
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [other, essay])
    dialog = window.show_search_everything()
    assert dialog is not None
    dialog.edit.setText("rivers")
    with qtbot.waitSignal(dialog.results_shown):
        dialog.run_search()
    assert dialog._groups()[0].text(0) == "A Markdown Essay (this text)"
    other_leaf = next(
        leaf for leaf in dialog._leaves() if leaf.parent().parent().text(0) == "other"
    )
    dialog._choose(other_leaf)  # opens "other" at its paragraph
    assert window.document.title == "other"

    with qtbot.waitSignal(window.search_everything.results_shown):  # searched again
        dialog = window.show_search_everything()
    assert dialog is not None
    assert [group.text(0) for group in dialog._groups()] == [
        "other (this text)",
        "A Markdown Essay",
    ]
