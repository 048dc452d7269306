"""``study-reader export`` and ``study-reader import``: notes in and out without a window.

Nothing here imports Qt, so these commands run on a server or in a script with no display.
The application's own argument parser (``reader_app/app.py``) calls ``add_subcommands`` and
passes its Qt-based default data folder; ``main`` is the same commands with a parser of
their own, for scripts and tests.

Every failure the user can fix prints one line on stderr and exits with status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from dataclasses import astuple
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reader_app import EXECUTABLE
from reader_app.cite_command import add_cite_command
from reader_app.command_support import (
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
from reader_app.domain.formats import FORMATS
from reader_app.domain.notes import MergeReport
from reader_app.domain.text import Document, load_document

if TYPE_CHECKING:
    from reader_app.domain.export import ImportBatch
    from reader_app.domain.notes import Note, Revision
    from reader_app.storage.notes_repo import NotesRepository


def add_subcommands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> None:
    """Add ``export``, ``import``, ``cite``, the library's and review's commands; each sets
    ``args.handler`` to call with ``args``."""
    export = subparsers.add_parser(
        "export",
        help="write all notes to a file or to standard output",
        description="Write all notes as Markdown, W3C Web Annotation JSON-LD, or CSV.",
    )
    export.add_argument("--format", choices=FORMATS, default="markdown")
    export.add_argument(
        "--text", metavar="ID", help="only this text's notes (ids: study-reader list)"
    )
    export.add_argument(
        "-o", "--output", type=Path, help="file to write (default: standard output)"
    )
    # SUPPRESS: a missing sub-command option must not overwrite the app's own --data-dir.
    export.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    export.set_defaults(
        handler=partial(
            run_export, default_data_dir=default_data_dir, document_loader=document_loader
        )
    )

    importer = subparsers.add_parser(
        "import",
        help="merge annotations from a JSON file into the notes",
        description=(
            "Merge W3C Web Annotations (our own export, or another tool's for this text) "
            "into the notes. Importing the same file twice adds nothing."
        ),
    )
    importer.add_argument("file", type=Path)
    importer.add_argument(
        "--text",
        metavar="ID",
        help="the text the file's annotations are for, where they name no text of the library",
    )
    importer.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    importer.set_defaults(
        handler=partial(
            run_import, default_data_dir=default_data_dir, document_loader=document_loader
        )
    )
    add_cite_command(subparsers, document_loader=document_loader)  # in cite_command.py
    _add_other_modules_commands(subparsers, default_data_dir, document_loader)


def _add_other_modules_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    default_data_dir: DataDirFactory | None,
    document_loader: DocumentLoader,
) -> None:
    """The library's, review's and sync's commands, each in its own module."""
    from reader_app.library_commands import add_library_commands

    add_library_commands(  # add, list, remove: in library_commands.py
        subparsers, default_data_dir=default_data_dir, document_loader=document_loader
    )
    from reader_app.review_commands import add_review_commands

    add_review_commands(  # review add|due, export-cards: in review_commands.py
        subparsers, default_data_dir=default_data_dir, document_loader=document_loader
    )
    from reader_app.sync_command import add_sync_command

    add_sync_command(  # sync: in sync_command.py
        subparsers, default_data_dir=default_data_dir, document_loader=document_loader
    )


def _write_standard_output(data: bytes) -> None:
    """Write the export to stdout, or raise CommandError if it cannot all be written.

    A closed stdout (``>&-``), a reader that went away (``| head``) or a full disk must end
    in one line and a non-zero status. After a failed write stdout is pointed at the null
    device, so the interpreter's own flush at exit cannot print a second error.
    """
    stream = sys.stdout
    if stream is None:
        raise CommandError("Cannot write the export: standard output is closed; use -o FILE.")
    try:
        stream.buffer.write(data)
        stream.buffer.flush()
    except OSError as error:
        with contextlib.suppress(OSError, ValueError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, stream.fileno())
            os.close(null)
        reason = "the reader closed it" if isinstance(error, BrokenPipeError) else None
        raise CommandError(
            f"Cannot write the export to standard output: {reason or error.strerror or error}."
        ) from error


def run_export(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    """Export every note in text order; standard output unless ``-o`` names a file."""
    from reader_app.domain.export import render, write_atomically
    from reader_app.storage.db import StorageError
    from reader_app.storage.notes_repo import NoteOrder

    try:
        data_dir = data_dir_from(args, default_data_dir)
        document = load_text(document_loader)
        notes: list[Note] = []
        revisions: dict[str, list[Revision]] = {}
        text_id: str | None = getattr(args, "text", None)
        with stored_copy(data_dir, document) as repository:
            if repository is not None and text_id is not None:
                document, notes, revisions = _notes_of_text(repository, data_dir, text_id)
            elif repository is not None:
                notes = repository.list_notes(NoteOrder.POSITION)
                revisions = repository.all_revisions()
            elif text_id is not None and text_id != document.id:
                raise CommandError(_unknown_text(text_id))
            else:  # a valid, empty export; the note on stderr catches a mistyped folder
                print(f"{EXECUTABLE}: there are no notes in {data_dir} yet.", file=sys.stderr)
        data = render(args.format, notes, document, revisions=revisions)
        output: Path | None = args.output
        if output is None or str(output) == "-":
            _write_standard_output(data)
        else:
            write_atomically(output, data)
            count = len(notes)
            print(f"Exported {count} {'note' if count == 1 else 'notes'} to {output}.")
    except (CommandError, StorageError) as error:
        return report_failure(error)
    except OSError as error:
        return report_failure(CommandError(f"Cannot write the export: {error.strerror or error}."))
    return EXIT_OK


def _unknown_text(text_id: str) -> str:
    return f"There is no text {text_id!r} in the library; `{EXECUTABLE} list` shows the ids."


def _library_documents(repository: NotesRepository, data_dir: Path) -> dict[str, Document]:
    """Every text of the library as a Document, the bundled one as the repository has it."""
    from reader_app.storage.library import library_of

    library = library_of(repository, data_dir)
    bundled = repository.document
    return {
        text.id: bundled if text.bundled else library.document(text.id)
        for text in library.list_texts()
    }


def _notes_of_text(
    repository: NotesRepository, data_dir: Path, text_id: str
) -> tuple[Document, list[Note], dict[str, list[Revision]]]:
    """``export --text``: the text's Document, its notes placed in it, their history."""
    from reader_app.storage.notes_repo import NoteOrder, NotesRepository
    from reader_app.storage.text_notes import note_ids_of_text

    documents = _library_documents(repository, data_dir)
    if text_id not in documents:
        raise CommandError(_unknown_text(text_id))
    document = documents[text_id]
    scoped = NotesRepository(repository.connection, document, path=repository.path)
    ids = note_ids_of_text(repository.connection, text_id, repository.path)
    notes = [note for note in scoped.list_notes(NoteOrder.POSITION) if note.id in ids]
    revisions = {i: kept for i, kept in scoped.all_revisions().items() if i in ids}
    return document, notes, revisions


def run_import(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    """Merge a JSON file of annotations into the notes, all or nothing."""
    from reader_app.domain.export import NotesImportError, parse_import, read_import_file
    from reader_app.domain.export.routing import split_by_text
    from reader_app.storage.db import StorageError

    try:
        data_dir = data_dir_from(args, default_data_dir)
        data = read_import_file(Path(args.file))
        document = load_text(document_loader)
        chosen: str | None = getattr(args, "text", None)
        # Parsed before the notes are opened for writing: a bad file is refused without
        # touching them. Each annotation goes to its text (``domain/export/routing.py``).
        with stored_copy(data_dir, document) as copy:
            documents = (
                {document.id: document} if copy is None else _library_documents(copy, data_dir)
            )
        if chosen is not None and chosen not in documents:
            raise CommandError(_unknown_text(chosen))
        groups = split_by_text(data, documents, default=document.id, chosen=chosen)
        batches = {
            text_id: parse_import(part, documents[text_id]) for text_id, part in groups.items()
        }
        # Its start-up backup is the copy to go back to if the imported notes are unwanted.
        store = open_for_writing(
            data_dir,
            document,
            take_backup=True,
            window_open="Study Reader is open with these notes; close it first, or use "
            "File > Import in the open window.",
        )
        try:
            assert store.repository is not None
            report = _merge_by_text(store.repository, documents, batches)
        finally:
            store.close()
    except (CommandError, StorageError, NotesImportError) as error:
        return report_failure(error)
    total = report.added + report.updated + report.unchanged
    print(
        f"Imported {total} {'annotation' if total == 1 else 'annotations'}: "
        f"{report.added} new, {report.updated} updated, {report.unchanged} unchanged; "
        f"{report.detached} detached (quote not found in the text)"
        + (
            f"; {report.revisions_kept} earlier "
            f"{'version' if report.revisions_kept == 1 else 'versions'} kept in the notes' history."
            if report.revisions_kept
            else "."
        )
    )
    return EXIT_OK


def _merge_by_text(
    repository: NotesRepository, documents: dict[str, Document], batches: dict[str, ImportBatch]
) -> MergeReport:
    """Merge each text's notes placed in that text, then give them its id; one report."""
    from reader_app.storage.notes_repo import NotesRepository
    from reader_app.storage.text_notes import assign_to_text

    total = MergeReport(0, 0, 0, 0, 0)
    for text_id, batch in batches.items():
        scoped = NotesRepository(repository.connection, documents[text_id], path=repository.path)
        part = scoped.merge(batch.notes, undated=batch.undated)
        assign_to_text(repository.connection, [n.id for n in batch.notes], text_id, repository.path)
        total = MergeReport(*(a + b for a, b in zip(astuple(total), astuple(part), strict=True)))
    return total


def main(
    argv: Sequence[str] | None = None, *, default_data_dir: DataDirFactory | None = None
) -> int:
    """The two commands on their own, e.g. ``python -c 'from reader_app.cli import main; ...'``."""
    parser = argparse.ArgumentParser(prog=EXECUTABLE)
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_subcommands(subparsers, default_data_dir=default_data_dir)
    args = parser.parse_args(argv)
    return int(args.handler(args))
