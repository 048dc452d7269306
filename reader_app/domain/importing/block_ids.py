"""Block ids derived from the words, so that they survive re-adding and edits elsewhere.

An id is a short hash of the block's normalised text, plus ``.N`` for its N-th repeat
(``3f2a9c1d0b7e``, ``3f2a9c1d0b7e.2``). Adding the same file again gives the same ids; an
edited, inserted or deleted block changes only its own id (and the counters of later
repeats of the same words), so notes on every other block keep their anchor. Position-based
ids would all move after the first insertion.

The normalisation is frozen here on purpose, apart from ``anchors.normalise``: changing it
would give every stored text new ids. 12 hex digits (48 bits) keep a chance collision between
two different blocks of a 30,000-block book below one in 300,000, and a collision would only
turn the second block into a "repeat".
"""

from __future__ import annotations

import hashlib
import unicodedata

# Spellings that editions and encodings swap without changing the words.
_EQUIVALENT = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "″": '"',
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\ufeff": None,
    }
)


def normalise_for_id(text: str) -> str:
    """Text as it counts for identity: NFC, straight quotes, single spaces, case kept.

    ``str.split()`` splits at the same whitespace as ``\\s`` and is several times faster
    than a regular expression; ASCII text (most of most books) needs nothing else.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_EQUIVALENT)
    return " ".join(text.split())


def block_hash(text: str) -> str:
    digest = hashlib.blake2b(normalise_for_id(text).encode("utf-8"), digest_size=6)
    return digest.hexdigest()


def assign_block_ids(texts: list[str]) -> list[str]:
    """One id per block text, unique within the list, in the same order."""
    seen: dict[str, int] = {}
    ids: list[str] = []
    for text in texts:
        base = block_hash(text)
        count = seen.get(base, 0) + 1
        seen[base] = count
        ids.append(base if count == 1 else f"{base}.{count}")
    return ids
