"""What every command-line command shares: its exit codes, its one kind of user-facing
failure, and how it finds the data folder and the text.

Kept apart from ``cli.py`` so that each family of commands (notes in ``cli.py``, the
library in ``library_commands.py``) can use it without importing the other.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader_app import EXECUTABLE
from reader_app.domain.text import Document, TextError

if TYPE_CHECKING:  # storage loads only when a command runs
    from reader_app.storage.notes_repo import NotesRepository
    from reader_app.storage.store import StoreOpenResult

EXIT_OK = 0
EXIT_FAILED = 1

DataDirFactory = Callable[[], Path]
DocumentLoader = Callable[[], Document]


class CommandError(Exception):
    """A failure to report in one line; raised inside the commands, caught at their edge."""


def data_dir_from(args: argparse.Namespace, default_data_dir: DataDirFactory | None) -> Path:
    chosen = getattr(args, "data_dir", None)
    if chosen is not None:
        return Path(chosen)
    if default_data_dir is None:
        raise CommandError("No data folder given: use --data-dir DIR.")
    return default_data_dir()


def load_text(document_loader: DocumentLoader) -> Document:
    try:
        return document_loader()
    except TextError as error:
        raise CommandError(str(error)) from error


def report_failure(error: Exception) -> int:
    """One line on stderr, whatever line breaks the message holds; the failing status."""
    message = " ".join(str(error).split())
    print(f"{EXECUTABLE}: error: {message}", file=sys.stderr)
    return EXIT_FAILED


@contextlib.contextmanager
def stored_copy(data_dir: Path, document: Document) -> Iterator[NotesRepository | None]:
    """The data folder's database as an in-memory copy, or None if nothing is stored yet.

    Commands that only read use this, so they never upgrade, back up, move aside or lock
    anything, and they work while a window holds the folder.
    """
    from reader_app.storage.snapshot import open_read_only_copy
    from reader_app.storage.store import database_path

    path = database_path(data_dir)
    if not path.exists():
        yield None
        return
    repository = open_read_only_copy(path, document)
    try:
        yield repository
    finally:
        repository.close()


def open_for_writing(
    data_dir: Path, document: Document, *, take_backup: bool, window_open: str
) -> StoreOpenResult:
    """The data folder's store for a command that writes, or CommandError.

    A command never writes beside an open window (the window holds the single-writer lock,
    and the store then opens read-only): ``window_open`` tells the user what to do instead.
    """
    from reader_app.storage.store import OpenStatus, open_store

    result = open_store(data_dir, document, take_backup=take_backup)
    if result.repository is None:
        result.close()
        raise CommandError(" ".join(result.messages) or f"Cannot open the notes in {data_dir}.")
    if result.status is OpenStatus.READ_ONLY:
        result.close()
        raise CommandError(window_open)
    return result
