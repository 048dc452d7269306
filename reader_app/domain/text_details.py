"""The details of a text that a reader may correct ("About this Text"), and what the
form's text means as library metadata. No Qt: the form is in ``ui/text_details.py``."""

from __future__ import annotations

import re

DETAIL_FIELDS = (
    ("title", "Title"),
    ("author", "Author"),
    ("year", "Year"),
    ("translator", "Translator"),
    ("editor", "Editor"),
    ("publisher", "Publisher or site"),
    ("url", "Address (URL)"),
    ("language", "Language"),
)
"""The fields "About this Text" edits, in the order shown, with their labels."""


def checked_changes(values: dict[str, str]) -> dict[str, object]:
    """What the dialog's text means as metadata; raises ValueError with a reason to show."""
    changes: dict[str, object] = {name: values[name].strip() for name, _ in DETAIL_FIELDS}
    year = str(changes["year"])
    if year and not re.fullmatch(r"-?[0-9]{1,4}", year):
        raise ValueError("The year must be a number, such as 1921 (or empty).")
    changes["year"] = int(year) if year else None
    url = str(changes["url"])
    if url and not url.startswith(("https://", "http://")):
        raise ValueError("The address must start with https:// or http:// (or be empty).")
    if not changes["title"]:
        raise ValueError("A text needs a title.")
    return changes
