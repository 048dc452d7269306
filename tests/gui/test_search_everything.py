"""Search Everything across the library: every text's words (FTS5, ranked, with the ¶ of each
hit), the bundled and personal glossaries and the notes, grouped by text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reader_app.domain.glossary import Glossary
from reader_app.domain.personal_glossary import make_entry
from reader_app.models.search_everything import EVERY_TEXT, EverythingSearch
from reader_app.storage.glossary_repo import glossary_of
from reader_app.storage.library import library_of
from reader_app.storage.store import open_store
from reader_app.ui.search_everything import RESULT_ROLE

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BREAD = "The first call was for bread.\n\nThe second was for peace and bread.\n"
LAND = "Land to the peasants, and bread to the towns.\n"


def _library_with_texts(data_dir: Path, document, tmp_path: Path) -> dict[str, str]:
    """Two added texts and one personal entry for each scope; returns title → text id."""
    result = open_store(data_dir, document)
    try:
        library = library_of(result.repository, data_dir)
        ids = {}
        for name, content in (("Bread and Peace.txt", BREAD), ("Land Question.txt", LAND)):
            path = tmp_path / name
            path.write_text(content)
            added = library.add_file(path)
            ids[added.title] = added.text_id
        store = glossary_of(result.repository)
        store.save(make_entry(headword="Bread", gloss="Loaves.", text_id=ids["Land Question"]))
        store.save(make_entry(headword="Breadline", gloss="A queue.", now=T0))
    finally:
        result.close()
    return ids


def test_the_search_groups_every_text_and_gives_each_hit_its_paragraph(
    data_dir: Path, document, tmp_path: Path
) -> None:
    ids = _library_with_texts(data_dir, document, tmp_path)
    result = open_store(data_dir, document)
    try:
        everything = EverythingSearch(library_of(result.repository, data_dir))
        groups = everything.search("bread", document, Glossary(()))
    finally:
        result.close()
    by_title = {g.title: g for g in groups}
    assert set(by_title) == {"Bread and Peace", "Land Question"}  # the extract has no bread
    bread = by_title["Bread and Peace"]
    assert bread.text_id == ids["Bread and Peace"] and not bread.current
    assert bread.text_hits == 2
    # Ranked by bm25: the block that says "bread" in fewer words comes first.
    assert [r.label.split()[0] for r in bread.results if r.kind == "text"] == ["¶1", "¶2"]
    assert all(r.target[1:] == (-1, -1) for r in bread.results if r.kind == "text")


def test_personal_entries_of_other_texts_and_of_every_text_are_found(
    data_dir: Path, document, tmp_path: Path, qapp
) -> None:
    from PySide6.QtGui import QUndoStack

    from reader_app.models.personal_glossary import PersonalGlossaryController

    ids = _library_with_texts(data_dir, document, tmp_path)
    result = open_store(data_dir, document)
    try:
        stack = QUndoStack()
        personal = PersonalGlossaryController(glossary_of(result.repository), Glossary(()), stack)
        everything = EverythingSearch(library_of(result.repository, data_dir), None, personal)
        groups = everything.search("bread", document, Glossary(()))
    finally:
        result.close()
    by_id = {g.text_id: g for g in groups}
    land = by_id[ids["Land Question"]]
    assert [r.label for r in land.results if r.kind == "entry"] == ["Bread — Loaves."]
    assert [r.label for r in by_id[EVERY_TEXT].results] == ["Breadline — A queue."]
    assert groups[-1].text_id == EVERY_TEXT


def test_the_window_shows_the_text_being_read_first_then_the_library(
    make_window, qtbot, data_dir: Path, document, tmp_path: Path
) -> None:
    _library_with_texts(data_dir, document, tmp_path)
    window = make_window()
    dialog = window.show_search_everything()
    qtbot.keyClicks(dialog.edit, "peace")
    qtbot.waitUntil(lambda: dialog.results.topLevelItemCount() >= 2)
    titles = [dialog.results.topLevelItem(i).text(0) for i in range(2)]
    assert titles[0] == f"{document.display_title} (this text)"
    assert titles[1] == "Bread and Peace"
    hit = dialog.results.topLevelItem(1).child(0).child(0)
    text_id, current, result = hit.data(0, RESULT_ROLE)
    assert not current and result.label.startswith("¶2")
    with qtbot.waitSignal(dialog.other_text_chosen) as chosen:
        dialog.results.itemActivated.emit(hit, 0)
    assert chosen.args == [text_id, result.target[0]]
    assert window.document.id == text_id  # the text opens at the passage
    assert window.reading_view.marks("flash")
    assert "found in 2 texts" in dialog.summary.text()
