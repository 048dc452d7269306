"""The review controller's figures with fixed times: the forecast and past retention by week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from reader_app.domain.glossary import load_glossary
from reader_app.domain.text import Document
from reader_app.models.review_controller import ReviewController
from reader_app.paths import resource_root
from reader_app.storage.notes_repo import NotesRepository

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)  # a Monday


def test_retention_is_counted_week_by_week_and_the_forecast_day_by_day(
    qtbot, repo: NotesRepository, document: Document
) -> None:
    assert document.glossary_file is not None
    glossary = load_glossary(resource_root() / "glossary" / document.glossary_file)
    clock = [NOW - timedelta(days=30)]
    controller = ReviewController(repo, glossary, clock=lambda: clock[0], fuzzing=False)
    assert controller.add_glossary_entry("nep") == 1
    (card,) = [s.card for s in controller.review.cards()]

    def answer(days_ago: int, rating: int) -> None:
        clock[0] = NOW - timedelta(days=days_ago)
        session = controller.session()
        assert session.current is not None and session.current.id == card.id
        assert session.rate(rating) is None

    answer(30, 4)  # new card, Easy: due in 8 days; not counted (it was not due for review)
    answer(20, 3)  # due for review, remembered: counted in the week starting 24 days ago
    # Forgotten two days ago (answered early: it counts, as it was in review).
    controller.review.record_review(card.id, 1, NOW - timedelta(days=2), controller.scheduler)
    clock[0] = NOW

    weeks = controller.weekly_retention(weeks=8, zone=UTC)
    assert [w.first_day for w in weeks][-1] == date(2026, 3, 24)
    assert weeks[0].first_day == date(2026, 2, 3)
    counted = {w.first_day: (w.retention.remembered, w.retention.reviewed) for w in weeks}
    assert sum(reviewed for _, reviewed in counted.values()) == 2
    good_week = next(
        w for w in weeks if w.first_day <= date(2026, 3, 10) < w.first_day + timedelta(days=7)
    )
    assert (good_week.retention.remembered, good_week.retention.reviewed) == (1, 1)

    days = controller.forecast(days=30, zone=UTC)
    assert len(days) == 30 and days[0][0] == date(2026, 3, 30)
    assert sum(count for _, count in days) == 1
    assert controller.due_count() == 1  # Again: back in ten minutes, so due now
