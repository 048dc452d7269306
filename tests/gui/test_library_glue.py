"""The library's texts with the tools made for them, driven through the real window: add a
text, open it, and use the reader's own glossary, undo, Search Everything, Details of This
Text and Replace with a New Edition on it as on the bundled text."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.library_steps import add_texts
from gui.note_steps import select_words
from reader_app.domain.glossary import Category
from reader_app.domain.text import DEFAULT_TEXT_ID
from reader_app.ui import personal_glossary
from reader_app.ui.personal_glossary import EntryDraft
from reader_app.ui.search_everything import RESULT_ROLE

ESSAY = "\n\n".join(
    ["An Essay on Bread"]
    + [f"Paragraph {n} of the essay speaks of sourdough and of peace." for n in range(1, 41)]
)
LETTER = "\n\n".join(
    ["A Letter on Rye"] + [f"Line {n}: the rye loaf keeps a week." for n in range(1, 21)]
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "own-files"
    folder.mkdir()
    made = {"essay": folder / "essay.txt", "letter": folder / "letter.txt"}
    made["essay"].write_text(ESSAY, encoding="utf-8")
    made["letter"].write_text(LETTER, encoding="utf-8")
    return made


class EntryAnswers:
    """Stands in for the entry dialog: answers with the next draft."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: list[EntryDraft | None] = []
        monkeypatch.setattr(personal_glossary, "ask_entry", self._ask)

    def _ask(self, parent, title: str, draft: EntryDraft, text_title: str) -> EntryDraft | None:
        return self.answers.pop(0)


@pytest.fixture
def entry_dialog(monkeypatch: pytest.MonkeyPatch) -> EntryAnswers:
    return EntryAnswers(monkeypatch)


def _draft(headword: str, **changes: object) -> EntryDraft:
    base = EntryDraft(headword, (), Category.CONCEPT, f"About {headword}.", "", "", False)
    return base._replace(**changes)


def _library(window, qtbot):
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    return window.library


def _text_id(window, title: str) -> str:
    return next(t.id for t in window.library.model.texts() if t.title == title)


def _term_keys(window) -> set[str]:
    return {span.key for span in window.reading_view.marks("terms")}


def _marked_words(window) -> list[str]:
    text = window.reading_view.document().toPlainText()
    return [text[s.start : s.end] for s in window.reading_view.marks("terms")]


def _add_entry(window, entry_dialog, block_id: str, words: str, **changes) -> str:
    select_words(window, block_id, words)
    entry_dialog.answers = [_draft(words, **changes)]
    window.action("add-to-glossary").trigger()
    entry_id = window.glossary_pane.current_entry_id
    assert entry_id is not None
    return entry_id


# ----- 1. a library text's glossary -------------------------------------------------------


def test_add_to_glossary_on_a_library_text_shows_and_marks_the_entry_at_once(
    make_window, qtbot, monkeypatch, files, entry_dialog
) -> None:
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    assert window.document.title == "essay"
    placeholder = window.glossary_dock.widget()
    assert "no glossary yet" in placeholder.text()
    assert "Add to Glossary" in placeholder.text()  # says how to make one

    block = window.document.body_blocks()[2]
    entry_id = _add_entry(window, entry_dialog, block.id, "sourdough")

    pane = window.glossary_pane
    assert window.glossary_dock.widget() is pane and pane.isVisible()
    assert [e.headword for e in pane.glossary.entries] == ["sourdough"]
    assert "your entry, for this text" in pane.entry_view.toPlainText()
    assert len(pane.occurrences_of(entry_id)) == 40  # one per paragraph
    assert _term_keys(window) == {entry_id}
    assert set(_marked_words(window)) == {"sourdough"}
    # A click on a mark (the window's term look-up) opens the entry in the shown pane.
    pane.open_entry(entry_id)
    window.term_lookup_requested.emit(entry_id)
    assert window.glossary_pane.current_entry_id == entry_id


def test_each_text_shows_its_own_entries_and_the_library_wide_ones(
    make_window, qtbot, monkeypatch, files, entry_dialog
) -> None:
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["letter"], files["essay"]])
    library = window.library
    essay_id, letter_id = _text_id(window, "essay"), _text_id(window, "letter")
    assert window.document.id == essay_id
    mine = _add_entry(window, entry_dialog, window.document.body_blocks()[2].id, "sourdough")
    everywhere = _add_entry(
        window, entry_dialog, window.document.body_blocks()[2].id, "peace", whole_library=True
    )

    library.open_text(letter_id)
    pane = window.glossary_pane
    assert [e.id for e in pane.glossary.entries] == [everywhere]
    assert _term_keys(window) == set()  # "peace" is not in the letter
    rye = _add_entry(window, entry_dialog, window.document.body_blocks()[2].id, "rye loaf")
    assert {e.id for e in window.glossary_pane.glossary.entries} == {everywhere, rye}
    assert _term_keys(window) == {rye}

    library.open_text(essay_id)
    assert {e.id for e in window.glossary_pane.glossary.entries} == {mine, everywhere}
    assert _term_keys(window) == {mine, everywhere}
    assert "sourdough" in _marked_words(window) and "peace" in _marked_words(window)

    # The bundled text: its own glossary, with the reader's library-wide entry beside it.
    library.open_text(DEFAULT_TEXT_ID)
    pane = window.glossary_pane
    assert window.glossary_dock.widget() is pane
    assert "self-activity" in pane.glossary and everywhere in pane.glossary
    assert mine not in pane.glossary and rye not in pane.glossary
    assert "self-activity" in _term_keys(window)
    assert window.document.id == DEFAULT_TEXT_ID


def test_deleting_the_last_entry_brings_back_the_line_and_the_entry_comes_back_on_reopen(
    make_window, qtbot, monkeypatch, files, entry_dialog, data_dir
) -> None:
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    entry_id = _add_entry(window, entry_dialog, window.document.body_blocks()[2].id, "sourdough")
    window.glossary_pane.open_entry(entry_id)
    assert window.action("edit-glossary-entry").isEnabled()
    window.action("delete-glossary-entry").trigger()
    assert "no glossary yet" in window.glossary_dock.widget().text()
    assert _term_keys(window) == set()
    window.action("undo").trigger()
    assert window.glossary_dock.widget() is window.glossary_pane
    assert _term_keys(window) == {entry_id}
    window.close()

    again = make_window(data_dir)  # the essay reopens, with its entry marked
    _library(again, qtbot)
    qtbot.waitUntil(lambda: again.document.title == "essay")
    assert entry_id in again.glossary_pane.glossary
    assert _term_keys(again) == {entry_id}
    # Review, ready a moment after start, makes its cards on the reopened text.
    qtbot.waitUntil(lambda: again.review.controller is not None)
    assert again.review.controller.document.id == again.document.id
    assert entry_id in again.review.controller.glossary


# ----- 2. undo on the open text's stack ---------------------------------------------------


def test_glossary_edits_go_on_the_open_texts_undo_stack(
    make_window, qtbot, monkeypatch, files, entry_dialog
) -> None:
    window = make_window()
    library = _library(window, qtbot)
    bundled_stack = window.notes_controller.undo_stack
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    essay_stack = window.notes_controller.undo_stack
    assert essay_stack is not bundled_stack
    entry_id = _add_entry(window, entry_dialog, window.document.body_blocks()[2].id, "sourdough")
    assert essay_stack.count() == 1 and bundled_stack.count() == 0
    assert window.action("undo").isEnabled()

    library.open_text(DEFAULT_TEXT_ID)
    assert not window.action("undo").isEnabled()  # nothing done on the bundled text
    library.open_text(_text_id(window, "essay"))
    window.action("undo").trigger()
    assert entry_id not in window.glossary_pane.glossary
    assert _term_keys(window) == set()
    window.action("redo").trigger()
    assert _term_keys(window) == {entry_id}


# ----- 3. Search Everything across the library --------------------------------------------


def _hits(dialog, group_title: str, kind: str) -> list:
    """The result items under a text's group and a kind ("Text", "Glossary", "Notes")."""
    for row in range(dialog.results.topLevelItemCount()):
        group = dialog.results.topLevelItem(row)
        if group.text(0) != group_title:
            continue
        for index in range(group.childCount()):
            kind_item = group.child(index)
            if kind_item.text(0).startswith(kind):
                return [kind_item.child(i) for i in range(kind_item.childCount())]
    return []


def _search(window, qtbot, words: str):
    dialog = window.show_search_everything()
    dialog.edit.clear()
    qtbot.waitUntil(lambda: dialog.summary.text() == "")  # the last search's results gone
    with qtbot.waitSignal(dialog.results_shown):  # after "Searching…"
        qtbot.keyClicks(dialog.edit, words)
    return dialog


def test_choosing_a_hit_in_another_text_opens_it_and_flashes_the_passage(
    make_window, qtbot, monkeypatch, files
) -> None:
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["letter"], files["essay"]])
    assert window.document.title == "essay"
    dialog = _search(window, qtbot, "rye loaf")
    [first, *_] = _hits(dialog, "letter", "Text")
    dialog.results.itemActivated.emit(first, 0)

    assert window.document.title == "letter"
    assert window.library.current_text_id == _text_id(window, "letter")
    [flash] = window.reading_view.marks("flash")
    text = window.reading_view.document().toPlainText()
    assert "rye loaf" in text[flash.start : flash.end]
    assert window.reading_view.textCursor().position() == flash.start
    assert not dialog.isVisible()
    # Where the passage is stays in view after the letter's saved place would have been
    # restored (a layout pass later).
    top = window.reading_view.top_position()
    qtbot.wait(50)
    assert window.reading_view.top_position() == top


def test_notes_of_every_text_are_found_under_their_text_and_open_it(
    make_window, qtbot, monkeypatch, files
) -> None:
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["letter"]])
    letter_id = window.document.id
    select_words(window, window.document.body_blocks()[3].id, "rye loaf")
    window.action("add-note").trigger()
    [note] = window.notes_controller.notes_in_text_order()
    window.notes_controller.save(note.id, "Crumbly when stale", [])
    window.library.open_text(DEFAULT_TEXT_ID)
    select_words(window, "p3", "Some third person decides your fate")
    window.action("add-note").trigger()
    [bundled_note] = window.notes_controller.notes_in_text_order()
    window.notes_controller.save(bundled_note.id, "Crumbly argument", [])

    dialog = _search(window, qtbot, "crumbly")
    this_text = f"{window.document.display_title} (this text)"
    assert [h.data(0, RESULT_ROLE)[2].target for h in _hits(dialog, this_text, "Notes")] == [
        (bundled_note.id,)
    ]
    [letter_hit] = _hits(dialog, "letter", "Notes")
    assert "rye loaf" in letter_hit.text(0) and "Crumbly" in letter_hit.text(0)
    dialog.results.itemActivated.emit(letter_hit, 0)
    assert window.document.id == letter_id
    assert window.notes_panel.current_note_id() == note.id

    # From the letter, the bundled text's note is the other text's now.
    dialog = _search(window, qtbot, "crumbly")
    assert _hits(dialog, "letter (this text)", "Notes")[0].data(0, RESULT_ROLE)[2].target == (
        note.id,
    )
    assert len(_hits(dialog, window.library.controller.title_of(DEFAULT_TEXT_ID), "Notes")) == 1


# ----- 4. a new edition and corrected details ---------------------------------------------


def test_a_new_edition_of_the_open_text_is_shown_with_its_notes_placed_again(
    make_window, qtbot, monkeypatch, files, dialogs_shown, tmp_path
) -> None:
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["letter"]])
    letter_id = window.document.id
    select_words(window, window.document.body_blocks()[5].id, "rye loaf keeps")
    window.action("add-note").trigger()
    [note] = window.notes_controller.notes_in_text_order()

    corrected = tmp_path / "letter-2nd.txt"
    corrected.write_text(
        LETTER.replace("A Letter on Rye", "A Letter on Rye\n\nA preface added later.").replace(
            "Line 20: the rye loaf keeps a week.", "Line 20: and then it is toast."
        ),
        encoding="utf-8",
    )
    dialogs_shown.open_path = str(corrected)
    window.action("replace-edition").trigger()

    assert window.document.id == letter_id
    text = window.reading_view.toPlainText()
    assert "A preface added later." in text and "then it is toast" in text
    assert window.reading_view.shown_document is window.document
    assert "preface" in " ".join(b.text for b in window.document.blocks)
    # The note is the new edition's, placed on its words, highlighted there.
    [placed] = window.notes_controller.notes_in_text_order()
    assert placed.id == note.id and placed.placement is not None
    block = window.document.block(placed.placement.block_id)
    assert block.text[placed.placement.start : placed.placement.end] == "rye loaf keeps"
    [mark] = window.reading_view.marks("highlights")
    assert window.reading_view.document().toPlainText()[mark.start : mark.end] == "rye loaf keeps"
    assert window.notes_panel.model.rowCount() == 1
    assert "1 note in place" in window.statusBar().currentMessage()


def test_corrected_details_show_at_once_in_the_title_the_library_and_citations(
    make_window, qtbot, monkeypatch, files, dialogs_shown, tmp_path
) -> None:
    from PySide6.QtGui import QGuiApplication

    from reader_app.ui import text_details

    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    essay_id = window.document.id

    def corrected(parent, details, title):
        return details.values | {"title": "On Bread", "author": "Jo Baker", "year": "1921"}

    monkeypatch.setattr(text_details, "ask_details", corrected)
    window.action("edit-text-details").trigger()

    assert window.windowTitle().startswith("On Bread — ")
    assert window.document.title == "On Bread" and window.document.author == "Jo Baker"
    [row] = [t for t in window.library.model.texts() if t.id == essay_id]
    assert (row.title, row.author, row.year) == ("On Bread", "Jo Baker", 1921)
    model = window.library.model
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "On Bread" in titles and "essay" not in titles
    select_words(window, window.document.body_blocks()[2].id, "speaks of sourdough")
    window.action("copy-with-citation").trigger()
    copied = QGuiApplication.clipboard().text()
    assert "On Bread" in copied and "Baker" in copied and "1921" in copied
    # Exported notes name the text by its corrected title too.
    window.action("add-note").trigger()
    target = tmp_path / "notes.md"
    dialogs_shown.save_path = (str(target), "")
    window.action("export-notes").trigger()
    exported = target.read_text(encoding="utf-8")
    assert "On Bread" in exported and "essay" not in exported.split("\n")[0]


# ----- 5. review cards made on a library text ---------------------------------------------


def test_review_cards_made_on_a_library_text_are_of_that_text(
    make_window, qtbot, monkeypatch, files, entry_dialog
) -> None:
    from reader_app.domain.review import CardKind
    from reader_app.ui import cloze_picker

    window = make_window()
    qtbot.waitUntil(lambda: window.review.controller is not None)
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    essay = window.document
    block = essay.body_blocks()[2]
    entry_id = _add_entry(window, entry_dialog, block.id, "sourdough")

    select_words(window, block.id, "sourdough")
    window.action("save-word-for-review").trigger()
    [word] = [s.card for s in window.review.controller.review.cards()]
    assert word.kind is CardKind.WORD and word.text_id == essay.id
    assert word.saved_word.word == "sourdough"
    assert word.saved_word.sentence == block.text
    assert word.saved_word.glossary_entry_id == entry_id  # the reader's own entry's gloss
    assert word.snapshot.title == "essay"

    select_words(window, block.id, "speaks of sourdough")
    window.action("add-note").trigger()
    [note] = window.notes_controller.notes_in_text_order()
    monkeypatch.setattr(cloze_picker, "pick_cloze_ranges", lambda p, q, s, i: [(0, 6)])
    view = window.reading_view
    cursor = view.textCursor()
    cursor.setPosition(view.document_position(block.id, block.text.index("speaks") + 2))
    view.setTextCursor(cursor)
    window.action("cloze-card").trigger()
    cloze = next(
        s.card for s in window.review.controller.review.cards() if s.card.kind is CardKind.CLOZE
    )
    assert cloze.text_id == essay.id and cloze.source.id == note.id
    assert cloze.snapshot.back == "[speaks] of sourdough"
    assert cloze.snapshot.title == "essay"


def test_the_readers_entry_for_another_text_opens_that_text_with_the_entry(
    make_window, qtbot, monkeypatch, files, entry_dialog
) -> None:
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["letter"]])
    letter_id = window.document.id
    rye = _add_entry(window, entry_dialog, window.document.body_blocks()[2].id, "rye loaf")
    window.library.open_text(DEFAULT_TEXT_ID)
    assert rye not in window.glossary_pane.glossary

    dialog = _search(window, qtbot, "rye loaf")
    [entry_hit] = _hits(dialog, "letter", "Glossary")
    dialog.results.itemActivated.emit(entry_hit, 0)
    assert window.document.id == letter_id
    assert window.glossary_pane.current_entry_id == rye
    assert window.glossary_dock.isVisible()


def test_a_book_opened_lists_every_occurrence_once_its_terms_are_found_after_the_paint(
    make_window, qtbot, monkeypatch, files, tmp_path, entry_dialog
) -> None:
    """A book's terms are found after its first paint (ui/term_marks.py); the pane's
    occurrence list and the marks then hold every occurrence, as for a short text."""
    from reader_app.ui.term_marks import LAZY_FROM_BLOCKS

    paragraphs = LAZY_FROM_BLOCKS + 10
    book = tmp_path / "own-files" / "book.txt"
    book.write_text(
        "\n\n".join(f"Verse {n}: bread and peace." for n in range(1, paragraphs + 1)),
        encoding="utf-8",
    )
    window = make_window()
    add_texts(window, qtbot, monkeypatch, [files["essay"]])
    everywhere = _add_entry(
        window, entry_dialog, window.document.body_blocks()[2].id, "peace", whole_library=True
    )
    add_texts(window, qtbot, monkeypatch, [book])
    assert window.document.title == "book"
    assert len(window.document.blocks) >= LAZY_FROM_BLOCKS

    pane = window.glossary_pane
    qtbot.waitUntil(lambda: len(pane.occurrences_of(everywhere)) == paragraphs)
    assert len(window.reading_view.marks("terms")) == paragraphs
    assert set(_marked_words(window)) == {"peace"}
