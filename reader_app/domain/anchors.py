"""Anchoring notes to the text, after the W3C Web Annotation model.

An anchor remembers a passage in two independent ways, as the W3C TextPositionSelector and
TextQuoteSelector do: where it was (block id and offsets) and what it said (the exact quote
with some context either side). Offsets are cheap and precise but break as soon as a
corrected edition changes a word before the passage; the quote survives that. Placing a
note therefore tries the cheap, exact answers first and falls back to ever looser ones,
and only gives up -- marking the note *detached*, never dropping it -- when nothing in the
text is close enough to be honest about.

Offsets count Unicode code points (Python ``str`` indices), as the W3C model asks.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from reader_app.domain.text import Document
from reader_app.domain.typography import fold

CONTEXT_CHARS = 32
"""Characters of prefix and suffix kept with a quote, as Hypothesis and the W3C examples do."""

BLOCK_SEPARATOR = "\n\n"
"""What stands between two blocks in the document's plain text (see ``document_text``)."""

FUZZY_MIN_QUOTE = 12
"""Quotes shorter than this are only ever matched exactly: a fuzzy match of a few letters
would land on any similar word and silently put the note in the wrong place."""

FUZZY_SHIFTS_PER_BLOCK = 4
"""Places refined per block in a fuzzy search (the longest shared pieces decide)."""

FUZZY_MIN_QUOTE_SIMILARITY = 0.75
FUZZY_MIN_SCORE = 0.7

# Weights of the fuzzy score: the quote itself matters most, its surroundings confirm it,
# and nearness only breaks ties (the same weighting idea as Hypothesis' match-quote.ts).
_WEIGHT_QUOTE = 50.0
_WEIGHT_PREFIX = 20.0
_WEIGHT_SUFFIX = 20.0
_WEIGHT_NEARNESS = 2.0

_WHITESPACE = re.compile(r"\s+")


class AnchorError(ValueError):
    """An anchor was asked for a range that does not exist in the text (a caller's bug)."""


class PlacementStatus(StrEnum):
    EXACT = "exact"  # the offsets still hold the quote
    MOVED = "moved"  # the exact quote was found elsewhere
    FUZZY = "fuzzy"  # a close but not identical passage was found
    DETACHED = "detached"  # nothing close enough: the note keeps its quote and waits for repair


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a note was made and what it quoted.

    ``block_id``/``start``/``end`` are ``None`` only for imported annotations whose quote was
    never found in this text: their position is unknown, but their quote is kept.
    """

    block_id: str | None
    start: int | None
    end: int | None
    exact: str
    prefix: str
    suffix: str
    text_version: str | None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an anchor lands in a particular edition of the text."""

    status: PlacementStatus
    block_id: str | None = None
    start: int | None = None
    end: int | None = None

    @classmethod
    def detached(cls) -> Placement:
        return cls(PlacementStatus.DETACHED)

    @property
    def is_placed(self) -> bool:
        return self.status is not PlacementStatus.DETACHED


def document_text(document: Document) -> str:
    """The whole text as one string: blocks joined by a blank line.

    This is the coordinate system of exported TextPositionSelectors. For a text file with LF
    line ends and single blank lines between blocks (as the bundled one) it is the file's
    content character for character, so other tools reading the file agree on positions.
    """
    return BLOCK_SEPARATOR.join(block.text for block in document.blocks)


def block_offsets(document: Document) -> dict[str, int]:
    """Where each block starts in ``document_text``."""
    offsets: dict[str, int] = {}
    position = 0
    for block in document.blocks:
        offsets[block.id] = position
        position += len(block.text) + len(BLOCK_SEPARATOR)
    return offsets


def make_anchor(document: Document, block_id: str, start: int, end: int) -> Anchor:
    """Anchor a selection of ``block.text[start:end]``, with context taken across blocks.

    Context comes from the whole text rather than the block alone so that the quote selector
    we export is a faithful W3C TextQuoteSelector of the full text.
    """
    try:
        block = document.block(block_id)
    except KeyError:
        raise AnchorError(f"No block {block_id!r} in {document.id}.") from None
    if not 0 <= start < end <= len(block.text):
        raise AnchorError(f"Range {start}..{end} is not inside block {block_id!r}.")
    full = document_text(document)
    global_start = block_offsets(document)[block_id] + start
    global_end = global_start + (end - start)
    return Anchor(
        block_id=block_id,
        start=start,
        end=end,
        exact=block.text[start:end],
        prefix=full[max(0, global_start - CONTEXT_CHARS) : global_start],
        suffix=full[global_end : global_end + CONTEXT_CHARS],
        text_version=document.version,
    )


def normalise(text: str) -> str:
    """Compare text as a reader would: typographic variants alike (domain/typography.py), any
    whitespace run as one space. Editions differ in exactly these ways without the words
    changing."""
    return _WHITESPACE.sub(" ", fold(text))


class _NormalisedText:
    """A normalised copy of a string that can map its positions back to the original."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, original: str) -> None:
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        translated = fold(original)
        index = 0
        while index < len(translated):
            char = translated[index]
            if char.isspace():
                run_end = index
                while run_end < len(translated) and translated[run_end].isspace():
                    run_end += 1
                chars.append(" ")
                starts.append(index)
                ends.append(run_end)
                index = run_end
            else:
                chars.append(char)
                starts.append(index)
                ends.append(index + 1)
                index += 1
        self.text = "".join(chars)
        self.starts = starts
        self.ends = ends

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]

    def normalised_position(self, original_index: int) -> int:
        """The first normalised index at or after an original index (for nearness)."""
        return bisect.bisect_left(self.starts, original_index)


def _occurrences(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    index = haystack.find(needle)
    while index != -1:
        found.append(index)
        index = haystack.find(needle, index + 1)
    return found


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True, slots=True)
class _Candidate:
    block_index: int
    start: int  # in the block's normalised text
    end: int
    quote_score: float
    context_score: float
    distance: float  # 0 = where the anchor was, 1 = as far away as possible


@dataclass(frozen=True, slots=True)
class _DocumentView:
    """Normalised copies of one edition's text, costly enough to build only once."""

    full: _NormalisedText
    blocks: list[_NormalisedText]
    block_starts: list[int]


_VIEWS: dict[tuple[str, str], _DocumentView] = {}
_VIEWS_KEPT = 4


def _view(document: Document) -> _DocumentView:
    # Re-anchoring thousands of notes in a new edition would otherwise rebuild these for
    # every note. Keyed by id and version: a Document is immutable.
    key = (document.id, document.version)
    view = _VIEWS.get(key)
    if view is None:
        offsets = block_offsets(document)
        view = _DocumentView(
            _NormalisedText(document_text(document)),
            [_NormalisedText(block.text) for block in document.blocks],
            [offsets[block.id] for block in document.blocks],
        )
        if len(_VIEWS) >= _VIEWS_KEPT:
            _VIEWS.pop(next(iter(_VIEWS)))
        _VIEWS[key] = view
    return view


class _Resolver:
    """One placement attempt over the shared normalised view of the document."""

    def __init__(self, anchor: Anchor, document: Document) -> None:
        self.anchor = anchor
        self.document = document
        self.quote = normalise(anchor.exact)
        self.prefix = normalise(anchor.prefix)
        self.suffix = normalise(anchor.suffix)
        view = _view(document)
        self.full = view.full
        self.blocks = view.blocks
        self.block_starts = view.block_starts
        self.old_index: int | None = None
        if anchor.block_id is not None:
            try:
                self.old_index = document.block_index(anchor.block_id)
            except KeyError:
                self.old_index = None

    def context_score(self, block_index: int, start: int, end: int) -> float:
        """How well the text around a candidate agrees with the remembered prefix and suffix."""
        original_start, original_end = self.blocks[block_index].original_range(start, end)
        base = self.block_starts[block_index]
        full_start = self.full.normalised_position(base + original_start)
        full_end = self.full.normalised_position(base + original_end)
        before = self.full.text[max(0, full_start - len(self.prefix)) : full_start]
        after = self.full.text[full_end : full_end + len(self.suffix)]
        weights = len(self.prefix) + len(self.suffix)
        if weights == 0:
            return 1.0
        return (
            _similarity(self.prefix, before) * len(self.prefix)
            + _similarity(self.suffix, after) * len(self.suffix)
        ) / weights

    def distance(self, block_index: int, start: int) -> float:
        if self.old_index is None:
            return 1.0
        if block_index != self.old_index:
            return min(1.0, 0.5 + abs(block_index - self.old_index) / (2 * len(self.blocks)))
        block_length = max(1, len(self.blocks[block_index].text))
        old_start = self.blocks[block_index].normalised_position(self.anchor.start or 0)
        return min(0.5, abs(start - old_start) / (2 * block_length))

    def placement(self, candidate: _Candidate, status: PlacementStatus) -> Placement:
        block = self.document.blocks[candidate.block_index]
        start, end = self.blocks[candidate.block_index].original_range(
            candidate.start, candidate.end
        )
        return Placement(status, block.id, start, end)

    def at_offsets(self) -> Placement | None:
        anchor = self.anchor
        if self.old_index is None or anchor.start is None or anchor.end is None:
            return None
        text = self.document.blocks[self.old_index].text
        if 0 <= anchor.start < anchor.end <= len(text) and (
            normalise(text[anchor.start : anchor.end]) == self.quote
        ):
            return Placement(PlacementStatus.EXACT, anchor.block_id, anchor.start, anchor.end)
        return None

    def exact_in(self, block_indices: list[int]) -> list[_Candidate]:
        candidates = []
        for index in block_indices:
            for start in _occurrences(self.blocks[index].text, self.quote):
                end = start + len(self.quote)
                candidates.append(
                    _Candidate(
                        index,
                        start,
                        end,
                        1.0,
                        self.context_score(index, start, end),
                        self.distance(index, start),
                    )
                )
        return candidates

    def fuzzy(self) -> _Candidate | None:
        """Best approximate match, seeded by the pieces the quote shares with each block."""
        length = len(self.quote)
        slack = min(12, max(2, length // 10))
        best: _Candidate | None = None
        best_total = -1.0
        for index, block in enumerate(self.blocks):
            text = block.text
            matcher = difflib.SequenceMatcher(None, self.quote, text, autojunk=False)
            # The few longest shared pieces are where a match can be: refining around
            # every short one multiplies the work without finding better places.
            pieces = sorted(
                (m for m in matcher.get_matching_blocks() if m.size >= max(4, length // 8)),
                key=lambda m: -m.size,
            )
            shifts = {match.b - match.a for match in pieces[:FUZZY_SHIFTS_PER_BLOCK]}
            for shift in shifts:
                candidate = self._refine(index, shift, length, slack)
                if candidate is None:
                    continue
                total = _total_score(candidate)
                if total > best_total:
                    best, best_total = candidate, total
        return best

    def _refine(self, index: int, shift: int, length: int, slack: int) -> _Candidate | None:
        text = self.blocks[index].text
        best_start, best_end, best_ratio = -1, -1, -1.0
        for start in range(max(0, shift - slack), min(len(text), shift + slack) + 1):
            for end in range(
                max(start + 1, start + length - slack), min(len(text), start + length + slack) + 1
            ):
                ratio = _similarity(self.quote, text[start:end])
                if ratio > best_ratio:
                    best_start, best_end, best_ratio = start, end, ratio
        if best_ratio < 0:
            return None
        return _Candidate(
            index,
            best_start,
            best_end,
            best_ratio,
            self.context_score(index, best_start, best_end),
            self.distance(index, best_start),
        )


def _total_score(candidate: _Candidate) -> float:
    return (
        _WEIGHT_QUOTE * candidate.quote_score
        + (_WEIGHT_PREFIX + _WEIGHT_SUFFIX) * candidate.context_score
        + _WEIGHT_NEARNESS * (1.0 - candidate.distance)
    ) / (_WEIGHT_QUOTE + _WEIGHT_PREFIX + _WEIGHT_SUFFIX + _WEIGHT_NEARNESS)


def _best_exact(candidates: list[_Candidate]) -> _Candidate | None:
    # Context first (a repeated phrase is told apart by its surroundings), then nearness.
    if not candidates:
        return None
    return max(candidates, key=lambda c: (round(c.context_score, 6), -c.distance))


def resolve(
    anchor: Anchor, document: Document, *, may_go_fuzzy: Callable[[str], bool] | None = None
) -> Placement:
    """Place an anchor in a (possibly different) edition of the text.

    In order: (a) the offsets, if the quote is still there; (b) the quote elsewhere in the
    same block; (c) the quote anywhere in the text; (d) the most similar passage, scored by
    quote, prefix, suffix and nearness, if it is similar enough; otherwise detached.

    Steps (a) to (c) cost about one ``str.find`` over the text; (d) costs far more. An
    import of thousands of unknown annotations passes ``may_go_fuzzy`` (asked with the
    normalised quote just before step d) to keep its total work bounded.
    """
    resolver = _Resolver(anchor, document)
    if not resolver.quote.strip():
        return Placement.detached()
    placed = resolver.at_offsets()
    if placed is not None:
        return placed
    if resolver.old_index is not None:
        same_block = _best_exact(resolver.exact_in([resolver.old_index]))
        if same_block is not None:
            return resolver.placement(same_block, PlacementStatus.MOVED)
    elsewhere = _best_exact(resolver.exact_in(list(range(len(document.blocks)))))
    if elsewhere is not None:
        return resolver.placement(elsewhere, PlacementStatus.MOVED)
    if len(resolver.quote) >= FUZZY_MIN_QUOTE and (
        may_go_fuzzy is None or may_go_fuzzy(resolver.quote)
    ):
        candidate = resolver.fuzzy()
        if (
            candidate is not None
            and candidate.quote_score >= FUZZY_MIN_QUOTE_SIMILARITY
            and _total_score(candidate) >= FUZZY_MIN_SCORE
        ):
            return resolver.placement(candidate, PlacementStatus.FUZZY)
    return Placement.detached()


def anchor_from_quote(
    document: Document,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    *,
    may_go_fuzzy: Callable[[str], bool] | None = None,
) -> tuple[Anchor, Placement]:
    """Anchor a quote whose position in this text is unknown (an annotation from another tool).

    The quote and context are kept as given, so re-anchoring later still works from the
    imported words; the position is filled in where the quote was found. If it was not
    found the anchor has no position and the placement is detached.
    """
    unplaced = Anchor(None, None, None, exact, prefix, suffix, None)
    placement = resolve(unplaced, document, may_go_fuzzy=may_go_fuzzy)
    if not placement.is_placed:
        return unplaced, placement
    anchor = Anchor(
        placement.block_id,
        placement.start,
        placement.end,
        exact,
        prefix,
        suffix,
        document.version,
    )
    if placement.status is PlacementStatus.MOVED:
        # Found verbatim: from now on it sits exactly where its offsets say.
        placement = Placement(
            PlacementStatus.EXACT, placement.block_id, placement.start, placement.end
        )
    return anchor, placement


def global_range(document: Document, placement: Placement) -> tuple[int, int] | None:
    """A placement's range in ``document_text`` coordinates, or None when detached."""
    if placement.block_id is None or placement.start is None or placement.end is None:
        return None
    base = block_offsets(document)[placement.block_id]
    return base + placement.start, base + placement.end
