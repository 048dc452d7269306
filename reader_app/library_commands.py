"""``study-reader add``, ``list`` and ``remove``: the library from the command line.

Like ``export`` and ``import`` (``cli.py``) these run without Qt and print one line on stderr
for each failure the user can fix. ``add`` and ``remove`` write, so they take the data
folder's single-writer lock through ``open_store`` as ``import`` does and refuse while a
window holds it; ``list`` reads an in-memory copy, as ``export`` does, and never waits.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reader_app import EXECUTABLE
from reader_app.command_support import (
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    DataDirFactory,
    DocumentLoader,
    data_dir_from,
    load_text,
    open_for_writing,
    report_failure,
    stored_copy,
)
from reader_app.domain.text import load_document

if TYPE_CHECKING:
    from reader_app.storage.library import LibraryRepository
    from reader_app.storage.store import StoreOpenResult

WINDOW_OPEN_MESSAGE = (
    "Study Reader is open with this library; close it first (adding texts in the window "
    "is still to come)."
)


def add_library_commands(
    subparsers: argparse._SubParsersAction,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> None:
    """Add ``add``, ``list`` and ``remove``; each sets ``args.handler``."""
    add = subparsers.add_parser(
        "add",
        help="add texts (plain text, Markdown, web page, EPUB) to the library",
        description=(
            "Add files to the library and print, for each, its id, a tab and its title. "
            "A file that is already in the library is not added again: its id is printed."
        ),
    )
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    add.set_defaults(
        handler=partial(run_add, default_data_dir=default_data_dir, document_loader=document_loader)
    )

    listing = subparsers.add_parser(
        "list",
        help="list the texts in the library",
        description=(
            "One line per text: id, title, author, year and number of notes, separated by "
            "tabs; or a JSON array with --format json."
        ),
    )
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    listing.set_defaults(
        handler=partial(
            run_list, default_data_dir=default_data_dir, document_loader=document_loader
        )
    )

    remove = subparsers.add_parser(
        "remove",
        help="remove a text from the library, keeping its notes",
        description=(
            "Remove a text (its id as 'list' shows it) and its stored copy. Its notes are "
            "kept; adding the same file again brings them back."
        ),
    )
    remove.add_argument("text_id", metavar="ID")
    remove.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    remove.set_defaults(
        handler=partial(
            run_remove, default_data_dir=default_data_dir, document_loader=document_loader
        )
    )


def _open_library(
    data_dir: Path, document_loader: DocumentLoader, *, take_backup: bool
) -> tuple[StoreOpenResult, LibraryRepository]:
    """The writable library of a data folder, or CommandError (window open, bad folder)."""
    from reader_app.storage.library import library_of

    document = load_text(document_loader)
    result = open_for_writing(
        data_dir, document, take_backup=take_backup, window_open=WINDOW_OPEN_MESSAGE
    )
    assert result.repository is not None
    return result, library_of(result.repository, data_dir)


def run_add(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    """Add every file it can; a bad file is one line on stderr and does not stop the rest."""
    from reader_app.domain.importing import TextImportError
    from reader_app.storage.db import StorageError

    try:
        data_dir = data_dir_from(args, default_data_dir)
        # No start-up backup: an addition changes nothing that was there, and a run per
        # file would otherwise push the reader's older backups out of the rotation.
        store, library = _open_library(data_dir, document_loader, take_backup=False)
    except (CommandError, StorageError) as error:
        return report_failure(error)
    failed = False
    try:
        for path in args.files:
            try:
                added = library.add_file(Path(path))
            except TextImportError as error:
                print(f"{EXECUTABLE}: {error}", file=sys.stderr)
                failed = True
                continue
            except StorageError as error:  # the data folder, not the file: stop here
                return report_failure(error)
            print(f"{added.text_id}\t{' '.join(added.title.split())}", flush=True)
            if added.notice:  # added all the same: the exit status stays a success
                print(f"{EXECUTABLE}: {Path(path).name}: {added.notice}", file=sys.stderr)
    finally:
        store.close()
    return EXIT_FAILED if failed else EXIT_OK


def run_list(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    """Print the library from a read-only copy; an empty folder holds the bundled text."""
    from reader_app.storage.db import StorageError
    from reader_app.storage.library import library_of

    try:
        data_dir = data_dir_from(args, default_data_dir)
        document = load_text(document_loader)
        with stored_copy(data_dir, document) as repository:
            texts = None if repository is None else library_of(repository, data_dir).list_texts()
        if texts is not None:
            rows = [
                {
                    "id": text.id,
                    "title": text.title,
                    "author": text.author,
                    "year": text.year,
                    "notes": text.notes,
                    "bundled": text.bundled,
                    "format": text.source_format,
                    "last_opened": text.last_opened.isoformat() if text.last_opened else None,
                }
                for text in texts
            ]
        else:  # nothing stored yet: the library is the bundled text alone
            rows = [
                {
                    "id": document.id,
                    "title": document.title,
                    "author": document.author,
                    "year": document.year,
                    "notes": 0,
                    "bundled": True,
                    "format": "bundled",
                    "last_opened": None,
                }
            ]
    except (CommandError, StorageError) as error:
        return report_failure(error)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            fields = (row["id"], row["title"], row["author"], row["year"] or "", row["notes"])
            print("\t".join(" ".join(str(field).split()) for field in fields))
    return EXIT_OK


def run_remove(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    """Remove one text; its notes stay (the window will offer to export and delete them)."""
    from reader_app.storage.db import StorageError

    try:
        data_dir = data_dir_from(args, default_data_dir)
        # The start-up backup is taken: it is the way back from a mistaken removal.
        store, library = _open_library(data_dir, document_loader, take_backup=True)
        try:
            removed = library.remove(args.text_id)
        finally:
            store.close()
    except (CommandError, StorageError) as error:
        return report_failure(error)
    kept = removed.notes_kept
    notes = f"its {kept} {'note is' if kept == 1 else 'notes are'} kept" if kept else "no notes"
    print(f"Removed {removed.text_id} ({removed.title}); {notes}.")
    return EXIT_OK
