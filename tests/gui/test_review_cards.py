"""Cards made in the window: a saved word, a highlight as cloze or question, a glossary entry;
the cloze picker; the due count in the status bar and the Review menu."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from reader_app.domain.review import CLOZE_BLANK, CardKind, SourceKind, cloze_parts, cloze_text
from reader_app.ui import cloze_picker
from reader_app.ui.cloze_picker import ClozePicker, joined, word_at
from tests.gui.note_steps import QUOTE, add_note, select_words


@pytest.fixture
def window(make_window, qtbot):
    window = make_window()
    qtbot.waitUntil(lambda: window.review.controller is not None)
    return window


def stored(window):
    return [s.card for s in window.review.controller.review.cards()]


def test_save_word_for_review_keeps_word_sentence_anchor_and_gloss(window, qtbot) -> None:
    assert window.review.due_label.text() == "Nothing due for review"
    select_words(window, "p2", "red tape")
    assert window.action("save-word-for-review") in window.reading_view.context_actions
    window.action("save-word-for-review").trigger()

    (card,) = stored(window)
    assert card.kind is CardKind.WORD and card.text_id == window.document.id
    saved = card.saved_word
    assert saved is not None and saved.word == "red tape"
    assert saved.sentence == (
        "The harm in bureaucracy lies not just in the red tape, as some comrades would want "
        "us to believe…"
    )
    start = window.document.block("p2").text.index("red tape")
    assert (saved.anchor.block_id, saved.anchor.start, saved.anchor.end) == (
        "p2",
        start,
        start + len("red tape"),
    )
    assert saved.glossary_entry_id == "red-tape"
    assert card.snapshot.front == "red tape" and "Red tape:" in card.snapshot.back
    assert card.snapshot.passage_label == "¶2"
    assert "with its gloss" in window.statusBar().currentMessage()
    # The due count follows the new card at once.
    assert window.review.due_label.text() == "1 due for review"
    assert window.action("start-review").text() == "&Start Review… (1 due)"


def test_save_word_without_a_selection_says_what_to_do(window) -> None:
    cursor = window.reading_view.textCursor()
    cursor.clearSelection()
    window.reading_view.setTextCursor(cursor)
    window.action("save-word-for-review").trigger()
    assert stored(window) == []
    assert "Select a word" in window.statusBar().currentMessage()


def test_a_highlight_becomes_a_cloze_card_with_the_words_the_reader_picks(
    window, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = add_note(window)
    asked = []

    def pick(parent, quote, source, initial):
        asked.append((quote, source, tuple(initial)))
        return [(quote.index("third person"), quote.index("third person") + 12)]

    monkeypatch.setattr(cloze_picker, "pick_cloze_ranges", pick)
    # The highlight at the caret is the one the card is made of.
    view = window.reading_view
    cursor = view.textCursor()
    cursor.setPosition(
        view.document_position("p3", window.document.block("p3").text.index(QUOTE) + 3)
    )
    view.setTextCursor(cursor)
    window.action("cloze-card").trigger()

    assert asked == [(QUOTE, "The Workers’ Opposition · ¶3", ())]
    (card,) = stored(window)
    assert card.kind is CardKind.CLOZE and card.source.id == note.id
    assert card.snapshot.front == f"Some {CLOZE_BLANK} decides your fate"
    assert card.snapshot.back == "Some [third person] decides your fate"
    assert (card.snapshot.title, card.snapshot.passage_label) == ("The Workers’ Opposition", "¶3")

    # Made again with other words: the same card (same id, same schedule), new ranges.
    monkeypatch.setattr(cloze_picker, "pick_cloze_ranges", lambda p, q, s, i: [(0, 4)])
    window.action("cloze-card").trigger()
    (again,) = stored(window)
    assert again.id == card.id and again.cloze == ((0, 4),)
    assert again.snapshot.front == f"{CLOZE_BLANK} third person decides your fate"


def test_a_cancelled_cloze_picker_makes_no_card(window, monkeypatch) -> None:
    add_note(window)
    monkeypatch.setattr(cloze_picker, "pick_cloze_ranges", lambda *a: None)
    window.action("cloze-card").trigger()
    assert stored(window) == []


def test_a_note_becomes_a_question_card_on_the_side_the_reader_chooses(window, monkeypatch) -> None:
    note = add_note(window)
    window.notes_controller.save(note.id, "Who decides, according to Kollontai?", [])
    monkeypatch.setattr(cloze_picker, "choose_question_side", lambda p, body, quote: True)
    window.action("question-card").trigger()
    (card,) = stored(window)
    assert card.kind is CardKind.QUESTION and card.note_is_question
    assert (card.snapshot.front, card.snapshot.back) == (
        "Who decides, according to Kollontai?",
        QUOTE,
    )
    monkeypatch.setattr(cloze_picker, "choose_question_side", lambda p, body, quote: False)
    window.action("question-card").trigger()
    (card,) = stored(window)
    assert not card.note_is_question
    assert (card.snapshot.front, card.snapshot.back) == (
        QUOTE,
        "Who decides, according to Kollontai?",
    )


def test_an_empty_note_is_not_made_a_question(window, monkeypatch) -> None:
    add_note(window)
    monkeypatch.setattr(cloze_picker, "choose_question_side", lambda *a: pytest.fail("asked"))
    window.action("question-card").trigger()
    assert stored(window) == []
    assert "empty note" in window.statusBar().currentMessage()


def test_without_a_highlight_the_note_chosen_in_the_notes_pane_is_used(window, monkeypatch) -> None:
    note = add_note(window)
    cursor = window.reading_view.textCursor()
    cursor.setPosition(0)
    window.reading_view.setTextCursor(cursor)
    window.notes_panel.select_note(note.id)
    monkeypatch.setattr(cloze_picker, "pick_cloze_ranges", lambda p, q, s, i: [(0, 4)])
    window.action("cloze-card").trigger()
    assert [card.source.id for card in stored(window)] == [note.id]


def test_a_free_note_cannot_become_a_cloze_card(window, monkeypatch) -> None:
    window.action("new-free-note").trigger()
    cursor = window.reading_view.textCursor()
    cursor.setPosition(0)
    window.reading_view.setTextCursor(cursor)
    monkeypatch.setattr(cloze_picker, "pick_cloze_ranges", lambda *a: pytest.fail("asked"))
    window.action("cloze-card").trigger()
    assert stored(window) == []
    assert "highlight" in window.statusBar().currentMessage()


def test_glossary_entries_go_to_review_from_the_glossary_pane(window) -> None:
    pane = window.glossary_pane
    window.action("glossary-entry-to-review").trigger()
    assert "Open a glossary entry first" in window.statusBar().currentMessage()
    pane.open_entry("nep")
    assert window.action("glossary-entry-both-ways") in pane.tree.actions()
    assert pane.tree.contextMenuPolicy() is Qt.ContextMenuPolicy.ActionsContextMenu
    window.action("glossary-entry-both-ways").trigger()
    cards = stored(window)
    assert [c.kind for c in cards] == [CardKind.GLOSSARY, CardKind.GLOSSARY_REVERSE]
    assert {c.source for c in cards} == {cards[0].source}
    assert cards[0].source.kind is SourceKind.GLOSSARY_ENTRY and cards[0].source.id == "nep"
    assert window.review.due_label.text() == "2 due for review"
    window.action("glossary-entry-to-review").trigger()
    assert "in review already" in window.statusBar().currentMessage()
    assert len(stored(window)) == 2


# ----- the cloze picker ------------------------------------------------------------------


def test_words_and_joining() -> None:
    text = "Some third person decides"
    assert word_at(text, 6) == (5, 10) and word_at(text, 10) == (5, 10)
    assert word_at("a — b", 2) is None
    assert joined(text, [(11, 17), (5, 10)]) == [(5, 17)]
    assert joined(text, [(0, 4), (11, 17)]) == [(0, 4), (11, 17)]


def test_the_picker_hides_clicked_words_and_selections(qtbot) -> None:
    picker = ClozePicker(QUOTE, "The Workers’ Opposition · ¶3")
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitExposed(picker)
    assert not picker.ok_button.isEnabled()
    assert picker.preview.text() == "(nothing hidden yet)"

    passage = picker.passage

    def click_on(word: str) -> None:
        cursor = passage.textCursor()
        cursor.setPosition(QUOTE.index(word) + 1)
        point = passage.cursorRect(cursor).center()
        qtbot.mouseClick(passage.viewport(), Qt.MouseButton.LeftButton, pos=point)

    click_on("third")
    click_on("person")
    assert picker.ranges() == [(5, 17)]  # side by side: one blank
    assert picker.preview.text() == f"Some {CLOZE_BLANK} decides your fate"
    assert picker.ok_button.isEnabled()
    click_on("third")  # shown again
    assert picker.ranges() == [(11, 17)]

    # From the keyboard: select "your fate" and press H.
    cursor = passage.textCursor()
    cursor.setPosition(QUOTE.index("your"))
    cursor.setPosition(len(QUOTE), cursor.MoveMode.KeepAnchor)
    passage.setTextCursor(cursor)
    qtbot.keyClick(passage, Qt.Key.Key_H)
    assert picker.ranges() == [(11, 17), (26, 35)]
    assert picker.preview.text() == f"Some third {CLOZE_BLANK} decides {CLOZE_BLANK}"
    assert len(passage.extraSelections()) == 2
    names = {w.accessibleName() for w in picker.findChildren(type(picker.ok_button))}
    assert {"Make Card", "Cancel", "Hide or show the selected words"} <= names


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    quote=st.text(min_size=1, max_size=80),
    clicks=st.lists(st.tuples(st.booleans(), st.integers(0, 80), st.integers(0, 80)), max_size=12),
)
def test_whatever_the_reader_clicks_the_picker_gives_ranges_a_cloze_card_takes(
    qtbot, quote: str, clicks: list[tuple[bool, int, int]]
) -> None:
    """The rules ``review.cloze_card`` checks: sorted, inside the quote, not overlapping,
    each holding more than spaces; and the revealed card reads back as the passage."""
    picker = ClozePicker(quote, "")
    qtbot.addWidget(picker)
    for is_word, first, second in clicks:
        if is_word:
            picker.toggle_word_at(min(first, len(quote)))
        else:
            picker.toggle(min(first, second, len(quote)), min(max(first, second), len(quote)))
    ranges = picker.ranges()
    previous_end = 0
    for start, end in ranges:
        assert previous_end <= start < end <= len(quote)
        assert quote[start:end].strip()
        previous_end = end
    assert picker.ok_button.isEnabled() == bool(ranges)
    revealed = cloze_text(quote, ranges, reveal=True)
    pieces = cloze_parts(quote, ranges)
    assert "".join(part for _, part in pieces) == quote
    assert revealed.count("[") >= len(ranges)
