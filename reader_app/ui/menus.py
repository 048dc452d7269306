"""The menu bar's menus, in order, each a list of named sections (see ui/actions.py).

Apart from the action table so that the titles, which the first paint shows, cost nothing
else: the actions themselves are made just after that paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu, QMenuBar

# (id, title, sections in order).
MENUS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "file",
        "&File",
        ("texts", "notes-files", "glossary-files", "text-files", "study-edition", "quit"),
    ),
    ("edit", "&Edit", ("undo", "clipboard", "find", "glossary", "preferences")),
    ("view", "&View", ("zoom", "panes", "moving")),
    ("notes", "&Notes", ("marking", "new", "delete")),
    ("review", "&Review", ("session", "cards", "glossary")),
    ("help", "&Help", ("guides", "about")),
)


def build_menu_bar(menu_bar: QMenuBar) -> dict[str, QMenu]:
    return {menu_id: menu_bar.addMenu(title) for menu_id, title, _sections in MENUS}
