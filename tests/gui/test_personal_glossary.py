"""The reader's own glossary in the window: add from a selection, see it marked and listed
beside the bundled entry, edit, delete with undo, export and import."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader_app.domain.glossary import Category
from reader_app.ui import personal_glossary
from reader_app.ui.personal_glossary import EntryDraft
from tests.gui.note_steps import select_words


class EntryAnswers:
    """Stands in for the entry dialog: answers with the next draft, records what it was shown."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: list[EntryDraft | None] = []
        self.shown: list[EntryDraft] = []
        monkeypatch.setattr(personal_glossary, "ask_entry", self._ask)

    def _ask(self, parent, title: str, draft: EntryDraft, text_title: str) -> EntryDraft | None:
        self.shown.append(draft)
        return self.answers.pop(0)


@pytest.fixture
def entry_dialog(monkeypatch: pytest.MonkeyPatch) -> EntryAnswers:
    return EntryAnswers(monkeypatch)


def _draft(headword: str, **changes: object) -> EntryDraft:
    base = EntryDraft(headword, (), Category.CONCEPT, "My gloss.", "", "", False)
    return base._replace(**changes)


def _term_keys(window) -> set[str]:
    return {span.key for span in window.reading_view.marks("terms")}


def test_add_to_glossary_marks_and_lists_the_entry_beside_the_bundled_one(
    make_window, entry_dialog: EntryAnswers
) -> None:
    window = make_window()
    select_words(window, "p1", "self-activity")
    entry_dialog.answers = [_draft("Self-activity", aliases=("self-activity of the masses",))]
    window.action("add-to-glossary").trigger()
    assert entry_dialog.shown[0].headword == "self-activity"  # the selection, offered
    pane = window.glossary_pane
    mine = pane.current_entry_id
    assert mine is not None and mine != "self-activity" and pane.is_personal(mine)
    assert "self-activity" in pane.glossary  # the bundled entry is still there
    assert pane.glossary.entry("self-activity").gloss != "My gloss."
    assert pane.occurrences_of(mine)
    assert {(o.block_id, o.start) for o in pane.occurrences_of(mine)} <= {
        (o.block_id, o.start) for o in pane.occurrences_of("self-activity")
    }
    # The words are marked once, for the bundled entry (see the click test below).
    assert "self-activity" in _term_keys(window) and mine not in _term_keys(window)
    assert "your entry, for this text" in pane.entry_view.toPlainText()
    assert pane.occurrence_list.count() == len(pane.occurrences_of(mine))
    # The tree shows both, the reader's own marked as such.
    headwords = []
    model = pane.filter_model
    for row in range(model.rowCount()):
        group = model.index(row, 0)
        headwords += [model.index(r, 0, group).data() for r in range(model.rowCount(group))]
    assert "Self-activity" in headwords and "Self-activity (yours)" in headwords


def test_an_entry_survives_reopening_the_window(
    make_window, entry_dialog: EntryAnswers, data_dir: Path
) -> None:
    window = make_window()
    entry_dialog.answers = [_draft("workers", gloss="Those who work.")]
    window.action("add-to-glossary").trigger()
    entry_id = window.glossary_pane.current_entry_id
    window.close()
    again = make_window(data_dir)
    assert entry_id in again.glossary_pane.glossary
    assert entry_id in _term_keys(again)


def test_edit_then_delete_and_undo(make_window, entry_dialog: EntryAnswers) -> None:
    window = make_window()
    entry_dialog.answers = [_draft("the masses")]
    window.action("add-to-glossary").trigger()
    pane = window.glossary_pane
    entry_id = pane.current_entry_id
    assert window.action("edit-glossary-entry").isEnabled()

    entry_dialog.answers = [_draft("the masses", gloss="Everyone, not a few.", whole_library=True)]
    window.action("edit-glossary-entry").trigger()
    assert pane.glossary.entry(entry_id).gloss == "Everyone, not a few."
    assert "your entry, for every text" in pane.entry_view.toPlainText()

    window.action("delete-glossary-entry").trigger()
    assert entry_id not in pane.glossary and entry_id not in _term_keys(window)
    window.action("undo").trigger()
    assert pane.glossary.entry(entry_id).gloss == "Everyone, not a few."
    assert entry_id in _term_keys(window)
    window.action("undo").trigger()  # the edit
    assert pane.glossary.entry(entry_id).gloss == "My gloss."


def test_bundled_entries_cannot_be_edited_or_deleted(make_window) -> None:
    window = make_window()
    window.glossary_pane.open_entry("self-activity")
    assert not window.action("edit-glossary-entry").isEnabled()
    assert not window.action("delete-glossary-entry").isEnabled()
    window.action("delete-glossary-entry").trigger()
    assert "self-activity" in window.glossary_pane.glossary


def test_a_bad_source_line_asks_again_with_what_was_typed(
    make_window, entry_dialog: EntryAnswers, dialogs_shown
) -> None:
    window = make_window()
    bad = _draft("bureaucracy", sources="only an author")
    entry_dialog.answers = [bad, None]
    window.action("add-to-glossary").trigger()
    assert entry_dialog.shown[1] == bad
    assert dialogs_shown.texts("error") == ["Source line 1: write author; title; year or address."]
    assert not any(
        window.glossary_pane.is_personal(e.id) for e in window.glossary_pane.glossary.entries
    )


def test_a_source_on_a_mirror_site_is_refused_as_in_the_bundled_glossary(
    make_window, entry_dialog: EntryAnswers, dialogs_shown
) -> None:
    window = make_window()
    entry_dialog.answers = [
        _draft("bureaucracy", sources="Someone; A copy; https://liquisearch.com/x")
    ]
    window.action("add-to-glossary").trigger()
    (message,) = dialogs_shown.texts("error")
    assert message.startswith("This entry cannot be saved: source address is a mirror")
    pane = window.glossary_pane
    assert not any(pane.is_personal(e.id) for e in pane.glossary.entries)


def test_export_and_import_between_two_data_folders(
    make_window, entry_dialog: EntryAnswers, dialogs_shown, tmp_path: Path
) -> None:
    window = make_window()
    entry_dialog.answers = [
        _draft("the masses", sources="A. Tutor; Class handout; 2026"),
        _draft("bureaucracy", gloss="Mine, beside the bundled one."),
    ]
    window.action("add-to-glossary").trigger()
    window.action("add-to-glossary").trigger()
    exported = tmp_path / "class.toml"
    dialogs_shown.save_path = (str(exported), "")
    window.action("export-glossary").trigger()
    assert exported.exists()
    window.close()

    other = tmp_path / "student"
    other.mkdir()
    student = make_window(other)
    dialogs_shown.open_path = str(exported)
    student.action("import-glossary").trigger()
    pane = student.glossary_pane
    personal = {e.headword for e in pane.glossary.entries if pane.is_personal(e.id)}
    assert personal == {"the masses", "bureaucracy"}
    assert "Imported class.toml: 2 new entries" in student.statusBar().currentMessage()
    student.action("import-glossary").trigger()  # again: nothing doubles
    assert sum(pane.is_personal(e.id) for e in pane.glossary.entries) == 2


def test_a_malformed_glossary_file_is_refused_with_its_line(
    make_window, dialogs_shown, tmp_path: Path
) -> None:
    window = make_window()
    bad = tmp_path / "bad.toml"
    bad.write_text('[[entry]]\nid = "x"\nheadword = "X"\ncategory = "colour"\ngloss = "g"\n')
    dialogs_shown.open_path = str(bad)
    window.action("import-glossary").trigger()
    (message,) = dialogs_shown.texts("error")
    assert message.startswith("bad.toml, line 2: ")


def test_a_note_on_the_readers_own_entry_is_labelled_with_its_headword(
    make_window, entry_dialog: EntryAnswers
) -> None:
    window = make_window()
    entry_dialog.answers = [_draft("the masses")]
    window.action("add-to-glossary").trigger()
    window.action("note-on-entry").trigger()
    (note,) = window.notes_controller.repository.list_notes()
    assert note.glossary_entry_id == window.glossary_pane.current_entry_id
    window.notes_panel.select_note(note.id)
    label = window.notes_panel.context_label.text()
    assert "the masses" in label and note.glossary_entry_id not in label


def test_the_bundled_entry_answers_a_click_on_a_word_both_mark(
    make_window, entry_dialog: EntryAnswers
) -> None:
    window = make_window()
    entry_dialog.answers = [_draft("self-activity")]
    window.action("add-to-glossary").trigger()
    pane = window.glossary_pane
    mine = pane.current_entry_id
    view = window.reading_view
    start = window.document.block("p1").text.index("self-activity")
    spans = view.spans_at(view.document_position("p1", start + 2))
    assert [span.key for layer, span in spans if layer == "terms"] == ["self-activity"]
    # The pane still lists the reader's occurrence there, and each entry links to the other.
    assert ("p1", start) in {(o.block_id, o.start) for o in pane.occurrences_of(mine)}
    assert "Beside it: Self-activity" in pane.entry_view.toPlainText()
    pane.open_entry("self-activity")
    assert "Beside it: self-activity (yours)" in pane.entry_view.toPlainText()
