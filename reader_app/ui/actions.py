"""The window's commands in one table: what each is called, its keys, its menu and its place.

Every feature registers its actions here instead of editing a menu: the menus, the Keyboard
Shortcuts list, the text's context menu and the tests all read this one table. A menu is a
list of named sections, shown in order with a separator between those that hold something,
so an action registered late (Undo once the notes open, Print once study output is built)
lands in its place without anyone counting menu items.

Keys are given by the name of a ``QKeySequence.StandardKey`` where the platform has one,
with a typed fallback for desktops that bind nothing to it. The table holds names, not Qt
objects, so that reading it costs nothing before the first paint.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject

from reader_app import APP_NAME
from reader_app.ui.menus import MENUS

if TYPE_CHECKING:  # QAction and QKeySequence load after the first paint (see app.py)
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMenu, QWidget


# A NamedTuple, not a dataclass: cheaper to define, as elsewhere in the app.
class ActionSpec(NamedTuple):
    """One command. ``standard_key`` names a ``QKeySequence.StandardKey``; ``keys`` is the
    typed shortcut, or the fallback when the platform binds nothing to the standard key."""

    id: str
    text: str
    menu: str
    section: str
    standard_key: str | None = None
    keys: str | None = None
    role: str | None = None  # a QAction.MenuRole name, for the macOS application menu
    tip: str = ""
    checkable: bool = False
    context_rank: int | None = None  # offered by a right click on the text, in this order
    handler: str = ""  # the owner's method; by default the id with underscores
    arguments: tuple[object, ...] = ()  # given to the handler


# The shell's own commands (ui/main_window.py).
WINDOW_ACTIONS = (
    ActionSpec("quit", "&Quit", "file", "quit", "Quit", "Ctrl+Q", "QuitRole", handler="close"),
    ActionSpec("copy", "&Copy", "edit", "clipboard", "Copy", handler="reading_view.copy"),
    ActionSpec(
        "select-all",
        "Select &All",
        "edit",
        "clipboard",
        "SelectAll",
        handler="reading_view.selectAll",
    ),
    ActionSpec("find", "&Find…", "edit", "find", "Find", handler="open_find_bar"),
    ActionSpec("find-next", "Find &Next", "edit", "find", "FindNext"),
    ActionSpec("find-previous", "Find Pre&vious", "edit", "find", "FindPrevious"),
    ActionSpec(
        "search-everything",
        "&Search Everything…",
        "edit",
        "find",
        keys="Ctrl+Shift+F",
        handler="show_search_everything",
    ),
    ActionSpec(
        "look-up",
        "&Look Up in Glossary",
        "edit",
        "glossary",
        keys="Ctrl+D",
        tip="Open the glossary entry for the marked term at the caret",
        context_rank=3,
        handler="look_up_at_caret",
    ),
    ActionSpec(
        "preferences",
        "&Preferences…",
        "edit",
        "preferences",
        "Preferences",
        "Ctrl+,",
        "PreferencesRole",
        handler="show_preferences",
    ),
    ActionSpec("zoom-in", "Zoom &In", "view", "zoom", "ZoomIn", handler="reading_view.zoom_in"),
    ActionSpec("zoom-out", "Zoom &Out", "view", "zoom", "ZoomOut", handler="reading_view.zoom_out"),
    ActionSpec(
        "zoom-reset",
        "&Actual Size",
        "view",
        "zoom",
        keys="Ctrl+0",
        handler="reading_view.zoom_reset",
    ),
    ActionSpec(
        "restore-layout",
        "&Restore Default Layout",
        "view",
        "panes",
        handler="restore_default_layout",
    ),
    ActionSpec("full-screen", "&Full Screen", "view", "panes", "FullScreen", checkable=True),
    ActionSpec("go-to-paragraph", "&Go to Paragraph…", "view", "moving", keys="Ctrl+J"),
    ActionSpec(
        "next-pane",
        "Next &Pane",
        "view",
        "moving",
        keys="F6",
        handler="cycle_focus",
        arguments=(1,),
    ),
    ActionSpec(
        "previous-pane",
        "Previous Pa&ne",
        "view",
        "moving",
        keys="Shift+F6",
        handler="cycle_focus",
        arguments=(-1,),
    ),
    ActionSpec("about-text", "About This &Text", "help", "guides", handler="show_about_text"),
    ActionSpec(
        "keyboard-shortcuts",
        "&Keyboard Shortcuts",
        "help",
        "guides",
        "HelpContents",
        handler="show_shortcuts",
    ),
    ActionSpec(
        "about", f"&About {APP_NAME}", "help", "about", role="AboutRole", handler="show_about"
    ),
)

# The notes (ui/notes_coordinator.py).
NOTES_ACTIONS = (
    ActionSpec("export-notes", "&Export Notes…", "file", "notes-files", keys="Ctrl+Shift+E"),
    ActionSpec("import-notes", "&Import Notes…", "file", "notes-files", keys="Ctrl+Shift+I"),
    ActionSpec(
        "add-note",
        "&Add Note to Selection",
        "notes",
        "marking",
        keys="Ctrl+Shift+N",
        context_rank=1,
    ),
    ActionSpec(
        "highlight",
        "&Highlight Selection",
        "notes",
        "marking",
        keys="Ctrl+Shift+H",
        context_rank=2,
    ),
    ActionSpec("new-free-note", "New &Free Note", "notes", "new", "New"),
    ActionSpec("note-on-entry", "Note on Glossary &Entry", "notes", "new"),
    ActionSpec("delete-note", "&Delete Note", "notes", "delete", keys="Ctrl+Shift+Del"),
)

# The library (ui/library_coordinator.py).
LIBRARY_ACTIONS = (
    ActionSpec("add-text", "&Add Text…", "file", "texts", "Open", "Ctrl+O", handler="add_texts"),
    ActionSpec("show-library", "&Library", "file", "texts", keys="Ctrl+Shift+L"),
)

# Copy with Citation and the study edition (ui/study_output.py).
# Review (ui/review_menu.py): sittings, statistics and export.
REVIEW_ACTIONS = (
    ActionSpec(
        "start-review",
        "&Start Review…",
        "review",
        "session",
        keys="Ctrl+R",
        tip="Answer the review cards that are due now, of every text",
        handler="start",
    ),
    ActionSpec(
        "review-this-text",
        "Review &This Text…",
        "review",
        "session",
        tip="Answer the review cards of the open text that are due now",
        handler="start_this_text",
    ),
    ActionSpec(
        "review-statistics",
        "Review S&tatistics…",
        "review",
        "session",
        tip="Reviews due over the next 30 days and how much you remembered",
        handler="show_statistics",
    ),
    ActionSpec(
        "export-cards",
        "Export Cards for &Anki…",
        "file",
        "notes-files",
        tip="Save the cards in review as an Anki package (.apkg) or as CSV",
    ),
)

# Making review cards (ui/review_cards.py).
REVIEW_CARD_ACTIONS = (
    ActionSpec(
        "save-word-for-review",
        "Save &Word for Review",
        "review",
        "cards",
        keys="Ctrl+Shift+R",
        tip="Make a card of the selected word with its sentence and its gloss",
        context_rank=5,
        handler="save_word",
    ),
    ActionSpec(
        "cloze-card",
        "Make &Cloze Card from Highlight…",
        "review",
        "cards",
        tip="Hide words of a highlighted passage and recall them in review",
        context_rank=6,
        handler="make_cloze_card",
    ),
    ActionSpec(
        "question-card",
        "Make &Question Card from Note…",
        "review",
        "cards",
        tip="Your note as the question and its passage as the answer, or the reverse",
        context_rank=7,
        handler="make_question_card",
    ),
    ActionSpec(
        "glossary-entry-to-review",
        "Add Glossary &Entry to Review",
        "review",
        "glossary",
        tip="The open glossary entry: its headword asks, its gloss answers",
        handler="add_glossary_entry",
    ),
    ActionSpec(
        "glossary-entry-both-ways",
        "Add Glossary Entry to Review, &Both Ways",
        "review",
        "glossary",
        tip="The open glossary entry, and a second card where the gloss asks",
        handler="add_glossary_entry",
        arguments=(True,),
    ),
)

STUDY_OUTPUT_ACTIONS = (
    ActionSpec(
        "copy-with-citation",
        "Copy with &Citation",
        "edit",
        "clipboard",
        keys="Ctrl+Shift+C",
        tip="Copy the selected words in quotation marks with a citation of their paragraph",
        context_rank=4,
    ),
    ActionSpec(
        "print-study-edition",
        "&Print Study Edition…",
        "file",
        "study-edition",
        "Print",
        "Ctrl+P",
        tip="Print the text with your highlights and paragraph numbers, and your notes",
    ),
    ActionSpec(
        "export-study-edition",
        "Export Study Edition as P&DF…",
        "file",
        "study-edition",
        tip="Save the text with your highlights and notes as a PDF to read or print later",
    ),
)

# Keys that no menu shows, listed with the rest in Keyboard Shortcuts.
OTHER_SHORTCUTS = (
    ("Glossary", "Back / Forward in the glossary", "Alt+Left, Alt+Right"),
    ("Find bar", "Next / previous match, close", "Enter, Shift+Enter, Escape"),
)


def typed_keys(sequences: list[QKeySequence]) -> list[str]:
    """Key combinations a reader types, leaving out dedicated keys ("Find", "Zoom In") that
    most keyboards lack; at most two, as menus show them."""
    from PySide6.QtGui import QKeySequence

    shown = []
    for sequence in sequences:
        text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        if "+" in text or re.fullmatch(r"F\d+|Esc|Del|Enter", text):
            shown.append(text)
    return shown[:2]


class ActionRegistry(QObject):
    """Owns the menu bar's menus and every action in them, by id and by section."""

    def __init__(self, menus: dict[str, QMenu], parent: QWidget) -> None:
        """``menus``: the menu bar's menus, made before the first paint (ui/menus.py)."""
        super().__init__(parent)
        self._parent = parent
        self.menus: dict[str, QMenu] = {}
        self._sections: dict[str, dict[str, list[QAction]]] = {}
        self._actions: dict[str, QAction] = {}
        self.context_actions: list[QAction] = []
        self._context_ranks: dict[QAction, int] = {}
        for menu_id, _title, sections in MENUS:
            self.menus[menu_id] = menus[menu_id]
            self._sections[menu_id] = {section: [] for section in sections}

    def add(self, spec: ActionSpec, handler: Callable[..., object]) -> QAction:
        """Create the action described by ``spec``, connect it and put it in its menu."""
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(spec.text, self._parent)
        action.setObjectName(spec.id)
        if spec.standard_key is not None:
            action.setShortcuts(getattr(QKeySequence.StandardKey, spec.standard_key))
        if spec.keys is not None and not action.shortcuts():
            action.setShortcut(QKeySequence(spec.keys))
        if spec.role is not None:
            action.setMenuRole(getattr(QAction.MenuRole, spec.role))
        if spec.tip:
            action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        action.triggered.connect(handler)
        if spec.context_rank is not None:
            self._context_ranks[action] = spec.context_rank
            self.context_actions.append(action)  # the reading view holds this very list
            self.context_actions.sort(key=self._context_ranks.__getitem__)
        return self.place(action, spec.menu, spec.section, spec.id)

    def add_all(self, specs: tuple[ActionSpec, ...], owner: object) -> None:
        """Register a feature's table: each spec's handler is the owner's method of its id, or
        the one its ``handler`` names (a dotted name reaches a part: ``reading_view.copy``)."""
        for spec in specs:
            handler: Any = owner  # a bound method, found by name below
            for name in (spec.handler or spec.id.replace("-", "_")).split("."):
                handler = getattr(handler, name)
            self.add(
                spec, functools.partial(handler, *spec.arguments) if spec.arguments else handler
            )

    def place(self, action: QAction, menu: str, section: str, action_id: str = "") -> QAction:
        """Put an action made elsewhere (a dock's toggle, the undo stack's Undo) in a menu."""
        if action_id:
            self._actions[action_id] = action
        self._sections[menu][section].append(action)
        self._rebuild(menu)
        return action

    def place_menu(self, submenu: QMenu, menu: str, section: str) -> None:
        self.place(submenu.menuAction(), menu, section)

    def action(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def _rebuild(self, menu_id: str) -> None:
        menu = self.menus[menu_id]
        # Not QMenu.clear(): PySide's deletes every action, the window's own included.
        for action in menu.actions():
            menu.removeAction(action)
            if action.isSeparator():
                action.deleteLater()  # made by addSeparator below, for this menu only
        first = True
        for actions in self._sections[menu_id].values():
            if not actions:
                continue
            if not first:
                menu.addSeparator()
            menu.addActions(actions)
            first = False

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(menu, action, keys) for every action that has a shortcut, in menu order."""
        rows = []
        for menu_id, menu in self.menus.items():
            for actions in self._sections[menu_id].values():
                for action in actions:
                    keys = ", ".join(typed_keys(action.shortcuts()))
                    if keys and action.text():
                        title = menu.title().replace("&", "")
                        rows.append((title, action.text().replace("&", ""), keys))
        return [*rows, *OTHER_SHORTCUTS]
