"""The study edition's document: its look (fonts, colours, paper) and the builder that sets
the text, the notes and the glossary in type. See the package docstring for its units."""

from __future__ import annotations

import itertools
import re
from datetime import date

from PySide6.QtCore import QLocale, QMarginsF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextOption,
)

from reader_app import APP_NAME
from reader_app.domain.citation import CitedWork, list_entry, plain
from reader_app.domain.edition import (
    AppendixEntry,
    EditionPlan,
    Endnote,
    Highlight,
    NoteSection,
    edition_title,
)
from reader_app.domain.glossary import format_date
from reader_app.domain.highlights import shades_of
from reader_app.domain.text import Block, Role, in_quotation_marks

SERIF = "Noto Serif"
BODY_POINTS = 10.5
LINE_HEIGHT_PERCENT = 145
GUTTER_POINTS = 30.0  # room for "¶8" beside a paragraph and "12." beside an endnote
MARGINS_MM = QMarginsF(24, 20, 24, 14)  # left, top, right, bottom: the footer sits inside
FOOTER_POINTS = 22.0
PDF_DPI = 1200  # positions in a PDF are exact to 1/1200 inch; the text itself stays vector

INK = QColor("#1b1b1b")
MUTED = QColor("#666666")
RULE = QColor("#b8b8b8")
EDITORIAL_BACKGROUND = QColor("#f3f0e9")
EDITORIAL_INK = QColor("#3a3a3a")

ENDNOTE_PROPERTY = QTextFormat.Property.UserProperty + 40  # the number on a marker
ROLE_PROPERTY = QTextFormat.Property.UserProperty + 41  # what a block is, for tests and tools

# Territories whose standard paper is US Letter; everywhere else uses A4.
LETTER_TERRITORIES = {
    QLocale.Country.UnitedStates,
    QLocale.Country.Canada,
    QLocale.Country.Mexico,
    QLocale.Country.Philippines,
    QLocale.Country.Chile,
    QLocale.Country.Colombia,
    QLocale.Country.Venezuela,
    QLocale.Country.CostaRica,
    QLocale.Country.Guatemala,
    QLocale.Country.Panama,
    QLocale.Country.DominicanRepublic,
    QLocale.Country.PuertoRico,
    QLocale.Country.ElSalvador,
}


def paper_for(locale: QLocale | None = None) -> QPageSize.PageSizeId:
    territory = (locale or QLocale()).territory()
    if territory in LETTER_TERRITORIES:
        return QPageSize.PageSizeId.Letter
    return QPageSize.PageSizeId.A4


def page_layout(locale: QLocale | None = None) -> QPageLayout:
    return QPageLayout(
        QPageSize(paper_for(locale)),
        QPageLayout.Orientation.Portrait,
        MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a multi-paragraph text (separated by blank lines), each on one line."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def layout_dpi() -> float:
    """The resolution a QTextDocument without a paint device lays out at (Qt's default DPI)."""
    screen = QGuiApplication.primaryScreen()
    return float(round(screen.logicalDotsPerInchY())) if screen is not None else 96.0


class StudyEditionBuilder:
    """Sets an EditionPlan into a QTextDocument."""

    def __init__(self, plan: EditionPlan, *, today: date | None = None):
        self._plan = plan
        self._document = plan.document
        self._work = CitedWork.from_document(plan.document)
        self._scale = layout_dpi() / 72.0
        self._today = today or date.today()
        self.doc = QTextDocument()
        self.doc.setUndoRedoEnabled(False)
        self.doc.setDocumentMargin(0)
        self.doc.setDefaultFont(self._font(BODY_POINTS))
        option = self.doc.defaultTextOption()
        option.setUseDesignMetrics(True)  # widths that scale to the printer unchanged
        self.doc.setDefaultTextOption(option)
        self.doc.setMetaInformation(
            QTextDocument.MetaInformation.DocumentTitle, self.running_title()
        )
        self._cursor = QTextCursor(self.doc)
        self._first_block = True

    def pt(self, points: float) -> float:
        return points * self._scale

    # ----- formats -----------------------------------------------------------------------

    @staticmethod
    def _font(points: float, *, italic: bool = False, weight=QFont.Weight.Normal) -> QFont:
        font = QFont(SERIF)
        font.setPointSizeF(points)
        font.setItalic(italic)
        font.setWeight(weight)
        return font

    def _chars(
        self,
        points: float = BODY_POINTS,
        *,
        italic: bool = False,
        weight=QFont.Weight.Normal,
        colour: QColor = INK,
        capitals: bool = False,
        spacing: float = 100.0,
    ) -> QTextCharFormat:
        char_format = QTextCharFormat()
        font = self._font(points, italic=italic, weight=weight)
        if capitals:
            font.setCapitalization(QFont.Capitalization.AllUppercase)
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, spacing)
        char_format.setFont(font)
        char_format.setForeground(colour)
        return char_format

    def _block(
        self,
        role: str,
        *,
        before: float = 0.0,
        after: float = 6.0,
        line_height: int = LINE_HEIGHT_PERCENT,
        align=Qt.AlignmentFlag.AlignLeft,
        indent: float = 0.0,
        hanging: float = 0.0,
        page_break: bool = False,
    ) -> QTextBlockFormat:
        block_format = QTextBlockFormat()
        block_format.setProperty(ROLE_PROPERTY, role)
        block_format.setTopMargin(self.pt(before))
        block_format.setBottomMargin(self.pt(after))
        block_format.setLineHeight(
            line_height, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        block_format.setAlignment(align)
        if hanging:
            # The number hangs in a gutter: the first line starts ``hanging`` points to the
            # left of the rest, and a tab brings the text to the rest's edge.
            block_format.setLeftMargin(self.pt(indent + hanging))
            block_format.setTextIndent(-self.pt(hanging))
            block_format.setTabPositions(
                [QTextOption.Tab(self.pt(hanging), QTextOption.TabType.LeftTab)]
            )
        elif indent:
            block_format.setLeftMargin(self.pt(indent))
        if page_break:
            block_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        return block_format

    def _new_block(self, block_format: QTextBlockFormat, char_format: QTextCharFormat) -> None:
        if self._first_block:
            self._cursor.setBlockFormat(block_format)
            self._cursor.setBlockCharFormat(char_format)
            self._first_block = False
        else:
            self._cursor.insertBlock(block_format, char_format)

    def _text(self, text: str, char_format: QTextCharFormat) -> None:
        # A newline would start a new paragraph; inside a note it is a line break.
        self._cursor.insertText(text.replace("\r\n", "\n").replace("\n", "\u2028"), char_format)

    def _paragraph(self, role: str, text: str, char_format: QTextCharFormat, **layout) -> None:
        self._new_block(self._block(role, **layout), char_format)
        self._text(text, char_format)

    def _label(self, text: str, *, before: float = 14.0, page_break: bool = False) -> None:
        self._paragraph(
            "label",
            text,
            self._chars(
                7.5, weight=QFont.Weight.DemiBold, colour=MUTED, capitals=True, spacing=110
            ),
            before=before,
            after=6.0,
            line_height=120,
            page_break=page_break,
        )

    def _heading(self, text: str, *, page_break: bool = False, size: float = 16.0) -> None:
        self._paragraph(
            "heading",
            text,
            self._chars(size, weight=QFont.Weight.DemiBold),
            after=10.0,
            line_height=120,
            page_break=page_break,
        )

    def running_title(self) -> str:
        return edition_title(self._document)

    # ----- the parts -----------------------------------------------------------------------

    def build(self) -> QTextDocument:
        self._title_matter()
        self._editorial_matter()
        self._text_body()
        self._notes()
        if self._plan.appendix:
            self._appendix()
        return self.doc

    def _title_matter(self) -> None:
        # Whole on purpose: the title page in the order it is printed.
        document, work = self._document, self._work
        self._label("Study edition", before=0.0)
        self._paragraph(
            "title",
            work.title,
            self._chars(24.0, weight=QFont.Weight.DemiBold),
            after=4.0,
            line_height=115,
        )
        self._paragraph(
            "byline",
            f"{document.author} · {document.year}",
            self._chars(13.0, italic=True),
            after=12.0,
            line_height=120,
        )
        small = self._chars(8.5, colour=MUTED)
        provenance = document.provenance
        source = "An extract in English translation" if work.translated else "An extract"
        if work.website:
            source += f", as given on the {work.website} page “{document.display_title}”"
        self._paragraph("provenance", f"{source}.", small, after=2.0, line_height=135)
        for label, key in (("Source", "extract_url"), ("Full text", "full_text_url")):
            url = provenance.get(key, "")
            if url.startswith(("https://", "http://")):
                self._new_block(self._block("provenance", after=2.0, line_height=135), small)
                self._text(f"{label}: ", small)
                link = QTextCharFormat(small)
                link.setAnchor(True)
                link.setAnchorHref(url)
                self._text(url, link)
        notice = (
            "The heading and introduction are the web editors’; ellipses (…) mark their cuts. "
            if work.website and len(document.body_blocks()) < len(document.blocks)
            else ""
        )
        self._paragraph(
            "provenance",
            f"{notice}Paragraph numbers ¶1–¶{len(document.body_blocks())} count "
            f"{work.author_family}’s paragraphs in this extract.",
            small,
            after=2.0,
            line_height=135,
        )
        # The same function as Copy with Citation: the list entry in the reader's chosen style.
        style = self._plan.citation_style
        entry = plain(list_entry(work, style, today=self._today))
        self._paragraph(
            "provenance",
            f"Cite as ({style.short_label}): {entry}",
            small,
            after=2.0,
            line_height=135,
        )
        count = len(self._plan.endnotes)
        notes = f"{count} {'note' if count == 1 else 'notes'}"
        made = format_date(self._today.isoformat())
        self._paragraph(
            "provenance",
            f"Prepared with {APP_NAME} on {made} · {notes}",
            small,
            after=0.0,
            line_height=135,
        )

    def _editorial_matter(self) -> None:
        editorial = [b for b in self._document.blocks if b.role is not Role.BODY]
        if not editorial:
            return
        self._label(f"Editor’s introduction · not {self._work.author_family}’s words", before=18.0)
        frame_format = QTextFrameFormat()
        frame_format.setBackground(EDITORIAL_BACKGROUND)
        frame_format.setPadding(self.pt(10.0))
        frame_format.setBorder(0)
        frame_format.setTopMargin(self.pt(2.0))
        frame_format.setBottomMargin(self.pt(16.0))
        frame = self._cursor.insertFrame(frame_format)
        self._first_block = True
        for block in editorial:
            if block.role is Role.HEADING:
                base = self._chars(10.5, weight=QFont.Weight.DemiBold, colour=EDITORIAL_INK)
                self._new_block(self._block("editorial", after=4.0, line_height=130), base)
            else:
                base = self._chars(9.5, italic=True, colour=EDITORIAL_INK)
                self._new_block(self._block("editorial", after=4.0, line_height=140), base)
            self._source_text(block, base)
        self._cursor = frame.lastCursorPosition()
        self._cursor.movePosition(QTextCursor.MoveOperation.NextBlock)
        self._first_block = True

    def _text_body(self) -> None:
        body = self._document.body_blocks()
        if not body:
            return
        work = self._work
        self._label(f"{work.author} · {work.title} ({work.year}) · extract", before=4.0)
        base = self._chars(BODY_POINTS)
        number_format = self._chars(7.5, colour=MUTED)
        for block in body:
            self._new_block(self._block("body", after=7.0, hanging=GUTTER_POINTS), base)
            self._text(f"¶{block.number}\t", number_format)
            self._source_text(block, base)

    def _source_text(self, block: Block, base: QTextCharFormat) -> None:
        """A block's words with highlights, and endnote numbers where passages end."""
        highlights = self._plan.highlights_in(block.id)
        text = block.text
        cuts = sorted({0, len(text)} | {h.start for h in highlights} | {h.end for h in highlights})
        for start, end in itertools.pairwise(cuts):
            covering = [h for h in highlights if h.start <= start and end <= h.end]
            char_format = QTextCharFormat(base)
            if covering:
                # Where passages overlap the one that began last (the innermost) shows.
                top = max(covering, key=lambda h: (h.start, -h.end))
                char_format.setBackground(QColor(shades_of(top.colour).light))
            self._text(text[start:end], char_format)
            ending = [h for h in highlights if h.end == end]
            if ending:
                self._markers(ending, base)

    def _markers(self, ending: list[Highlight], base: QTextCharFormat) -> None:
        for index, highlight in enumerate(ending):
            marker = QTextCharFormat(base)
            marker.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
            marker.setFontItalic(False)
            marker.setFontWeight(QFont.Weight.DemiBold)
            marker.setForeground(INK)
            marker.setProperty(ENDNOTE_PROPERTY, highlight.number)
            self._text(("," if index else "") + str(highlight.number), marker)

    def _notes(self) -> None:
        self._heading("Notes", page_break=True)
        if not self._plan.endnotes:
            self._paragraph("endnote", "No notes were made on this text.", self._chars(9.5))
            return
        for section, endnotes in self._plan.sections():
            self._label(section.value, before=8.0)
            for endnote in endnotes:
                self._endnote(endnote)

    def _endnote(self, endnote: Endnote) -> None:
        base = self._chars(9.5)
        muted = self._chars(8.5, colour=MUTED)
        self._new_block(
            self._block("endnote", after=5.0, line_height=140, hanging=GUTTER_POINTS),
            base,
        )
        self._text(f"{endnote.number}.\t", base)
        if endnote.section is NoteSection.GLOSSARY:
            self._text("On ", base)
            self._text(endnote.label, self._chars(9.5, weight=QFont.Weight.DemiBold))
        elif endnote.label:
            self._text(f"{endnote.label} ", muted)
        if endnote.quote:
            self._text(in_quotation_marks(endnote.quote), self._chars(9.5, italic=True))
        body = endnote.body.strip()
        if body:
            lead = " — " if endnote.label or endnote.quote else ""
            self._text(lead + body, base)
        if endnote.tags:
            self._text(f" · tags: {', '.join(endnote.tags)}", muted)

    def _appendix(self) -> None:
        self._heading("Glossary of terms in the text", page_break=True)
        self._paragraph(
            "appendix-intro",
            "The reader’s glossary entries for the terms that occur in this extract, with "
            "where they occur and the sources the entries rely on.",
            self._chars(9.0, italic=True, colour=MUTED),
            after=10.0,
        )
        for item in self._plan.appendix:
            self._glossary_entry(item)

    def _glossary_entry(self, item: AppendixEntry) -> None:
        entry = item.entry
        heading = self._chars(10.5, weight=QFont.Weight.DemiBold)
        muted = self._chars(8.5, colour=MUTED)
        self._new_block(
            self._block("entry", before=8.0, after=3.0, line_height=135),
            heading,
        )
        self._text(entry.headword, heading)
        details = [entry.category.value]
        if entry.dates_label:
            details.append(entry.dates_label)
        self._text(f"   {' · '.join(details)}", muted)
        # A line break, not a new paragraph: the gloss always stays with its headword.
        self._text("\n" + entry.gloss, self._chars(9.5, italic=True))
        for paragraph in split_paragraphs(entry.explanation):
            self._paragraph(
                "entry-text", paragraph, self._chars(9.5), after=3.0, indent=12.0, line_height=138
            )
        self._paragraph(
            "entry-places", f"In the text: {', '.join(item.places)}", muted, after=1.0, indent=12.0
        )
        for source in entry.sources:
            line = f"Source: {source.citation}"
            if source.url:
                line += f", {source.url}"
            self._paragraph("entry-source", line, muted, after=1.0, indent=12.0, line_height=130)


# ----- printing --------------------------------------------------------------------------------
