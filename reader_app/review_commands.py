"""``study-reader review add|due`` and ``study-reader export-cards``: review without a window.

Like the library's commands these run without Qt and print one line on stderr for each
failure the user can fix. ``review add`` writes, so it takes the data folder's single-writer
lock through ``open_store`` and refuses while a window holds it; ``review due`` and
``export-cards`` only read, from an in-memory copy (``stored_copy``), and never wait.

Glossary cards come from the bundled glossary or the reader's own entries; ``--text``
chooses the deck (the text) they belong to, which is otherwise the text an own entry was
made for, or the bundled text. Cards are rendered from their current source at
export, so a corrected gloss or an edited note reaches the exported card.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

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
from reader_app.domain.formats import CARD_FORMATS
from reader_app.domain.text import Document, load_document

if TYPE_CHECKING:
    from reader_app.domain.glossary import Entry, Glossary
    from reader_app.storage.glossary_repo import PersonalGlossaryRepository
    from reader_app.storage.notes_repo import NotesRepository


WINDOW_OPEN_MESSAGE = (
    "Study Reader is open with these notes; close it first, or add the entries in the "
    "window (Review > Add Glossary Entry to Review)."
)


def add_review_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> None:
    """Add ``review`` (with ``add`` and ``due``) and ``export-cards``."""
    review = subparsers.add_parser(
        "review",
        help="add glossary entries to review, or count the cards due",
        description="Spaced-repetition review from the command line.",
    )
    actions = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add glossary entries to review",
        description=(
            "Add glossary entries, bundled or your own, to review (headword on the front, gloss "
            "and explanation on the back), and print how many were new. Adding an entry that "
            "is already in review keeps its schedule. A card follows later edits of its entry."
        ),
    )
    which = add.add_mutually_exclusive_group(required=True)
    which.add_argument("--glossary", nargs="+", metavar="ENTRY_ID", help="entry ids")
    which.add_argument("--all-glossary", action="store_true", help="every entry")
    add.add_argument("--reverse", action="store_true", help="also the gloss → headword card")
    add.add_argument("--text", metavar="ID", help="the text (deck) the cards belong to")
    add.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    add.set_defaults(
        handler=partial(
            run_review_add, default_data_dir=default_data_dir, document_loader=document_loader
        )
    )

    due = actions.add_parser(
        "due",
        help="print how many cards are due now",
        description="Print the number of cards due now (of one text with --text).",
    )
    due.add_argument("--text", metavar="ID", help="only this text's cards")
    due.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    due.set_defaults(
        handler=partial(
            run_review_due, default_data_dir=default_data_dir, document_loader=document_loader
        )
    )

    _add_export_cards(
        subparsers, default_data_dir=default_data_dir, document_loader=document_loader
    )


def _add_export_cards(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    default_data_dir: DataDirFactory | None,
    document_loader: DocumentLoader,
) -> None:
    export = subparsers.add_parser(
        "export-cards",
        help="export the cards in review for Anki (.apkg) or as CSV",
        description=(
            "Write the cards in review as an Anki package (one deck per text; exporting "
            "again updates the notes already imported) or as the CSV Anki's text import reads."
        ),
    )
    export.add_argument("--format", choices=CARD_FORMATS, required=True)
    export.add_argument("--text", metavar="ID", help="only this text's cards")
    export.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    export.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    export.set_defaults(
        handler=partial(
            run_export_cards, default_data_dir=default_data_dir, document_loader=document_loader
        )
    )


def _bundled_glossary(document: Document) -> Glossary:
    from reader_app.domain.glossary import GlossaryError, load_glossary
    from reader_app.paths import resource_root

    if document.glossary_file is None:
        raise CommandError("The bundled text has no glossary.")
    try:
        return load_glossary(resource_root() / "glossary" / document.glossary_file)
    except GlossaryError as error:
        raise CommandError(str(error)) from error


def _titles(repository: NotesRepository, data_dir: Path, document: Document) -> dict[str, str]:
    from reader_app.storage.library import library_of

    titles = {text.id: text.title for text in library_of(repository, data_dir).list_texts()}
    titles.setdefault(document.id, document.title)
    return titles


def _entries_with_decks(
    args: argparse.Namespace,
    bundled: Glossary,
    own: PersonalGlossaryRepository,
    document: Document,
) -> list[tuple[Entry, str]]:
    """The entries asked for, each with the text (deck) its cards belong to: ``--text``, or
    else the text a reader's own entry was made for, or else the bundled text. All of them,
    or (one id unknown) none."""
    if args.all_glossary:
        chosen = list(bundled.entries)
        mine = own.entries(args.text)
    else:
        names = list(dict.fromkeys(args.glossary))
        chosen = [bundled.entry(name) for name in names if name in bundled]
        mine = [p for name in names if name not in bundled and (p := own.get(name))]
        unknown = [n for n in names if n not in bundled and n not in {p.id for p in mine}]
        if unknown:
            raise CommandError(
                f"No glossary entry with the id {', '.join(unknown)}; nothing was added. "
                "The ids are the entries' names in lower case with hyphens, e.g. "
                f"{bundled.entries[0].id}; your own entries' ids are in the files "
                "File > Export Glossary… writes."
            )
    default = args.text or document.id
    return [(entry, default) for entry in chosen] + [
        (p.entry, args.text or p.text_id or document.id) for p in mine
    ]


def run_review_add(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    """Add the named entries (all, or none if one name is unknown) in one transaction."""
    from reader_app.domain.notes import utc_now
    from reader_app.domain.review import glossary_cards
    from reader_app.domain.scheduling import ReviewScheduler
    from reader_app.storage.db import StorageError
    from reader_app.storage.glossary_repo import glossary_of
    from reader_app.storage.review_repo import review_of

    try:
        data_dir = data_dir_from(args, default_data_dir)
        document = load_text(document_loader)
        glossary = _bundled_glossary(document)
        # No start-up backup: adding cards changes nothing that was there.
        store = open_for_writing(
            data_dir, document, take_backup=False, window_open=WINDOW_OPEN_MESSAGE
        )
        try:
            assert store.repository is not None
            titles = _titles(store.repository, data_dir, document)
            if args.text is not None and args.text not in titles:
                raise CommandError(f"There is no text with the id “{args.text}” in the library.")
            decks = _entries_with_decks(args, glossary, glossary_of(store.repository), document)
            cards = [
                card
                for entry, text_id in decks
                for card in glossary_cards(
                    text_id, entry, title=titles.get(text_id, text_id), reverse=args.reverse
                )
            ]
            added = review_of(store.repository).add_cards(cards, ReviewScheduler(), utc_now())
        finally:
            store.close()
    except (CommandError, StorageError) as error:
        return report_failure(error)
    new, kept = len(added.added), len(added.kept)
    print(
        f"Added {new} {'card' if new == 1 else 'cards'} to review"
        + (f"; {kept} {'was' if kept == 1 else 'were'} in review already." if kept else ".")
    )
    return EXIT_OK


def run_review_due(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    """Print one number, for scripts (a status bar, a shell prompt)."""
    from reader_app.domain.notes import utc_now
    from reader_app.storage.db import StorageError
    from reader_app.storage.review_repo import review_of

    try:
        data_dir = data_dir_from(args, default_data_dir)
        with stored_copy(data_dir, load_text(document_loader)) as repository:
            count = (
                0 if repository is None else review_of(repository).due_count(utc_now(), args.text)
            )
    except (CommandError, StorageError) as error:
        return report_failure(error)
    print(count)
    return EXIT_OK


def run_export_cards(
    args: argparse.Namespace,
    *,
    default_data_dir: DataDirFactory | None = None,
    document_loader: DocumentLoader = load_document,
) -> int:
    """Export the cards in review, written atomically; a folder without cards is an error,
    not an empty deck, so a mistyped folder or text id does not go unnoticed."""
    from reader_app.domain.export import write_atomically
    from reader_app.domain.notes import utc_now
    from reader_app.storage.db import StorageError
    from reader_app.storage.review_repo import review_of
    from reader_app.storage.review_sources import StoredSources, card_file

    try:
        data_dir = data_dir_from(args, default_data_dir)
        document = load_text(document_loader)
        with stored_copy(data_dir, document) as repository:
            stored = [] if repository is None else review_of(repository).cards(args.text)
            if not stored or repository is None:
                where = f" of the text {args.text}" if args.text else ""
                raise CommandError(
                    f"There are no cards in review{where} in {data_dir}; add some with "
                    "'study-reader review add'."
                )
            sources = StoredSources(repository, data_dir, _bundled_glossary(document))
            data, count = card_file((s.card for s in stored), sources, args.format, utc_now())
        write_atomically(args.output, data)
    except (CommandError, StorageError) as error:
        return report_failure(error)
    except OSError as error:
        return report_failure(CommandError(f"Cannot write the cards: {error.strerror or error}."))
    print(f"Exported {count} {'card' if count == 1 else 'cards'} to {args.output}.")
    return EXIT_OK
