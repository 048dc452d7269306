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
import functools
import heapq
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from reader_app.domain.text import Document
from reader_app.domain.typography import fold

if TYPE_CHECKING:
    from difflib import SequenceMatcher

CONTEXT_CHARS = 32
"""Characters of prefix and suffix kept with a quote, as Hypothesis and the W3C examples do."""

BLOCK_SEPARATOR = "\n\n"
"""What stands between two blocks in the document's plain text (see ``document_text``)."""

FUZZY_MIN_QUOTE = 12
"""Quotes shorter than this are only ever matched exactly: a fuzzy match of a few letters
would land on any similar word and silently put the note in the wrong place."""

FUZZY_SHIFTS_PER_BLOCK = 4
"""Places refined per block in a fuzzy search (the longest shared pieces decide)."""

FUZZY_CANDIDATE_BLOCKS = 8
"""Blocks searched fuzzily for a quote found nowhere verbatim: those sharing the most of its
rarer words. A passage at least ``FUZZY_MIN_QUOTE_SIMILARITY`` alike keeps most of its
words, so it ranks among them; scanning every block of a book took minutes a note."""

FUZZY_MAX_POSTINGS = 5_000
"""Block entries of the quote's words counted before the commoner words are left out."""

FUZZY_SEEDS_REFINED = 3
"""Places (block and alignment) refined character by character, the most alike first."""

TRUSTED_CONTEXT = 0.9
"""A verbatim quote elsewhere whose prefix and suffix agree this well is taken at once;
below it, the best close passage is weighed against it."""

MIN_CONTEXT_ELSEWHERE = 0.75
"""The least agreement of prefix and suffix for a verbatim quote outside a block that is gone
(on the King James Version, right places agree 0.91 or more, repeats of a phrase 0.61 or less)."""

BRACKET_CHARS = 16
"""Characters of the prefix's end and the suffix's start that must both be found, in order,
in the block where a changed block stood, for the words between them to be taken as the
edited quote."""

BRACKET_MIN_SIMILARITY = 0.5
"""How alike those words must still be to the quote (a word or two changed, not a rewrite)."""

NEAR_BLOCKS_SEARCHED = 200
"""Blocks looked back over, in the previous edition, for one that survived."""

CASE_CHANGED_SCORE = 0.99
"""Quote score of the same words in another case: above any fuzzy match, below verbatim."""

FUZZY_MIN_QUOTE_SIMILARITY = 0.75
FUZZY_MIN_SCORE = 0.7

# Weights of the fuzzy score: the quote itself matters most, its surroundings confirm it,
# and nearness only breaks ties (the same weighting idea as Hypothesis' match-quote.ts).
_WEIGHT_QUOTE = 50.0
_WEIGHT_PREFIX = 20.0
_WEIGHT_SUFFIX = 20.0
_WEIGHT_NEARNESS = 2.0

_WHITESPACE = re.compile(r"\s+")
# What normalising changes: a whitespace run, or one whitespace character that is not a space.
_CHANGED_WHITESPACE = re.compile(r"\s\s+|[^\S ]")
# ASCII punctuation to spaces (after ``fold``, nearly all of a text's punctuation is ASCII):
# ``translate`` and ``split`` tokenise a book many times faster than a regular expression.
_PUNCTUATION_TO_SPACE = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
)


def _words(normalised: str) -> list[str]:
    """The words of a normalised, caseless text, as the fuzzy search's index counts them."""
    return normalised.translate(_PUNCTUATION_TO_SPACE).split()


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
    view = _view(document)
    index = view.index_of.get(block_id)
    if index is None:
        raise AnchorError(f"No block {block_id!r} in {document.id}.")
    block = document.blocks[index]
    if not 0 <= start < end <= len(block.text):
        raise AnchorError(f"Range {start}..{end} is not inside block {block_id!r}.")
    full = view.original
    global_start = view.block_starts[index] + start
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
    """A normalised copy of a string that can map its positions back to the original.

    Only whitespace runs longer than one character shift positions, so the map keeps just
    those runs (a book has one between every two blocks) rather than a position per
    character: building it for a 4 MB text is a regular-expression pass, not a Python loop.
    """

    __slots__ = (
        "_length",
        "_run_ends",
        "_run_positions",
        "_run_shifts",
        "_run_starts",
        "caseless",
        "text",
    )

    def __init__(self, original: str) -> None:
        folded = fold(original)
        self._length = len(folded)
        pieces: list[str] = []
        positions: list[int] = []  # normalised index of each collapsed run's one space
        starts: list[int] = []  # original index where the run starts
        ends: list[int] = []  # original index just after the run
        shifts: list[int] = []  # characters dropped by this run and every earlier one
        dropped = 0
        copied = 0
        for run in _CHANGED_WHITESPACE.finditer(folded):
            start, end = run.span()
            pieces += (folded[copied:start], " ")
            copied = end
            if end - start > 1:
                positions.append(start - dropped)
                starts.append(start)
                ends.append(end)
                dropped += end - start - 1
                shifts.append(dropped)
        pieces.append(folded[copied:])
        self.text = "".join(pieces)
        self.caseless = caseless(self.text)
        self._run_positions = positions
        self._run_starts = starts
        self._run_ends = ends
        self._run_shifts = shifts

    def _start(self, index: int) -> int:
        earlier = bisect.bisect_left(self._run_positions, index)
        return index + (self._run_shifts[earlier - 1] if earlier else 0)

    def _end(self, index: int) -> int:
        up_to = bisect.bisect_right(self._run_positions, index)
        return index + 1 + (self._run_shifts[up_to - 1] if up_to else 0)

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        return self._start(start), self._end(end - 1)

    def normalised_position(self, original_index: int) -> int:
        """The first normalised index at or after an original index (for nearness)."""
        earlier = bisect.bisect_left(self._run_starts, original_index)
        if earlier and original_index < self._run_ends[earlier - 1]:
            return self._run_positions[earlier - 1] + 1  # inside a run: the character after it
        if original_index > self._length:
            return len(self.text)
        return original_index - (self._run_shifts[earlier - 1] if earlier else 0)


def caseless(text: str) -> str:
    """Text in lower case where that keeps every position (almost always): a corrected
    edition that sets a word in capitals has not moved the passage."""
    lower = text.lower()
    return lower if len(lower) == len(text) else text


def _occurrences(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    index = haystack.find(needle)
    while index != -1:
        found.append(index)
        index = haystack.find(needle, index + 1)
    return found


@functools.cache
def _sequence_matcher() -> type[SequenceMatcher[str]]:
    """difflib's matcher, imported when first used: only the looser ways of placing a note
    compare texts, and the window starts (placing notes on their unchanged text) without it.
    Once: an import statement runs at every call, and placing one note compares dozens of
    times (with PySide loaded, its import hook makes each some 2 µs)."""
    from difflib import SequenceMatcher

    return SequenceMatcher


def _matcher(a: str, b: str) -> SequenceMatcher[str]:
    return _sequence_matcher()(None, a, b, autojunk=False)


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return _matcher(a, b).ratio()


@dataclass(frozen=True, slots=True)
class _Candidate:
    block_index: int
    start: int  # in the block's normalised text
    end: int
    quote_score: float
    context_score: float
    distance: float  # 0 = where the anchor was, 1 = as far away as possible


class _DocumentView:
    """Normalised copies and indexes of one edition, each built once and only when needed.

    A note whose offsets still hold needs none of it; one whose block changed needs the
    whole text normalised (to find the quote elsewhere with one ``str.find``); only a quote
    that is nowhere verbatim needs the word index, which keeps the fuzzy search to the few
    blocks sharing the quote's rarest words instead of every block of a 30,000-block book.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self._blocks: dict[int, _NormalisedText] = {}

    def block(self, index: int) -> _NormalisedText:
        normalised = self._blocks.get(index)
        if normalised is None:
            normalised = self._blocks[index] = _NormalisedText(self.document.blocks[index].text)
        return normalised

    @functools.cached_property
    def index_of(self) -> dict[str, int]:
        return {block.id: index for index, block in enumerate(self.document.blocks)}

    @functools.cached_property
    def block_starts(self) -> list[int]:
        """Where each block starts in ``document_text``."""
        starts = []
        position = 0
        for block in self.document.blocks:
            starts.append(position)
            position += len(block.text) + len(BLOCK_SEPARATOR)
        return starts

    @functools.cached_property
    def original(self) -> str:
        return document_text(self.document)

    @functools.cached_property
    def full(self) -> _NormalisedText:
        return _NormalisedText(self.original)

    @functools.cached_property
    def normalised_block_starts(self) -> list[int]:
        """Where each block starts in ``full.text``."""
        return [self.full.normalised_position(start) for start in self.block_starts]

    def blocks_holding(self, quote: str) -> list[int]:
        """The blocks that may hold ``quote`` (normalised, caseless) verbatim.

        A word inside the quote (not its first or last, which a selection may cut) is a
        whole word of any block holding the quote, so the blocks holding its rarest such
        word are all there can be: a look-up in the word index instead of a scan of the
        book for each note. A quote of one or two words is looked for in the whole text.
        """
        inner = _words(quote)[1:-1]
        if not inner:
            return self._blocks_overlapping(quote)
        starts = self.normalised_block_starts
        text = self.full.caseless
        last = len(starts) - 1
        return [
            index
            for index in min((self.words.get(word, []) for word in inner), key=len)
            if text.find(quote, starts[index], starts[index + 1] if index < last else None) >= 0
        ]

    def _blocks_overlapping(self, quote: str) -> list[int]:
        """The blocks an occurrence of ``quote`` in the whole normalised text overlaps (it
        may have begun on the space between two blocks)."""
        starts = self.normalised_block_starts
        found: set[int] = set()
        for position in _occurrences(self.full.caseless, quote):
            first = max(0, bisect.bisect_right(starts, position) - 1)
            last = max(first, bisect.bisect_left(starts, position + len(quote)) - 1)
            found.update(range(first, last + 1))
        return sorted(found)

    @functools.cached_property
    def words(self) -> dict[str, list[int]]:
        """Each word (folded, lower case) and the blocks it is in, in order."""
        index: dict[str, list[int]] = {}
        for number, block in enumerate(self.document.blocks):
            # Whitespace needs no normalising here: ``split`` ignores it.
            for word in set(_words(caseless(fold(block.text)))):
                blocks = index.get(word)
                if blocks is None:
                    index[word] = [number]
                else:
                    blocks.append(number)
        return index

    def blocks_sharing_words(self, quote: str, limit: int) -> list[int]:
        """Up to ``limit`` blocks that share the most of the quote's words, rare words
        weighing more (as in tf-idf): where a changed passage can still be."""
        postings = [self.words.get(word, []) for word in set(_words(quote))]
        postings = sorted((p for p in postings if p), key=len)
        scores: dict[int, float] = {}
        block_count = len(self.document.blocks)
        visited = 0
        for posting in postings:
            if visited >= FUZZY_MAX_POSTINGS and len(scores) >= limit:
                break  # the rarest words have spoken; common ones would only add noise
            weight = math.log(1 + block_count / len(posting))
            for number in posting:
                scores[number] = scores.get(number, 0.0) + weight
            visited += len(posting)
        return sorted(heapq.nlargest(limit, scores, key=scores.__getitem__))


_VIEWS: dict[tuple[str, str], _DocumentView] = {}
_VIEWS_KEPT = 4


def _view(document: Document) -> _DocumentView:
    # Re-anchoring thousands of notes in a new edition would otherwise rebuild these for
    # every note. Keyed by id and version: a Document is immutable.
    key = (document.id, document.version)
    view = _VIEWS.get(key)
    if view is None:
        view = _DocumentView(document)
        if len(_VIEWS) >= _VIEWS_KEPT:
            _VIEWS.pop(next(iter(_VIEWS)))
        _VIEWS[key] = view
    return view


class _Resolver:
    """One placement attempt over the shared normalised view of the document."""

    def __init__(
        self, anchor: Anchor, document: Document, previous: Document | None = None
    ) -> None:
        self.anchor = anchor
        self.document = document
        self.quote = normalise(anchor.exact)
        self.prefix = normalise(anchor.prefix)
        self.suffix = normalise(anchor.suffix)
        self.caseless_quote = caseless(self.quote)
        self.view = _view(document)
        self.old_index: int | None = None
        if anchor.block_id is not None:
            self.old_index = self.view.index_of.get(anchor.block_id)
        # Where the note's block stood, when it is gone but the edition it was made on is
        # known: the block after the nearest earlier block that survived.
        self.near_index = self.old_index
        if self.old_index is None and previous is not None and anchor.block_id is not None:
            self.near_index = _where_it_stood(anchor.block_id, previous, self.view)

    def context_score(self, block_index: int, start: int, end: int) -> float:
        """How well the text around a candidate agrees with the remembered prefix and suffix."""
        original_start, original_end = self.view.block(block_index).original_range(start, end)
        base = self.view.block_starts[block_index]
        full = self.view.full
        full_start = full.normalised_position(base + original_start)
        full_end = full.normalised_position(base + original_end)
        before = full.caseless[max(0, full_start - len(self.prefix)) : full_start]
        after = full.caseless[full_end : full_end + len(self.suffix)]
        weights = len(self.prefix) + len(self.suffix)
        if weights == 0:
            return 1.0
        return (
            _similarity(caseless(self.prefix), before) * len(self.prefix)
            + _similarity(caseless(self.suffix), after) * len(self.suffix)
        ) / weights

    def distance(self, block_index: int, start: int) -> float:
        if self.old_index is None:
            if self.near_index is None:
                return 1.0
            block_count = len(self.document.blocks)
            return min(1.0, 0.5 + abs(block_index - self.near_index) / (2 * block_count))
        if block_index != self.old_index:
            block_count = len(self.document.blocks)
            return min(1.0, 0.5 + abs(block_index - self.old_index) / (2 * block_count))
        block = self.view.block(block_index)
        block_length = max(1, len(block.text))
        old_start = block.normalised_position(self.anchor.start or 0)
        return min(0.5, abs(start - old_start) / (2 * block_length))

    def placement(self, candidate: _Candidate, status: PlacementStatus) -> Placement:
        block = self.document.blocks[candidate.block_index]
        start, end = self.view.block(candidate.block_index).original_range(
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
        """Every occurrence of the quote in these blocks, whatever its case; one whose
        case differs scores a little below 1 (the words are the same, the text is not)."""
        candidates = []
        for index in block_indices:
            block = self.view.block(index)
            for start in _occurrences(block.caseless, self.caseless_quote):
                end = start + len(self.quote)
                same_case = block.text[start:end] == self.quote
                candidates.append(
                    _Candidate(
                        index,
                        start,
                        end,
                        1.0 if same_case else CASE_CHANGED_SCORE,
                        self.context_score(index, start, end),
                        self.distance(index, start),
                    )
                )
        return candidates

    def between_context(self) -> _Candidate | None:
        """The words between the remembered prefix and suffix, in the block standing where
        the note's block stood: the quoted words were edited in place. Books repeat whole
        sentences with their context (“are they not written in the book of the chronicles”),
        so this is the one sign that tells the edited sentence from its verbatim twin.

        Only the parts of the prefix and suffix inside the note's block count (a paragraph
        may have been inserted before or after it); where the prefix reached back into the
        previous block, the quote began the block, and likewise at its end.
        """
        if self.old_index is not None or self.near_index is None:
            return None
        starts_block = BLOCK_SEPARATOR in self.anchor.prefix
        ends_block = BLOCK_SEPARATOR in self.anchor.suffix
        before = caseless(normalise(self.anchor.prefix.split(BLOCK_SEPARATOR)[-1]))
        after = caseless(normalise(self.anchor.suffix.split(BLOCK_SEPARATOR)[0]))
        if not starts_block and len(before) < BRACKET_CHARS:
            return None
        if not ends_block and len(after) < BRACKET_CHARS:
            return None
        # The block where it stood, or one of the next two (blocks may have been inserted).
        best: _Candidate | None = None
        last = len(self.document.blocks) - 1
        for index in range(min(self.near_index, last), min(self.near_index + 2, last) + 1):
            text = self.view.block(index).caseless
            for start in self._bracket_starts(text, before, starts_block):
                end = self._bracket_end(text, start, after, ends_block)
                if end is None or not len(self.quote) / 2 <= end - start <= 2 * len(self.quote):
                    continue
                score = _similarity(self.caseless_quote, text[start:end])
                if score == 1.0 and self.view.block(index).text[start:end] != self.quote:
                    score = CASE_CHANGED_SCORE
                if score >= BRACKET_MIN_SIMILARITY and (best is None or score > best.quote_score):
                    best = _Candidate(index, start, end, score, 1.0, 0.0)
        return best

    @staticmethod
    def _bracket_starts(text: str, before: str, starts_block: bool) -> list[int]:
        if starts_block:
            return [len(before)] if text.startswith(before) else []
        tail = before[-BRACKET_CHARS:]
        return [found + len(tail) for found in _occurrences(text, tail)]

    @staticmethod
    def _bracket_end(text: str, start: int, after: str, ends_block: bool) -> int | None:
        if ends_block:
            end = len(text) - len(after)
            return end if end >= start and text.endswith(after) else None
        found = text.find(after[:BRACKET_CHARS], start)
        return found if found >= 0 else None

    def fuzzy_candidates(self) -> list[int]:
        """The blocks worth a fuzzy search: those sharing the quote's rarest words, and
        the block the note was on if it is still there."""
        # The quote's words alone, and with its remembered surroundings: a changed word
        # leaves the quote's other words common to many blocks, the context tells them apart.
        with_context = caseless(" ".join((self.prefix, self.quote, self.suffix)))
        blocks = set(self.view.blocks_sharing_words(self.caseless_quote, FUZZY_CANDIDATE_BLOCKS))
        blocks.update(self.view.blocks_sharing_words(with_context, FUZZY_CANDIDATE_BLOCKS))
        if self.old_index is not None:
            blocks.add(self.old_index)
        return sorted(blocks)

    def fuzzy(self, block_indices: list[int]) -> _Candidate | None:
        """Best approximate match in the given blocks, seeded by the pieces the quote shares
        with each block; only the most promising seeds are refined character by character."""
        length = len(self.quote)
        slack = min(12, max(2, length // 10))
        seeds: list[tuple[float, int, int]] = []
        for index in block_indices:
            text = self.view.block(index).caseless
            matcher = _matcher(self.caseless_quote, text)
            # The few longest shared pieces are where a match can be: refining around
            # every short one multiplies the work without finding better places.
            pieces = sorted(
                (m for m in matcher.get_matching_blocks() if m.size >= max(4, length // 8)),
                key=lambda m: -m.size,
            )
            for shift in {match.b - match.a for match in pieces[:FUZZY_SHIFTS_PER_BLOCK]}:
                window = text[max(0, shift) : max(0, shift) + length]
                seeds.append((_similarity(self.caseless_quote, window), index, shift))
        seeds.sort(key=lambda seed: (-seed[0], seed[1], seed[2]))
        best: _Candidate | None = None
        best_total = -1.0
        for _, index, shift in seeds[:FUZZY_SEEDS_REFINED]:
            candidate = self._refine(index, shift, length, slack)
            if candidate is None:
                continue
            total = _total_score(candidate)
            if total > best_total:
                best, best_total = candidate, total
        return best

    def _refine(self, index: int, shift: int, length: int, slack: int) -> _Candidate | None:
        text = self.view.block(index).caseless
        # One matcher with the quote as its fixed second sequence (difflib indexes that one),
        # and the cheap upper bounds first: most windows cannot beat the best so far.
        matcher = _matcher("", self.caseless_quote)
        best_start, best_end, best_ratio = -1, -1, -1.0
        for start in range(max(0, shift - slack), min(len(text), shift + slack) + 1):
            for end in range(
                max(start + 1, start + length - slack), min(len(text), start + length + slack) + 1
            ):
                matcher.set_seq1(text[start:end])
                if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
                    continue
                ratio = matcher.ratio()
                if ratio > best_ratio:
                    best_start, best_end, best_ratio = start, end, ratio
        if best_ratio < 0:
            return None
        return _Candidate(
            index,
            best_start,
            best_end,
            _similarity(self.caseless_quote, text[best_start:best_end]),
            self.context_score(index, best_start, best_end),
            self.distance(index, best_start),
        )


def _total_score(candidate: _Candidate) -> float:
    return (
        _WEIGHT_QUOTE * candidate.quote_score
        + (_WEIGHT_PREFIX + _WEIGHT_SUFFIX) * candidate.context_score
        + _WEIGHT_NEARNESS * (1.0 - candidate.distance)
    ) / (_WEIGHT_QUOTE + _WEIGHT_PREFIX + _WEIGHT_SUFFIX + _WEIGHT_NEARNESS)


def _where_it_stood(block_id: str, previous: Document, view: _DocumentView) -> int | None:
    """The index in ``view``'s edition just after the nearest block before ``block_id`` in
    ``previous`` that is in both editions (0 at the start); None if there is none near."""
    index = _view(previous).index_of.get(block_id)
    if index is None:
        return None
    for earlier in range(index - 1, max(-1, index - NEAR_BLOCKS_SEARCHED), -1):
        kept = view.index_of.get(previous.blocks[earlier].id)
        if kept is not None:
            return kept + 1
    return 0 if index < NEAR_BLOCKS_SEARCHED else None


def _best_exact(candidates: list[_Candidate]) -> _Candidate | None:
    # Context first (a repeated phrase is told apart by its surroundings), then nearness,
    # then the same case.
    if not candidates:
        return None
    return max(candidates, key=lambda c: (round(c.context_score, 6), -c.distance, c.quote_score))


def _status_of_exact(candidate: _Candidate) -> PlacementStatus:
    return PlacementStatus.MOVED if candidate.quote_score == 1.0 else PlacementStatus.FUZZY


def resolve(
    anchor: Anchor,
    document: Document,
    *,
    may_go_fuzzy: Callable[[str], bool] | None = None,
    previous: Document | None = None,
) -> Placement:
    """Place an anchor in a (possibly different) edition of the text.

    In order: (a) the offsets, if the quote is still there; (b) the quote elsewhere in the
    same block; (c) the quote anywhere in the text; (d) the most similar passage, scored by
    quote, prefix, suffix and nearness, if it is similar enough; otherwise detached.

    Quotes are compared without regard to case (a corrected edition may set a word in
    capitals), the same case preferred. Where the note's block is gone, a verbatim quote
    elsewhere must agree with the remembered context (``MIN_CONTEXT_ELSEWHERE``), and
    unless it agrees well (``TRUSTED_CONTEXT``) a close passage with better context wins:
    books repeat phrases and whole verses, and the edited paragraph is the likelier place.

    Steps (a) to (c) cost about one ``str.find`` over the text; (d) looks only at the
    ``FUZZY_CANDIDATE_BLOCKS`` blocks sharing most of the quote's rarer words (a word
    index built once per edition). An import of thousands of unknown annotations passes
    ``may_go_fuzzy`` (asked with the normalised quote just before step d) to keep its
    total work bounded.

    ``previous``, the edition the anchor was made on when the caller has it (replacing a
    text with a new edition), says where a block that is gone stood; a quote edited in
    place there is then found between its remembered prefix and suffix, and nearness
    decides between verbatim repeats.
    """
    resolver = _Resolver(anchor, document, previous)
    if not resolver.quote.strip():
        return Placement.detached()
    placed = resolver.at_offsets()
    if placed is not None:
        return placed
    if resolver.old_index is not None:
        same_block = _best_exact(resolver.exact_in([resolver.old_index]))
        if same_block is not None:
            return resolver.placement(same_block, _status_of_exact(same_block))
    return _placed_elsewhere(resolver, may_go_fuzzy)


def _placed_elsewhere(resolver: _Resolver, may_go_fuzzy: Callable[[str], bool] | None) -> Placement:
    """Steps (c) and (d) of ``resolve``: the quote verbatim elsewhere, or a close passage."""
    edited_in_place = resolver.between_context()
    if edited_in_place is not None:
        return resolver.placement(edited_in_place, _status_of_exact(edited_in_place))
    view = resolver.view
    elsewhere = _best_exact(resolver.exact_in(view.blocks_holding(resolver.caseless_quote)))
    if elsewhere is not None and elsewhere.context_score >= TRUSTED_CONTEXT:
        return resolver.placement(elsewhere, _status_of_exact(elsewhere))
    fuzzy: _Candidate | None = None
    if len(resolver.quote) >= FUZZY_MIN_QUOTE and (
        may_go_fuzzy is None or may_go_fuzzy(resolver.quote)
    ):
        fuzzy = resolver.fuzzy(resolver.fuzzy_candidates())
        if fuzzy is not None and (
            fuzzy.quote_score < FUZZY_MIN_QUOTE_SIMILARITY
            or _total_score(fuzzy) < FUZZY_MIN_SCORE
            or (resolver.old_index is None and fuzzy.context_score < MIN_CONTEXT_ELSEWHERE)
        ):
            fuzzy = None
    # The quote verbatim among other words, or a close passage among its own words: a
    # corrected word in a verse that the book repeats elsewhere must not send the note there.
    # When the note's block is gone (its words changed), a quote amid other words, verbatim
    # or close, is most likely a repeat of a common phrase ("of the LORD"), so it must bring
    # some of its context along; when the block is still there, the quote was moved out.
    if (
        elsewhere is not None
        and (resolver.old_index is not None or elsewhere.context_score >= MIN_CONTEXT_ELSEWHERE)
        and (fuzzy is None or _total_score(elsewhere) >= _total_score(fuzzy))
    ):
        return resolver.placement(elsewhere, _status_of_exact(elsewhere))
    if fuzzy is not None:
        return resolver.placement(fuzzy, PlacementStatus.FUZZY)
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
