"""The reading view: the text set as a calm, numbered reading column.

The document is built with QTextCursor calls from plain strings, never from HTML, so no
character of the text can be taken for markup. Styling is applied in one pass over the
blocks (``_restyle``) so that zoom and palette changes restyle in place: cursors held by
other layers (term marks, highlights) stay valid because the document is never rebuilt.

Book length (issue 13): a long text is held a window at a time. Qt lays out a document
from its top, so showing the middle of a 30,000-paragraph book in one document meant laying
out every paragraph before it (0.4 s), and a jump far ahead just after opening 0.3 s. A
reader's own text of ``window_limits.from_blocks`` blocks or more has only a range of
consecutive blocks around the place in the document (ui/reading_window.py chooses it and
converts positions), built anew when the reader nears an edge of it or goes elsewhere.
Every public method speaks *book positions*, those the text would have in one document,
so find, selection, highlights, copy with citation, ¶ numbers and the saved place work
across the book; only the methods under "Positions" and the window's own code touch Qt's.
Any other text is its own window (offset 0, never moved). The scroll bar spans the window,
as an e-reader renders a chapter at a time; the status bar's progress is the book's. The
view pays only for what is on screen where it can: formats are made once a role, ¶ numbers
are painted for the blocks on screen, and Qt is given the marks within ``MARKED_SCREENS``
screens of the viewport. Marks too many to find before the first paint (a glossary over a
book) are found for the blocks near the viewport first and in full once the event loop
turns (``set_marks_lazily``). A reader's own text is inserted a run of one role at a time
(``_build_in_runs``). Hiding the blocks outside a window instead (tried) keeps every
position but does not pay: Qt walks every block after each change, hidden ones too, so
each move of the window cost 130-280 ms; see README's "Performance" for the figures.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

import shiboken6
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QToolTip, QWidget

from reader_app.domain.search import JoinedBlocks
from reader_app.domain.text import Block, Document, Role
from reader_app.settings import (
    LINE_HEIGHT,
    MEASURE,
    READING_FAMILY,
    READING_SIZE,
    ZOOM_PERCENT,
    ZOOM_STEP_PERCENT,
    Settings,
    clamp,
)
from reader_app.ui.reading_colours import ReadingColours, mark_format
from reader_app.ui.reading_window import BookWindow, WindowLimits
from reader_app.ui.safe_browser import SafeBrowser

READING_FONT_FAMILY = READING_FAMILY.default


# Characters QTextCursor.insertText makes a new block or a frame at (or might): a text
# holding one is built a block at a time (see ReadingView._build_in_runs).
_SPLITTING = re.compile("[\n\r\u2028\u2029\ufdd0\ufdd1\ufdef\ufffc]")


# A NamedTuple, not a dataclass: cheaper to define on the start-up path.
class ReadingStyle(NamedTuple):
    """What the reader can choose in Preferences; zoom scales the size on top."""

    family: str = READING_FAMILY.default
    point_size: float = READING_SIZE.default
    line_height: int = LINE_HEIGHT.default  # percent of the font's height
    measure: int = MEASURE.default  # characters a line: 60-75 reads comfortably

    @classmethod
    def saved(cls, settings: Settings) -> ReadingStyle:
        return cls(
            family=settings.get(READING_FAMILY),
            point_size=settings.get(READING_SIZE),
            line_height=settings.get(LINE_HEIGHT),
            measure=settings.get(MEASURE),
        )

    def save(self, settings: Settings) -> None:
        settings.set(READING_FAMILY, self.family)
        settings.set(READING_SIZE, self.point_size)
        settings.set(LINE_HEIGHT, self.line_height)
        settings.set(MEASURE, self.measure)


_ROLE_PROPERTY = QTextFormat.Property.UserProperty + 1
_BLOCK_ID_PROPERTY = QTextFormat.Property.UserProperty + 2

# Roles of the blocks in the view. Text blocks carry a block id; label blocks are our own
# captions and belong to no block of the text.
_LABEL = "label"


class Span(NamedTuple):
    """A marked stretch of the document: a glossary term, a highlight, a find match."""

    start: int  # document positions
    end: int
    style: str  # a key understood by reading_colours.mark_format
    key: str = ""  # what a click refers to (entry id, note id)
    tooltip: str = ""  # plain text


def clamp_zoom(percent: float) -> int:
    return clamp(ZOOM_PERCENT, int(percent))


# Layers are painted in this order; later layers win where they overlap.
LAYER_ORDER = ("terms", "highlights", "find", "flash")

MARKED_SCREENS = 2
"""Screens above and below the viewport whose marks Qt is given (see ``_mark_near_view``)."""


class _RoleStyle(NamedTuple):
    size: float  # relative to the zoomed base size
    reading_face: bool = True  # False: the interface font, for our own captions
    italic: bool = False
    weight: QFont.Weight = QFont.Weight.Normal
    space_after: float = 0.85  # in ems
    space_before: float = 0.0
    line_height: int | None = None  # percent; None follows the reader's choice
    letter_spacing: float = 100.0  # percent
    capitals: bool = False


_STYLES: dict[str, _RoleStyle] = {
    Role.HEADING: _RoleStyle(1.55, weight=QFont.Weight.DemiBold, space_after=0.9, line_height=125),
    _LABEL: _RoleStyle(
        0.72,
        reading_face=False,
        weight=QFont.Weight.DemiBold,
        space_after=0.5,
        space_before=0.4,
        line_height=120,
        letter_spacing=108,
        capitals=True,
    ),
    Role.EDITORIAL: _RoleStyle(0.9, italic=True, space_after=0.2),
    Role.BODY: _RoleStyle(1.0),
}


class ReadingView(SafeBrowser):
    """Shows a Document; knows how to map between document positions and (block, offset)."""

    zoom_changed = Signal(int)
    span_clicked = Signal(str, str)  # layer, key: a term or highlight the user clicked
    first_painted = Signal()  # once, when the text is first on screen
    notice = Signal(str)  # plain words for the status bar (a selection cut by the window)

    def __init__(
        self,
        document: Document,
        parent: QWidget | None = None,
        *,
        style: ReadingStyle | None = None,
        zoom_percent: int = ZOOM_PERCENT.default,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("readingView")
        self.setAccessibleName("Text")
        self.setAccessibleDescription(f"{document.display_title}, by {document.author}")
        self.setUndoRedoEnabled(False)
        # A caret the keyboard can move, so terms can be looked up without a mouse.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setMouseTracking(True)
        # The first viewport() call makes PySide resolve every lazily loaded QtWidgets class
        # (some 130 enums, about 30 ms of start-up) to type the returned object. Finding the
        # same widget by its Qt object name types it as a plain QWidget, and viewport() then
        # returns that wrapper. If the name ever changes, viewport() still works, only slower.
        self._viewport_wrapper = self.findChild(QWidget, "qt_scrollarea_viewport")
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._source = document
        self._zoom_percent = clamp_zoom(zoom_percent)
        self._style = style or ReadingStyle()
        self._block_numbers: dict[str, int] = {}  # id: Qt's block number
        self._block_ids: list[str | None] = []  # by Qt's block number; None for our labels
        self._blocks_by_id: dict[str, Block] = {}
        self._block_extents: dict[str, tuple[int, int]] = {}  # id: (position, length)
        # The document's text in one string, for find (see find_matches): the text, and
        # where each block starts in the document and in that string.
        self._block_positions: list[int] = []  # book position of each block indexed
        self._joined = JoinedBlocks(())  # their texts, for find (see find_matches)
        self._marked_window: tuple[int, int] | None = None  # see _refresh_marks
        self._editorial_frame: QTextFrame | None = None
        self._layers: dict[str, list[Span]] = {}
        self._layer_starts: dict[str, list[int]] = {}  # of the spans, for bisecting
        self._layer_reach: dict[str, int] = {}  # the longest span's length
        # Layers whose whole list is still to come (see set_marks_lazily): what finds their
        # marks in a few blocks, and a count that tells a late whole list from a stale one.
        self._near_finders: dict[str, Callable[[Sequence[Block]], list[Span]]] = {}
        self._lazy_generation = 0
        self._press_position: QPointF | None = None
        self.context_actions: list = []  # QActions the window adds to the context menu
        self._painted = False
        self._window = BookWindow([], 0, windowed=False)  # made by _build
        self._window_check_due = False  # see _window_scrolled
        self._build()
        self.verticalScrollBar().valueChanged.connect(self._mark_near_view)
        self.verticalScrollBar().valueChanged.connect(self._window_scrolled)
        self.verticalScrollBar().sliderReleased.connect(self._keep_window_around_view)

    # ----- building -------------------------------------------------------------------

    # Tests make it small, so that a few hundred blocks are a long text.
    window_limits = WindowLimits()

    def _build(self) -> None:
        """Build the document already styled: styling it afterwards would lay it out again.

        A reader's own text (built in runs) of ``window_limits.from_blocks`` blocks or more
        is held a window at a time (see ui/reading_window.py), starting with the window at
        its top; any other text is its own window."""
        doc = self._new_document()
        colours, em = ReadingColours.from_palette(self.palette()), self._em()
        formats = self._role_formats(colours, em)
        blocks = self._source.blocks
        if self._can_build_in_runs():
            self._index_source_blocks()
            positions = self._block_positions
            end = positions[-1] + len(blocks[-1].text) if blocks else 0
            limits = self.window_limits
            window = BookWindow(
                positions, end, windowed=len(blocks) >= limits.from_blocks, limits=limits
            )
            window.move_to(*window.around(0))
            self._window = window
            in_runs = self._build_in_runs(doc, blocks[window.first : window.last], formats)
        else:
            in_runs = False
        if not in_runs:  # or Qt split the text where the checks did not foresee
            doc.deleteLater()
            doc = self._build_whole(formats, colours, em)
        # No column margins yet: the hidden view is 100 pixels wide, and text laid out for that
        # width would be laid out again at the real one. resizeEvent sets them when shown.
        self.setDocument(doc)

    def _build_whole(
        self,
        formats: Callable[[str], tuple[QTextBlockFormat, QTextCharFormat]],
        colours: ReadingColours,
        em: float,
    ) -> QTextDocument:
        """The whole text in one document, built the bundled text's way, as its own window."""
        doc = self._new_document()
        self._build_block_by_block(doc, formats, colours, em)
        self._index_blocks(doc)  # first: setDocument scrolls, and the progress reads it
        self._window = BookWindow(self._block_positions, doc.characterCount() - 1, windowed=False)
        return doc

    def _role_formats(
        self, colours: ReadingColours, em: float
    ) -> Callable[[str], tuple[QTextBlockFormat, QTextCharFormat]]:
        """One pair of formats a role: a book has tens of thousands of blocks but four
        roles, and making fonts and formats a block cost more than inserting its text."""
        role_formats: dict[str, tuple[QTextBlockFormat, QTextCharFormat]] = {}

        def formats(role: str) -> tuple[QTextBlockFormat, QTextCharFormat]:
            if role not in role_formats:
                role_format = QTextBlockFormat()
                role_format.setProperty(_ROLE_PROPERTY, role)
                role_char_format = self._style_block(role, role_format, colours, em)
                role_formats[role] = (role_format, role_char_format)
            return role_formats[role]

        return formats

    def _new_document(self) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDocumentMargin(0)
        return doc

    def _can_build_in_runs(self) -> bool:
        """Whether the text is a reader's own (no editor's matter, no extract label) with no
        character Qt would split or frame at, so that Qt's blocks are the text's blocks."""
        blocks = self._source.blocks
        if self._source.provenance or any(b.role is Role.EDITORIAL for b in blocks):
            return False
        return not _SPLITTING.search("\0".join(block.text for block in blocks))

    def _build_in_runs(
        self,
        doc: QTextDocument,
        blocks: Sequence[Block],
        formats: Callable[[str], tuple[QTextBlockFormat, QTextCharFormat]],
    ) -> bool:
        """The fast way, for a text ``_can_build_in_runs``: each run of blocks of one role
        inserted as one string, Qt splitting it into blocks at paragraph separators, which
        is three times faster for a book than a block at a time. False if Qt's blocks came
        out other than ``blocks`` (then the text is built the bundled text's way)."""
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        first = True
        index = 0
        while index < len(blocks):
            role = blocks[index].role
            end = index
            while end < len(blocks) and blocks[end].role is role:
                end += 1
            block_format, char_format = formats(role)
            if first:
                cursor.setBlockFormat(block_format)
                cursor.setBlockCharFormat(char_format)
                first = False
            else:
                cursor.insertBlock(block_format, char_format)
            cursor.insertText("\u2029".join(b.text for b in blocks[index:end]), char_format)
            index = end
        cursor.endEditBlock()
        return doc.blockCount() == max(1, len(blocks))

    def _build_block_by_block(
        self,
        doc: QTextDocument,
        formats: Callable[[str], tuple[QTextBlockFormat, QTextCharFormat]],
        colours: ReadingColours,
        em: float,
    ) -> None:
        """The bundled text's way: its editor's matter in a frame, its extract labelled."""
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()  # one change for the layout to catch up with, not 30,000
        first = True

        def new_block(role: str, text: str, block_id: str | None) -> None:
            nonlocal first
            role_format, char_format = formats(role)
            block_format = QTextBlockFormat(role_format)
            if block_id is not None:
                block_format.setProperty(_BLOCK_ID_PROPERTY, block_id)
            if first:
                cursor.setBlockFormat(block_format)
                cursor.setBlockCharFormat(char_format)
                first = False
            else:
                cursor.insertBlock(block_format, char_format)
            cursor.insertText(text, char_format)

        extract_labelled = False
        for block in self._source.blocks:
            if block.role is Role.EDITORIAL:
                if self._editorial_frame is None:
                    new_block(_LABEL, "Editor’s introduction", None)
                    self._editorial_frame = cursor.insertFrame(QTextFrameFormat())
                    first = True
                new_block(block.role, block.text, block.id)
                continue
            if self._editorial_frame is not None and cursor.currentFrame() is self._editorial_frame:
                cursor = self._editorial_frame.lastCursorPosition()
                cursor.movePosition(QTextCursor.MoveOperation.NextBlock)
                first = True
            # The bundled extract says where it comes from; a reader's own file is whole.
            if block.role is Role.BODY and not extract_labelled and self._source.provenance:
                label = f"{self._source.author}, {self._source.title} ({self._source.year})"
                new_block(_LABEL, f"From {label} · extract", None)
                extract_labelled = True
            new_block(block.role, block.text, block.id)

        if self._editorial_frame is not None:
            self._style_editorial_frame(self._editorial_frame, colours, em)
        cursor.endEditBlock()

    def show_document(self, document: Document) -> None:
        """Show another text in this view (the library's Open): its marks go with the old
        text, the zoom and reading style stay, and the view starts at its top."""
        previous = self.document()
        self.setAccessibleDescription(f"{document.display_title}, by {document.author}")
        self._source = document
        self._editorial_frame = None
        self._layers = {}
        self._near_finders = {}
        self._lazy_generation += 1  # a whole list still to come belongs to the old text
        self.setExtraSelections([])
        self._build()
        previous.deleteLater()
        self._update_column()
        self.verticalScrollBar().setValue(0)

    def _show_window(self, first: int, last: int, *, keep_selection: bool = True) -> bool:
        """Hold blocks ``first`` to ``last`` of a long text in a new document, styled and
        set to the column before Qt sees it (restyling or re-margining would lay it out
        again). The scroll position is the caller's to set.

        The caret stays where it was in the book when the new window holds it, and so does
        the selection, clipped at the window's edge nearest its anchor when the window does
        not hold the anchor (Shift+Page Down on and on from far above: the reader is still
        selecting, and the next press grows what is selected). False when the window does
        not hold the caret: the caller puts it on screen once the scroll is set
        (``_caret_to_screen``), else it would be at the window's first character, far above
        the screen, where the next key would take the view back. Without
        ``keep_selection`` (a selection about to be replaced) the caret is kept alone."""
        cursor = self.textCursor()
        caret = self._window.to_book(cursor.position())
        anchor = self._window.to_book(cursor.anchor()) if keep_selection else caret
        doc = self._new_document()
        colours, em = ReadingColours.from_palette(self.palette()), self._em()
        formats = self._role_formats(colours, em)
        if self._build_in_runs(doc, self._source.blocks[first:last], formats):
            self._window.move_to(first, last)
        else:
            # Qt made other blocks of this window than the text's, where the checks of
            # _can_build_in_runs did not foresee: every position in it would be wrong. The
            # whole text instead, as a text that cannot be built in runs: slower, but right.
            doc.deleteLater()
            doc = self._build_whole(formats, colours, em)
        self._update_column(doc)
        previous = self.document()
        self.setDocument(doc)
        self.setExtraSelections([])  # they hold cursors in the old document
        # Deleted now, not when the event loop turns: scrolling on, the reader would meet
        # a pile of them deleted at once (60 Page Downs without a turn: a 190 ms stall).
        shiboken6.delete(previous)
        kept = self._window.holds(caret)
        if kept:
            held_anchor = anchor
            if anchor < self._window.offset:
                held_anchor = self._window.offset
            elif not self._window.holds(anchor):
                held_anchor = self._window.to_book(doc.characterCount() - 1)
            self._select_in_document(held_anchor, caret)
            if held_anchor != anchor:
                self._tell_selection_limit()
        self._refresh_marks()
        return kept

    def _caret_to_screen(self) -> None:
        """Put the caret at the top of the screen, leaving the view where it is."""
        bar = self.verticalScrollBar()
        value = bar.value()
        top = self.top_position()
        self._select_in_document(top, top)
        bar.setValue(value)  # the line at the top may be cut: Qt would scroll to show it

    @property
    def shown_document(self) -> Document:
        return self._source

    def _index_blocks(self, doc: QTextDocument) -> None:
        """Where each text block is, and the whole text for find, in one pass over Qt's
        blocks (asking Qt for a block is the slow part, so it is asked once)."""
        self._forget_index()
        texts, positions = [], []
        block = doc.begin()
        while block.isValid():
            block_id = block.blockFormat().property(_BLOCK_ID_PROPERTY)
            text = block.text()
            position = block.position()
            self._block_ids.append(str(block_id) if block_id else None)
            if block_id:
                self._block_numbers[str(block_id)] = block.blockNumber()
                self._block_extents[str(block_id)] = (position, len(text) + 1)
            texts.append(text)
            positions.append(position)
            block = block.next()
        self._block_positions, self._joined = positions, JoinedBlocks(texts)

    def _index_source_blocks(self) -> None:
        """``_index_blocks`` for a text built in runs: Qt's blocks are the text's blocks,
        one for one, so the index is the text's own, with nothing asked of Qt."""
        self._forget_index()
        blocks = self._source.blocks
        position = 0
        positions = []
        for number, block in enumerate(blocks):
            self._block_ids.append(block.id)
            self._block_numbers[block.id] = number
            self._block_extents[block.id] = (position, len(block.text) + 1)
            positions.append(position)
            position += len(block.text) + 1
        self._block_positions = positions
        self._joined = JoinedBlocks([block.text for block in blocks])

    def _forget_index(self) -> None:
        self._block_numbers.clear()
        self._block_ids.clear()
        self._block_extents.clear()
        self._blocks_by_id = {block.id: block for block in self._source.blocks}
        self._marked_window = None

    def _id_of(self, block: QTextBlock) -> str | None:
        """The text block id of one of Qt's blocks; None for our own captions."""
        if not block.isValid():
            return None
        number = self._window.first + block.blockNumber()
        return self._block_ids[number] if 0 <= number < len(self._block_ids) else None

    # ----- styling ---------------------------------------------------------------------

    def _base_size(self) -> float:
        return self._style.point_size * self._zoom_percent / 100

    def body_font(self) -> QFont:
        font = QFont(self._style.family)
        font.setPointSizeF(self._base_size())
        return font

    @property
    def reading_style(self) -> ReadingStyle:
        return self._style

    def set_reading_style(self, style: ReadingStyle) -> None:
        if style == self._style:
            return
        self._style = style
        self._restyle_in_place()

    def _restyle_in_place(self) -> None:
        """Restyle, keeping the line the reader was at on top (a new size moves every line)."""
        anchor = self.top_position()
        self._restyle()
        self.scroll_to_position(anchor)
        self._refresh_marks()

    def _em(self) -> float:
        return QFontMetricsF(self.body_font()).height() / 1.36  # approx. one em in pixels

    def _style_block(
        self, role: str, block_format: QTextBlockFormat, colours: ReadingColours, em: float
    ) -> QTextCharFormat:
        """Set the spacing of ``block_format`` for its role; return the role's text format."""
        style = _STYLES.get(role, _STYLES[Role.BODY])
        block_format.setLineHeight(
            style.line_height or self._style.line_height,
            QTextBlockFormat.LineHeightTypes.ProportionalHeight.value,
        )
        block_format.setBottomMargin(style.space_after * em)
        block_format.setTopMargin(style.space_before * em)
        char_format = QTextCharFormat()
        font = QFont(self._style.family) if style.reading_face else QFont(self.font())
        font.setPointSizeF(self._base_size() * style.size)
        font.setItalic(style.italic)
        font.setWeight(style.weight)
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, style.letter_spacing)
        if style.capitals:
            font.setCapitalization(QFont.Capitalization.AllUppercase)
        char_format.setFont(font)
        if role == Role.BODY:
            char_format.setForeground(colours.text)
        elif role == Role.EDITORIAL:
            char_format.setForeground(colours.editorial_text)
        else:
            char_format.setForeground(colours.muted)
        return char_format

    @staticmethod
    def _style_editorial_frame(frame: QTextFrame, colours: ReadingColours, em: float) -> None:
        frame_format = frame.frameFormat()
        frame_format.setBackground(colours.editorial_background)
        frame_format.setPadding(0.9 * em)
        frame_format.setBottomMargin(1.6 * em)
        frame_format.setTopMargin(0.2 * em)
        frame_format.setBorder(0)
        frame.setFrameFormat(frame_format)

    def _restyle(self) -> None:
        """Style the built document again, in place, after a zoom, style or palette change."""
        colours, em = ReadingColours.from_palette(self.palette()), self._em()
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        block = self.document().begin()
        while block.isValid():
            role = str(block.blockFormat().property(_ROLE_PROPERTY) or Role.BODY)
            block_format = block.blockFormat()
            char_format = self._style_block(role, block_format, colours, em)
            cursor.setPosition(block.position())
            cursor.setBlockFormat(block_format)
            cursor.setPosition(
                block.position() + block.length() - 1, QTextCursor.MoveMode.KeepAnchor
            )
            cursor.setCharFormat(char_format)
            cursor.setBlockCharFormat(char_format)
            block = block.next()
        if self._editorial_frame is not None:
            self._style_editorial_frame(self._editorial_frame, colours, em)
        cursor.endEditBlock()
        self._update_column()

    def _column_width(self) -> float:
        metrics = QFontMetricsF(self.body_font())
        sample = "the quick brown fox jumps over the lazy dog, said Kollontai"
        return metrics.horizontalAdvance(sample) / len(sample) * self._style.measure

    def _gutter_width(self) -> float:
        """Room for the widest ¶ number of the text (a book's ¶31102 was cut off)."""
        last = next((b.number for b in reversed(self._source.blocks) if b.number), 88)
        label = f"¶{max(last, 88)}"
        return QFontMetricsF(self._number_font()).horizontalAdvance(label) + 24

    def _update_column(self, document: QTextDocument | None = None) -> None:
        """Centre a column of the chosen measure, leaving room for ¶ numbers."""
        available = self.viewport().width()
        column = min(self._column_width(), max(available - 2 * self._gutter_width(), 200))
        side = max((available - column) / 2, self._gutter_width())
        root = (document or self.document()).rootFrame()
        frame_format = root.frameFormat()
        frame_format.setLeftMargin(side)
        frame_format.setRightMargin(side)
        frame_format.setTopMargin(max(28.0, self._base_size() * 3))
        frame_format.setBottomMargin(max(60.0, self._base_size() * 6))
        root.setFrameFormat(frame_format)

    def _number_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, self._base_size() * 0.72))
        return font

    # ----- zoom ------------------------------------------------------------------------

    @property
    def zoom_percent(self) -> int:
        return self._zoom_percent

    def set_zoom_percent(self, percent: int) -> None:
        percent = clamp_zoom(percent)
        if percent == self._zoom_percent:
            return
        self._zoom_percent = percent
        self._restyle_in_place()
        self.zoom_changed.emit(percent)

    def zoom_in(self) -> None:
        self.set_zoom_percent(self._zoom_percent + ZOOM_STEP_PERCENT)

    def zoom_out(self) -> None:
        self.set_zoom_percent(self._zoom_percent - ZOOM_STEP_PERCENT)

    def zoom_reset(self) -> None:
        self.set_zoom_percent(ZOOM_PERCENT.default)

    def wheelEvent(self, event) -> None:
        """Ctrl+wheel zooms the reading font (QTextEdit's own zoom would skip our formats)."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom_percent(self._zoom_percent + round(steps) * ZOOM_STEP_PERCENT)
            event.accept()
            return
        super().wheelEvent(event)
        self._keep_window_around_view()  # at once: the next wheel step may follow soon

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Page Down and Up go from the screen when the caret is off it (else Qt moves a
        caret left at the top of the text, and the view with it); Ctrl+Home and Ctrl+End
        go to the text's start and end, not the window's."""
        if event.matches(QKeySequence.StandardKey.MoveToNextPage) or event.matches(
            QKeySequence.StandardKey.MoveToPreviousPage
        ):
            if not self.viewport().rect().intersects(self.cursorRect()):
                self.set_caret(self.top_position())
        elif event.matches(QKeySequence.StandardKey.MoveToStartOfDocument):
            self._bring_into_window(0)
        elif event.matches(QKeySequence.StandardKey.MoveToEndOfDocument):
            self._bring_into_window(self._window.end)
        super().keyPressEvent(event)
        if event.matches(QKeySequence.StandardKey.SelectStartOfDocument) or event.matches(
            QKeySequence.StandardKey.SelectEndOfDocument
        ):
            self._tell_if_selection_at_window_edge()
        self._keep_window_around_view()

    def selectAll(self) -> None:
        """Select the text; a long text's window only (see ``_tell_selection_limit``)."""
        super().selectAll()
        self._tell_if_selection_at_window_edge()

    def _tell_if_selection_at_window_edge(self) -> None:
        """After the keys that select to the text's start or end, and Select All: Qt
        selects to the window's edge, which in a long text is not the text's."""
        selected = self.selection_range()
        if selected is None or not self._window.windowed:
            return
        held_end = self._window.to_book(self.document().characterCount() - 1)
        cut_at_top = self._window.first > 0 and selected[0] == self._window.offset
        cut_at_end = self._window.last < self._window.block_count and selected[1] == held_end
        if cut_at_top or cut_at_end:
            self._tell_selection_limit()

    def _tell_selection_limit(self) -> None:
        """Say what is selected when the window, not the reader, set where the selection
        ends: Copy would otherwise take part of what the reader meant, without a word."""
        selected = self.selection_range()
        if selected is None:
            return
        numbers = [b.number for b, _ in self.blocks_between(*selected) if b.number is not None]
        what = f"¶{numbers[0]}–¶{numbers[-1]}" if numbers else "part of the text"
        self.notice.emit(
            f"Selected {what}: a selection in a book this long can span about "
            f"{self.window_limits.chars:,} characters."
        )

    # ----- positions -------------------------------------------------------------------

    # Positions: every public method takes and gives *book positions*, those the text would
    # have if the whole of it were in the document; ``self._window`` converts them to the
    # document's and back (one offset), and only the methods below ask Qt with its own.

    def text_block(self, block_id: str) -> QTextBlock:
        """Qt's block of a text block; an invalid one when the window does not hold it."""
        number = self._block_numbers[block_id] - self._window.first
        if not 0 <= number < self._window.last - self._window.first:
            return QTextBlock()
        return self.document().findBlockByNumber(number)

    @property
    def held_blocks(self) -> tuple[int, int]:
        """The blocks the document holds, as (first, one past the last) in the text's order
        (for a text built block by block, Qt's blocks, our captions counted)."""
        return self._window.first, self._window.last

    def document_position(self, block_id: str, offset: int) -> int:
        """Book position of a character offset within a text block."""
        # From the extents noted while indexing (the text never changes): placing 80,000
        # glossary marks or 10,000 highlights then asks nothing of Qt.
        position, length = self._block_extents[block_id]
        return position + max(0, min(offset, length - 1))

    def locate(self, position: int) -> tuple[Block, int] | None:
        """The text block and offset at a book position; None on our own labels."""
        in_document = self._window.to_document(position)
        if in_document is None:  # a long text's block outside the window: from the index
            if not 0 <= position <= self._window.end:
                return None
            index = self._window.index_at(position)
            block = self._blocks_by_id[str(self._block_ids[index])]
            return block, min(position - self._block_positions[index], len(block.text))
        qt_block = self.document().findBlock(in_document)
        block_id = self._id_of(qt_block)
        if not block_id:
            return None
        return self._blocks_by_id[block_id], in_document - qt_block.position()

    def caret_position(self) -> int:
        """The book position of the caret."""
        return self._window.to_book(self.textCursor().position())

    def selection_range(self) -> tuple[int, int] | None:
        """The selection's start and end in book positions; None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (
            self._window.to_book(cursor.selectionStart()),
            self._window.to_book(cursor.selectionEnd()),
        )

    def select_range(self, start: int, end: int) -> None:
        """Select from book position ``start`` to ``end`` (the caret at ``end``), moving the
        window to hold them, and bring the caret into view. A range the window does not
        hold has the window put around its middle: up to about a window's characters
        (``window_limits.chars``) is selected whole, but once the reader scrolls on, a
        window moved around the screen clips a range over about half of that. A range
        wider than a window: only its end is selected."""
        self._bring_into_window(end, keep_selection=False)
        if not (self._window.holds(start) and self._window.holds(end)):
            around = self._window.around_range(start, end)
            if around is None:
                start = end
            else:
                self._show_window(*around, keep_selection=False)
        self._select_in_document(start, end)

    def set_caret(self, position: int) -> None:
        """Put the caret at a book position (no selection) and bring it into view."""
        self.select_range(position, position)

    def _select_in_document(self, anchor: int, position: int) -> None:
        cursor = QTextCursor(self.document())
        last = self.document().characterCount() - 1
        cursor.setPosition(max(0, min(last, anchor - self._window.offset)))
        cursor.setPosition(
            max(0, min(last, position - self._window.offset)), QTextCursor.MoveMode.KeepAnchor
        )
        self.setTextCursor(cursor)

    def position_at(self, viewport_point: QPointF) -> int:
        """The book position nearest a point of the viewport (a context menu's place)."""
        in_document = self.cursorForPosition(viewport_point.toPoint()).position()
        return self._window.to_book(in_document)

    def blocks_between(self, start: int, end: int) -> list[tuple[Block, int]]:
        """The text blocks from book position ``start`` to ``end`` in the window, each with
        its book position, in text order (our own captions left out)."""
        found: list[tuple[Block, int]] = []
        first = self._window.to_document(max(start, self._window.offset))
        if first is None:  # the range begins after the window
            return found
        qt_block = self.document().findBlock(first)
        while qt_block.isValid() and self._window.to_book(qt_block.position()) <= end:
            block_id = self._id_of(qt_block)
            if block_id:
                position = self._window.to_book(qt_block.position())
                found.append((self._blocks_by_id[block_id], position))
            qt_block = qt_block.next()
        return found

    def end_on_screen(self) -> bool:
        """Whether the text's last line is laid out and within the viewport (before the
        layout, an empty scroll range says nothing about where the text ends)."""
        if self._window.last < self._window.block_count:
            return False
        qt_document = self.document()
        end = qt_document.documentLayout().blockBoundingRect(qt_document.lastBlock())
        if end.height() <= 0:
            return False
        bottom = self.verticalScrollBar().value() + self.viewport().height() + 1
        return end.bottom() <= bottom

    def find_matches(self, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        """Book ranges (start, end) of every match of ``pattern`` within one block of the
        text, in the window or not.

        One regular-expression pass over the whole text joined once (domain/search.py's
        ``JoinedBlocks``, which Search Everything uses too), instead of asking Qt for each
        of a book's 30,000 blocks every time the reader types a letter.
        """
        positions = self._block_positions
        return [
            (positions[index] + start, positions[index] + end)
            for index, start, end in self._joined.find(pattern)
        ]

    def top_position(self) -> int:
        """Book position of the first line at the top of the viewport: found with
        ``_block_at`` rather than Qt's hitTest, which walks the blocks from the top and,
        right after a far scroll, could answer the end of the text."""
        y = self.verticalScrollBar().value() + 1
        block = self._block_at(y)
        layout = block.layout()
        below = y - self._block_top(block)
        # In the space after the block's last line, the next block begins the screen.
        position = block.next().position() if block.next().isValid() else block.position()
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            if line.y() + line.height() > below:
                position = block.position() + line.textStart()
                break
        return self._window.to_book(max(0, position))

    def scroll_to_position(self, position: int, *, margin: float = 0) -> None:
        """Scroll so that the line holding ``position`` sits at the top (less ``margin``)."""
        caret_kept = self._bring_into_window(position)
        in_document = self._window.to_document(position)
        if in_document is None:
            return
        block = self.document().findBlock(in_document)
        if not block.isValid():
            return
        position = in_document  # from here on, the document's
        top = self.document().documentLayout().blockBoundingRect(block).top()
        layout = block.layout()
        line = layout.lineForTextPosition(position - block.position())
        if line.isValid():
            top += line.y()
        wanted, bar = round(top - margin), self.verticalScrollBar()
        if wanted > bar.maximum():
            # Qt tells the scroll bar how tall the text is only when the event loop turns;
            # just shown, a book's bar still spans what was laid out before this scroll,
            # and would stop it there. (Asking the layout for the whole height would lay
            # out the rest of the book first, 0.4 s and 120 MiB for the KJV.)
            bar.setMaximum(wanted)
        bar.setValue(wanted)
        if not caret_kept:
            self._caret_to_screen()

    def scroll_to_block(self, block_id: str) -> None:
        self.scroll_to_position(self._block_extents[block_id][0], margin=24)

    # ----- the window over a long text (ui/reading_window.py) ---------------------------

    def _bring_into_window(self, position: int, *, keep_selection: bool = True) -> bool:
        """Move the window to be around a book position about to be shown, unless it
        holds it already with room to scroll either way. False when the caret is no longer
        in the window (see ``_show_window``)."""
        if not self._window.windowed:
            return True
        index = self._window.index_at(position)
        if not self._window.holds(position) or self._window.wants_move(index):
            return self._show_window(*self._window.around(index), keep_selection=keep_selection)
        return True

    def _window_scrolled(self) -> None:
        """After a scroll by any means, see to the window once the event loop turns: not
        at once, as Qt may still be using the document (Page Down moves the caret after
        the scroll), and not while the scroll bar is dragged (the thumb would jump under
        the mouse; it is seen to on release)."""
        if self._window.windowed and not self._window_check_due:
            self._window_check_due = True
            QTimer.singleShot(0, self, self._keep_window_around_view)

    def _keep_window_around_view(self) -> None:
        """Move the window when the top of the viewport comes near one of its edges, the
        text on screen staying exactly where it is (the scroll value compensated)."""
        self._window_check_due = False
        bar = self.verticalScrollBar()
        if not self._window.windowed or bar.isSliderDown() or self._press_position is not None:
            return
        top_block = self._block_at(bar.value())
        index = self._window.first + top_block.blockNumber()
        if not self._window.wants_move(index):
            return
        below_top = bar.value() - self._block_top(top_block)
        caret_kept = self._show_window(*self._window.around(index))
        moved = self.text_block(str(self._block_ids[index]))
        wanted = round(self.document().documentLayout().blockBoundingRect(moved).top() + below_top)
        if wanted > bar.maximum():  # see scroll_to_position
            bar.setMaximum(wanted)
        bar.setValue(wanted)
        if not caret_kept:
            self._caret_to_screen()

    # ----- painting and events ---------------------------------------------------------

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self._paint_paragraph_numbers()
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def _paint_paragraph_numbers(self) -> None:
        """¶ numbers in the left margin: visible for citation, outside the copied text."""
        painter = QPainter(self.viewport())
        painter.setFont(self._number_font())
        painter.setPen(ReadingColours.from_palette(self.palette()).muted)
        layout = self.document().documentLayout()
        scroll = self.verticalScrollBar().value()
        height = self.viewport().height()
        left = self.document().rootFrame().frameFormat().leftMargin()
        metrics = QFontMetricsF(self._number_font())
        # Only the blocks on screen: asking every block of a book where it is, each frame,
        # made Page Down take half a second.
        text_block = self._block_at(scroll)
        while text_block.isValid():
            rect = layout.blockBoundingRect(text_block)
            if rect.top() - scroll > height + 20:
                break
            block_id = self._id_of(text_block)
            block = self._blocks_by_id.get(block_id) if block_id else None
            first_line = text_block.layout().lineAt(0)
            if block is not None and block.number is not None and first_line.isValid():
                baseline = rect.top() + first_line.y() + first_line.ascent() - scroll
                if baseline >= -20:
                    label = f"¶{block.number}"
                    width = metrics.horizontalAdvance(label)
                    painter.drawText(QPointF(left - 16 - width, baseline), label)
            text_block = text_block.next()
        painter.end()

    def resizeEvent(self, event) -> None:
        anchor = self.top_position() if self.isVisible() else None
        super().resizeEvent(event)
        self._update_column()
        if anchor:
            self.scroll_to_position(anchor)
        self._refresh_marks()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._restyle()
            self._refresh_marks()

    # ----- marks: terms, highlights, find matches ---------------------------------------

    def set_marks(self, layer: str, spans: list[Span]) -> None:
        self._near_finders.pop(layer, None)
        ordered = sorted(spans, key=lambda span: (span.start, span.end))
        self._layers[layer] = ordered
        self._layer_starts[layer] = [span.start for span in ordered]
        self._layer_reach[layer] = max((span.end - span.start for span in ordered), default=0)
        self._refresh_marks()

    def set_marks_lazily(
        self,
        layer: str,
        near: Callable[[Sequence[Block]], list[Span]],
        everything: Callable[[], list[Span]],
    ) -> None:
        """Marks too many to find before the first paint (a glossary over a book: 80,000
        terms, a second to find and sort): ``near`` finds those of the given text blocks,
        asked for the blocks near the viewport as it moves, so the text is painted marked;
        ``everything`` gives the whole list once the event loop turns, after the paint.
        Until then ``marks`` and ``spans_at`` know only what ``near`` found. A later
        ``set_marks`` or another text shown wins over a whole list still to come."""
        self._layers.pop(layer, None)
        self._near_finders[layer] = near
        self._lazy_generation += 1
        generation = self._lazy_generation

        def complete() -> None:
            if generation == self._lazy_generation and layer in self._near_finders:
                self.set_marks(layer, everything())

        QTimer.singleShot(0, self, complete)
        self._refresh_marks()

    def marks(self, layer: str) -> list[Span]:
        return list(self._layers.get(layer, []))

    def _refresh_marks(self) -> None:
        self._marked_window = None
        self._mark_near_view()

    def _near_view(self, screens: float) -> tuple[int, int]:
        """Book positions from ``screens`` screens above the viewport to as far below
        (within the window)."""
        top = self.verticalScrollBar().value()
        height = max(1, self.viewport().height())
        first = self._block_at(top - screens * height)
        last = self._block_at(top + (1 + screens) * height)
        start = self._window.to_book(max(0, first.position()))
        if not last.next().isValid():
            return start, self._window.to_book(self.document().characterCount())
        return start, self._window.to_book(last.position() + last.length())

    def _block_at(self, y: float) -> QTextBlock:
        """The block whose layout holds height ``y``: a binary search over the blocks'
        laid-out positions. Qt's hitTest walks the document's blocks from the top, about
        17 ms a call in the middle of a book; this is a few microseconds. Blocks Qt has
        not laid out yet count as below everything."""
        document = self.document()
        low, high = 0, document.blockCount() - 1
        while low < high:
            middle = (low + high + 1) // 2
            block = document.findBlockByNumber(middle)
            if block.layout().lineCount() and self._block_top(block) <= y:
                low = middle
            else:
                high = middle - 1
        return document.findBlockByNumber(low)

    def _block_top(self, block: QTextBlock) -> float:
        """A laid-out block's top in document coordinates; for blocks inside a frame (the
        editor's introduction) Qt is asked, as it adds the frame's offset."""
        frame = self._editorial_frame
        if frame is not None and block.position() <= frame.lastPosition():
            return self.document().documentLayout().blockBoundingRect(block).top()
        return block.layout().position().y()

    def _mark_near_view(self) -> None:
        """Give Qt only the marks within a few screens of the viewport, again as it scrolls.

        Qt looks at every extra selection for every block it paints and every change, so
        10,000 highlights or the 8,000 matches of a common word in a book made each frame
        slow; the reader sees only what is on screen. Which marks exist (``marks``) and
        what is under a position (``spans_at``) still cover the whole text.
        """
        visible = self._near_view(0)
        window = self._marked_window
        if window is not None and window[0] <= visible[0] and visible[1] <= window[1]:
            return
        window = self._near_view(MARKED_SCREENS)
        self._marked_window = window
        self._find_marks_near(window)
        palette = self.palette()
        selections = []
        offset, held_end = self._window.offset, self.document().characterCount() - 1
        for layer in sorted(self._layers, key=LAYER_ORDER.index):
            spans = self._layers[layer]
            starts = self._layer_starts[layer]
            first = bisect.bisect_left(starts, window[0] - self._layer_reach[layer])
            last = bisect.bisect_right(starts, window[1])
            for span in spans[first:last]:
                if span.end < window[0]:
                    continue
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(self.document())
                cursor.setPosition(max(0, min(held_end, span.start - offset)))
                cursor.setPosition(
                    max(0, min(held_end, span.end - offset)), QTextCursor.MoveMode.KeepAnchor
                )
                selection.cursor = cursor
                selection.format = mark_format(span.style, palette)
                selections.append(selection)
        self.setExtraSelections(selections)

    def _find_marks_near(self, window: tuple[int, int]) -> None:
        """The marks of the layers still waiting for their whole list, in the text blocks
        of ``window`` (a few hundred of a book's 30,000)."""
        if not self._near_finders:
            return
        blocks = []
        start, end = (position - self._window.offset for position in window)
        qt_block = self.document().findBlock(start)
        while qt_block.isValid() and qt_block.position() < end:
            block_id = self._id_of(qt_block)
            if block_id:
                blocks.append(self._blocks_by_id[block_id])
            qt_block = qt_block.next()
        for layer, near in self._near_finders.items():
            ordered = sorted(near(blocks), key=lambda span: (span.start, span.end))
            self._layers[layer] = ordered
            self._layer_starts[layer] = [span.start for span in ordered]
            self._layer_reach[layer] = max((s.end - s.start for s in ordered), default=0)

    def spans_at(self, position: int) -> list[tuple[str, Span]]:
        """Marks under a book position, topmost layer first."""
        found = []
        for layer in reversed(LAYER_ORDER):
            found += [
                (layer, span)
                for span in self._layers.get(layer, [])
                if span.start <= position < span.end
            ]
        return found

    def _position_at(self, viewport_point: QPointF) -> int | None:
        hit = (
            self.document()
            .documentLayout()
            .hitTest(
                viewport_point + QPointF(0, self.verticalScrollBar().value()),
                Qt.HitTestAccuracy.ExactHit,
            )
        )
        return self._window.to_book(hit) if hit >= 0 else None

    def flash(self, block_id: str, start: int, end: int) -> None:
        """Scroll a passage into view and mark it until the next jump."""
        first = self.document_position(block_id, start)
        last = self.document_position(block_id, end)
        self.set_marks("flash", [Span(first, last, "flash")])
        self.scroll_to_position(first, margin=self.viewport().height() / 3)
        self.set_caret(first)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            position = self._position_at(QPointF(self.viewport().mapFromGlobal(event.globalPos())))
            tips = [span.tooltip for _, span in self.spans_at(position)] if position else []
            tips = [tip for tip in tips if tip]
            if tips:
                QToolTip.showText(event.globalPos(), plain_tooltip(tips[0]), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:
        self._press_position = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        pressed, self._press_position = self._press_position, None
        self._window_scrolled()  # held off while the button was down (a selection drag)
        if event.button() != Qt.MouseButton.LeftButton or pressed is None:
            return
        if (event.position() - pressed).manhattanLength() > 4 or self.textCursor().hasSelection():
            return  # the user was selecting text, not clicking a mark
        position = self._position_at(event.position())
        spans = self.spans_at(position) if position is not None else []
        clickable = [(layer, span) for layer, span in spans if span.key]
        if clickable:
            layer, span = clickable[0]
            self.span_clicked.emit(layer, span.key)

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() != Qt.MouseButton.NoButton:
            return
        position = self._position_at(event.position())
        over_mark = position is not None and any(s.key for _, s in self.spans_at(position))
        shape = Qt.CursorShape.PointingHandCursor if over_mark else Qt.CursorShape.IBeamCursor
        self.viewport().setCursor(shape)

    def selected_range(self) -> tuple[str, int, int] | None:
        """The selection as (block id, start, end) when it lies within one text block."""
        selected = self.selection_range()
        if selected is None:
            return None
        first = self.locate(selected[0])
        last = self.locate(selected[1])
        if first is None or last is None or first[0].id != last[0].id:
            return None
        text = first[0].text
        start, end = first[1], last[1]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (first[0].id, start, end) if end > start else None

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu(event.pos())
        if self.context_actions:
            first = menu.actions()[0] if menu.actions() else None
            if first is None:
                menu.addActions(self.context_actions)
            else:
                menu.insertActions(first, self.context_actions)
                menu.insertSeparator(first)
        select_all = menu.findChild(QAction, "select-all")  # Qt's own, not ours
        if select_all is not None:
            select_all.triggered.connect(self._tell_if_selection_at_window_edge)
        menu.exec(event.globalPos())
        menu.deleteLater()

    def spans_at_caret(self) -> list[tuple[str, Span]]:
        return self.spans_at(self.caret_position())


def plain_tooltip(text: str) -> str:
    """Tooltips guess rich text; escaping and wrapping it ourselves keeps user text literal."""
    from html import escape  # on first hover: the html package is not a start-up cost

    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>"
