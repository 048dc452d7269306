"""Search Everything searches the library on a worker thread: the results of the last words
typed arrive, a newer search interrupts an older one, a failing store is told in the
summary, and closing while a search runs leaves no thread behind."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from gui.test_search_everything import _library_with_texts
from reader_app.domain.glossary import Glossary
from reader_app.models import everything_runner
from reader_app.models.search_everything import EverythingSearch, text_matches
from reader_app.storage.db import corrupt_error
from reader_app.storage.store import DATABASE_NAME, open_store
from reader_app.ui.search_everything import RESULT_ROLE, SEARCHING


class HeldSearches:
    """The first search the worker makes is held inside its query (sqlite's progress
    handler, which looks whether the search was cancelled, waits) until the test lets it go
    or the runner cancels it: a search "running" for as long as a test needs, without
    sleeping or timing. A search nobody lets go of stops itself after ``HOLD_LIMIT``
    seconds, and the ``held`` fixture fails the test for it: a broken test fails, it does
    not hang the run."""

    HOLD_LIMIT = 10.0

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Event()  # the first search is held now
        self.release = threading.Event()
        self.timed_out = False
        self.outcomes: dict[str, str] = {}  # the words of each search → how it ended
        held = self
        original_should_stop = everything_runner._Job.should_stop
        original_cancel = everything_runner._Job.cancel
        original_search = everything_runner._LibrarySearch._search

        def should_stop(job: everything_runner._Job) -> bool:
            if job.generation == held.first_generation:
                held.entered.set()
                if not held.release.wait(held.HOLD_LIMIT):
                    held.timed_out = True
                    held.release.set()  # later checks of this search go on at once
                    return True  # ends the query as interrupted
            return original_should_stop(job)

        def cancel(job: everything_runner._Job) -> None:
            original_cancel(job)  # cancelled, then the query goes on and sees it
            held.release.set()

        def search(runnable: everything_runner._LibrarySearch) -> object:
            needle = runnable._job.needle
            held.first_generation = min(held.first_generation, runnable._job.generation)
            try:
                found = original_search(runnable)
            except sqlite3.Error:  # interrupted, in its query or while it was prepared
                held.outcomes[needle] = "stopped"
                raise
            held.outcomes[needle] = "found" if found is not None else "not started"
            return found

        self.first_generation = 1 << 62
        monkeypatch.setattr(everything_runner, "CANCEL_CHECK_STEPS", 1)
        monkeypatch.setattr(everything_runner._Job, "should_stop", should_stop)
        monkeypatch.setattr(everything_runner._Job, "cancel", cancel)
        monkeypatch.setattr(everything_runner._LibrarySearch, "_search", search)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch):
    held = HeldSearches(monkeypatch)
    yield held
    if held.timed_out:
        pytest.fail(
            f"The held search was never let go: it stopped itself after {held.HOLD_LIMIT} s."
        )


def _open_dialog(make_window, data_dir: Path, document, tmp_path: Path):
    ids = _library_with_texts(data_dir, document, tmp_path)
    window = make_window()
    dialog = window.show_search_everything()
    assert dialog is not None
    return window, dialog, ids


def _shown(dialog) -> list[tuple[str, list[str]]]:
    """Each group's title with the labels of its results, as the tree shows them."""
    shown = []
    for group in dialog._groups():
        labels = [
            leaf.data(0, RESULT_ROLE)[2].label
            for kind in dialog._children(group)
            for leaf in dialog._children(kind)
        ]
        shown.append((group.text(0), labels))
    return shown


def test_results_arrive_from_the_worker_grouped_and_ranked_as_before(
    make_window, qtbot, data_dir: Path, document, tmp_path: Path
) -> None:
    window, dialog, ids = _open_dialog(make_window, data_dir, document, tmp_path)
    dialog.edit.setText("bread")
    with qtbot.waitSignal(dialog.results_shown):
        dialog.run_search()
        assert dialog.summary.text() == SEARCHING  # not shown yet: the worker searches
    # The same search made at once on the GUI thread, as it was made before.
    expected = window.everything.search("bread", window.document, window.glossary_pane.glossary)
    assert [title for title, _ in _shown(dialog)] == [
        f"{window.document.display_title} (this text)",  # its glossary explains bread
        "Bread and Peace",
        "Land Question",
    ]
    assert [labels for _, labels in _shown(dialog)] == [
        [r.label for r in group.results] for group in expected
    ]
    bread = dialog._children(dialog._groups()[1])[0]
    assert [leaf.text(0)[:2] for leaf in dialog._children(bread)] == ["¶1", "¶2"]  # bm25
    assert bread.child(0).data(0, RESULT_ROLE)[0] == ids["Bread and Peace"]


def test_a_newer_search_interrupts_the_running_one_and_only_its_results_show(
    make_window, qtbot, held: HeldSearches, monkeypatch, data_dir: Path, document, tmp_path: Path
) -> None:
    _, dialog, _ = _open_dialog(make_window, data_dir, document, tmp_path)
    shown: list[str] = []
    dialog.results_shown.connect(lambda: shown.append(dialog.summary.text()))
    dialog.edit.setText("bread")
    dialog.run_search()
    qtbot.waitUntil(held.entered.is_set)  # the first search is inside its query
    assert dialog.summary.text() == SEARCHING
    dialog.edit.setText("call was")  # typed on while it runs
    with qtbot.waitSignal(dialog.results_shown):
        dialog.run_search()
    assert held.outcomes == {"bread": "stopped", "call was": "found"}
    assert shown == ["1 found in 1 text"]  # the first search's results never showed
    [(title, [label])] = _shown(dialog)
    assert title == "Bread and Peace" and label.startswith("¶1   The first call was")


def test_enter_before_the_results_come_chooses_the_first_of_them(
    make_window, qtbot, held: HeldSearches, monkeypatch, data_dir: Path, document, tmp_path: Path
) -> None:
    window, dialog, ids = _open_dialog(make_window, data_dir, document, tmp_path)
    qtbot.keyClicks(dialog.edit, "call was")
    dialog.run_search()  # the typing paused: the search is on its way
    qtbot.waitUntil(held.entered.is_set)
    qtbot.keyClick(dialog.edit, "\r")  # Enter while the worker is still searching
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.other_text_chosen) as chosen:
        held.release.set()
    assert chosen.args[0] == ids["Bread and Peace"]
    qtbot.waitUntil(lambda: window.document.id == ids["Bread and Peace"])


def test_enter_just_after_typing_searches_and_chooses_the_first_result(
    make_window, qtbot, data_dir: Path, document, tmp_path: Path
) -> None:
    _, dialog, ids = _open_dialog(make_window, data_dir, document, tmp_path)
    with qtbot.waitSignal(dialog.other_text_chosen) as chosen:
        qtbot.keyClicks(dialog.edit, "call was\r")  # before the typing pause was over
    assert chosen.args[0] == ids["Bread and Peace"]
    assert not dialog.isVisible()


@pytest.mark.parametrize("failure", ["corrupt", "gone"])
def test_a_failing_store_is_told_in_the_summary_and_the_dialog_keeps_working(
    make_window, qtbot, monkeypatch, data_dir: Path, document, tmp_path: Path, failure: str
) -> None:
    _, dialog, _ = _open_dialog(make_window, data_dir, document, tmp_path)

    def damaged(path: Path, **options: object) -> sqlite3.Connection:
        raise corrupt_error(path)

    database = data_dir / DATABASE_NAME
    if failure == "corrupt":
        monkeypatch.setattr(everything_runner, "connect", damaged)
    else:
        database.rename(database.with_suffix(".moved"))  # the window's connection keeps it
    dialog.edit.setText("bread")
    with qtbot.waitSignal(dialog.results_shown):
        dialog.run_search()
    expected = "damaged and cannot be read" if failure == "corrupt" else "its file is gone"
    assert expected in dialog.summary.text()
    assert "Searching" not in dialog.summary.text()
    monkeypatch.undo()  # the file is readable again: the next words find what they should
    if failure == "gone":
        database.with_suffix(".moved").rename(database)
    dialog.edit.setText("call was")
    with qtbot.waitSignal(dialog.results_shown):
        dialog.run_search()
    assert dialog.summary.text() == "1 found in 1 text"


def test_a_failing_store_still_shows_the_text_being_read(
    make_window, qtbot, monkeypatch, data_dir: Path, document, tmp_path: Path
) -> None:
    """The library's part failed; the open text's own hits still come, the problem beside
    their count."""

    def damaged(path: Path, **options: object) -> sqlite3.Connection:
        raise corrupt_error(path)

    monkeypatch.setattr(everything_runner, "connect", damaged)
    _, dialog, _ = _open_dialog(make_window, data_dir, document, tmp_path)
    word = document.body_blocks()[0].text.split()[0]
    dialog.edit.setText(word)
    with qtbot.waitSignal(dialog.results_shown):
        dialog.run_search()
    assert dialog._groups()[0].text(0).endswith("(this text)")
    assert "found in 1 text. The notes file is damaged" in dialog.summary.text()


@pytest.mark.parametrize("closing", ["dialog", "window"])
def test_closing_while_a_search_runs_leaves_no_thread_behind(
    make_window,
    qtbot,
    held: HeldSearches,
    monkeypatch,
    data_dir: Path,
    document,
    tmp_path: Path,
    closing: str,
) -> None:
    window, dialog, _ = _open_dialog(make_window, data_dir, document, tmp_path)
    shown: list[str] = []
    dialog.results_shown.connect(lambda: shown.append(dialog.summary.text()))
    dialog.edit.setText("bread")
    dialog.run_search()
    qtbot.waitUntil(held.entered.is_set)
    (dialog if closing == "dialog" else window).close()
    assert held.outcomes == {"bread": "stopped"}
    assert not dialog._runner._worker.busy
    assert not dialog._runner.searching
    QApplication.processEvents()  # let any queued delivery through: there must be none
    assert shown == []


def test_a_library_without_a_file_is_searched_at_once(qtbot, data_dir: Path, document) -> None:
    """A library not in a file (no second connection can reach it) is searched on the GUI
    thread, and the results come before ``request`` returns."""
    from reader_app.models.everything_runner import EverythingRunner
    from reader_app.storage.library import LibraryRepository

    result = open_store(data_dir, document)
    try:
        library = LibraryRepository(result.repository.connection, data_dir, path=None)
        runner = EverythingRunner(
            lambda: EverythingSearch(library), lambda: (document, Glossary(()))
        )
        with qtbot.waitSignal(runner.finished, timeout=0) as finished:
            runner.request(document.body_blocks()[0].text.split()[0])
    finally:
        result.close()
    groups, problem = finished.args
    assert problem == "" and groups[0].current
    assert not runner.searching


def test_a_text_opened_while_the_worker_searched_is_the_one_shown_first(
    make_window, qtbot, held: HeldSearches, monkeypatch, data_dir: Path, document, tmp_path: Path
) -> None:
    """The worker searched the text that was open when the words were typed; if another
    is open when its results come, that one is searched and shown as the text being read."""
    window, dialog, ids = _open_dialog(make_window, data_dir, document, tmp_path)
    dialog.edit.setText("bread")
    dialog.run_search()
    qtbot.waitUntil(held.entered.is_set)
    window.library.open_text(ids["Bread and Peace"])
    with qtbot.waitSignal(dialog.results_shown):
        held.release.set()
    [(this_text, labels), (other, _)] = _shown(dialog)
    assert this_text == "Bread and Peace (this text)" and other == "Land Question"
    assert [label.split()[0] for label in labels[:2]] == ["¶1", "¶2"]
    texts = [leaf.data(0, RESULT_ROLE) for leaf in dialog._leaves()[:2]]
    assert all(current and result.target[1] >= 0 for _, current, result in texts)  # places


def test_a_failing_search_of_the_open_text_is_told_and_the_next_search_works(
    make_window, qtbot, monkeypatch, data_dir: Path, document, tmp_path: Path
) -> None:
    """Any failure on the worker ends in a result with the problem in plain words: never
    "Searching…" for good, with Enter waiting on a search that will not come."""
    _, dialog, _ = _open_dialog(make_window, data_dir, document, tmp_path)
    original = everything_runner.text_matches

    def broken(needle: str, document: object) -> object:
        raise ValueError("a bug in the text's search")

    monkeypatch.setattr(everything_runner, "text_matches", broken)
    dialog.edit.setText("bread")
    with qtbot.waitSignal(dialog.results_shown, timeout=5000):
        dialog.run_search()
    assert "The search failed (a bug in the text's search)." in dialog.summary.text()
    assert not dialog._runner.searching and not dialog.searching
    monkeypatch.setattr(everything_runner, "text_matches", original)
    dialog.edit.setText("call was")
    with qtbot.waitSignal(dialog.results_shown):
        dialog.run_search()
    assert dialog.summary.text() == "1 found in 1 text"


def test_a_new_edition_read_while_the_worker_searched_is_the_one_shown(
    make_window, qtbot, held: HeldSearches, data_dir: Path, document, tmp_path: Path
) -> None:
    """Replace with a New Edition keeps the text's id but not its blocks: the worker's
    matches in the edition it searched would point at blocks and places that are gone."""
    window, dialog, ids = _open_dialog(make_window, data_dir, document, tmp_path)
    window.library.open_text(ids["Bread and Peace"])
    dialog.edit.setText("bread")
    dialog.run_search()
    qtbot.waitUntil(held.entered.is_set)  # searching the first edition's two paragraphs
    corrected = tmp_path / "Bread and Peace, corrected.txt"
    corrected.write_text("Bread, peace and land: the one call.\n")
    assert window.new_edition.controller.replace(ids["Bread and Peace"], corrected)
    qtbot.waitUntil(lambda: len(window.document.blocks) == 1)
    with qtbot.waitSignal(dialog.results_shown):
        held.release.set()
    [[this_text, labels], *_] = _shown(dialog)
    assert this_text == "Bread and Peace (this text)"
    expected = text_matches("bread", window.document)
    assert expected.found == 1
    texts = [
        leaf
        for leaf in dialog._leaves()
        if leaf.data(0, RESULT_ROLE)[1] and leaf.data(0, RESULT_ROLE)[2].kind == "text"
    ]
    assert [leaf.data(0, RESULT_ROLE)[2] for leaf in texts] == expected.results
    assert labels[0] == "¶1   Bread, peace and land: the one call."
    with qtbot.waitSignal(dialog.text_chosen):
        dialog._choose(texts[0])  # flashes the place, in the new edition
