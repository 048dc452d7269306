"""Make the README's Review screenshots: a cloze card with its answer, and the statistics chart.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/review_screenshots.py docs/screenshots

Everything happens in a temporary data folder. The chart needs a history, so the script
answers the glossary's cards day by day over the last eight weeks with a fixed random seed
(mostly Good, about one in eight Again), through the same repository and scheduler the
window uses; the card is a highlight of ¶3 made a cloze card, as a reader would make it.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from reader_app.app import configure_application, create_main_window
from reader_app.domain.highlights import Colour
from reader_app.domain.review import glossary_cards
from reader_app.domain.scheduling import ReviewScheduler

HISTORY_DAYS = 56
SEED = 14


def settle(milliseconds: int = 150) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def answer_history(controller, now: datetime) -> None:
    """Eight weeks of a reader's answers to the glossary's cards."""
    review, scheduler = controller.review, ReviewScheduler(fuzzing=False)
    start = now - timedelta(days=HISTORY_DAYS)
    cards = [
        card
        for entry in controller.glossary.entries
        for card in glossary_cards(controller.document.id, entry, title=controller.document.title)
    ]
    review.add_cards(cards, scheduler, start)
    chance = random.Random(SEED)
    for day in range(HISTORY_DAYS):
        at = start + timedelta(days=day, hours=18)
        for stored in review.due(at):
            roll = chance.random()
            rating = 1 if roll < 0.12 else 2 if roll < 0.2 else 4 if roll > 0.93 else 3
            review.record_review(stored.card.id, rating, at, scheduler)


def main(folder: Path) -> int:
    app = QApplication.instance() or QApplication([])
    configure_application(app)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as chart_data, tempfile.TemporaryDirectory() as card_data:
        window = create_main_window(Path(chart_data), persist_state=False)
        answer_history(window.review.controller, now)
        window.review.show_statistics()
        statistics = window.review.statistics
        statistics.resize(760, 560)
        settle()
        statistics.grab().save(str(folder / "review-chart.png"))
        window.close()

        window = create_main_window(Path(card_data), persist_state=False)
        document = window.document
        quote = "Some third person decides your fate"
        start = document.block("p3").text.index(quote)
        note = window.notes_controller.add_passage_note(
            "p3", start, start + len(quote), Colour.YELLOW
        )
        window.notes_controller.save(
            note.id, "Bureaucracy as decisions taken for people, not by them.", []
        )
        window.review.controller.add_cloze(note.id, [(5, 17)])
        window.review.start()
        review = window.review.window
        review.resize(640, 420)
        review.show()
        settle()
        review.show_answer()
        settle()
        review.grab().save(str(folder / "review-card.png"))
        review.close()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
