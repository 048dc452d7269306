"""The reader's own glossary in the window: Add to Glossary…, edit, delete, export, import.

The entries are shown by the same glossary pane and the same term marks as the bundled
ones; this module rebuilds both after every change. It works on "the current text" (the
window's ``document``), so that it follows the text once the window can switch texts.
Every dialog goes through ``ask_entry`` (or ``ui/dialogs.py``), which tests replace.
"""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from PySide6.QtCore import QObject

from reader_app.domain.glossary import Category, Occurrence, Source
from reader_app.domain.personal_glossary import PersonalEntry, edited, make_entry
from reader_app.ui import dialogs
from reader_app.ui.actions import ActionSpec

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget, QLabel, QStatusBar, QWidget

    from reader_app.domain.text import Document
    from reader_app.models.personal_glossary import PersonalGlossaryController
    from reader_app.ui.actions import ActionRegistry
    from reader_app.ui.glossary_pane import GlossaryPane
    from reader_app.ui.text_view import ReadingView

GLOSSARY_FILTERS = ["Glossary files (*.toml)", "All files (*)"]

PERSONAL_GLOSSARY_ACTIONS = (
    ActionSpec(
        "add-to-glossary",
        "Add to &Glossary…",
        "edit",
        "glossary",
        keys="Ctrl+Shift+G",
        tip="Make your own glossary entry for the selected words",
        context_rank=5,
    ),
    ActionSpec("edit-glossary-entry", "&Edit Your Glossary Entry…", "edit", "glossary"),
    ActionSpec("delete-glossary-entry", "De&lete Your Glossary Entry", "edit", "glossary"),
    ActionSpec(
        "export-glossary",
        "Export &Glossary…",
        "file",
        "glossary-files",
        tip="Save your glossary entries for this text as a file to share",
    ),
    ActionSpec(
        "import-glossary",
        "Import G&lossary…",
        "file",
        "glossary-files",
        tip="Add the entries of a glossary file to your own",
    ),
)


class EntryDraft(NamedTuple):
    """What the entry dialog edits; ``sources`` one per line: author; title; year or address."""

    headword: str
    aliases: tuple[str, ...]
    category: Category
    gloss: str
    explanation: str
    sources: str
    whole_library: bool


def sources_text(sources: tuple[Source, ...]) -> str:
    return "\n".join(
        "; ".join(str(p) for p in (s.author, s.title, s.year, s.url) if p) for s in sources
    )


def parse_sources(text: str, today: str) -> tuple[Source, ...]:
    """Lines of "author; title; year; address" (year and address optional, any order).

    Raises ValueError with the line's number for a line without an author and a title."""
    sources = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValueError(f"Source line {number}: write author; title; year or address.")
        year = next((int(p) for p in parts[2:] if re.fullmatch(r"\d{1,4}", p)), None)
        url = next((p for p in parts[2:] if p.startswith(("http://", "https://"))), None)
        sources.append(Source(parts[0], parts[1], year, url, accessed=today if url else None))
    return tuple(sources)


def ask_entry(parent: QWidget, title: str, draft: EntryDraft, text_title: str) -> EntryDraft | None:
    """The entry dialog; None when the reader cancelled."""
    from PySide6.QtWidgets import (
        QCheckBox,
        QComboBox,
        QDialog,
        QDialogButtonBox,
        QFormLayout,
        QLineEdit,
        QPlainTextEdit,
    )

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(520, 480)
    form = QFormLayout(dialog)
    headword = QLineEdit(draft.headword, dialog)
    aliases = QLineEdit(", ".join(draft.aliases), dialog)
    aliases.setPlaceholderText("other spellings and forms, separated by commas")
    category = QComboBox(dialog)
    for choice in Category:
        category.addItem(choice.value.capitalize(), choice)
    category.setCurrentIndex(list(Category).index(draft.category))
    gloss = QLineEdit(draft.gloss, dialog)
    gloss.setPlaceholderText("one sentence")
    explanation = QPlainTextEdit(draft.explanation, dialog)
    sources = QPlainTextEdit(draft.sources, dialog)
    sources.setPlaceholderText("one per line: author; title; year or https:// address")
    sources.setFixedHeight(70)
    everywhere = QCheckBox(f"For every text in the library, not only “{text_title}”", dialog)
    everywhere.setChecked(draft.whole_library)
    for label, field in (
        ("&Headword:", headword),
        ("&Aliases:", aliases),
        ("&Category:", category),
        ("Short &gloss:", gloss),
        ("E&xplanation:", explanation),
        ("&Sources:", sources),
    ):
        form.addRow(label, field)
    form.addRow(everywhere)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return EntryDraft(
        headword.text(),
        tuple(a.strip() for a in aliases.text().split(",") if a.strip()),
        Category(category.currentData()),  # Qt hands a StrEnum back as a plain str
        gloss.text(),
        explanation.toPlainText(),
        sources.toPlainText(),
        everywhere.isChecked(),
    )


def marked_occurrences(occurrences: list[Occurrence], personal: Container[str]) -> list[Occurrence]:
    """The occurrences to mark in the text: where a bundled entry and one of the reader's
    cover the same words, the mark (and so a click) is the bundled entry's, which stays
    authoritative for its text; the pane still lists the reader's occurrence, and each
    entry links to the other."""
    bundled: dict[str, list[tuple[int, int]]] = {}
    for o in occurrences:
        if o.entry_id not in personal:
            bundled.setdefault(o.block_id, []).append((o.start, o.end))
    return [
        o
        for o in occurrences
        if o.entry_id not in personal
        or not any(start < o.end and o.start < end for start, end in bundled.get(o.block_id, ()))
    ]


NO_GLOSSARY = (
    "This text has no glossary yet. Select words in it and choose Edit > Add to Glossary… "
    "(Ctrl+Shift+G) to make an entry of your own. The glossary that comes with Study Reader "
    "belongs to its own text, The Workers’ Opposition."
)


def no_glossary_label(parent: QWidget) -> QLabel:
    """The calm line a text without any glossary entry shows instead of empty lists."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    label = QLabel(NO_GLOSSARY, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setMargin(18)
    label.setEnabled(False)  # the muted look of a placeholder
    return label


class GlossaryHost(Protocol):
    """What this module needs of the window."""

    document: Document
    reading_view: ReadingView
    glossary_pane: GlossaryPane | None
    glossary_dock: QDockWidget
    glossary_headwords: dict[str, str]

    def show_problem(self, message: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...


class PersonalGlossaryCoordinator(QObject):
    """Wires the reader's glossary to the window's actions, pane and marks."""

    def __init__(
        self,
        window: GlossaryHost,
        parent: QWidget,
        actions: ActionRegistry,
        controller: PersonalGlossaryController,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._parent = parent
        self._actions = actions
        self.controller = controller
        self._no_glossary: QLabel | None = None  # shown in the dock while there is no entry
        actions.add_all(PERSONAL_GLOSSARY_ACTIONS, self)
        controller.failed.connect(window.show_problem)
        controller.changed.connect(self.refresh)
        if window.glossary_pane is not None:
            window.glossary_pane.entry_opened.connect(self._update_actions)
            window.glossary_pane.entries_changed.connect(self._update_actions)
        for action_id in ("add-to-glossary", "import-glossary"):
            actions.action(action_id).setEnabled(not controller.read_only)
        self.refresh()

    # ----- showing ----------------------------------------------------------------------

    def refresh(self) -> None:
        """The pane's entries and the text's term marks, from the stored entries, for the
        text being read (called again when the window opens another text). A text without
        any entry shows one line saying how to make one, instead of an empty pane."""
        from reader_app.ui.term_marks import finds_later, mark_terms

        window = self._window
        pane = window.glossary_pane
        if pane is None:
            return
        document = window.document
        glossary, scopes = self.controller.entries_for(document)

        def show_in_pane(occurrences: list[Occurrence]) -> None:
            pane.set_glossary(glossary, occurrences, scopes, document=document)

        if finds_later(document):  # a book's occurrences follow its first paint
            show_in_pane([])
        window.glossary_headwords = {entry.id: entry.headword for entry in glossary.entries}
        # The bundled text keeps its pane even empty: it says why its glossary failed.
        self._show_in_dock(pane if len(glossary) or document.glossary_file else None)
        mark_terms(
            window.reading_view,
            document,
            glossary,
            occurrences_in=lambda blocks: self.controller.occurrences_in(
                document, glossary, blocks
            ),
            marked=lambda occurrences: marked_occurrences(occurrences, scopes),
            found=show_in_pane,
        )
        self._update_actions()

    def _show_in_dock(self, pane: GlossaryPane | None) -> None:
        """The pane, or (None) the line for a text without a glossary; the dock keeps the
        widget it no longer shows, hidden, for the next time."""
        dock = self._window.glossary_dock
        if pane is None:
            if self._no_glossary is None:
                self._no_glossary = no_glossary_label(dock)
            shown: QWidget = self._no_glossary
        else:
            shown = pane
        if dock.widget() is not shown:
            dock.setWidget(shown)
            shown.show()

    def _current_personal(self) -> PersonalEntry | None:
        pane = self._window.glossary_pane
        if pane is None or not pane.is_personal(pane.current_entry_id):
            return None
        assert pane.current_entry_id is not None
        return self.controller.entry(pane.current_entry_id)

    def _update_actions(self, *_: object) -> None:
        pane = self._window.glossary_pane
        mine = pane is not None and pane.is_personal(pane.current_entry_id)
        for action_id in ("edit-glossary-entry", "delete-glossary-entry"):
            self._actions.action(action_id).setEnabled(mine and not self.controller.read_only)

    def _open(self, entry_id: str) -> None:
        pane = self._window.glossary_pane
        if pane is not None:
            self._window.glossary_dock.show()
            pane.open_entry(entry_id)

    # ----- commands -----------------------------------------------------------------------

    def add_to_glossary(self) -> PersonalEntry | None:
        window = self._window
        selected = window.reading_view.selected_range()
        words = ""
        if selected is not None:
            block_id, start, end = selected
            words = " ".join(window.document.block(block_id).text[start:end].split())
        draft = EntryDraft(words, (), Category.CONCEPT, "", "", "", False)
        return self._ask_and_store("Add to Glossary", draft, None)

    def edit_glossary_entry(self) -> PersonalEntry | None:
        current = self._current_personal()
        if current is None:
            return None
        entry = current.entry
        draft = EntryDraft(
            entry.headword,
            entry.aliases,
            entry.category,
            entry.gloss,
            entry.explanation,
            sources_text(entry.sources),
            current.text_id is None,
        )
        return self._ask_and_store("Edit Glossary Entry", draft, current)

    def _ask_and_store(
        self, title: str, draft: EntryDraft, current: PersonalEntry | None
    ) -> PersonalEntry | None:
        document = self._window.document
        while True:
            answer = ask_entry(self._parent, title, draft, document.display_title)
            if answer is None:
                return None
            draft = answer  # asked again with what was typed if it cannot be stored
            try:
                entry = self._entry_from(answer, current, document.id)
            except ValueError as error:
                dialogs.show_error(self._parent, title, str(error))
                continue
            stored = self.controller.add(entry) if current is None else self.controller.edit(entry)
            if stored:
                self._open(entry.id)
                return entry
            return None

    @staticmethod
    def _entry_from(
        draft: EntryDraft, current: PersonalEntry | None, text_id: str
    ) -> PersonalEntry:
        today = datetime.now(UTC).date().isoformat()
        fields = {
            "headword": draft.headword,
            "gloss": draft.gloss,
            "explanation": draft.explanation,
            "aliases": draft.aliases,
            "category": draft.category,
            "sources": parse_sources(draft.sources, today),
        }
        scope = None if draft.whole_library else text_id
        if current is None:
            return make_entry(**fields, text_id=scope)  # type: ignore[arg-type]
        return edited(current, None, text_id=scope, **fields)

    def delete_glossary_entry(self) -> bool:
        current = self._current_personal()
        return current is not None and self.controller.delete(current.id)

    def export_glossary(self) -> Path | None:
        """This text's entries and the library-wide ones, as one file for this text."""
        document = self._window.document
        entries = self.controller.entries(document.id)
        if not entries:
            self._window.show_problem(
                "You have no glossary entries of your own for this text yet: select words "
                "and choose Add to Glossary…"
            )
            return None
        suggested = f"{document.title} glossary.toml"
        path, _ = dialogs.save_file_path(
            self._parent, "Export Glossary", suggested, GLOSSARY_FILTERS
        )
        if not path:
            return None
        target = Path(path)
        if not self.controller.export(
            target, entries, title=f"Glossary for {document.title}", text_id=document.id
        ):
            return None
        self._window.statusBar().showMessage(
            f"Exported {len(entries)} glossary entries to {target.name}.", 8000
        )
        return target

    def import_glossary(self) -> bool:
        path = dialogs.open_file_path(self._parent, "Import Glossary", GLOSSARY_FILTERS)
        if not path:
            return False
        plan = self.controller.import_file(Path(path))
        if plan is None:
            return False
        message = (
            f"Imported {Path(path).name}: {len(plan.added)} new entries, "
            f"{len(plan.updated)} updated, {plan.unchanged} unchanged."
        )
        self._window.statusBar().showMessage(message, 10000)
        return True
