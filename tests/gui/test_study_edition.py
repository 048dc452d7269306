"""Study output in the window: Copy with Citation, and the study edition printed or as a PDF."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPageSize, QTextCharFormat
from PySide6.QtPrintSupport import QPrinter

from reader_app.domain.citation import CitationStyle, CitedWork, cite
from reader_app.domain.edition import StudyEditionOptions
from reader_app.domain.highlights import SHADES
from reader_app.domain.notes import Colour
from reader_app.settings import CITATION_STYLE, Settings
from reader_app.ui import dialogs
from reader_app.ui.printed_edition.building import (
    ENDNOTE_PROPERTY,
    StudyEditionBuilder,
    paper_for,
)

QUOTE = "Some third person decides your fate"
OUTER = "Is it to be bureaucracy or self-activity of the masses?"
INNER = "self-activity"


# ----- helpers -----------------------------------------------------------------------------


def select(window, block_id: str, words: str, end_block: str | None = None, end_words: str = ""):
    """Select from ``words`` in one block to the end of ``end_words`` in another (or the same)."""
    view, document = window.reading_view, window.document
    start = document.block(block_id).text.index(words)
    last_block = end_block or block_id
    end_text = end_words or words
    end = document.block(last_block).text.index(end_text) + len(end_text)
    cursor = view.textCursor()
    cursor.setPosition(view.document_position(block_id, start))
    cursor.setPosition(view.document_position(last_block, end), cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def highlight(window, block_id: str, words: str, colour: Colour = Colour.YELLOW, body: str = ""):
    select(window, block_id, words)
    note = window.notes_controller.add_passage_note(*window.reading_view.selected_range(), colour)
    if body:
        window.notes_controller.save(note.id, body, [])
    return note


def add_notes(window, qtbot) -> None:
    """Five passage notes (one typed and not yet autosaved), one free and one glossary note."""
    controller = window.notes_controller
    highlight(window, "p3", QUOTE, body="Her definition of bureaucracy.")
    highlight(window, "p1", OUTER, Colour.GREEN)
    highlight(window, "p1", INNER, Colour.BLUE, body="Key term.")
    highlight(window, "editor-intro", "an essay strongly critical of the party", Colour.PINK)
    free = controller.add_free_note()
    controller.save(free.id, "Compare Lenin at the Tenth Congress.", ["context"])
    entry = controller.add_glossary_note("self-activity")
    controller.save(entry.id, "Samodeyatelnost: initiative from below.", [])
    controller.add_free_note()  # empty: says nothing, so it is left out
    select(window, "p6", "There can be no self-activity without freedom of thought")
    window.action("add-note").trigger()  # opens the editor on the new note
    qtbot.keyClicks(window.notes_panel.editor, "Typed just before printing <b>&")
    assert window.notes_panel.has_unsaved_changes()  # the edition must save it first


PASSAGE_ENDS = [  # the last words of each highlighted passage, in reading order of the markers
    "strongly critical of the party",
    "self-activity",
    "of the masses?",
    "decides your fate",
    "freedom of thought",
]
ENDNOTES = len(PASSAGE_ENDS) + 2  # five passages, one free note, one glossary note


def pdftotext(path: Path, *args: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        if sys.platform.startswith("linux"):
            pytest.fail("pdftotext is missing: install poppler-utils (scripts/setup.sh does)")
        pytest.skip("pdftotext (poppler-utils) is only required on Linux")
    return subprocess.run(
        [tool, *args, str(path), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def squeeze(text: str) -> str:
    """Text without the spaces, line breaks and hyphens that pdftotext adds or drops."""
    return re.sub(r"[\s-]+", "", text)


def export(window, dialogs_shown, path: Path, *, glossary: bool) -> Path:
    dialogs_shown.study_options = StudyEditionOptions(include_glossary=glossary)
    dialogs_shown.save_path = (str(path), "PDF document (*.pdf)")
    window.study_output.export_pdf_action.trigger()
    return path


# ----- menus --------------------------------------------------------------------------------


def test_actions_are_in_the_menus_with_their_shortcuts(make_window) -> None:
    window = make_window(show=False)
    output = window.study_output
    assert output.print_action in window.actions_table.menus["file"].actions()
    assert output.export_pdf_action in window.actions_table.menus["file"].actions()
    assert window.actions_table.menus["file"].actions()[-1] is window.action("quit")
    assert output.print_action.shortcuts() == QKeySequence.keyBindings(
        QKeySequence.StandardKey.Print
    ) or output.print_action.shortcut() == QKeySequence("Ctrl+P")
    assert output.copy_citation_action in window.actions_table.menus["edit"].actions()
    assert output.copy_citation_action.shortcut() == QKeySequence("Ctrl+Shift+C")
    assert output.copy_citation_action in window.reading_view.context_actions
    assert output.style_menu.menuAction() in window.actions_table.menus["edit"].actions()
    assert [a.isChecked() for a in output.style_actions.values()] == [True, False, False]
    listed = {action for _, action, _ in window.actions_table.shortcut_rows()}
    assert {"Copy with Citation", "Print Study Edition…"} <= listed


def test_paper_follows_the_locale() -> None:
    us = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    germany = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert paper_for(us) == QPageSize.PageSizeId.Letter
    assert paper_for(germany) == QPageSize.PageSizeId.A4


# ----- copy with citation ---------------------------------------------------------------------


def test_copy_with_citation_puts_text_and_html_on_the_clipboard(make_window) -> None:
    window = make_window()
    select(window, "p3", QUOTE)
    window.study_output.copy_citation_action.trigger()
    mime = QGuiApplication.clipboard().mimeData()
    work = CitedWork.from_document(window.document)
    expected = cite(work, [(window.document.block("p3"), QUOTE)], CitationStyle.CHICAGO)
    assert mime.text() == expected.plain_text
    assert mime.text().startswith("“Some third person decides your fate.”\n\nNote: ")
    # Chicago cites the page the words were read on, quoted in, with no ¶ number of ours.
    assert "quoted in “Kollontai on the Soviet Bureaucracy (1921),” Alpha History" in mime.text()
    assert "para." not in mime.text()
    assert mime.hasHtml()
    assert "<i>The Workers’ Opposition</i>" in mime.html()
    assert "Chicago" in window.statusBar().currentMessage()


def test_the_chosen_style_is_used_and_remembered(make_window, data_dir: Path) -> None:
    window = make_window()
    window.study_output.style_actions[CitationStyle.MLA].trigger()
    assert Settings(data_dir).get(CITATION_STYLE) == "mla"
    select(window, "p3", QUOTE)
    window.study_output.copy_citation_action.trigger()
    text = QGuiApplication.clipboard().mimeData().text()
    assert text.startswith(
        "Kollontai writes, “Some third person decides your fate” "
        "(qtd. in “Kollontai on the Soviet Bureaucracy”)."
    )
    assert "\n\nWorks Cited: “Kollontai on the Soviet Bureaucracy (1921).” Alpha History" in text
    window.close()
    again = make_window(show=False)
    assert again.study_output.style is CitationStyle.MLA
    assert again.study_output.style_actions[CitationStyle.MLA].isChecked()


def test_selections_over_paragraphs_and_in_the_introduction(make_window) -> None:
    window = make_window()
    select(window, "p7", "the greatest danger", "p8", "In order to do away")
    window.study_output.copy_citation_action.trigger()
    text = QGuiApplication.clipboard().mimeData().text()
    assert text.startswith("“the greatest danger to the future existence of the Communist Party")
    window.study_output.style_actions[CitationStyle.APA].trigger()
    window.study_output.copy_citation_action.trigger()
    text = QGuiApplication.clipboard().mimeData().text()
    assert "(Kollontai, 1921, as cited in Alpha History, n.d., paras. 8–9)." in text
    window.study_output.style_actions[CitationStyle.CHICAGO].trigger()
    select(window, "editor-intro", "an essay strongly critical of the party")
    window.study_output.copy_citation_action.trigger()
    text = QGuiApplication.clipboard().mimeData().text()
    assert "Note: “Kollontai on the Soviet Bureaucracy (1921),” Alpha History, accessed" in text
    assert "Alexandra Kollontai" not in text


def test_nothing_or_mixed_selected_is_explained_and_the_clipboard_kept(make_window) -> None:
    window = make_window()
    QGuiApplication.clipboard().setText("keep me")
    window.study_output.copy_citation_action.trigger()
    assert "Select some words" in window.statusBar().currentMessage()
    select(window, "editor-intro", "the Soviet government:", "p1", "“Is it to be")
    window.study_output.copy_citation_action.trigger()
    assert "mixes the editor’s introduction" in window.statusBar().currentMessage()
    assert QGuiApplication.clipboard().text() == "keep me"


# ----- the study edition document ------------------------------------------------------------


def test_highlights_and_endnote_markers_are_in_the_document(make_window, qtbot) -> None:
    window = make_window()
    add_notes(window, qtbot)
    plan = window.study_output.plan(StudyEditionOptions())
    doc = StudyEditionBuilder(plan).build()

    backgrounds: list[tuple[str, str]] = []
    markers: list[tuple[int, str]] = []
    block = doc.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            char_format = fragment.charFormat()
            if char_format.hasProperty(ENDNOTE_PROPERTY):
                assert (
                    char_format.verticalAlignment()
                    == QTextCharFormat.VerticalAlignment.AlignSuperScript
                )
                assert char_format.background().style() == char_format.background().style().NoBrush
                markers.append((char_format.intProperty(ENDNOTE_PROPERTY), fragment.text()))
            elif char_format.background().color().alpha() and char_format.background().style():
                backgrounds.append((fragment.text(), char_format.background().color().name()))
            iterator += 1
        block = block.next()

    light = {colour.value: QColor(shades.light).name() for colour, shades in SHADES.items()}
    assert markers == [(n, str(n)) for n in range(1, 6)]
    assert ("self-activity", light["blue"]) in backgrounds  # the inner passage wins
    assert ("Is it to be bureaucracy or ", light["green"]) in backgrounds
    assert (" of the masses?", light["green"]) in backgrounds
    assert (QUOTE, light["yellow"]) in backgrounds
    assert ("an essay strongly critical of the party", light["pink"]) in backgrounds
    assert len(plan.endnotes) == ENDNOTES
    typed = plan.endnotes[4]
    assert typed.label == "¶6" and typed.body == "Typed just before printing <b>&"


# ----- PDF export -------------------------------------------------------------------------------


def test_pdf_export_with_endnotes_and_glossary_appendix(
    make_window, qtbot, dialogs_shown, tmp_path: Path
) -> None:
    window = make_window()
    add_notes(window, qtbot)
    target = export(window, dialogs_shown, tmp_path / "edition", glossary=True)
    pdf = target.with_name("edition.pdf")

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert b"NotoSerif" in data  # the bundled reading face, embedded
    assert not list(tmp_path.glob(".*partial"))
    assert "Exported the study edition" in window.statusBar().currentMessage()
    assert f"{ENDNOTES} notes" in window.statusBar().currentMessage()

    text = pdftotext(pdf)
    body, _, rest = text.partition("\fNotes\n")  # the Notes begin a page
    notes, _, appendix = rest.partition("Glossary of terms in the text")
    flat = squeeze(body)
    for number, words in enumerate(PASSAGE_ENDS, start=1):
        assert f"{squeeze(words)}{number}" in flat, f"marker {number} after “{words}”"
    numbered = [int(n) for n in re.findall(r"^\s*(\d+)\.\s", pdftotext(pdf, "-layout"), re.M)]
    assert numbered[:ENDNOTES] == list(range(1, ENDNOTES + 1))
    assert "¶3 “Some third person decides your fate” — Her definition" in notes
    assert squeeze("— Typed just before printing <b>&") in squeeze(notes)
    assert "Compare Lenin at the Tenth Congress. · tags: context" in notes
    assert "On Self-activity — Samodeyatelnost" in notes
    assert appendix, "the glossary appendix is missing"
    assert "Sovnarkom" not in body
    entry = window.glossary_pane.glossary.entry("self-activity")
    assert squeeze(entry.gloss) in squeeze(appendix)
    assert "In the text: ¶1, ¶6" in appendix

    pages = text.count("\f")  # pdftotext ends every page with a form feed
    for page in (1, pages):
        assert f"{page} of {pages}" in pdftotext(pdf, "-f", str(page), "-l", str(page))
    # Every line is printed once: none also hidden under the clip of the next page, where a
    # paragraph runs over a page break (only the appendix's long paragraphs do).
    for paragraph in window.document.body_blocks():
        assert flat.count(squeeze(paragraph.text[-40:])) == 1
    page_texts = [page.splitlines() for page in text.split("\f")[:pages]]
    for before, after in itertools.pairwise(page_texts):
        last = [line for line in before if line.strip()][-3]  # above the two footer lines
        first = next(line for line in after if line.strip())
        assert first != last, f"“{last}” is printed on two pages"


def test_pdf_export_without_the_appendix(make_window, qtbot, dialogs_shown, tmp_path: Path) -> None:
    window = make_window()
    add_notes(window, qtbot)
    pdf = export(window, dialogs_shown, tmp_path / "plain.pdf", glossary=False)
    text = pdftotext(pdf)
    assert "Glossary of terms in the text" not in text
    assert "Samodeyatelnost" in text  # the note on the entry is still among the notes
    numbered = [int(n) for n in re.findall(r"^\s*(\d+)\.\s", pdftotext(pdf, "-layout"), re.M)]
    assert numbered == list(range(1, ENDNOTES + 1))


def test_an_edition_without_notes_says_so(make_window, dialogs_shown, tmp_path: Path) -> None:
    window = make_window(show=False)
    pdf = export(window, dialogs_shown, tmp_path / "empty.pdf", glossary=False)
    assert "No notes were made on this text." in pdftotext(pdf)


def test_cancelled_or_failed_exports_write_nothing(
    make_window, dialogs_shown, tmp_path: Path
) -> None:
    window = make_window(show=False)
    dialogs_shown.study_options = None
    dialogs_shown.save_path = (str(tmp_path / "never.pdf"), "")
    window.study_output.export_pdf_action.trigger()
    assert not (tmp_path / "never.pdf").exists()
    assert [kind for kind, _, _ in dialogs_shown.shown] == ["study-options"]

    target = tmp_path / "missing-folder" / "edition.pdf"
    export(window, dialogs_shown, target, glossary=False)
    assert not target.parent.exists()
    assert any("could not be written" in m for m in dialogs_shown.texts("error"))


# ----- printing -----------------------------------------------------------------------------------


def test_print_goes_through_the_print_dialog(
    make_window, qtbot, dialogs_shown, tmp_path: Path, monkeypatch
) -> None:
    window = make_window()
    add_notes(window, qtbot)
    dialogs_shown.study_options = StudyEditionOptions(include_glossary=False)
    window.study_output.print_action.trigger()  # the recorder's print dialog is cancelled
    assert ("print", "Print Study Edition", "") in dialogs_shown.shown
    assert "Sent" not in window.statusBar().currentMessage()

    out = tmp_path / "printed.pdf"

    def print_to_file(parent, title: str, printer: QPrinter) -> bool:
        assert printer.pageLayout().pageSize().id() == paper_for()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # "Print to File" in the dialog
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(dialogs, "print_setup", print_to_file)
    window.study_output.print_action.trigger()
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Sent the study edition (3 pages) to the printer." in (
        window.statusBar().currentMessage()
    )
    assert "Her definition of bureaucracy." in pdftotext(out)


def test_menu_actions_join_the_menus_right_after_the_first_paint(qtbot, data_dir: Path) -> None:
    """Out of sight in closed menus, they are built with the panels; the titles come first."""
    from reader_app.app import create_main_window

    window = create_main_window(data_dir, defer_panels=True)
    qtbot.addWidget(window)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Notes", "&Review", "&Help"]
    assert all(action.menu().actions() == [] for action in window.menuBar().actions())
    assert not hasattr(window, "study_output")
    with qtbot.waitSignal(window.panels_ready, timeout=10_000):
        window.show()
    output = window.study_output
    file_actions = window.actions_table.menus["file"].actions()
    assert output.print_action in file_actions
    assert file_actions.index(output.print_action) < file_actions.index(window.action("quit"))
    assert output.copy_citation_action in window.actions_table.menus["edit"].actions()
    assert window.action("zoom-in") in window.actions()  # the window-wide shortcuts work
    assert window.study_output.plan(StudyEditionOptions(include_glossary=True)).appendix


def test_the_edition_says_how_to_cite_it_in_the_chosen_style(make_window) -> None:
    """The study edition uses the same function as Copy with Citation (list_entry)."""
    from datetime import date

    from reader_app.domain.citation import list_entry, plain

    window = make_window(show=False)
    window.study_output.style_actions[CitationStyle.APA].trigger()
    plan = window.study_output.plan(StudyEditionOptions())
    assert plan.citation_style is CitationStyle.APA
    day = date(2026, 12, 3)
    text = StudyEditionBuilder(plan, today=day).build().toPlainText()
    work = CitedWork.from_document(window.document)
    assert f"Cite as (APA): {plain(list_entry(work, 'apa', today=day))}" in text
    assert "Retrieved December 3, 2026, from https://alphahistory.com/" in text
