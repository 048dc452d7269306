"""The Review window driven by keys: Space shows the answer, 1–4 rate, a summary at the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reader_app.domain.glossary import load_glossary
from reader_app.domain.review import glossary_cards
from reader_app.domain.scheduling import ReviewScheduler
from reader_app.domain.text import Document
from reader_app.models.review_session import ReviewSession
from reader_app.paths import resource_root
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.review_repo import review_of
from reader_app.ui.review_window import ReviewWindow

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(repo: NotesRepository, document: Document) -> ReviewSession:
    assert document.glossary_file is not None
    glossary = load_glossary(resource_root() / "glossary" / document.glossary_file)
    cards = [
        c for name in ("red-tape", "nep") for c in glossary_cards(document.id, glossary.entry(name))
    ]
    scheduler = ReviewScheduler(fuzzing=False)
    review_of(repo).add_cards(cards, scheduler, NOW)
    return ReviewSession(review_of(repo), scheduler, clock=lambda: NOW)


def test_a_sitting_by_keys_saves_each_answer(
    qtbot, session: ReviewSession, repo: NotesRepository, tmp_path: Path
) -> None:
    window = ReviewWindow(session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.front.text() == "Red tape" and window.back.isHidden() and window.rule.isHidden()
    assert window.progress.text() == "Card 1 of 2"

    qtbot.keyClick(window, Qt.Key.Key_3)  # no rating before the answer is shown
    assert session.position == 0
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.back.isVisible() and "official procedure" in window.back.text()
    assert window.grab().save(str(tmp_path / "review.png"))
    qtbot.keyClick(window, Qt.Key.Key_4)  # Easy
    assert window.progress.text() == "Card 2 of 2" and window.back.isHidden()
    assert window.front.text() == "New Economic Policy (NEP)"

    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.keyClick(window, Qt.Key.Key_1)  # Again: NEP comes round once more in this sitting
    assert not window.is_over and window.front.text() == "New Economic Policy (NEP)"
    assert window.progress.text() == "Card 2 of 2 · once more, after Again"
    assert review_of(repo).due_count(NOW + timedelta(minutes=1)) == 1  # due again in a minute

    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.keyClick(window, Qt.Key.Key_3)  # Good
    assert window.is_over and window.summary.isVisible()
    assert window.summary.text() == (
        "2 of 2 cards reviewed (3 answers): Again 1, Hard 0, Good 1, Easy 1."
    )
    review = review_of(repo)
    assert [(r.rating, r.reviewed_at) for r in review.records()] == [(4, NOW), (1, NOW), (3, NOW)]
    names = {w.accessibleName() for w in window.findChildren(type(window.close_button))}
    assert {"Show answer", "Rate Again", "Rate Easy", "Close review"} <= names


def test_nothing_due_says_so(qtbot, repo: NotesRepository) -> None:
    session = ReviewSession(review_of(repo), ReviewScheduler(fuzzing=False), clock=lambda: NOW)
    window = ReviewWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert window.is_over and "No cards are due" in window.summary.text()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # harmless
    assert window.summary.isVisible()


def test_ctrl_r_opens_a_sitting_of_the_cards_due_in_the_window(
    make_window, qtbot, data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from reader_app import cli

    parser = cli.argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    cli.add_subcommands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["review", "add", "--glossary", "nep", "--data-dir", str(data_dir)])
    assert args.handler(args) == 0
    window = make_window()
    qtbot.waitUntil(lambda: window.review.controller is not None)
    assert window.action("start-review").shortcut().toString() == "Ctrl+R"
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.review.window is not None and window.review.window.isVisible())
    review = window.review.window
    assert review is not None
    assert review.front.text() == "New Economic Policy (NEP)"
    assert review.source.text() == "The Workers’ Opposition"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.grab().save(str(tmp_path / "in-window.png"))
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert review.is_over and "1 of 1 card reviewed" in review.summary.text()
