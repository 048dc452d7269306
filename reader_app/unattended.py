"""``--screenshot`` and ``--self-test`` run with nobody to answer a dialog.

A modal dialog there would wait forever (offscreen, nobody can even see it), so these runs
check the notes before building the window, and replace every dialog by a line on stderr,
answered "no", that makes the run fail. Both are plain functions the tests can call.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader_app import EXECUTABLE

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def notes_problem(data_dir: Path) -> str | None:
    """Why the notes in ``data_dir`` cannot be opened, or None if they can (or there are none).

    Reads an in-memory copy, so a damaged or too-new file is reported without being moved
    aside, upgraded or backed up.
    """
    from reader_app.domain.text import TextError, load_document
    from reader_app.storage.db import StorageError
    from reader_app.storage.snapshot import open_read_only_copy
    from reader_app.storage.store import database_path, unanswered_offer_message

    path = database_path(data_dir)
    try:
        if not path.exists():
            return unanswered_offer_message(data_dir, load_document())
        open_read_only_copy(path, load_document()).close()
    except (StorageError, TextError) as error:
        return " ".join(str(error).split())
    return None


class RefusedDialogs:
    """Stands in for the modal dialogs of ``reader_app.ui.dialogs``; ``refused`` lists what
    would have been shown."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    def install(self) -> RefusedDialogs:
        from reader_app.ui import dialogs

        # The dialogs' own parameter names, so a call by keyword reaches these too.
        def show(parent: QWidget | None, title: str, message: str) -> None:
            self._refuse(title, message)

        def ask(parent: QWidget | None, title: str, message: str, accept: str, reject: str) -> bool:
            return self._refuse(title, message)

        dialogs.show_error = show
        dialogs.ask = ask
        dialogs.show_about = lambda parent, title, html: show(parent, title, "")
        return self

    def _refuse(self, title: str, message: str) -> bool:
        line = " ".join(f"{title}: {message}".split())
        self.refused.append(line)
        print(f"{EXECUTABLE}: {line}", file=sys.stderr, flush=True)
        return False
