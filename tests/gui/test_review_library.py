"""Review across the library, driven in the window: cards made on whichever text is open
belong to it, cards of other texts render from that text's notes, Open in Text opens their
text, the reader's own glossary entries go to review, and sittings span every text."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reader_app.domain.review import CardKind
from reader_app.domain.text import DEFAULT_TEXT_ID
from reader_app.ui import cloze_picker, dialogs, library_dialogs
from tests.gui.note_steps import add_note, select_words

ESSAY = "\n\n".join(
    ["An Essay on Bread"]
    + [f"Paragraph {n} of the essay speaks of bread and of peace." for n in range(1, 41)]
)


@pytest.fixture
def window(make_window, qtbot):
    window = make_window()
    qtbot.waitUntil(lambda: window.review.controller is not None)
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    return window


@pytest.fixture
def essay(tmp_path: Path) -> Path:
    path = tmp_path / "own-files" / "essay.txt"
    path.parent.mkdir()
    path.write_text(ESSAY, encoding="utf-8")
    return path


def add_text(window, qtbot, monkeypatch, path: Path) -> str:
    """File > Add Text…; the text added is opened; returns its id."""
    monkeypatch.setattr(library_dialogs, "open_file_paths", lambda *a: [str(path)])
    library = window.library
    with qtbot.waitSignal(library.controller.adding_changed, check_params_cb=lambda n: n == 0):
        window.action("add-text").trigger()
    qtbot.waitUntil(lambda: window.document.title == "essay")
    return window.document.id


def block_with(window, words: str) -> str:
    return next(b.id for b in window.document.blocks if words in b.text)


def stored(window):
    return [s.card for s in window.review.controller.review.cards()]


def make_cloze(window, monkeypatch, block_id: str, words: str, hide=((0, 9),)):
    note = add_note(window, block_id, words)
    monkeypatch.setattr(cloze_picker, "pick_cloze_ranges", lambda *a: list(hide))
    window.notes_panel.select_note(note.id)
    window.action("cloze-card").trigger()
    return note


def start_review(window, qtbot, action: str = "start-review"):
    window.action(action).trigger()
    qtbot.waitUntil(lambda: window.review.window is not None and window.review.window.isVisible())
    review = window.review.window
    qtbot.waitExposed(review)
    return review


# ----- 1. cards belong to the text that is open -------------------------------------------


def test_cards_made_on_a_library_text_belong_to_it_with_its_title_and_paragraph(
    window, qtbot, monkeypatch, essay
) -> None:
    essay_id = add_text(window, qtbot, monkeypatch, essay)
    block = block_with(window, "Paragraph 3 of")
    label = window.document.block(block).citation_label
    select_words(window, block, "bread")
    window.action("save-word-for-review").trigger()
    make_cloze(window, monkeypatch, block, "Paragraph 3 of the essay")
    monkeypatch.setattr(cloze_picker, "choose_question_side", lambda *a: True)
    window.notes_controller.save(
        window.notes_controller.repository.list_notes()[0].id, "Which?", []
    )
    window.action("question-card").trigger()

    cards = stored(window)
    assert [c.kind for c in cards] == [CardKind.WORD, CardKind.CLOZE, CardKind.QUESTION]
    assert {c.text_id for c in cards} == {essay_id}
    assert {(c.snapshot.title, c.snapshot.passage_label) for c in cards} == {("essay", label)}
    assert cards[0].saved_word.anchor.text_id == essay_id
    assert cards[1].snapshot.front == "[…] 3 of the essay"


def test_cards_of_the_bundled_text_stay_with_it_after_a_library_text_was_opened(
    window, qtbot, monkeypatch, essay
) -> None:
    essay_id = add_text(window, qtbot, monkeypatch, essay)
    assert window.library.open_text(DEFAULT_TEXT_ID)
    select_words(window, "p2", "red tape")
    window.action("save-word-for-review").trigger()
    window.library.open_text(essay_id)
    select_words(window, block_with(window, "Paragraph 1 of"), "peace")
    window.action("save-word-for-review").trigger()
    assert [(c.text_id, c.snapshot.front, c.snapshot.title) for c in stored(window)] == [
        (DEFAULT_TEXT_ID, "red tape", "The Workers’ Opposition"),
        (essay_id, "peace", "essay"),
    ]


def test_the_anki_export_has_a_deck_per_text_named_by_its_title(
    window, qtbot, monkeypatch, essay, tmp_path
) -> None:
    essay_id = add_text(window, qtbot, monkeypatch, essay)
    select_words(window, block_with(window, "Paragraph 2 of"), "bread")
    window.action("save-word-for-review").trigger()
    window.library.open_text(DEFAULT_TEXT_ID)
    select_words(window, "p2", "red tape")
    window.action("save-word-for-review").trigger()
    target = tmp_path / "cards.apkg"
    monkeypatch.setattr(dialogs, "save_file_path", lambda *a: (str(target), ""))
    window.action("export-cards").trigger()
    assert target.exists()
    with zipfile.ZipFile(target) as package:
        (tmp_path / "collection.anki2").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "collection.anki2") as connection:
        (decks,) = connection.execute("SELECT decks FROM col").fetchone()
    import json

    names = {deck["name"] for deck in json.loads(decks).values()}
    assert {"Study Reader::essay", "Study Reader::The Workers’ Opposition"} <= names
    assert essay_id not in " ".join(names)


# ----- 2. the reader's own glossary entries --------------------------------------------


def own_entry(window, monkeypatch, headword: str, gloss: str) -> str:
    """Add to Glossary on a selection, as the reader would; the new entry's id."""
    from reader_app.domain.glossary import Category
    from reader_app.ui import personal_glossary
    from reader_app.ui.personal_glossary import EntryDraft

    draft = EntryDraft(headword, (), Category.CONCEPT, gloss, "", "", False)
    monkeypatch.setattr(personal_glossary, "ask_entry", lambda *a: draft)
    select_words(window, "p1", "self-activity")
    window.action("add-to-glossary").trigger()
    entry_id = window.glossary_pane.current_entry_id
    assert window.glossary_pane.is_personal(entry_id)
    return entry_id


def test_an_own_entry_goes_to_review_follows_its_edits_and_is_kept_marked_once_deleted(
    window, qtbot, monkeypatch
) -> None:
    from reader_app.domain.glossary import Category
    from reader_app.ui import personal_glossary
    from reader_app.ui.personal_glossary import EntryDraft

    mine = own_entry(window, monkeypatch, "Self-activity (mine)", "Workers running things.")
    window.action("glossary-entry-both-ways").trigger()
    cards = stored(window)
    assert [(c.kind, c.source.id, c.text_id) for c in cards] == [
        (CardKind.GLOSSARY, mine, DEFAULT_TEXT_ID),
        (CardKind.GLOSSARY_REVERSE, mine, DEFAULT_TEXT_ID),
    ]
    assert cards[0].snapshot.front == "Self-activity (mine)"
    assert "Workers running things." in cards[0].snapshot.back
    assert "“Self-activity (mine)”" in window.statusBar().currentMessage()

    edited = EntryDraft(
        "Self-activity (mine)", (), Category.CONCEPT, "Workers run it themselves.", "", "", False
    )
    monkeypatch.setattr(personal_glossary, "ask_entry", lambda *a: edited)
    window.action("edit-glossary-entry").trigger()
    review = start_review(window, qtbot)
    assert review.front.text() == "Self-activity (mine)" and review.missing.isHidden()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert "Workers run it themselves." in review.back.text()
    review.close()

    window.glossary_pane.open_entry(mine)
    window.action("delete-glossary-entry").trigger()
    assert mine not in window.glossary_pane.glossary
    review = start_review(window, qtbot)
    assert review.missing.isVisible()  # kept, and marked, as for a deleted note
    assert review.front.text() == "Self-activity (mine)"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert "Workers run it themselves." in review.back.text()  # as it last was
    assert len(stored(window)) == 2
    review.close()
    window.notes_controller.undo_stack.undo()  # the entry comes back, and the mark goes
    review = start_review(window, qtbot)
    assert review.missing.isHidden()


# ----- 3. Open in Text opens the card's own text -----------------------------------------


def passage_in_view(view, block_id: str, start: int) -> bool:
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(view.document())
    cursor.setPosition(view.document_position(block_id, start))
    return view.viewport().rect().contains(view.cursorRect(cursor).center())


def test_open_in_text_on_a_card_of_another_text_opens_that_text_at_the_passage(
    window, qtbot, monkeypatch, essay
) -> None:
    from PySide6.QtWidgets import QApplication

    essay_id = add_text(window, qtbot, monkeypatch, essay)
    block = block_with(window, "Paragraph 2 of")
    select_words(window, block, "bread")
    window.action("save-word-for-review").trigger()
    select_words(window, block_with(window, "Paragraph 40 of"), "peace")  # left down here
    window.library.open_text(DEFAULT_TEXT_ID)

    review = start_review(window, qtbot)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_O)
    assert window.document.id == essay_id  # the card's text, opened in the window
    assert window.library.current_text_id == essay_id
    view = window.reading_view
    start = window.document.block(block).text.index("bread")
    qtbot.waitUntil(lambda: bool(view.marks("flash")))
    (flash,) = view.marks("flash")
    assert (flash.start, flash.end) == (
        view.document_position(block, start),
        view.document_position(block, start + len("bread")),
    )
    for _ in range(3):  # the text's saved place does not scroll over the passage afterwards
        QApplication.processEvents()
    qtbot.waitUntil(lambda: passage_in_view(view, block, start))
    assert stored(window)[0].text_id == essay_id
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert review.is_over


@pytest.mark.parametrize("removed_while_open", [True, False])
def test_open_in_text_on_a_card_whose_text_was_removed_says_so(
    window, qtbot, monkeypatch, essay, dialogs_shown, removed_while_open: bool
) -> None:
    from reader_app.ui.library_dialogs import RemoveChoice

    essay_id = add_text(window, qtbot, monkeypatch, essay)
    select_words(window, block_with(window, "Paragraph 2 of"), "bread")
    window.action("save-word-for-review").trigger()
    if not removed_while_open:
        window.library.open_text(DEFAULT_TEXT_ID)
        review = start_review(window, qtbot)  # the card's text is known, and read
        review.close()
    monkeypatch.setattr(library_dialogs, "ask_remove", lambda *a: RemoveChoice.KEEP_NOTES)
    window.library.remove_text(essay_id)
    assert window.document.id == DEFAULT_TEXT_ID

    review = start_review(window, qtbot)
    assert review.front.text() == "bread"  # kept, from its snapshot
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_O)
    assert window.document.id == DEFAULT_TEXT_ID
    assert window.statusBar().currentMessage() == (
        "This card's text, “essay”, is no longer in the library; add it again to see the passage."
    )
    assert dialogs_shown.texts("error") == []


# ----- 4. sittings and counts over every text -------------------------------------------


def test_a_card_of_another_texts_note_renders_from_that_texts_notes(
    window, qtbot, monkeypatch, essay
) -> None:
    essay_id = add_text(window, qtbot, monkeypatch, essay)
    note = make_cloze(window, monkeypatch, block_with(window, "Paragraph 5 of"), "Paragraph 5")
    window.notes_controller.save(note.id, "The fifth, as edited.", [])
    window.library.open_text(DEFAULT_TEXT_ID)
    assert window.review.controller.note(note.id) is None  # not a note of the open text

    review = start_review(window, qtbot)
    assert review.front.text() == "[…] 5" and review.missing.isHidden()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.back.text().endswith("The fifth, as edited.")
    review.close()
    (card,) = stored(window)
    assert card.text_id == essay_id and not card.source_missing

    window.library.open_text(essay_id)  # deleted on its own text: kept, and marked
    window.notes_controller.delete(note.id)
    window.library.open_text(DEFAULT_TEXT_ID)
    review = start_review(window, qtbot)
    assert review.missing.isVisible() and review.front.text() == "[…] 5"


def test_due_counts_and_start_review_cover_every_text_and_review_this_text_the_open_one(
    window, qtbot, monkeypatch, essay
) -> None:
    essay_id = add_text(window, qtbot, monkeypatch, essay)
    select_words(window, block_with(window, "Paragraph 2 of"), "bread")
    window.action("save-word-for-review").trigger()
    window.library.open_text(DEFAULT_TEXT_ID)
    select_words(window, "p2", "red tape")
    window.action("save-word-for-review").trigger()
    assert window.review.due_label.text() == "2 due for review"
    assert window.action("start-review").text() == "&Start Review… (2 due)"
    assert window.action("review-this-text").text() == "Review &This Text… (1 due)"

    review = start_review(window, qtbot)
    assert review.progress.text() == "Card 1 of 2"
    fronts = set()
    for _ in range(2):
        fronts.add(review.front.text())
        qtbot.keyClick(review, Qt.Key.Key_Space)
        qtbot.keyClick(review, Qt.Key.Key_3)
    assert fronts == {"bread", "red tape"} and review.is_over
    assert window.review.due_label.text() == "Nothing due for review"
    review.close()

    window.library.open_text(essay_id)
    select_words(window, block_with(window, "Paragraph 3 of"), "peace")
    window.action("save-word-for-review").trigger()
    window.library.open_text(DEFAULT_TEXT_ID)
    select_words(window, "p3", "third person")
    window.action("save-word-for-review").trigger()
    window.library.open_text(essay_id)
    assert window.action("review-this-text").text() == "Review &This Text… (1 due)"
    review = start_review(window, qtbot, "review-this-text")
    assert review.progress.text() == "Card 1 of 1" and review.front.text() == "peace"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert review.is_over
    assert window.review.due_label.text() == "1 due for review"  # the other text's
    assert window.action("review-this-text").text() == "Review &This Text…"
