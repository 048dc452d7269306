"""The library in the window, driven as a reader would: adding texts (File > Add Text…,
dropping, the command line and a later launch), opening one text at a time with its own
notes, glossary, place and zoom, the Library and Contents panes, and removing a text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication

from gui.library_steps import add_texts
from gui.note_steps import select_words
from reader_app.domain.text import DEFAULT_TEXT_ID
from reader_app.ui import library_dialogs
from reader_app.ui.file_handover import receive_files
from reader_app.ui.library_dialogs import RemoveChoice

ESSAY = "\n\n".join(
    ["An Essay on Bread"]
    + [f"Paragraph {n} of the essay speaks of bread and of peace." for n in range(1, 121)]
)
PAMPHLET = """---
title: The Pamphlet
author: Ana Writer
---

# The Pamphlet

## Land

Land to the peasants, said the first chapter.

## Peace

Bread and peace, said the second, and bread again.
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "own-files"
    folder.mkdir()
    made = {
        "essay": folder / "essay.txt",
        "pamphlet": folder / "pamphlet.md",
        "binary": folder / "photo.epub",
    }
    made["essay"].write_text(ESSAY, encoding="utf-8")
    made["pamphlet"].write_text(PAMPHLET, encoding="utf-8")
    made["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return made


def _library(window, qtbot):
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    return window.library


def _titles(library) -> list[str]:
    return [t.title for t in library.model.texts()]


def test_add_text_adds_several_files_reports_a_bad_one_and_opens_the_last(
    make_window, qtbot, monkeypatch, files, dialogs_shown
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    add_texts(window, qtbot, monkeypatch, [files["pamphlet"], files["binary"], files["essay"]])

    assert _titles(library)[0] == "The Workers’ Opposition"  # the bundled text first
    assert sorted(_titles(library)[1:]) == ["The Pamphlet", "essay"]
    [error] = dialogs_shown.texts("error")
    assert "1 file was not added" in error and "photo.epub" in error
    assert "essay.txt" not in error and "pamphlet.md" not in error
    # The last file given is open: title, text, status, glossary, notes all follow it.
    assert window.document.title == "essay"
    assert window.windowTitle().startswith("essay — ")
    assert window.reading_view.shown_document is window.document
    assert "Paragraph 7 of the essay" in window.reading_view.toPlainText()
    assert "Kollontai" not in window.reading_view.toPlainText()
    assert window.reading_view.marks("terms") == []
    assert window.glossary_pane.glossary.entries == ()
    assert "no glossary yet" in window.glossary_dock.widget().text()
    assert window.notes_controller.counts().total == 0
    assert window.status_label.text().startswith("0 notes")


def test_each_text_has_its_own_notes_undo_and_highlights(
    make_window, qtbot, monkeypatch, files
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    select_words(window, "p3", "Some third person decides your fate")
    window.action("highlight").trigger()
    assert window.notes_controller.counts().total == 1

    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    assert window.notes_controller.counts().total == 0
    assert window.notes_panel.model.rowCount() == 0
    assert window.reading_view.marks("highlights") == []
    block = window.document.body_blocks()[3]
    select_words(window, block.id, "speaks of bread")
    window.action("add-note").trigger()
    essay_note = window.notes_controller.notes_in_text_order()[0]
    assert essay_note.quote == "speaks of bread"
    assert len(window.reading_view.marks("highlights")) == 1
    window.action("undo").trigger()  # Undo follows the open text
    assert window.notes_controller.counts().total == 0
    window.action("redo").trigger()
    assert window.notes_controller.counts().total == 1

    assert library.open_text(DEFAULT_TEXT_ID)
    assert [n.quote for n in window.notes_controller.notes_in_text_order()] == [
        "Some third person decides your fate"
    ]
    assert window.notes_panel.model.rowCount() == 1
    assert len(window.reading_view.marks("terms")) > 0  # the bundled glossary is back
    assert window.glossary_pane.glossary.entries != ()
    assert window.glossary_dock.widget() is window.glossary_pane
    counts = {t.title: t.notes for t in library.model.texts()}
    assert counts == {"The Workers’ Opposition": 1, "essay": 1}

    assert library.open_text(essay_id := library.model.texts()[1].id)
    assert [n.id for n in window.notes_controller.notes_in_text_order()] == [essay_note.id]
    assert library.current_text_id == essay_id
    # Coming back, the essay's undo history is still there, and Undo stays in the essay.
    window.action("undo").trigger()
    assert window.notes_controller.counts().total == 0
    assert window.notes_panel.model.rowCount() == 0
    assert library.open_text(DEFAULT_TEXT_ID)
    assert window.notes_controller.counts().total == 1
    window.action("undo").trigger()  # the bundled text's own last change: its highlight
    assert window.notes_controller.counts().total == 0


def test_place_and_zoom_are_kept_per_text_and_the_last_text_reopens(
    make_window, qtbot, monkeypatch, files, data_dir
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    essay_id = library.current_text_id
    view = window.reading_view
    view.set_zoom_percent(140)
    target = window.document.body_blocks()[60]
    view.scroll_to_position(view.document_position(target.id, 0))
    assert view.locate(view.top_position())[0].id == target.id

    assert library.open_text(DEFAULT_TEXT_ID)
    view.set_zoom_percent(90)
    assert library.open_text(essay_id)
    assert view.zoom_percent == 140
    qtbot.waitUntil(lambda: view.locate(view.top_position())[0].id == target.id)
    assert library.open_text(DEFAULT_TEXT_ID)
    assert view.zoom_percent == 90
    assert library.open_text(essay_id)
    window.close()

    again = make_window(data_dir)
    library = _library(again, qtbot)
    assert library.current_text_id == essay_id
    assert again.document.title == "essay"
    assert again.reading_view.zoom_percent == 140
    view = again.reading_view
    qtbot.waitUntil(lambda: view.locate(view.top_position())[0].id == target.id)


def test_library_pane_filters_sorts_and_opens_with_enter_or_a_double_click(
    make_window, qtbot, monkeypatch, files
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    add_texts(window, qtbot, monkeypatch, [files["essay"], files["pamphlet"]])
    pane = library.pane
    window.action("show-library").trigger()
    assert library.library_dock.isVisible()

    qtbot.keyClicks(pane.filter_edit, "pamph")
    assert pane.proxy.rowCount() == 1
    assert pane.proxy.index(0, 1).data() == "Ana Writer"
    pane.filter_edit.clear()
    assert pane.proxy.rowCount() == 3

    pane.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by author
    authors = [pane.proxy.index(row, 1).data() for row in range(3)]
    assert authors == sorted(authors, key=str.casefold)

    assert library.open_text(DEFAULT_TEXT_ID)
    essay_row = next(r for r in range(3) if pane.proxy.index(r, 0).data() == "essay")
    pane.table.setCurrentIndex(pane.proxy.index(essay_row, 0))
    pane.table.setFocus()
    qtbot.keyClick(pane.table, Qt.Key.Key_Return)
    assert window.document.title == "essay"

    row = next(r for r in range(3) if pane.proxy.index(r, 0).data() == "The Pamphlet")
    rect = pane.table.visualRect(pane.proxy.index(row, 0))
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.document.title == "The Pamphlet"


def test_remove_asks_keeps_notes_and_the_bundled_text_stays(
    make_window, qtbot, monkeypatch, files, dialogs_shown
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    essay_id = library.current_text_id
    window.notes.new_free_note()
    pane = library.pane

    pane.select_text(DEFAULT_TEXT_ID)
    assert not pane.remove_button.isEnabled()

    asked = []
    monkeypatch.setattr(
        library_dialogs,
        "ask_remove",
        lambda parent, title, notes: asked.append((title, notes)) or RemoveChoice.CANCEL,
    )
    pane.select_text(essay_id)
    assert pane.remove_button.isEnabled()
    pane.remove_button.click()
    assert asked == [("essay", 1)]
    assert len(library.model.texts()) == 2  # cancelled: nothing removed

    monkeypatch.setattr(library_dialogs, "ask_remove", lambda *a: RemoveChoice.KEEP_NOTES)
    pane.remove_button.click()
    assert [t.id for t in library.model.texts()] == [DEFAULT_TEXT_ID]
    assert library.current_text_id == DEFAULT_TEXT_ID  # the open text went: back to the first
    # Re-adding the same file brings its kept note back.
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    assert library.current_text_id == essay_id
    assert window.notes_controller.counts().total == 1


def test_remove_can_export_the_notes_then_delete_them(
    make_window, qtbot, monkeypatch, files, dialogs_shown, tmp_path
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    essay_id = library.current_text_id
    window.notes.new_free_note()
    window.notes_panel.editor.setPlainText("my words on the essay")
    window.notes_panel.flush()
    monkeypatch.setattr(
        library_dialogs, "ask_remove", lambda *a: RemoveChoice.EXPORT_AND_DELETE_NOTES
    )
    target = tmp_path / "essay-notes.md"
    dialogs_shown.save_path = (str(target), "")
    library.remove_text(essay_id)
    assert "my words on the essay" in target.read_text(encoding="utf-8")
    assert [t.id for t in library.model.texts()] == [DEFAULT_TEXT_ID]
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    assert window.notes_controller.counts().total == 0  # deleted, after being exported


def test_a_file_already_in_the_library_opens_the_existing_text(
    make_window, qtbot, monkeypatch, files
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    essay_id = library.current_text_id
    assert library.open_text(DEFAULT_TEXT_ID)
    copy = files["essay"].with_name("same-bytes.txt")
    copy.write_bytes(files["essay"].read_bytes())
    add_texts(window, qtbot, monkeypatch, [copy])
    assert library.current_text_id == essay_id
    assert len(library.model.texts()) == 2
    assert "already here" in window.statusBar().currentMessage()


def test_files_handed_over_by_a_later_launch_are_added_and_opened(
    make_window, qtbot, files
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    window.showMinimized()
    with qtbot.waitSignal(library.text_opened):
        receive_files(window, [str(files["pamphlet"])])
    assert window.document.title == "The Pamphlet"
    assert not window.isMinimized()


def test_files_from_the_command_line_wait_for_the_library(qtbot, files, data_dir) -> None:
    """``study-reader FILE`` at start: the file arrives before the panels are built."""
    from reader_app.app import create_main_window

    window = create_main_window(data_dir, defer_panels=True)
    qtbot.addWidget(window)
    receive_files(window, [str(files["essay"])])
    window.show()
    qtbot.waitUntil(lambda: window.document.title == "essay", timeout=10000)


def test_dropping_files_on_the_window_adds_them(make_window, qtbot, files) -> None:
    """Offscreen Qt has no drag in progress to deliver a drop through, so the events a drag
    brings are handed to the window's filter as Qt would hand them."""
    window = make_window()
    library = _library(window, qtbot)
    assert window.acceptDrops()

    def event(kind, urls: list[QUrl]) -> QDropEvent:
        mime = QMimeData()
        mime.setUrls(urls)
        event = kind(
            QPoint(200, 200) if kind is QDragEnterEvent else QPointF(200, 200),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        event._mime = mime  # kept alive with the event
        return event

    web = [QUrl("https://example.org/page.html")]
    assert not library.eventFilter(window, event(QDragEnterEvent, web))  # not a local file
    local = [QUrl.fromLocalFile(str(files["essay"]))]
    assert library.eventFilter(window, event(QDragEnterEvent, local))
    with qtbot.waitSignal(library.text_opened):
        assert library.eventFilter(window, event(QDropEvent, local))
    assert window.document.title == "essay"


def test_contents_tab_moves_between_chapters(make_window, qtbot, monkeypatch, files) -> None:
    window = make_window()
    library = _library(window, qtbot)
    assert not library.contents_dock.isVisible()  # the bundled extract has no chapters
    add_texts(window, qtbot, monkeypatch, [files["pamphlet"]])
    assert library.contents_dock.isVisible()
    contents = library.contents
    titles = []
    stack = [contents.topLevelItem(i) for i in range(contents.topLevelItemCount())]
    while stack:
        item = stack.pop(0)
        titles.append(item.text(0))
        stack.extend(item.child(i) for i in range(item.childCount()))
    assert "Land" in titles and "Peace" in titles
    window.reading_view.set_zoom_percent(300)  # so the chapters are a screen apart
    found = contents.findItems("Peace", Qt.MatchFlag.MatchRecursive)[0]
    contents.chapter_requested.emit(found.data(0, Qt.ItemDataRole.UserRole + 1))
    view = window.reading_view
    block, _ = view.locate(view.top_position() + 1) or (None, 0)
    assert block is not None
    assert block.text == "Peace" or block.text.startswith("Bread and peace")


def test_copy_with_citation_names_the_open_text(make_window, qtbot, monkeypatch, files) -> None:
    window = make_window()
    _library(window, qtbot)
    add_texts(window, qtbot, monkeypatch, [files["pamphlet"]])
    block = next(b for b in window.document.body_blocks() if "Bread and peace" in b.text)
    select_words(window, block.id, "Bread and peace")
    assert window.study_output.copy_with_citation()
    text = QGuiApplication.clipboard().mimeData().text()
    assert "Bread and peace" in text and "Pamphlet" in text and "Writer" in text
    assert "Kollontai" not in text


def test_files_are_parsed_and_stored_off_the_gui_thread(
    make_window, qtbot, monkeypatch, files
) -> None:
    import threading

    from reader_app.models import library_model

    on_gui_thread = []
    real_import = library_model.import_bytes
    real_add = library_model.LibraryRepository.add

    def recording_import(data: bytes, name: str):
        on_gui_thread.append(("parse", threading.current_thread() is threading.main_thread()))
        return real_import(data, name)

    def recording_add(self, imported, original):
        on_gui_thread.append(("store", threading.current_thread() is threading.main_thread()))
        return real_add(self, imported, original)

    monkeypatch.setattr(library_model, "import_bytes", recording_import)
    monkeypatch.setattr(library_model.LibraryRepository, "add", recording_add)
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["essay"], files["pamphlet"]])
    assert on_gui_thread == [("parse", False), ("store", False)] * 2
    assert window.document.title == "The Pamphlet"
    assert len(window.library.model.texts()) == 3


def test_a_read_only_window_adds_nothing_and_says_why(
    make_window, qtbot, monkeypatch, files, dialogs_shown
) -> None:
    first = make_window()
    _library(first, qtbot)
    second = make_window()
    library = _library(second, qtbot)
    add_texts(second, qtbot, monkeypatch, [files["essay"]])
    [error] = dialogs_shown.texts("error")
    assert "essay.txt" in error and "reading only" in error
    assert len(library.model.texts()) == 1
    assert len(first.library.controller.texts()) == 1
    assert library.current_text_id == DEFAULT_TEXT_ID


def test_the_library_docks_stay_where_the_reader_put_them(make_window, qtbot, data_dir) -> None:
    window = make_window()
    library = _library(window, qtbot)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, library.library_dock)
    library.library_dock.show()
    window.close()

    again = make_window(data_dir)
    library = _library(again, qtbot)
    assert again.dockWidgetArea(library.library_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert library.library_dock.isVisible()


def test_the_open_glossary_entry_is_kept_per_text(make_window, qtbot, monkeypatch, files, data_dir):
    window = make_window()
    library = _library(window, qtbot)
    window.glossary_pane.open_entry("self-activity")
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    assert window.glossary_pane.current_entry_id is None  # the essay has no glossary
    assert library.open_text(DEFAULT_TEXT_ID)
    assert window.glossary_pane.current_entry_id == "self-activity"
    window.glossary_pane.open_entry("bureaucracy")
    window.close()

    again = make_window(data_dir)
    _library(again, qtbot)
    assert again.document.id == DEFAULT_TEXT_ID
    assert again.glossary_pane.current_entry_id == "bureaucracy"


def test_progress_under_a_chapter_heading_names_the_paragraph_before_it(
    make_window, qtbot, monkeypatch, files
) -> None:
    from reader_app.ui.paragraphs import current_paragraph

    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["pamphlet"]])
    view = window.reading_view
    view.set_zoom_percent(300)
    peace = next(b for b in window.document.blocks if b.text == "Peace")
    view.scroll_to_position(view.document_position(peace.id, 0))
    assert view.locate(view.top_position())[0].id == peace.id
    assert current_paragraph(view, window.document) == 1  # "Land to the peasants…"
    qtbot.waitUntil(lambda: window.progress_label.text().startswith("¶1 of 2"))


def test_every_bad_file_is_reported_each_time(
    make_window, qtbot, monkeypatch, files, dialogs_shown
) -> None:
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["binary"]])
    add_texts(window, qtbot, monkeypatch, [files["binary"]])
    assert len(dialogs_shown.texts("error")) == 2
    assert all("photo.epub" in error for error in dialogs_shown.texts("error"))


def test_a_bad_last_file_still_opens_the_good_one_before_it(
    make_window, qtbot, monkeypatch, files, dialogs_shown
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    add_texts(window, qtbot, monkeypatch, [files["essay"], files["binary"]])
    assert window.document.title == "essay"
    assert "photo.epub" in window.statusBar().currentMessage()  # the problem is shown last
    [error] = dialogs_shown.texts("error")
    assert "photo.epub" in error
    assert len(library.model.texts()) == 2


@pytest.mark.parametrize("failure", ["importer bug", "storage"])
def test_a_file_failing_on_the_worker_is_reported_in_one_line_and_the_next_is_added(
    make_window, qtbot, monkeypatch, files, dialogs_shown, failure: str
) -> None:
    from reader_app.models import library_model
    from reader_app.storage.db import StorageError

    real_import = library_model.import_bytes

    def failing_import(data: bytes, name: str):
        if name == files["essay"].name:
            if failure == "storage":
                raise StorageError("The disk is full.", files["essay"])
            raise IndexError("list index out of range")
        return real_import(data, name)

    monkeypatch.setattr(library_model, "import_bytes", failing_import)
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["essay"], files["pamphlet"]])
    expected = (
        "could not be read (list index out of range)."
        if failure != "storage"
        else ("The disk is full.")
    )
    assert dialogs_shown.texts("error") == [
        f"1 file was not added:\n{files['essay'].name}: {expected}"
    ]
    assert window.document.title == "The Pamphlet"
