"""The glossary pane and its links with the text, on the bundled glossary."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest

from reader_app import paths
from reader_app.models.glossary_model import ENTRY_ID_ROLE
from reader_app.ui import links


def visible_entry_ids(pane) -> list[str]:
    model = pane.filter_model
    ids = []
    for row in range(model.rowCount()):
        group = model.index(row, 0)
        ids += [model.index(r, 0, group).data(ENTRY_ID_ROLE) for r in range(model.rowCount(group))]
    return ids


def test_terms_are_marked_in_the_text_with_their_gloss(make_window) -> None:
    window = make_window()
    view = window.reading_view
    marks = view.marks("terms")
    assert marks, "no glossary term is marked"
    marked = {view.toPlainText()[s.start : s.end].casefold(): s.key for s in marks}
    assert marked["self-activity"] == "self-activity"
    assert marked["workers’ opposition"] == "workers-opposition"
    pane = window.glossary_pane
    first = marks[0]
    assert first.tooltip == pane.glossary.entry(first.key).gloss


def test_filter_matches_headwords_aliases_and_gloss(make_window, qtbot) -> None:
    pane = make_window().glossary_pane
    everything = visible_entry_ids(pane)
    qtbot.keyClicks(pane.filter_edit, "samodeyat")
    assert visible_entry_ids(pane) == ["self-activity"]
    pane.filter_edit.clear()
    assert visible_entry_ids(pane) == everything
    qtbot.keyClicks(pane.filter_edit, "no such term anywhere")
    assert visible_entry_ids(pane) == []


def test_back_and_forward_between_entries(make_window) -> None:
    pane = make_window().glossary_pane
    pane.open_entry("self-activity")
    target = pane.glossary.entry("self-activity").see_also[0]
    pane.entry_view.anchorClicked.emit(QUrl(f"entry:{target}"))
    assert pane.current_entry_id == target
    assert pane.back_button.isEnabled() and not pane.forward_button.isEnabled()
    pane.back_button.click()
    assert pane.current_entry_id == "self-activity"
    pane.forward_button.click()
    assert pane.current_entry_id == target


def test_occurrence_scrolls_the_text_and_marks_it(make_window, qtbot) -> None:
    window = make_window()
    pane, view = window.glossary_pane, window.reading_view
    pane.open_entry("self-activity")
    count = pane.occurrence_list.count()
    assert count == len(pane.occurrences_of("self-activity")) >= 4
    item = pane.occurrence_list.item(count - 1)
    assert item.text().startswith("¶")
    pane.occurrence_list.itemActivated.emit(item)
    flash = view.marks("flash")
    assert len(flash) == 1
    assert view.toPlainText()[flash[0].start : flash[0].end].casefold().startswith("self-activity")
    last = pane.occurrences_of("self-activity")[-1]
    assert view.locate(flash[0].start) == (window.document.block(last.block_id), last.start)
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() > 0)
    rect = view.cursorRect()
    assert 0 <= rect.top() <= view.viewport().height()


def test_clicking_a_term_opens_its_entry(make_window, qtbot) -> None:
    window = make_window()
    view = window.reading_view
    span = next(s for s in view.marks("terms") if s.key == "self-activity")
    view.scroll_to_position(span.start, margin=50)
    cursor = view.textCursor()
    cursor.setPosition(span.start + 2)
    point = view.cursorRect(cursor).center()
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )
    assert window.glossary_pane.current_entry_id == "self-activity"


def test_look_up_shortcut_uses_the_caret(make_window) -> None:
    window = make_window()
    view = window.reading_view
    span = next(s for s in view.marks("terms") if s.key == "workers-opposition")
    cursor = view.textCursor()
    cursor.setPosition(span.start + 1)
    view.setTextCursor(cursor)
    window.action("look-up").trigger()
    assert window.glossary_pane.current_entry_id == "workers-opposition"


def test_timeline_lists_dated_entries_in_order_and_opens_them(make_window) -> None:
    pane = make_window().glossary_pane
    ids = [pane.timeline.item(r).data(ENTRY_ID_ROLE) for r in range(pane.timeline.count())]
    assert len(ids) >= 8
    starts = [pane.glossary.entry(i).start for i in ids]
    assert starts == sorted(starts)
    assert "tenth-congress" in ids
    pane.tabs.setCurrentIndex(1)
    pane.timeline.itemActivated.emit(pane.timeline.item(ids.index("tenth-congress")))
    assert pane.current_entry_id == "tenth-congress"
    assert pane.tabs.currentIndex() == 0


def test_source_links_open_only_when_clicked_and_only_web(make_window, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        links.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    pane = make_window().glossary_pane
    pane.open_entry("self-activity")
    assert opened == []
    pane.entry_view.anchorClicked.emit(QUrl("file:///etc/passwd"))
    pane.entry_view.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == []
    url = pane.glossary.entry("self-activity").sources[0].url
    pane.entry_view.anchorClicked.emit(QUrl(url))
    assert opened == [QUrl(url).toString()]


def test_entry_text_is_never_read_as_markup(make_window) -> None:
    from reader_app.domain.glossary import Entry

    pane = make_window().glossary_pane
    real = pane.glossary.entry("self-activity")
    fields = {name: getattr(real, name) for name in Entry.__slots__}
    fields["explanation"] = "<img src='https://example.org/x.png'> <b>bold?</b>"
    rendered = pane.entry_html(Entry(**fields))
    assert "&lt;img src=" in rendered and "<b>bold?" not in rendered


def test_every_pane_widget_has_an_accessible_name(make_window) -> None:
    from PySide6.QtWidgets import QWidget

    pane = make_window().glossary_pane
    unnamed = [
        w.metaObject().className()
        for w in pane.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisibleTo(pane)
        and not w.accessibleName()
    ]
    assert unnamed == []


def test_malformed_glossary_keeps_the_text_and_warns(
    make_window, monkeypatch, tmp_path: Path
) -> None:
    root = tmp_path / "resources"
    shutil.copytree(paths.resource_root(), root)
    glossary_file = next((root / "glossary").glob("*.toml"))
    glossary_file.write_text('[[entry]]\nid = "broken\n', encoding="utf-8")
    monkeypatch.setattr(paths, "resource_root", lambda: root)
    window = make_window()
    pane = window.glossary_pane
    assert pane.warning_label.isVisible()
    assert glossary_file.name in pane.warning_label.text()
    assert "line 2" in pane.warning_label.text()
    assert window.reading_view.marks("terms") == []
    assert "Some third person decides your fate" in window.reading_view.toPlainText()
    assert glossary_file.name in window.status_label.text()


def test_sources_show_their_access_date_and_which_back_the_dates(make_window) -> None:
    """Issue 15: the reader sees when a page was read and which source gives the dates."""
    pane = make_window().glossary_pane
    entry = pane.glossary.entry("tenth-congress")
    shown = pane.entry_html(entry)
    assert shown.count("source for the dates") == sum(1 for s in entry.sources if s.supports)
    assert "accessed 3 December 2026" in shown
    book_only = pane.glossary.entry("ninth-party-congress").sources[0]
    assert book_only.url is None and book_only.supports == ("start", "end")


def test_without_notes_the_bundled_terms_are_marked_before_the_error_is_shown(
    make_window, data_dir, dialogs_shown, monkeypatch
) -> None:
    """The personal glossary marks the terms once the notes are open; when they cannot be,
    the window marks the bundled ones itself, in the text and in the pane, and the reader
    sees them behind the error (a database from a newer version is refused)."""
    import sqlite3

    from reader_app.ui import dialogs

    connection = sqlite3.connect(data_dir / "notes.sqlite")
    connection.execute("PRAGMA user_version = 99")
    connection.commit()
    connection.close()
    seen_with_the_error = []

    def show_error(parent, title: str, message: str) -> None:
        seen_with_the_error.append(len(parent.reading_view.marks("terms")))

    monkeypatch.setattr(dialogs, "show_error", show_error)
    window = make_window()
    assert window.notes_controller is None
    marks = window.reading_view.marks("terms")
    assert seen_with_the_error == [len(marks)] and marks
    pane = window.glossary_pane
    assert len(pane.occurrences_of("self-activity")) >= 4
    assert sum(len(pane.occurrences_of(entry.id)) for entry in pane.glossary.entries) == len(marks)


def test_the_terms_are_found_once_at_start(make_window, monkeypatch) -> None:
    """Marking the bundled entries and then the reader's own with them found every term
    twice (a glossary matcher built twice, its pane filled twice) on the way to a drawn
    window; the personal glossary's one pass is what the reader sees."""
    from reader_app.domain import glossary

    built = []
    original = glossary.TermMatcher.__init__

    def counted(self, entries) -> None:
        built.append(len(entries))
        original(self, entries)

    monkeypatch.setattr(glossary.TermMatcher, "__init__", counted)
    window = make_window()
    assert built == [len(window.glossary_pane.glossary)]
    assert len(window.glossary_pane.occurrences_of("self-activity")) >= 4
