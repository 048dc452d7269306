"""Issue 10, the window's half: typing, quitting, tags and long notes never cost a word.

Each test here failed on the code before its fix. They drive the real MainWindow.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtTest import QTest

from reader_app.ui.notes_panel import AUTOSAVE_MAX_WAIT_MS

QUOTE = "Some third person decides your fate"


def select_words(window, block_id: str, words: str) -> None:
    view = window.reading_view
    start = window._document.block(block_id).text.index(words)
    cursor = view.textCursor()
    cursor.setPosition(view.document_position(block_id, start))
    cursor.setPosition(
        view.document_position(block_id, start + len(words)), cursor.MoveMode.KeepAnchor
    )
    view.setTextCursor(cursor)


def add_note(window, block_id: str = "p3", words: str = QUOTE):
    select_words(window, block_id, words)
    window.add_note_action.trigger()
    return window.notes_controller.repository.list_notes()[-1]


def repo(window):
    return window.notes_controller.repository


# ----- point 3: steady typing reaches the disk ----------------------------------------------


def test_steady_typing_is_saved_within_the_max_wait(make_window, qtbot) -> None:
    """A key every 150 ms keeps restarting the debounce; the max-wait must save anyway."""
    window = make_window()
    note = add_note(window)
    editor = window.notes_panel.editor
    typist = QTimer()
    typist.setInterval(150)
    typist.timeout.connect(lambda: QTest.keyClick(editor, Qt.Key.Key_A))
    since_first_key = QElapsedTimer()
    QTest.keyClick(editor, Qt.Key.Key_A)
    since_first_key.start()
    typist.start()
    try:
        qtbot.waitUntil(lambda: repo(window).get(note.id).body != "", timeout=4000)
        assert typist.isActive()  # saved while the typing went on
        assert since_first_key.elapsed() < AUTOSAVE_MAX_WAIT_MS + 500
        saved_once = repo(window).get(note.id).body
        # ... and again: the next save comes within the max-wait of the first unsaved key.
        qtbot.waitUntil(lambda: repo(window).get(note.id).body != saved_once, timeout=4000)
    finally:
        typist.stop()
    assert set(repo(window).get(note.id).body) == {"a"}
