"""Notes in the window: highlights, autosave, undo, search, and failures that lose nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from reader_app import app as app_module
from reader_app.domain.notes import Colour, NoteKind
from reader_app.models.notes_model import MATCHES_ROLE, NOTE_ID_ROLE
from reader_app.storage.db import DiskFull
from reader_app.ui.text_view import plain_tooltip

from .note_steps import QUOTE, add_note, import_notes, repo


def test_note_on_selection_highlights_and_opens_the_editor(make_window, qtbot) -> None:
    window = make_window()
    note = add_note(window)
    assert note.kind is NoteKind.PASSAGE
    assert note.quote == QUOTE and note.anchor.block_id == "p3"
    highlights = window.reading_view.marks("highlights")
    assert [window.reading_view.toPlainText()[s.start : s.end] for s in highlights] == [QUOTE]
    assert highlights[0].key == note.id
    panel = window.notes_panel
    assert panel.current_note_id() == note.id
    qtbot.waitUntil(panel.editor.hasFocus)
    assert "¶3" in panel.context_label.text()
    assert "1 note" in window.status_label.text()


def test_selection_across_paragraphs_is_refused_plainly(make_window) -> None:
    window = make_window()
    view = window.reading_view
    cursor = view.textCursor()
    cursor.setPosition(view.document_position("p2", 5))
    cursor.setPosition(view.document_position("p3", 5), cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    window.action("add-note").trigger()
    assert repo(window).list_notes() == []
    assert "one paragraph" in window.statusBar().currentMessage()


def test_typed_text_is_saved_after_the_debounce_without_any_other_action(
    make_window, qtbot
) -> None:
    window = make_window()
    note = add_note(window)
    qtbot.keyClicks(window.notes_panel.editor, "Her definition of bureaucracy.")
    qtbot.waitUntil(
        lambda: repo(window).get(note.id).body == "Her definition of bureaucracy.", timeout=3000
    )
    assert window.notes_panel.save_label.text() == "Saved"


def test_leaving_the_editor_saves_at_once(make_window, qtbot) -> None:
    window = make_window()
    note = add_note(window)
    panel = window.notes_panel
    qtbot.keyClicks(panel.editor, "quick")
    panel.tags_edit.setFocus()
    assert repo(window).get(note.id).body == "quick"


def test_tags_are_saved_completed_and_filterable(make_window, qtbot) -> None:
    window = make_window()
    first = add_note(window)
    panel = window.notes_panel
    qtbot.keyClicks(panel.tags_edit, "Bureaucracy, definitions")
    panel.flush()
    assert repo(window).get(first.id).tags == ("bureaucracy", "definitions")
    second = add_note(window, "p6", "freedom of thought")
    assert panel.tags_edit.completer_.model().stringList() == ["bureaucracy", "definitions"]
    qtbot.keyClicks(panel.tags_edit, "bur")
    assert panel.tags_edit.completer_.currentCompletion() == "bureaucracy"
    assert panel.tag_filter.itemText(panel.tag_filter.findData("definitions")) == "#definitions (1)"
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("definitions"))
    ids = [panel.model.index(r, 0).data(NOTE_ID_ROLE) for r in range(panel.model.rowCount())]
    assert ids == [first.id]
    assert second.id not in ids


def test_delete_then_undo_brings_back_note_and_highlight(make_window, qtbot) -> None:
    window = make_window()
    note = add_note(window)
    qtbot.keyClicks(window.notes_panel.editor, "keep me")
    window.notes_panel.flush()
    before = repo(window).get(note.id)
    window.notes_panel.delete_button.click()
    assert repo(window).get(note.id) is None
    assert window.reading_view.marks("highlights") == []
    assert window.action("undo").isEnabled()
    window.action("undo").trigger()
    after = repo(window).get(note.id)
    assert after == before
    assert [s.key for s in window.reading_view.marks("highlights")] == [note.id]
    assert window.notes_panel.current_note_id() == note.id
    window.action("redo").trigger()
    assert repo(window).get(note.id) is None


def test_ctrl_z_undoes_a_delete_from_the_keyboard(make_window, qtbot) -> None:
    window = make_window()
    note = add_note(window)
    window.notes_panel.delete_button.click()
    window.reading_view.setFocus()
    QTest.keyClick(window.reading_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert repo(window).get(note.id) is not None


def test_colour_change_is_undoable(make_window) -> None:
    window = make_window()
    note = add_note(window)
    window.notes_panel.colour_buttons[Colour.BLUE].click()
    assert repo(window).get(note.id).colour is Colour.BLUE
    assert window.reading_view.marks("highlights")[0].style == "highlight:blue"
    window.action("undo").trigger()
    assert repo(window).get(note.id).colour is Colour.YELLOW


def test_clicking_a_highlight_selects_its_note_and_choosing_a_note_scrolls(
    make_window, qtbot
) -> None:
    window = make_window()
    far = add_note(window, "p8", "laboratories for still-born decrees")
    near = add_note(window, "p1", "self-activity of the masses")
    view = window.reading_view
    panel = window.notes_panel
    panel.select_note(near.id)
    view.verticalScrollBar().setValue(0)
    panel.note_activated.emit(far.id)
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() > 0)
    span = next(s for s in view.marks("highlights") if s.key == far.id)
    cursor = view.textCursor()
    cursor.setPosition(span.start + 3)
    QTest.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        view.cursorRect(cursor).center(),
    )
    assert panel.current_note_id() == far.id


def test_search_finds_bodies_quotes_and_tags_and_marks_matches(make_window, qtbot) -> None:
    window = make_window()
    first = add_note(window)
    panel = window.notes_panel
    qtbot.keyClicks(panel.editor, "Compare with Weber on officialdom")
    panel.flush()
    add_note(window, "p6", "freedom of thought")
    qtbot.keyClicks(panel.search_edit, "weber")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    index = panel.model.index(0, 0)
    assert index.data(NOTE_ID_ROLE) == first.id
    marked = index.data(MATCHES_ROLE)
    assert [marked.text[s:e].casefold() for s, e in marked.spans] == ["weber"]
    panel.search_edit.clear()
    qtbot.keyClicks(panel.search_edit, "third person")  # words of the quote
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.model.index(0, 0).data(NOTE_ID_ROLE) == first.id


def test_free_and_glossary_notes(make_window) -> None:
    window = make_window()
    window.action("new-free-note").trigger()
    window.glossary_pane.open_entry("self-activity")
    window.action("note-on-entry").trigger()
    kinds = sorted(note.kind.value for note in repo(window).list_notes())
    assert kinds == ["free", "glossary"]
    glossary_note = next(n for n in repo(window).list_notes() if n.kind is NoteKind.GLOSSARY)
    assert glossary_note.glossary_entry_id == "self-activity"
    assert window.reading_view.marks("highlights") == []


def test_a_failed_save_keeps_the_words_and_saves_them_later(
    make_window, qtbot, monkeypatch
) -> None:
    window = make_window()
    note = add_note(window)
    panel = window.notes_panel
    real_update = repo(window).update

    def full_disk(*args, **kwargs):
        raise DiskFull("The disk is full, so your note could not be saved.")

    monkeypatch.setattr(repo(window), "update", full_disk)
    qtbot.keyClicks(panel.editor, "words worth keeping")
    panel.flush()
    assert "Not saved" in panel.save_label.text() and "disk is full" in panel.save_label.text()
    assert panel.editor.toPlainText() == "words worth keeping"
    assert panel.has_unsaved_changes()
    monkeypatch.setattr(repo(window), "update", real_update)
    qtbot.keyClicks(panel.editor, "!")
    panel.flush()
    assert repo(window).get(note.id).body == "words worth keeping!"
    assert not panel.has_unsaved_changes()


def test_quitting_with_unsaved_words_asks_first(
    make_window, qtbot, monkeypatch, dialogs_shown
) -> None:
    window = make_window()
    add_note(window)

    def refuse(*args, **kwargs):
        raise DiskFull("The disk is full.")

    monkeypatch.setattr(repo(window), "update", refuse)
    qtbot.keyClicks(window.notes_panel.editor, "unsaved")
    dialogs_shown.answer = True  # "Keep Window Open"
    window.close()
    assert window.isVisible()
    assert dialogs_shown.texts("ask")


def test_note_text_is_shown_as_plain_text(make_window, qtbot) -> None:
    window = make_window()
    note = add_note(window)
    qtbot.keyClicks(window.notes_panel.editor, "<img src='https://example.org/t.png'><b>x</b>")
    window.notes_panel.flush()
    span = window.reading_view.marks("highlights")[0]
    assert span.key == note.id and span.tooltip.startswith("<img")
    assert "&lt;img" in plain_tooltip(span.tooltip) and "<img" not in plain_tooltip(span.tooltip)


def test_export_and_import_from_the_file_menu(
    make_window, qtbot, dialogs_shown, data_dir: Path, tmp_path: Path
) -> None:
    window = make_window()
    add_note(window)
    target = tmp_path / "notes.json"
    dialogs_shown.save_path = (str(target), "Web Annotation JSON-LD (*.json)")
    window.action("export-notes").trigger()
    assert '"AnnotationCollection"' in target.read_text(encoding="utf-8")
    dialogs_shown.open_path = str(target)
    import_notes(window, qtbot)
    assert len(repo(window).list_notes()) == 1  # merged by id: no duplicate
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    dialogs_shown.open_path = str(bad)
    backups_before = sorted((data_dir / "backups").glob("*.sqlite"))
    window.action("import-notes").trigger()
    assert any("JSON" in text for text in dialogs_shown.texts("error"))
    assert len(repo(window).list_notes()) == 1
    # Told at once, before any backup: a file that cannot be read is no reason to make one.
    assert sorted((data_dir / "backups").glob("*.sqlite")) == backups_before
    assert window.action("import-notes").isEnabled()


def test_corrupt_database_is_kept_aside_and_a_backup_offered(
    make_window, data_dir, dialogs_shown, monkeypatch, qtbot
) -> None:
    window = make_window()
    add_note(window)
    window.close()
    monkeypatch.setattr(app_module, "BACKUP_DELAY_MS", 0)  # the backup a few seconds after start
    window = make_window()
    qtbot.waitUntil(lambda: bool(list((data_dir / "backups").glob("*.sqlite"))))
    window.close()
    database = data_dir / "notes.sqlite"
    garbage = b"this is not a database" * 100
    database.write_bytes(garbage)
    for suffix in ("-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    dialogs_shown.answer = True  # restore the backup
    window = make_window()
    assert any("damaged" in text for text in dialogs_shown.texts("ask")), dialogs_shown.shown
    kept = [
        p for p in data_dir.iterdir() if p.name.startswith("notes") and p.read_bytes() == garbage
    ]
    assert kept, "the damaged file was not kept"
    assert len(repo(window).list_notes()) == 1
    assert "Some third person" in window.reading_view.toPlainText()


def test_database_from_a_newer_version_is_refused_untouched(
    make_window, data_dir, dialogs_shown
) -> None:
    database = data_dir / "notes.sqlite"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE future (x)")
    connection.execute("PRAGMA user_version = 99")
    connection.commit()
    connection.close()
    before = database.read_bytes()
    window = make_window()
    assert window.notes_controller is None
    assert dialogs_shown.texts("error")
    assert window.notes_panel.notice_label.isVisible()
    assert not window.action("add-note").isEnabled()
    assert "Some third person" in window.reading_view.toPlainText()
    window.close()
    assert database.read_bytes() == before


def test_a_second_window_on_the_same_notes_is_read_only(make_window, qtbot) -> None:
    first = make_window()
    note = add_note(first)
    second = make_window()
    assert repo(second).read_only
    assert second.notes_panel.notice_label.isVisible()
    assert "another" in second.notes_panel.notice_label.text()
    assert not second.action("add-note").isEnabled()
    assert repo(second).get(note.id) is not None


def test_creating_a_note_saves_what_was_being_typed_in_the_last_one(make_window, qtbot) -> None:
    window = make_window()
    first = add_note(window)
    qtbot.keyClicks(window.notes_panel.editor, "typed just before")
    add_note(window, "p6", "freedom of thought")  # before the autosave timer fires
    assert repo(window).get(first.id).body == "typed just before"


def test_a_note_on_the_open_glossary_entry_from_the_pane(make_window, qtbot) -> None:
    window = make_window()
    pane = window.glossary_pane
    assert pane.note_button.isVisible() and not pane.note_button.isEnabled()
    pane.open_entry("nep")
    assert pane.note_button.isEnabled()
    pane.note_button.click()
    note = repo(window).list_notes()[0]
    assert note.kind is NoteKind.GLOSSARY and note.glossary_entry_id == "nep"
    assert window.notes_panel.current_note_id() == note.id
    assert "Glossary: New Economic Policy" in window.notes_panel.context_label.text()
