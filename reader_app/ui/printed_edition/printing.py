"""Printing the edition, or writing it as a PDF that replaces its target only when complete."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import (
    QFont,
    QPainter,
    QPdfWriter,
)
from PySide6.QtPrintSupport import QPrinter

from reader_app import APP_NAME
from reader_app.domain.edition import (
    EditionPlan,
    edition_title,
)
from reader_app.ui.printed_edition.building import (
    FOOTER_POINTS,
    PDF_DPI,
    SERIF,
    StudyEditionBuilder,
    layout_dpi,
    page_layout,
)
from reader_app.ui.printed_edition.paginating import keep_lines_together
from reader_app.ui.printed_edition.painting import paint_footer, paint_page


class PrintError(Exception):
    """The edition could not be printed or written; the message is meant for the user."""


@dataclass(frozen=True, slots=True)
class PrintResult:
    pages: int  # pages printed (all of them, unless the print dialog chose a range)
    endnotes: int


def new_printer(*, title: str = "") -> QPrinter:
    """A printer set up for the edition: paper by locale, colour, margins; for QPrintDialog."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout())
    printer.setColorMode(QPrinter.ColorMode.Color)
    printer.setCreator(APP_NAME)
    if title:
        printer.setDocName(title)
    return printer


def new_pdf_writer(path: Path, *, title: str = "") -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(page_layout())
    writer.setCreator(APP_NAME)
    writer.setTitle(title)
    return writer


def print_edition(plan: EditionPlan, printer: QPrinter | QPdfWriter) -> PrintResult:
    """Lay the edition out for ``printer`` and paint it page by page with a footer."""
    builder = StudyEditionBuilder(plan)
    doc = builder.build()
    dpi = printer.resolution()
    scale = dpi / layout_dpi()
    paint_rect = printer.pageLayout().paintRectPixels(dpi)
    footer_height = FOOTER_POINTS * dpi / 72.0
    # Whole pixels: the layout keeps page breaks in 1/64 px, and a break that differs from
    # our clip by a rounding error would print a line's text, clipped, on both pages.
    width = math.floor(paint_rect.width() / scale)
    body_height = math.floor((paint_rect.height() - footer_height) / scale)
    doc.setPageSize(QSizeF(width, body_height))
    keep_lines_together(doc, body_height)
    pages = doc.pageCount()
    chosen = range(1, pages + 1)
    if (
        isinstance(printer, QPrinter)
        and printer.printRange() == QPrinter.PrintRange.PageRange
        and printer.fromPage() > 0
    ):
        chosen = range(max(1, printer.fromPage()), min(pages, printer.toPage() or pages) + 1)

    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("The printer or file could not be opened for writing.")
    try:
        footer_font = QFont(SERIF)
        footer_font.setPointSizeF(7.5)
        for number in chosen:
            page = number - 1
            if number != chosen[0]:
                printer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(0, -page * body_height)
            paint_page(painter, doc, QRectF(0, page * body_height, width, body_height))
            painter.restore()
            paint_footer(
                painter,
                builder.running_title(),
                footer_font,
                (page + 1, pages),
                paint_rect.width(),
                paint_rect.height() - footer_height,
            )
    finally:
        painter.end()
    return PrintResult(len(chosen), len(plan.endnotes))


def export_pdf(plan: EditionPlan, target: Path) -> PrintResult:
    """Write the edition as a PDF, replacing ``target`` only once the new file is complete."""
    partial = target.with_name(f".{target.name}.partial")
    with partial.open("wb"):  # a folder we cannot write to fails here, with the system's reason
        pass
    writer = new_pdf_writer(partial, title=edition_title(plan.document))
    try:
        result = print_edition(plan, writer)
        del writer  # the file is complete and closed once the writer is gone
        if not partial.is_file() or partial.stat().st_size == 0:
            raise PrintError(f"{target.parent} could not be written to.")
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return result
