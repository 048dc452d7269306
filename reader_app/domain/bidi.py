"""User text set into interface text as a closed unit, whatever direction controls it holds.

A note reading ``RLO…`` (U+202E, right-to-left override) shown as it is in "#tag (3)" or
"¶3 · “quote”" would reverse the interface text after it, and could make a list say something
it does not. Wrapping the user's text in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE
(Unicode bidi algorithm, rule X6a) confines every embedding and override inside it, and
right-to-left notes still read correctly inside their isolate. Stored text is never changed;
this is for display only.
"""

from __future__ import annotations

import re

FSI = "\u2068"  # FIRST STRONG ISOLATE: the text takes the direction of its first letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
_ISOLATE_MARKS = re.compile("[\u2066\u2067\u2068\u2069]")  # LRI, RLI, FSI, PDI


def isolate(text: str) -> str:
    """``text`` as an isolate that nothing inside can leave early or leave open.

    A PDI in the text with no isolate of its own to close would close ours, so it is left
    out; isolates the text opens and never closes are closed before ours. Plain ASCII needs
    no isolate and is returned as it is.
    """
    if text.isascii():
        return text
    if not _ISOLATE_MARKS.search(text):
        return f"{FSI}{text}{PDI}"
    depth = 0
    kept: list[str] = []
    position = 0
    for mark in _ISOLATE_MARKS.finditer(text):
        if mark.group() != PDI:
            depth += 1
        elif depth:
            depth -= 1
        else:
            kept.append(text[position : mark.start()])
            position = mark.end()
    kept.append(text[position:])
    return f"{FSI}{''.join(kept)}{PDI * depth}{PDI}"
