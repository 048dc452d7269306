"""Steps the notes tests take as a reader would: select words in the text, add a note."""

from __future__ import annotations

QUOTE = "Some third person decides your fate"


def select_words(window, block_id: str, words: str) -> None:
    view = window.reading_view
    start = window.document.block(block_id).text.index(words)
    view.select_range(
        view.document_position(block_id, start),
        view.document_position(block_id, start + len(words)),
    )


def add_note(window, block_id: str = "p3", words: str = QUOTE):
    select_words(window, block_id, words)
    window.action("add-note").trigger()
    return window.notes_controller.repository.list_notes()[-1]


def repo(window):
    return window.notes_controller.repository


def import_notes(window, qtbot) -> None:
    """Notes > Import (the file chosen beforehand), returning once the import is done: it
    merges after a backup made off the window's thread."""
    with qtbot.waitSignal(window.notes_controller.imported, timeout=5000):
        window.action("import-notes").trigger()
