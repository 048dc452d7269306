"""Finding words in text the way a reader expects.

Typographic and straight apostrophes, quotes and dashes are the same character to a reader
(domain/typography.py says which), and line breaks or runs of spaces are just space. The
pattern built here encodes both, so the find bar and "search everything" agree on what
matches.
"""

from __future__ import annotations

import re

from reader_app.domain.typography import char_pattern


def find_pattern(
    needle: str, *, match_case: bool = False, whole_words: bool = False
) -> re.Pattern[str] | None:
    """A compiled pattern for what the user typed, or None when there is nothing to find."""
    words = needle.split()
    if not words:
        return None
    parts = []
    for word in words:
        parts.append("".join(char_pattern(char) for char in word))
    body = r"\s+".join(parts)
    if whole_words:
        body = rf"(?<!\w){body}(?!\w)"
    return re.compile(body, 0 if match_case else re.IGNORECASE)


def find_all(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]


def context_around(text: str, start: int, end: int, width: int = 36) -> str:
    """The match with a few words either side, cut at spaces, for a results list."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    if start > width and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if end + width < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return " ".join(f"{before}{text[start:end]}{after}".split())
