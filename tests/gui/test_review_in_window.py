"""Review beside the text: Open in Text, cards rendered from their current source, desired
retention in Preferences, the statistics chart and File > Export Cards for Anki…"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reader_app.settings import DESIRED_RETENTION, Settings
from reader_app.ui import cloze_picker
from tests.gui.note_steps import QUOTE, add_note, select_words


@pytest.fixture
def window(make_window, qtbot):
    window = make_window()
    qtbot.waitUntil(lambda: window.review.controller is not None)
    return window


def start_review(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.review.window is not None and window.review.window.isVisible())
    review = window.review.window
    qtbot.waitExposed(review)
    return review


def cloze_note(window, monkeypatch, body: str = ""):
    note = add_note(window)
    if body:
        window.notes_controller.save(note.id, body, [])
    monkeypatch.setattr(cloze_picker, "pick_cloze_ranges", lambda p, q, s, i: [(5, 17)])
    window.notes_panel.select_note(note.id)
    cursor = window.reading_view.textCursor()
    cursor.setPosition(0)
    window.reading_view.setTextCursor(cursor)
    window.action("cloze-card").trigger()
    return note


def test_open_in_text_shows_a_saved_words_passage(window, qtbot) -> None:
    select_words(window, "p2", "red tape")
    window.action("save-word-for-review").trigger()
    review = start_review(window, qtbot)
    assert review.front.text() == "red tape" and review.source.text().endswith("¶2")
    assert review.open_button.isHidden()  # the passage would give the answer away
    qtbot.keyClick(review, Qt.Key.Key_O)
    assert window.reading_view.marks("flash") == []

    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.open_button.isVisible()
    qtbot.keyClick(review, Qt.Key.Key_O)
    view = window.reading_view
    start = window.document.block("p2").text.index("red tape")
    (flash,) = view.marks("flash")
    assert (flash.start, flash.end) == (
        view.document_position("p2", start),
        view.document_position("p2", start + len("red tape")),
    )
    qtbot.keyClick(review, Qt.Key.Key_3)  # the sitting goes on after the look
    assert review.is_over


def test_open_in_text_on_a_glossary_card_opens_the_entry(window, qtbot) -> None:
    window.glossary_pane.open_entry("nep")
    window.action("glossary-entry-to-review").trigger()
    window.glossary_pane.open_entry("red-tape")
    review = start_review(window, qtbot)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    review.open_button.click()
    assert window.glossary_pane.current_entry_id == "nep"


def test_a_card_shows_its_note_as_edited_since_and_is_marked_once_the_note_is_deleted(
    window, qtbot, monkeypatch
) -> None:
    note = cloze_note(window, monkeypatch, body="Who decides?")
    window.notes_controller.save(note.id, "Kollontai: a third person decides.", [])
    review = start_review(window, qtbot)
    assert review.front.text() == "Some […] decides your fate"
    assert review.back.text().endswith("Kollontai: a third person decides.")
    assert review.missing.isHidden()
    (stored,) = window.review.controller.review.cards()
    assert stored.card.snapshot.extra == "Kollontai: a third person decides."  # kept
    review.close()

    window.notes_controller.delete(note.id)
    review = start_review(window, qtbot)
    assert review.missing.isVisible()
    assert review.front.text() == "Some […] decides your fate"  # as it last was
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.back.text().endswith("Kollontai: a third person decides.")
    qtbot.keyClick(review, Qt.Key.Key_O)
    assert "cannot be found" in window.statusBar().currentMessage()
    window.notes_controller.undo_stack.undo()  # the note comes back, and the mark goes
    review.close()
    review = start_review(window, qtbot)
    assert review.missing.isHidden() and review.remove_button.isHidden()


def test_a_card_whose_note_is_gone_can_be_removed_from_review(window, qtbot, monkeypatch) -> None:
    note = cloze_note(window, monkeypatch, body="Who decides?")
    window.glossary_pane.open_entry("nep")
    window.action("glossary-entry-to-review").trigger()
    window.notes_controller.delete(note.id)
    review = start_review(window, qtbot)
    assert review.missing.isVisible() and review.remove_button.isVisible()
    review.remove_button.click()
    assert review.front.text() == "New Economic Policy (NEP)" and review.remove_button.isHidden()
    assert review.progress.text() == "Card 1 of 1"
    assert [s.card.source.id for s in window.review.controller.review.cards()] == ["nep"]
    assert window.review.due_label.text() == "1 due for review"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert review.summary.text() == (
        "1 of 1 card reviewed: Again 0, Hard 0, Good 1, Easy 0. 1 removed from review."
    )


def test_answers_and_additions_update_the_due_count(window, qtbot, monkeypatch) -> None:
    window.glossary_pane.open_entry("nep")
    window.action("glossary-entry-both-ways").trigger()
    assert window.review.due_label.text() == "2 due for review"
    review = start_review(window, qtbot)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_4)
    assert window.review.due_label.text() == "1 due for review"
    assert window.action("start-review").text() == "&Start Review… (1 due)"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert window.review.due_label.text() == "Nothing due for review"
    assert window.action("start-review").text() == "&Start Review…"


def test_desired_retention_is_a_preference_the_scheduler_uses(window, data_dir: Path) -> None:
    controller = window.review.controller
    assert controller.scheduler.desired_retention == pytest.approx(0.9)
    window.action("preferences").trigger()
    dialog = window.show_preferences()
    assert dialog.retention_box is not None and dialog.retention_box.value() == 90
    assert dialog.retention_box.accessibleName() == "Desired retention in percent"
    dialog.retention_box.setValue(95)
    assert controller.scheduler.desired_retention == pytest.approx(0.95)
    assert Settings(data_dir).get(DESIRED_RETENTION) == pytest.approx(0.95)
    dialog.retention_box.setValue(60)  # below the range: held at its floor
    assert controller.scheduler.desired_retention == pytest.approx(0.70)
    dialog.close()


def test_desired_retention_is_read_at_start(make_window, qtbot, data_dir: Path) -> None:
    settings = Settings(data_dir)
    settings.set(DESIRED_RETENTION, 0.85)
    settings.sync()
    window = make_window()
    qtbot.waitUntil(lambda: window.review.controller is not None)
    assert window.review.controller.scheduler.desired_retention == pytest.approx(0.85)


def test_statistics_chart_shows_the_forecast_and_retention(window, qtbot, tmp_path: Path) -> None:
    window.glossary_pane.open_entry("nep")
    window.action("glossary-entry-both-ways").trigger()
    window.action("review-statistics").trigger()
    statistics = window.review.statistics
    assert statistics is not None and statistics.isVisible()
    chart = statistics.chart
    assert len(chart.due) == 30 and chart.due[0][1] == 2 and sum(c for _, c in chart.due) == 2
    assert len(chart.weeks) == 8 and all(week.reviewed == 0 for _, week in chart.weeks)
    assert statistics.summary.text().startswith("2 due now, 2 in the next 30 days")
    assert "no retention to show" in statistics.summary.text()
    assert chart.accessibleDescription() == statistics.summary.text()
    image = chart.grab().toImage()
    assert image.width() >= 600 and image.save(str(tmp_path / "chart.png"))
    # The first bar is painted in the highlight colour.
    highlight = chart.palette().color(chart.palette().ColorRole.Highlight)
    colours = {
        image.pixelColor(x, y).rgb()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height() // 2, 3)
    }
    assert highlight.rgb() in colours


def test_export_cards_for_anki_writes_a_package_or_csv(
    window, dialogs_shown, tmp_path: Path
) -> None:
    window.action("export-cards").trigger()
    assert dialogs_shown.texts("error") == []  # cancelled dialog: nothing said
    dialogs_shown.save_path = (str(tmp_path / "empty.apkg"), "Anki package (*.apkg)")
    window.action("export-cards").trigger()
    assert "no cards in review" in dialogs_shown.texts("error")[-1]
    assert not (tmp_path / "empty.apkg").exists()

    window.glossary_pane.open_entry("nep")
    window.action("glossary-entry-both-ways").trigger()
    select_words(window, "p3", QUOTE)
    window.action("save-word-for-review").trigger()
    dialogs_shown.save_path = (str(tmp_path / "cards"), "Anki package (*.apkg)")
    window.action("export-cards").trigger()
    package = tmp_path / "cards.apkg"
    with zipfile.ZipFile(package) as archive:
        (tmp_path / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        guids = {row[0] for row in db.execute("SELECT guid FROM notes")}
    assert guids == {stored.card.id for stored in window.review.controller.review.cards()}
    assert len(guids) == 3
    assert window.statusBar().currentMessage() == f"Exported 3 cards to {package}."

    dialogs_shown.save_path = (str(tmp_path / "cards.csv"), "CSV for Anki (*.csv)")
    window.action("export-cards").trigger()
    lines = (tmp_path / "cards.csv").read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["#separator:Comma", "#html:true", "#tags column:3"]
    assert len(lines) == 6


def test_the_typed_suffix_picks_the_format_and_a_failed_write_is_reported(
    window, dialogs_shown, tmp_path: Path
) -> None:
    window.glossary_pane.open_entry("nep")
    window.action("glossary-entry-to-review").trigger()
    dialogs_shown.save_path = (str(tmp_path / "deck.csv"), "Anki package (*.apkg)")
    window.action("export-cards").trigger()
    assert (tmp_path / "deck.csv").read_text(encoding="utf-8").startswith("#separator:Comma")
    dialogs_shown.save_path = (str(tmp_path / "missing" / "deck.apkg"), "Anki package (*.apkg)")
    window.action("export-cards").trigger()
    assert "could not be written" in dialogs_shown.texts("error")[-1]
    assert not (tmp_path / "missing").exists()


def test_anki_imports_the_cards_made_in_the_window(
    window, dialogs_shown, monkeypatch, tmp_path: Path
) -> None:
    """Every kind the window makes, exported from File > Export Cards for Anki… and imported
    by Anki itself into a fresh collection; a second export adds no copies."""
    collection_module = pytest.importorskip(
        "anki.collection",
        reason="the 'anki' package (test extra) is not installed; pip install -e '.[test]' adds it",
    )
    note = cloze_note(window, monkeypatch, body="Who decides?")
    monkeypatch.setattr(cloze_picker, "choose_question_side", lambda *a: True)
    window.action("question-card").trigger()
    select_words(window, "p2", "red tape")
    window.action("save-word-for-review").trigger()
    window.glossary_pane.open_entry("nep")
    window.action("glossary-entry-to-review").trigger()
    cards = {s.card.kind.value: s.card for s in window.review.controller.review.cards()}
    assert set(cards) == {"cloze", "question", "word", "glossary"}

    package = tmp_path / "deck.apkg"
    dialogs_shown.save_path = (str(package), "Anki package (*.apkg)")
    window.action("export-cards").trigger()
    (tmp_path / "anki").mkdir()
    anki = collection_module.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        options = collection_module.ImportAnkiPackageOptions(with_scheduling=False)
        request = collection_module.ImportAnkiPackageRequest(
            package_path=str(package), options=options
        )
        anki.import_anki_package(request)
        assert anki.note_count() == 4 and anki.card_count() == 4
        notes = {n.guid: n for n in map(anki.get_note, anki.find_notes(""))}
        assert set(notes) == {card.id for card in cards.values()}
        word = notes[cards["word"].id]
        assert "red tape" in word["Front"] and "as some comrades would want" in word["Back"]
        assert "Red tape:" in word["Back"]  # the gloss, looked up when the word was saved
        cloze = notes[cards["cloze"].id]
        assert "{{c1::third person}}" in cloze["Text"] and cloze["Back Extra"] == "Who decides?"
        assert notes[cards["question"].id]["Front"].endswith("Who decides?")

        window.notes_controller.save(note.id, "Who decides? A third person.", [])
        window.action("export-cards").trigger()
        anki.import_anki_package(request)
        assert anki.note_count() == 4 and anki.card_count() == 4  # no copies
    finally:
        anki.close()
