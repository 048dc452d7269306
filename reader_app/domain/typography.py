"""Characters a reader takes for the same one: the one rule for find, glossary and anchoring.

A reader typing ``workers' state`` means the text's ``workers’ state``; ``1917-21`` is the
book's ``1917–21``; a no-break space is a space. Find (domain/search.py), the glossary's
term matching and filter (domain/glossary.py) and the placing of notes (domain/anchors.py)
all fold text with ``fold``, or build patterns with ``char_pattern``, so none of them can
disagree with the others about what matches.

Folding maps one character to one, so an offset in folded text is the same offset in the
original: marks and notes found in the folded copy sit on the original words.
"""

from __future__ import annotations

import re

# Each class folds to its first character.
APOSTROPHES = "'’‘ʼ"  # straight, right and left single quotes, modifier letter apostrophe
DOUBLE_QUOTES = '"“”'
DASHES = "-‐‑‒–—"  # hyphen-minus, hyphen, non-breaking hyphen, figure, en and em dash
SPACES = " \u00a0\u2007\u2009\u202f"  # space, no-break, figure, thin, narrow no-break
EQUIVALENT_CLASSES = (APOSTROPHES, DOUBLE_QUOTES, DASHES, SPACES)

FOLD = str.maketrans({char: chars[0] for chars in EQUIVALENT_CLASSES for char in chars[1:]})

# Not one character for one, so only for finding (a pattern), never folded into text.
ELLIPSIS_PATTERN = r"(?:…|\.\.\.)"


def fold(text: str) -> str:
    """The text with each typographic variant replaced by its plain form, same length."""
    if text.isascii():  # every variant is non-ASCII; a 4 MB book skips a slow translate
        return text
    return text.translate(FOLD)


def char_pattern(char: str) -> str:
    """A regular expression matching ``char`` and every character a reader takes for it."""
    if char == "…":
        return ELLIPSIS_PATTERN
    for chars in EQUIVALENT_CLASSES:
        if char in chars:
            return "[" + re.escape(chars) + "]"
    return re.escape(char)
