"""A log file in the data folder, and a last word for errors nobody expected.

A windowed build (Windows, macOS) has no console: whatever the app prints is lost, and an
uncaught exception would make it vanish without a word. So the app logs to a rotating file,
``<data dir>/logs/study-reader.log``, routes Qt's own warnings there too, and replaces
``sys.excepthook``: an unexpected exception is logged with its traceback and the user sees a
plain-text dialog that says where the log is, instead of a window that silently disappears.

No Qt import at module level: the hook only reaches for a dialog when a QApplication exists.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from reader_app import APP_NAME, EXECUTABLE, __version__

LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3  # study-reader.log plus .1 .. .3: at most about 4 MB
LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
# The app opens its log file this long after start-up: importing logging.handlers (socket,
# pickle, queue) costs some 20 ms that the first paint should not wait for. Records made
# before then wait in memory (at most EARLY_RECORDS_KEPT); an error opens the file at once.
OPEN_LOG_AFTER_MS = 1500
EARLY_RECORDS_KEPT = 200

logger = logging.getLogger("reader_app")
logger.addHandler(logging.NullHandler())  # no "last resort" echo on stderr before set-up


class _EarlyRecords(logging.Handler):
    """Holds what is logged before the file opens, so that it reaches the file with its time.

    Qt warns during the first show on some platforms (offscreen says it cannot propagate
    size hints); opening the file for that would put the import back on the start-up path.
    """

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < EARLY_RECORDS_KEPT:
            self.records.append(record)


class _State:
    handler: logging.Handler | None = None  # the one file handler of this process
    pending: Path | None = None  # the data folder whose log start_logging will open
    early: _EarlyRecords | None = None  # records waiting for the file
    reporting = False  # set while the hook runs, so an error in the dialog cannot loop


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / f"{EXECUTABLE}.log"


def setup_logging(data_dir: Path, *, level: int = logging.INFO) -> Path | None:
    """Log to the rotating file in ``data_dir``; returns its path, or None if it cannot be made.

    Calling it again (a second window in tests, a self-test) replaces the previous file handler.
    """
    import logging.handlers

    _close_file_handler()
    early, _State.early = _State.early, None
    if early is not None:
        logger.removeHandler(early)
    path = log_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError as error:
        # A read-only data folder must not stop the app; the notes layer reports it in words.
        if sys.stderr is not None:
            print(f"{EXECUTABLE}: not logging to a file: {error}", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    _State.handler = handler
    logger.info(
        "%s %s (%s; Python %s; %s)",
        APP_NAME,
        __version__,
        "frozen" if getattr(sys, "frozen", False) else "from source",
        sys.version.split()[0],
        _system_description(),
    )
    for record in early.records if early is not None else ():
        handler.handle(record)  # after the header, keeping the times they were made
    return path


def _system_description() -> str:
    if "PySide6.QtCore" not in sys.modules:
        return sys.platform
    from PySide6.QtCore import QLibraryInfo, QSysInfo

    return (
        f"Qt {QLibraryInfo.version().toString()}; {QSysInfo.prettyProductName()}; "
        f"{QSysInfo.currentCpuArchitecture()}"
    )


def start_logging(data_dir: Path) -> Path:
    """What the app calls at start-up: the error dialog and Qt's warnings now, the file soon.

    Returns the log file's path (the file itself may not exist yet).
    """
    from PySide6.QtCore import QCoreApplication, QTimer

    _State.pending = data_dir
    if _State.early is None:
        _State.early = _EarlyRecords()
        logger.addHandler(_State.early)
        logger.setLevel(logging.INFO)
    install_excepthook(log_path(data_dir))
    install_qt_message_handler()
    QTimer.singleShot(OPEN_LOG_AFTER_MS, ensure_logging)
    application = QCoreApplication.instance()
    if application is not None:  # a quit within the delay must not lose what was logged
        application.aboutToQuit.connect(_write_early_records)
    return log_path(data_dir)


def _write_early_records() -> None:
    if _State.early is not None and _State.early.records:
        ensure_logging()


def ensure_logging() -> None:
    """Open the log file that ``start_logging`` scheduled, if it is not open yet."""
    if _State.handler is None and _State.pending is not None:
        pending, _State.pending = _State.pending, None
        setup_logging(pending)


def shutdown_logging() -> None:
    """Close the file handler (so a temporary data folder can be removed, even on Windows),
    and forget a start whose file was not open yet, with the records it was holding."""
    _close_file_handler()
    _State.pending = None
    early, _State.early = _State.early, None
    if early is not None:
        logger.removeHandler(early)


def _close_file_handler() -> None:
    handler, _State.handler = _State.handler, None
    if handler is not None:
        logger.removeHandler(handler)
        handler.close()


def install_qt_message_handler() -> None:
    """Send Qt's warnings to the log as well as to stderr (when there is one)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }
    qt_logger = logger.getChild("qt")

    def handle(mode: QtMsgType, context, message: str) -> None:
        category = getattr(context, "category", None) or "default"
        line = message if category == "default" else f"{category}: {message}"
        qt_logger.log(levels.get(mode, logging.WARNING), "%s", line)
        if sys.stderr is not None and mode != QtMsgType.QtDebugMsg:
            print(line, file=sys.stderr, flush=True)

    qInstallMessageHandler(handle)


def unexpected_error_message(log_file: Path | None) -> str:
    where = (
        f"The details were written to the log file:\n{log_file}\n\nPlease include that file "
        "if you report the problem."
        if log_file is not None
        else "The details could not be written to a log file."
    )
    return (
        f"{APP_NAME} ran into an unexpected problem. Your saved notes are safe; a note you "
        f"were typing may need checking. If something now looks wrong, quit and start "
        f"{APP_NAME} again.\n\n{where}"
    )


def show_unexpected_error(message: str) -> None:
    """The dialog, through ``reader_app.ui.dialogs`` so that tests can replace it."""
    from PySide6.QtWidgets import QApplication

    if not isinstance(QApplication.instance(), QApplication):
        return  # no widgets yet (or a command-line command): the log and stderr have it
    from reader_app.ui import dialogs

    dialogs.show_error(QApplication.activeWindow(), f"{APP_NAME}: unexpected problem", message)


def make_excepthook(
    log_file: Path | None, show: Callable[[str], None] | None = None
) -> Callable[[type[BaseException], BaseException, TracebackType | None], None]:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        ensure_logging()
        logger.critical("Unexpected error", exc_info=(exc_type, exc, tb))
        if sys.stderr is not None:
            traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
        if _State.reporting:
            return
        _State.reporting = True
        try:
            (show or show_unexpected_error)(unexpected_error_message(log_file))
        except Exception:  # the dialog itself failed: the log already has the original
            logger.exception("Could not show the unexpected-error dialog")
        finally:
            _State.reporting = False

    return hook


def install_excepthook(log_file: Path | None) -> None:
    sys.excepthook = make_excepthook(log_file)
