"""Every item model passes Qt's own model checks (pytest-qt's ``qtmodeltester``). The tester
checks the model once, then stays connected and checks every reset, insertion and removal
while the notes are added, filtered and searched: a broken index or row count found here
would otherwise crash a view later."""

from __future__ import annotations

from collections.abc import Callable

from conftest import anchor_on

from reader_app.domain.glossary import find_occurrences
from reader_app.domain.highlights import Colour
from reader_app.domain.notes import free_note, glossary_note, passage_note
from reader_app.domain.text import Document
from reader_app.models.glossary_model import GlossaryFilterModel, build_glossary_model
from reader_app.models.notes_model import NoteQuery, NotesModel
from reader_app.models.notes_values import NoteOrder
from reader_app.storage.notes_repo import NotesRepository


def test_notes_model(qtmodeltester, repo: NotesRepository, document: Document) -> None:
    model = NotesModel(repo)
    qtmodeltester.check(model, force_py=True)
    repo.add(passage_note(anchor_on(document, "p1", "workers"), colour=Colour.GREEN, body="one"))
    repo.add(free_note("two words", tags=["later"]))
    repo.add(glossary_note("self-activity", body="three"))
    assert model.rowCount() == 3  # the model followed the repository's change reports
    model.set_query(NoteQuery(order=NoteOrder.UPDATED, tag="later"))
    assert model.rowCount() == 1
    model.set_query(NoteQuery(text="words"))
    assert [model.index(0).data()] == ["two words"]


def glossary_and_counts(document: Document):
    from reader_app.app import load_glossary_for

    glossary, warning = load_glossary_for(document)
    assert warning == "" and glossary.entries
    counts: dict[str, int] = {}
    for occurrence in find_occurrences(document, glossary):
        counts[occurrence.entry_id] = counts.get(occurrence.entry_id, 0) + 1
    return glossary, counts


def test_glossary_tree_model(qtmodeltester, document: Document) -> None:
    qtmodeltester.check(build_glossary_model(*glossary_and_counts(document)), force_py=True)


def test_glossary_filter_model(qtmodeltester, document: Document) -> None:
    glossary, counts = glossary_and_counts(document)
    filtered = GlossaryFilterModel(glossary)
    filtered.setSourceModel(build_glossary_model(glossary, counts))
    qtmodeltester.check(filtered, force_py=True)

    def entries() -> int:
        return sum(filtered.rowCount(filtered.index(row, 0)) for row in range(filtered.rowCount()))

    everything = entries()
    filtered.set_needle("kollontai")
    assert 0 < entries() < everything


def test_every_item_model_is_checked() -> None:
    """A new model class must join the checks above: this lists the ones checked."""
    import inspect

    from PySide6.QtCore import QAbstractItemModel

    from reader_app.models import glossary_model, notes_model

    checked: set[Callable[..., object]] = {NotesModel, GlossaryFilterModel}
    found = {
        cls
        for module in (glossary_model, notes_model)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, QAbstractItemModel) and cls.__module__ == module.__name__
    }
    assert found == checked


def test_reads_that_fail_become_plain_words_not_an_unexpected_problem(
    qtbot, data_dir, document: Document, open_repo
) -> None:
    """A busy file while the window lists, counts or searches the notes: the controller and
    the list model say so in the storage layer's words, and the list is simply empty."""
    import sqlite3

    from reader_app.models.notes_controller import NotesController
    from reader_app.storage.store import database_path

    open_repo(data_dir).add(free_note("words", tags=["t"]))

    class BusyReads(sqlite3.Connection):
        busy = False

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if self.busy and sql.lstrip().upper().startswith("SELECT"):
                error = sqlite3.OperationalError("database is locked")
                error.sqlite_errorcode = sqlite3.SQLITE_BUSY
                raise error
            return super().execute(sql, *args)

    connection = sqlite3.connect(database_path(data_dir), factory=BusyReads)
    repository = NotesRepository(connection, document, path=database_path(data_dir))
    controller = NotesController(repository)
    model = NotesModel(repository)
    assert model.rowCount() == 1
    said: list[str] = []
    controller.failed.connect(said.append)
    model.read_failed.connect(said.append)
    connection.busy = True
    assert controller.highlights() == []
    assert controller.counts().total == 0
    assert controller.search("words", limit=5) == []
    assert controller.note("any") is None
    model.refresh()
    assert model.rowCount() == 0
    assert len(said) == 5 and all("busy" in message for message in said)
    connection.close()
