"""Finding words in text the way a reader expects.

Typographic and straight apostrophes, quotes and dashes are the same character to a reader
(domain/typography.py says which), and line breaks or runs of spaces are just space. The
pattern built here encodes both, so the find bar and "search everything" agree on what
matches.

A book is searched as one string (``JoinedBlocks``): one pass of the pattern over its
thirty thousand blocks joined, instead of a pass per block, and a case-blind pattern is
made case-sensitive over a lower-cased copy, where sre's fast literal search works (Python's
case-blind matching compares character by character): together ten times faster over a
book, with the very matches ``find_all`` gives block by block.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

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


SEPARATOR = "\0"
"""Between two blocks in ``JoinedBlocks``: neither a space nor a word character, so no
pattern of ``find_pattern`` matches it unless the needle holds it (pasted), and then the
blocks are searched one by one."""

# Lower-case letters that sre's case-blind matching takes for one another because they
# share their upper case (re/_casefix.py): lower-casing alone does not make them one, so
# each is written as the first of its group, in the text and in the pattern. The
# combining ypogegrammeni (U+0345) is one of them too, but it is no word character (\w)
# as ι is, so a text or pattern holding it is searched case-blind, the slow way.
_UNFOLDABLE = "\u0345"
_SAME_UPPER_CASE = (
    "iı",
    "sſ",
    "μµ",
    "ι\u1fbe",
    "\u0390\u1fd3",
    "\u03b0\u1fe3",
    "βϐ",
    "εϵ",
    "θϑ",
    "κϰ",
    "πϖ",
    "ρϱ",
    "σς",
    "φϕ",
    "в\u1c80",
    "д\u1c81",
    "о\u1c82",
    "с\u1c83",
    "т\u1c84\u1c85",
    "ъ\u1c86",
    "ѣ\u1c87",
    "ꙋ\u1c88",
    "ṡẛ",
    "\ufb06\ufb05",
)
_TO_FIRST_OF_GROUP = [(other, group[0]) for group in _SAME_UPPER_CASE for other in group[1:]]
_LETTER_ESCAPE = re.compile(r"\\([A-Za-z])")


def caseless_text(text: str) -> str | None:
    """``text`` lower-cased, each letter the first of its ``_SAME_UPPER_CASE`` group, one
    character for one; None when lower-casing lengthens it (a capital İ) or the text holds
    a letter that cannot be folded (``_UNFOLDABLE``)."""
    lower = text.lower()
    if lower.isascii():
        return lower
    if len(lower) != len(text) or _UNFOLDABLE in lower:
        return None
    for other, first in _TO_FIRST_OF_GROUP:
        if other in lower:
            lower = lower.replace(other, first)
    return lower


def caseless_pattern(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    r"""A case-sensitive pattern that finds in ``caseless_text`` what a case-blind
    ``pattern`` finds in the text, or None: a pattern that heeds case, or one that
    lower-casing could change (an escape such as \S or \W, whose lower case means the
    opposite; a capital İ). The patterns of ``find_pattern`` are literal characters,
    classes of typographic variants, \s and \w."""
    if not pattern.flags & re.IGNORECASE:
        return None
    source = pattern.pattern
    if any(match.group(1) not in "sw" for match in _LETTER_ESCAPE.finditer(source)):
        return None
    lower = caseless_text(source)
    if lower is None:
        return None
    return re.compile(lower, pattern.flags & ~re.IGNORECASE)


class JoinedBlocks:
    """The texts of a document's blocks joined into one string to be searched in one pass
    (see the module's docstring). Made once per document and kept: joining a book and
    lower-casing it take a few milliseconds. Safe to share between threads (at worst the
    lower-cased copy is made twice)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = tuple(texts)
        self.text = SEPARATOR.join(self._texts)
        self.starts: list[int] = []  # where each block's text starts in ``text``
        position = 0
        for block_text in self._texts:
            self.starts.append(position)
            position += len(block_text) + len(SEPARATOR)
        self._caseless: str | None = None  # made on the first case-blind search; "": none

    def find(
        self, pattern: re.Pattern[str], limit: int | None = None
    ) -> list[tuple[int, int, int]]:
        """(block index, start, end in the block's text) of every match of ``pattern``, or
        of the first ``limit``, in order: exactly what ``find_all`` finds in each block's
        text, block by block."""
        text, joined_pattern = self._searched(pattern)
        starts, texts = self.starts, self._texts
        matches: list[tuple[int, int, int]] = []
        index, base, block_end, next_start = -1, 0, -1, 0
        for match in joined_pattern.finditer(text):
            start, end = match.span()
            if start == end:
                continue
            if start >= next_start:  # in a block after the last match's
                index = bisect.bisect_right(starts, start) - 1
                base, block_end = starts[index], starts[index] + len(texts[index])
                next_start = starts[index + 1] if index + 1 < len(starts) else len(text) + 1
            if end > block_end:  # across a SEPARATOR: the needle holds one
                return self._block_by_block(pattern)[:limit]
            matches.append((index, start - base, end - base))
            if len(matches) == limit:
                break
        return matches

    def count(self, pattern: re.Pattern[str]) -> int:
        """How many matches ``find`` gives, counted by the regular-expression engine
        without placing each: a fifth of the time for a letter found 400,000 times."""
        if pattern.groups:  # findall would give the groups
            return len(self.find(pattern))
        text, joined_pattern = self._searched(pattern)
        found = joined_pattern.findall(text)
        if SEPARATOR in "".join(found):  # across blocks, or in a block's own text
            return len(self._block_by_block(pattern))
        return len(found) - found.count("")

    def _searched(self, pattern: re.Pattern[str]) -> tuple[str, re.Pattern[str]]:
        """The text to run the pattern over, and the pattern: the lower-cased copy and a
        case-sensitive pattern for a case-blind one that can be made so."""
        caseless = caseless_pattern(pattern)
        if caseless is None:
            return self.text, pattern
        if self._caseless is None:
            self._caseless = caseless_text(self.text) or ""
        if not self._caseless:
            return self.text, pattern
        return self._caseless, caseless

    def _block_by_block(self, pattern: re.Pattern[str]) -> list[tuple[int, int, int]]:
        return [
            (index, start, end)
            for index, block_text in enumerate(self._texts)
            for start, end in find_all(block_text, pattern)
        ]
