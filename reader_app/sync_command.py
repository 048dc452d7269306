"""``study-reader sync --sync-dir DIR``: one sync of the data folder's notes, without a window.

It writes the notes, so it takes the data folder's single-writer lock through ``open_store``
and refuses while a window holds it (the window syncs by itself). Every problem of the sync
folder is printed on stderr in plain words; the status is non-zero only when nothing could be
synced at all (the folder is missing, or the notes cannot be opened).
"""

from __future__ import annotations

import argparse
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
)
from reader_app.domain.text import load_document

if TYPE_CHECKING:
    from reader_app.storage.sync_engine import SyncOutcome

WINDOW_OPEN_MESSAGE = (
    "Study Reader is open with these notes and syncs them itself (Preferences > Sync folder); "
    "close it to sync from the command line."
)


def add_sync_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> None:
    command = subparsers.add_parser(
        "sync",
        help="sync the notes with a folder shared with your other computers",
        description=(
            "Send this data folder's changed notes to the sync folder and take in the other "
            "computers' changes, once. The sync folder is any folder your other computers "
            "also see (Syncthing, Nextcloud, Dropbox, a USB stick); only Study Reader's "
            "change logs are written there, one file per computer."
        ),
    )
    command.add_argument(
        "--sync-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR", help="the sync folder"
    )
    command.add_argument(
        "--device-name", metavar="NAME", help="call this computer NAME from now on"
    )
    command.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    command.set_defaults(
        handler=partial(
            run_sync, default_data_dir=default_data_dir, document_loader=document_loader
        )
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(outcome: SyncOutcome, device_name: str, folder: Path) -> str:
    """One line saying what a sync did."""
    parts = [
        f"sent {_plural(outcome.sent, 'change')}",
        f"received {_plural(outcome.received, 'note')}",
        _plural(outcome.deleted, "deletion"),
    ]
    if outcome.texts_changed:
        parts.append(f"{_plural(outcome.texts_changed, 'text')} added or changed")
    if outcome.cards_changed:
        parts.append(f"{_plural(outcome.cards_changed, 'review card')} updated")
    kept = (
        f"; {_plural(outcome.revisions_kept, 'competing version')} kept in the notes' history."
        if outcome.revisions_kept
        else "."
    )
    return f"Synced “{device_name}” with {folder}: {', '.join(parts)}{kept}"


def run_sync(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    from reader_app.storage.db import StorageError
    from reader_app.storage.store import database_path
    from reader_app.storage.sync_engine import SyncEngine
    from reader_app.storage.sync_state import rename_device

    try:
        if getattr(args, "sync_dir", None) is None:
            raise CommandError("No sync folder given: use --sync-dir DIR.")
        data_dir = data_dir_from(args, default_data_dir)
        document = load_text(document_loader)
        store = open_for_writing(
            data_dir, document, take_backup=False, window_open=WINDOW_OPEN_MESSAGE
        )
        try:
            assert store.repository is not None
            if args.device_name is not None:
                rename_device(data_dir, args.device_name)
            engine = SyncEngine(
                store.repository.connection,
                data_dir,
                args.sync_dir,
                database_path=database_path(data_dir),
            )
            outcome = engine.sync()
            if outcome.changed_here:
                store.repository.reanchor()  # place the notes that came in
        finally:
            store.close()
    except (CommandError, StorageError) as error:
        return report_failure(error)
    for problem in outcome.problems:
        print(f"{EXECUTABLE}: {' '.join(problem.split())}", file=sys.stderr)
    if not outcome.folder_available:
        return EXIT_FAILED
    print(summary(outcome, engine.device.name, args.sync_dir))
    return EXIT_OK
