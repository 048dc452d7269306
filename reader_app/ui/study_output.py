"""Study output: Copy with Citation, and the study edition printed or exported as a PDF.

``StudyOutput`` owns these actions and puts them into the window's menus; app.py creates it.
When an action runs it reads what it needs from the window (the selection, the notes), so
the window itself needs no code for them. Citations are built by ``domain/citation.py``, the
edition by ``domain/edition.py`` and ``ui/printed_edition/`` (loaded on first use, with Qt's
printing support, so that they cost nothing at start-up).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QMenu

from reader_app.domain.citation import CitationError, CitationStyle, CitedWork, cite
from reader_app.domain.text import Block, Document
from reader_app.settings import CITATION_STYLE, Settings
from reader_app.ui import dialogs

if TYPE_CHECKING:  # the notes and glossary modules load after the first paint
    from reader_app.domain.edition import EditionPlan, StudyEditionOptions
    from reader_app.ui.main_window import MainWindow
    from reader_app.ui.text_view import ReadingView

STATUS_MILLISECONDS = 8000


def selected_parts(view: ReadingView) -> list[tuple[Block, str]]:
    """The selection as (text block, selected words) pairs, in text order.

    Unlike ``ReadingView.selected_range`` a selection may run over several paragraphs; our
    own captions between them (which belong to no block of the text) are skipped.
    """
    selected = view.selection_range()
    if selected is None:
        return []
    start, end = selected
    parts: list[tuple[Block, str]] = []
    for source, position in view.blocks_between(start, end):
        first = max(start - position, 0)
        last = min(end - position, len(source.text))
        if last > first:
            parts.append((source, source.text[first:last]))
    return parts


def clipboard_html(fragment: str) -> str:
    """A whole HTML document around our fragment, so word processors read it as UTF-8."""
    return f'<html><head><meta charset="utf-8"></head><body>{fragment}</body></html>'


class StudyOutput(QObject):
    def __init__(self, window: MainWindow, document: Document, settings: Settings) -> None:
        super().__init__(window)
        self._window = window
        self._document = document
        self._settings = settings
        self._work = CitedWork.from_document(document)
        self._options: StudyEditionOptions | None = None  # the last choice, offered again
        self._build_actions()

    def set_document(self, document: Document, work: CitedWork) -> None:
        """Cite and print another text (the library's Open), with its own metadata."""
        self._document = document
        self._work = work

    # ----- actions and menus ---------------------------------------------------------------

    def _build_actions(self) -> None:
        """Its commands go into the window's table (ui/actions.py); the style is a submenu."""
        from reader_app.ui.actions import STUDY_OUTPUT_ACTIONS

        window = self._window
        table = window.actions_table
        table.add_all(STUDY_OUTPUT_ACTIONS, self)
        self.copy_citation_action = table.action("copy-with-citation")
        self.print_action = table.action("print-study-edition")
        self.export_pdf_action = table.action("export-study-edition")

        self.style_menu = QMenu("Citation &Style", window)
        self.style_group = QActionGroup(self)
        self.style_group.setExclusive(True)
        self.style_actions: dict[CitationStyle, QAction] = {}
        current = self.style
        for style in CitationStyle:
            action = QAction(style.label, window)
            action.setCheckable(True)
            action.setChecked(style is current)
            action.triggered.connect(lambda _=False, s=style: self.set_style(s))
            self.style_group.addAction(action)
            self.style_menu.addAction(action)
            self.style_actions[style] = action
        table.place_menu(self.style_menu, "edit", "clipboard")

    # ----- copy with citation --------------------------------------------------------------

    @property
    def style(self) -> CitationStyle:
        return CitationStyle.from_setting(self._settings.get(CITATION_STYLE))

    def set_style(self, style: CitationStyle) -> None:
        self._settings.set(CITATION_STYLE, style.value)
        self.style_actions[style].setChecked(True)

    def copy_with_citation(self) -> bool:
        """Put the selection, quoted and cited, on the clipboard as plain text and HTML."""
        try:
            citation = cite(self._work, selected_parts(self._window.reading_view), self.style)
        except CitationError as error:
            self._window.statusBar().showMessage(str(error), STATUS_MILLISECONDS)
            return False
        mime = QMimeData()
        mime.setText(citation.plain_text)
        mime.setHtml(clipboard_html(citation.html))
        QGuiApplication.clipboard().setMimeData(mime)
        self._window.statusBar().showMessage(
            f"Copied with a {self.style.short_label} citation.", STATUS_MILLISECONDS
        )
        return True

    # ----- the study edition ---------------------------------------------------------------

    def _ask_options(self, title: str, accept: str) -> StudyEditionOptions | None:
        from reader_app.domain.edition import StudyEditionOptions

        offered = self._options or StudyEditionOptions(include_glossary=False)
        options = dialogs.study_edition_options(self._window, title, accept, offered)
        if options is not None:
            self._options = options  # offered again next time, in this session
        return options

    def plan(self, options: StudyEditionOptions) -> EditionPlan:
        """The edition as it stands now, with the note being typed saved first."""
        from reader_app.domain.edition import plan_edition

        window = self._window
        if window.notes_panel is not None:
            window.notes_panel.flush()
        notes = []
        if window.notes_controller is not None:
            notes = window.notes_controller.notes_in_text_order()
        glossary, occurrences = None, []
        pane = window.glossary_pane
        if pane is not None:  # None only for the moment after start-up before it is built
            glossary = pane.glossary
            occurrences = [o for e in glossary.entries for o in pane.occurrences_of(e.id)]
        return plan_edition(
            self._document, notes, glossary, occurrences, options, citation_style=self.style
        )

    def print_study_edition(self) -> None:
        from reader_app.domain.edition import edition_title
        from reader_app.ui.printed_edition.printing import PrintError, new_printer, print_edition

        title = "Print Study Edition"
        options = self._ask_options(title, "Print…")
        if options is None:
            return
        plan = self.plan(options)
        printer = new_printer(title=edition_title(self._document))
        if not dialogs.print_setup(self._window, title, printer):
            return
        try:
            result = print_edition(plan, printer)
        except PrintError as error:
            self._window.show_problem(f"The study edition could not be printed. {error}")
            return
        pages = f"{result.pages} {'page' if result.pages == 1 else 'pages'}"
        self._window.statusBar().showMessage(
            f"Sent the study edition ({pages}) to the printer.", STATUS_MILLISECONDS
        )

    def export_study_edition(self) -> Path | None:
        from reader_app.ui.printed_edition.printing import PrintError, export_pdf

        title = "Export Study Edition as PDF"
        options = self._ask_options(title, "Export…")
        if options is None:
            return None
        suggested = Path.home() / f"{self._document.id}-study-edition.pdf"
        path, _ = dialogs.save_file_path(
            self._window, title, str(suggested), ["PDF document (*.pdf)"]
        )
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        plan = self.plan(options)
        try:
            result = export_pdf(plan, target)
        except (PrintError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self._window.show_problem(
                f"The study edition could not be written to {target}: {reason}"
            )
            return None
        pages = f"{result.pages} {'page' if result.pages == 1 else 'pages'}"
        notes = f"{result.endnotes} {'note' if result.endnotes == 1 else 'notes'}"
        self._window.statusBar().showMessage(
            f"Exported the study edition ({pages}, {notes}) to {target}.", STATUS_MILLISECONDS
        )
        return target
