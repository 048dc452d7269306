"""Entry point: command line, QApplication set-up and the wiring of the parts.

This module builds objects and connects their signals; behaviour lives in the parts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from reader_app import APP_ID, APP_NAME, EXECUTABLE, __version__

SCREENSHOT_SIZE = (1280, 800)
SCREENSHOT_SETTLE_MS = 200
BACKUP_DELAY_MS = 5000  # after start-up, when the reader is reading, not waiting


COMMANDS = (
    "export", "import", "cite", "add", "list", "remove", "review", "export-cards", "sync",
)  # fmt: skip


def build_parser(*, files: bool = False, add_help: bool = True) -> argparse.ArgumentParser:
    """The options, then the commands, or (``files``) FILE… for the window instead."""
    # Whole on purpose: the options in the order --help lists them.
    parser = argparse.ArgumentParser(
        prog=EXECUTABLE,
        description=f"{APP_NAME}: read, look up and annotate a text, offline.",
        add_help=add_help,
        epilog=f"commands (run without opening a window): {', '.join(COMMANDS)}; "
        f"see {EXECUTABLE} COMMAND --help"
        if files
        else None,
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="keep all user data (notes, settings, backups) in DIR instead of the "
        "platform's application data folder",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE.png",
        help=f"render the main window at {SCREENSHOT_SIZE[0]}x{SCREENSHOT_SIZE[1]}, "
        "save it as a PNG and exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation: open a temporary data folder (or --data-dir), render "
        "the window, save, find and export a note, print what was checked and exit",
    )
    from reader_app.settings import THEMES

    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="Linux, unpacked archive: add this copy to your applications menu and exit",
    )
    desktop.add_argument(
        "--uninstall-desktop-entry",
        action="store_true",
        help="remove what --install-desktop-entry added and exit",
    )
    if files:
        parser.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="files to open; with the app already running, they go to its window",
        )
    else:
        from reader_app.cli import add_subcommands
        from reader_app.paths import default_data_dir

        commands = parser.add_subparsers(
            title="commands (run without opening a window)", dest="command", metavar="COMMAND"
        )
        add_subcommands(commands, default_data_dir=default_data_dir)
    parser.add_argument(
        "--sync-dir",
        type=Path,
        metavar="DIR",
        help="sync the notes through DIR, shared with your other computers, for this run "
        "(Preferences > Sync sets the lasting folder)",
    )
    parser.add_argument(
        "--theme",
        choices=THEMES,
        help="colour theme for this run (Preferences sets the lasting choice)",
    )
    parser.add_argument(
        "--entry",
        metavar="ID",
        help="open the glossary at this entry (for example self-activity)",
    )
    return parser


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """Commands and FILE… both take the first free word, which one argparse parser cannot
    share (a sub-command refuses a file name as an unknown command): that word picks the
    parser. A file named like a command is reached as ./export."""
    argv = list(sys.argv[1:] if argv is None else argv)
    probe, _ = build_parser(files=True, add_help=False).parse_known_args(argv)
    if probe.files and probe.files[0] in COMMANDS:
        return build_parser().parse_args(argv)
    args = build_parser(files=True).parse_intermixed_args(argv)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        args.handler = run_desktop_entry_option
    return args


def run_desktop_entry_option(args: argparse.Namespace) -> int:
    from reader_app.desktop_entry import run_from_command_line

    return run_from_command_line(remove=args.uninstall_desktop_entry)


def configure_application(app) -> None:
    """Names, fonts and themes: what the real app and the tests need before any window."""
    from PySide6.QtGui import QFontDatabase

    from reader_app.paths import resource_root

    app.setApplicationName(APP_NAME)
    # No organisation name: it would nest the data folder as Study Reader/Study Reader.
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    for font_file in sorted((resource_root() / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font_file))
    from reader_app.ui.themes import install_theme_manager

    install_theme_manager(app)


def install_application_icon(app) -> None:
    """Set once the text is on screen (see complete_window): the desktop entry names the
    icon for the task bar, and QIcon costs PySide some 80 enum members to set up."""
    from reader_app.ui.app_icon import application_icon

    app.setWindowIcon(application_icon())


def resolve_data_dir(requested: Path | None) -> Path:
    from reader_app.paths import default_data_dir

    data_dir = (requested or default_data_dir()).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir


CACHE_FOLDER = "cache"  # parsed bundled files (domain.toml_cache), remade when missing


def load_glossary_for(document, cache_dir: Path | None = None):
    """The text's glossary, or an empty one and a plain-words warning if it cannot be used.
    ``cache_dir`` keeps the parsed file for the next start (see domain.glossary)."""
    from reader_app.domain.glossary import Glossary, GlossaryError, load_glossary
    from reader_app.paths import resource_root

    if not document.glossary_file:
        return Glossary(()), ""
    try:
        path = resource_root() / "glossary" / document.glossary_file
        return load_glossary(path, cache_dir=cache_dir), ""
    except GlossaryError as error:
        return Glossary(()), f"The glossary could not be loaded, so no terms are marked. {error}"


def create_main_window(data_dir: Path, *, persist_state: bool = True, defer_panels: bool = False):
    """Build the window around the text, then its panels, then what is out of sight.

    With ``defer_panels`` the panels are built just after the window has painted the text
    for the first time, so the reader sees the text without waiting for them; and the rest
    (menu commands of study output and review, the icon) waits until the panels are on
    screen, so that the window looks complete as early as it can.
    """
    from PySide6.QtCore import Qt, QTimer

    from reader_app.domain.text import load_document
    from reader_app.settings import Settings
    from reader_app.ui.main_window import MainWindow

    document = load_document(cache_dir=data_dir / CACHE_FOLDER)
    settings = Settings(data_dir)
    window = MainWindow(document, settings, persist_state=persist_state)
    if defer_panels:
        window.reading_view.first_painted.connect(
            lambda: QTimer.singleShot(
                0, lambda: complete_window(window, data_dir, document, settings, defer_rest=True)
            ),
            Qt.ConnectionType.SingleShotConnection,
        )
    else:
        complete_window(window, data_dir, document, settings)
    return window


def complete_window(
    window, data_dir: Path, document, settings, *, defer_rest: bool = False
) -> None:
    """The glossary and notes panels with the menus' actions, then (``defer_rest``: once
    they are painted) the icon, citation and printing, and review."""
    window.add_menu_actions()
    notes = attach_panels(window, data_dir, document)
    if not defer_rest:
        finish_window(window, data_dir, document, settings, notes)
        return
    from PySide6.QtCore import QEvent, QTimer
    from PySide6.QtWidgets import QApplication

    # Paint the panels now, before the rest takes its turn: left to the event loop, the
    # paint could come after it (the docks' layout requests are posted after this call).
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    window.repaint()
    QTimer.singleShot(0, lambda: finish_window(window, data_dir, document, settings, notes))


def finish_window(window, data_dir: Path, document, settings, notes) -> None:
    """What is out of sight at start-up: the icon, the study output's and review's commands,
    the library's beyond its pane (``notes``: the open notes' repository and the glossary,
    None if the notes could not be opened)."""
    from PySide6.QtWidgets import QApplication

    from reader_app.ui.review_menu import ReviewMenu
    from reader_app.ui.study_output import StudyOutput

    if QApplication.windowIcon().isNull():
        install_application_icon(QApplication.instance())
    window.study_output = StudyOutput(window, document, settings)
    window.review = ReviewMenu(window, window, window.actions_table, settings)
    if notes is not None:
        repository, glossary = notes
        attach_library_search(window, repository, data_dir)
        controller = review_controller(repository, glossary, data_dir)
        window.review.attach(controller)
        follow_open_text(window, controller)
    window.panels_ready.emit()


def attach_panels(window, data_dir: Path, document):
    """The glossary (terms marked in the text) and the notes, connected to the window; the
    open notes' repository with the glossary, or None if the notes could not be opened.

    The terms are found and marked once: with the reader's own entries, by the personal
    glossary on the notes' database, or with the bundled ones alone if there are no notes
    (``attach_notes``). Marking the bundled ones first had every term found twice.
    """
    from reader_app.ui.glossary_pane import GlossaryPane

    glossary, warning = load_glossary_for(document, data_dir / CACHE_FOLDER)
    glossary_pane = GlossaryPane(glossary, document, [], warning=warning)
    window.attach_glossary(glossary_pane)
    view = window.reading_view

    def show_entry(entry_id: str) -> None:
        window.glossary_dock.show()
        window.glossary_dock.raise_()
        glossary_pane.open_entry(entry_id)

    view.span_clicked.connect(lambda layer, key: show_entry(key) if layer == "terms" else None)
    window.term_lookup_requested.connect(show_entry)
    glossary_pane.occurrence_requested.connect(view.flash)
    repository = attach_notes(window, data_dir, document, glossary)
    if repository is not None:
        show_due_count(window, repository)
    attach_library(window, data_dir)
    if warning:
        window.show_status(warning)
    return None if repository is None else (repository, glossary)


def mark_bundled_terms(window, document, glossary) -> None:
    """The bundled entries' terms marked in the text and counted in the Glossary pane, when
    there is no personal glossary (the notes could not be opened) to do it."""
    from reader_app.ui.term_marks import mark_terms

    pane = window.glossary_pane
    mark_terms(
        window.reading_view,
        document,
        glossary,
        found=lambda occurrences: pane.set_glossary(glossary, occurrences, {}),
    )


def attach_library(window, data_dir: Path) -> None:
    """The Library and Contents panes, on the notes' database; the last text reopens."""
    from reader_app.models.library_model import LibraryController
    from reader_app.settings import Settings
    from reader_app.storage.library import library_of
    from reader_app.ui.library_coordinator import LibraryCoordinator

    notes = window.notes_controller
    window.library = None
    if notes is None:  # the notes could not be opened, and the library lives beside them
        return
    controller = LibraryController(library_of(notes.repository, data_dir), window)
    _geometry, layout = Settings(data_dir).window_state()
    window.library = LibraryCoordinator(
        window, controller, window.personal_glossary, saved_layout=layout
    )
    window.library.reopen_last()


def open_notes(data_dir: Path, document, parent):
    """Open the notes store, asking the user about a backup if the file was damaged."""
    from reader_app.storage.store import OpenStatus, open_store, restore_and_open
    from reader_app.ui import dialogs

    # The start-up backup is taken a little later (see attach_notes), off the start-up path.
    result = open_store(data_dir, document, take_backup=False)
    if result.status is OpenStatus.BACKUP_OFFERED and result.backup_offer is not None:
        restore = dialogs.ask(
            parent,
            "Notes file damaged",
            " ".join(result.messages) + " Restore it now?",
            "Restore Backup",
            "Start With No Notes",
        )
        notice = " ".join(result.messages)
        if restore:
            result = restore_and_open(data_dir, document, result.backup_offer)
        else:
            result = open_store(data_dir, document, take_backup=False, offer_backup=False)
            result.messages.insert(0, notice)
    return result


def schedule_backup(window, result, data_dir: Path, worker) -> None:
    """A checked backup of the notes a few seconds after start, on ``worker``'s thread; a
    failure is reported, never fatal. Quitting waits for it (``BackupBeforeImport.finish``
    waits for the same thread)."""
    from PySide6.QtCore import QTimer

    from reader_app.models.startup_backup import StartupBackup
    from reader_app.storage.store import backup_now

    # backup_now has the next start check the file in full if the backup fails (its copy's
    # check stands in for the start-up one: storage.store._unchanged_since_closed).
    startup_backup = StartupBackup(lambda: backup_now(result, data_dir), worker, window)
    startup_backup.failed.connect(
        lambda problem: window.statusBar().showMessage(
            f"The automatic backup of your notes failed: {problem} The notes file will be "
            "checked in full at the next start.",
            15000,
        )
    )

    def start() -> None:
        if result.repository is not None:  # not closed meanwhile
            startup_backup.start()

    QTimer.singleShot(BACKUP_DELAY_MS, startup_backup, start)


def attach_notes(window, data_dir: Path, document, glossary):
    """Open the notes and give the window its panel; the app keeps running if they fail.
    Returns the open notes' repository, or None."""
    from reader_app.models.import_backup import BackupBeforeImport
    from reader_app.models.notes_controller import NotesController
    from reader_app.models.notes_model import NotesModel
    from reader_app.models.worker import Worker
    from reader_app.storage.store import OpenStatus, backup_now, database_path
    from reader_app.ui import dialogs
    from reader_app.ui.notes_panel import NotesPanel

    def headword_of(entry_id: str) -> str:
        # What the pane shows now: the reader's own entries included, as they change.
        shown = window.glossary_pane.glossary if window.glossary_pane is not None else glossary
        return shown.entry(entry_id).headword if entry_id in shown else entry_id

    result = open_notes(data_dir, document, window)
    if result.repository is None:
        reason = " ".join(result.messages) or "The notes could not be opened."
        window.attach_notes(
            NotesPanel(None, document, unavailable_reason=reason), None, result.close
        )
        mark_bundled_terms(window, document, glossary)  # marked before the dialog, as ever
        dialogs.show_error(window, "Notes unavailable", reason)
        return None
    # The notes' backups, one at a time on a thread of their own: a few seconds after
    # start, and before each import.
    backups_worker = Worker(window)
    if not result.repository.read_only and database_path(data_dir).exists():
        schedule_backup(window, result, data_dir, backups_worker)
    model = NotesModel(result.repository)
    panel = NotesPanel(model, document, headword_of=headword_of)
    import_backup = BackupBeforeImport(lambda: backup_now(result, data_dir), backups_worker, window)
    controller = NotesController(result.repository, window, backup=import_backup)
    from reader_app.sync_window import close_after_last_sync

    def close_notes() -> None:
        import_backup.finish()  # the start-up backup's too: the same thread
        close_after_last_sync(window, result)

    window.attach_notes(panel, controller, close_notes)
    attach_personal_glossary(window, result.repository, controller, glossary)
    notices = list(result.messages)
    if result.status is OpenStatus.READ_ONLY:
        panel.set_read_only(" ".join(notices))
    elif notices:
        panel.show_notice(" ".join(notices))
        window.statusBar().showMessage(notices[0], 15000)
    return result.repository


def show_due_count(window, repository) -> None:
    """The count of review cards due, drawn with the panels: left to review (made after
    them), the status bar's fields moved once more after the window looked complete."""
    from datetime import UTC, datetime

    from reader_app.storage.db import StorageError
    from reader_app.storage.review_due import DueCounter
    from reader_app.ui.due_field import due_field, due_text

    try:
        due = DueCounter(repository.connection, path=repository.path).due_count(datetime.now(UTC))
    except StorageError:
        return  # review reports it when it opens
    field = due_field(window.statusBar())
    field.setText(due_text(due))
    field.show()


def attach_personal_glossary(window, repository, notes_controller, bundled) -> None:
    """The reader's own glossary entries, on the notes' database and undo stack."""
    from reader_app.models.personal_glossary import PersonalGlossaryController
    from reader_app.storage.glossary_repo import glossary_of
    from reader_app.ui.personal_glossary import PersonalGlossaryCoordinator

    controller = PersonalGlossaryController(
        glossary_of(repository),
        bundled,
        notes_controller.undo_stack,
        window,
        read_only=repository.read_only,
    )
    window.personal_glossary = PersonalGlossaryCoordinator(
        window, window, window.actions_table, controller
    )


def attach_library_search(window, repository, data_dir: Path) -> None:
    """What needs the library, on the notes' database: Search Everything's reach beyond the
    text being read, the Details of This Text and Replace with a New Edition, each followed
    by the Library pane (``attach_library``)."""
    from reader_app.models.new_edition import NewEditionController
    from reader_app.models.search_everything import EverythingSearch
    from reader_app.models.text_details import TextDetailsController
    from reader_app.storage.library import library_of
    from reader_app.ui.new_edition import NewEditionCoordinator
    from reader_app.ui.text_details import TextDetailsCoordinator

    library = library_of(repository, data_dir)
    window.everything = EverythingSearch(library, repository, window.personal_glossary.controller)
    window.text_details = TextDetailsCoordinator(
        window, window, window.actions_table, TextDetailsController(library, window)
    )
    window.new_edition = NewEditionCoordinator(
        window,
        window,
        window.actions_table,
        NewEditionController(library, repository, window),
        read_only=repository.read_only,
    )
    if window.library is not None:
        window.new_edition.controller.replaced.connect(window.library.show_new_edition)
        window.text_details.controller.changed.connect(window.library.show_new_details)


def review_controller(repository, glossary, data_dir: Path):
    """Review cards on the open notes' connection: made, counted, answered, exported."""
    from reader_app.models.review_controller import ReviewController

    return ReviewController(repository, glossary, data_dir=data_dir)


def follow_open_text(window, review) -> None:
    """Cards made in the window belong to the text it shows, whichever the library opened
    (at start it may already be another than the bundled one)."""

    def show_open_text(_text_id: str = "") -> None:
        if window.notes_controller is not None:
            review.show_text(window.notes_controller.repository)

    show_open_text()
    if getattr(window, "library", None) is not None:
        window.library.text_opened.connect(show_open_text)
        window.library.controller.changed.connect(review.library_changed)


def save_screenshot(window, path: Path) -> bool:
    """Let the shown window settle before grabbing it: two rounds of events were not always
    enough, and about one screenshot in four caught the notes filters mid-layout."""
    from PySide6.QtCore import QEventLoop, QTimer

    window.resize(*SCREENSHOT_SIZE)
    window.show()
    settle = QEventLoop()
    QTimer.singleShot(SCREENSHOT_SETTLE_MS, settle.quit)
    settle.exec()
    return window.grab().save(str(path), "PNG")


def open_entry_from_command_line(window, entry_id: str) -> None:
    """``--entry ID``: open that glossary entry, or say on stderr that there is none."""
    if entry_id not in window.glossary_headwords:
        print(
            f"{EXECUTABLE}: no glossary entry {entry_id!r}; the window opens without it.",
            file=sys.stderr,
        )
        return
    window.glossary_pane.open_entry(entry_id)


def run_screenshot(args: argparse.Namespace, data_dir: Path) -> int:
    """``--screenshot``: nobody is there to answer a dialog, so notes that cannot be opened
    are reported on stderr (untouched) and any dialog makes the run fail instead of wait."""
    from reader_app import logs
    from reader_app.ui.themes import theme_manager
    from reader_app.unattended import RefusedDialogs, notes_problem

    if problem := notes_problem(data_dir):
        print(f"{EXECUTABLE}: {problem}", file=sys.stderr)
        return 1
    logs.start_logging(data_dir)
    unattended = RefusedDialogs().install()
    window = create_main_window(data_dir, persist_state=False)
    if args.theme:
        theme_manager().apply(args.theme)
    if args.entry:
        open_entry_from_command_line(window, args.entry)
    ok = save_screenshot(window, args.screenshot)
    window.close()
    if not ok:
        print(f"{EXECUTABLE}: could not write {args.screenshot}", file=sys.stderr)
        return 1
    return int(bool(unattended.refused))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    if getattr(args, "handler", None) is not None:
        return int(args.handler(args))

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else EXECUTABLE])
    configure_application(app)
    if args.self_test:
        install_application_icon(app)
        from reader_app.self_test import run_self_test
        from reader_app.unattended import RefusedDialogs

        unattended = RefusedDialogs().install()  # nobody is there to answer a dialog
        return run_self_test(args.data_dir, create_main_window) or int(bool(unattended.refused))
    try:
        data_dir = resolve_data_dir(args.data_dir)
    except OSError as error:
        print(f"{EXECUTABLE}: cannot use the data folder: {error}", file=sys.stderr)
        return 2
    if args.screenshot:
        return run_screenshot(args, data_dir)
    from reader_app import logs, single_instance
    from reader_app.ui.themes import theme_manager

    logs.start_logging(data_dir)
    instance = single_instance.start(data_dir, args.files)
    if instance.handed_over:
        return 0
    window = create_main_window(data_dir, defer_panels=True)
    if args.theme:
        theme_manager().apply(args.theme)
    if args.entry:
        window.panels_ready.connect(lambda: open_entry_from_command_line(window, args.entry))
    from reader_app.sync_window import attach_sync

    window.panels_ready.connect(lambda: attach_sync(window, data_dir, args.sync_dir))
    connect_session_manager(app, window)
    watcher = watch_quit_signals(app, window)
    from reader_app.ui.file_handover import receive_files

    instance.deliver_to(lambda paths: receive_files(window, paths), args.files)
    window.panels_ready.connect(instance.listen)  # a later launch waits for it meanwhile
    window.show()
    try:
        return app.exec()
    finally:
        watcher.uninstall()


def connect_session_manager(app, window) -> None:
    """Logging out of the desktop asks applications to commit their data: save the note."""
    app.commitDataRequest.connect(window.commit_data)  # goes with the window when it goes


def watch_quit_signals(app, window):
    """SIGTERM, SIGHUP and Ctrl+C close the window as Quit does, saving the open note; the
    exit status is the shell's 128 + signal number, so a caller sees why the app ended."""
    import logging

    from reader_app.termination import TerminationWatcher

    def end(number: int) -> None:
        logging.getLogger(__name__).info("Quitting on signal %d", number)
        window.end_session()
        app.exit(128 + number)

    return TerminationWatcher(end, app)
