"""How far a reader has got in a text: one definition for the status bar and the Library.

The Library knows only the stored reading place (a block), not the window's scroll bar, so
progress is counted in blocks: the block of the reading place over the text's last block.
A reader who has the end of the text on screen (a short text always does) is placed on the
last block, so a text read to its end counts as wholly read in both places.
"""

from __future__ import annotations


def read_fraction(place_seq: int | None, block_count: int) -> float:
    """0.0 to 1.0 for the reading place's block (its index in reading order, None when the
    text was never opened) in a text of ``block_count`` blocks."""
    if place_seq is None or block_count <= 0:
        return 0.0
    if block_count == 1:
        return 1.0
    return min(1.0, max(0.0, place_seq / (block_count - 1)))
