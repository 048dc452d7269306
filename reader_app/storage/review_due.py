"""How many review cards are due: the one review figure the window shows as it opens.

Apart from ``review_repo`` so that the count can be drawn with the panels without importing
the cards' domain and their scheduling (about 20 ms of start-up, spent after the window
looks complete instead).
"""

from __future__ import annotations

from datetime import datetime

from reader_app.domain.notes import format_timestamp
from reader_app.storage.db import SharedConnectionRepository


class DueCounter(SharedConnectionRepository):
    """Counts the cards due; ``ReviewRepository`` is one, with everything else on top."""

    def due_count(self, at: datetime, text_id: str | None = None) -> int:
        where, params = self._text_filter(text_id)
        rows = self._rows(
            f"SELECT count(*) FROM review_cards WHERE deleted IS NULL AND due <= ?{where}",
            (format_timestamp(at), *params),
        )
        return int(rows[0][0])

    @staticmethod
    def _text_filter(text_id: str | None) -> tuple[str, tuple[str, ...]]:
        return ("", ()) if text_id is None else (" AND text_id = ?", (text_id,))
