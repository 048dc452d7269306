"""The rotating log file and the dialog for unexpected exceptions (dialogs are replaced)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

import pytest

from reader_app import logs


@pytest.fixture(autouse=True)
def _close_log_file(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after each test
    yield
    logs.shutdown_logging()  # also forgets a start whose file never opened


def raise_and_capture(error: BaseException):
    try:
        raise error
    except BaseException:
        return sys.exc_info()


def test_logs_go_to_a_rotating_file_in_the_data_folder(data_dir: Path) -> None:
    path = logs.setup_logging(data_dir)
    assert path == data_dir / "logs" / "study-reader.log"
    logging.getLogger("reader_app.notes").warning("disk nearly full")
    handlers = [h for h in logs.logger.handlers if isinstance(h, logging.FileHandler)]
    assert len(handlers) == 1
    assert isinstance(handlers[0], logging.handlers.RotatingFileHandler)
    assert handlers[0].maxBytes == logs.LOG_MAX_BYTES
    assert handlers[0].backupCount == logs.LOG_BACKUPS
    handlers[0].flush()
    text = path.read_text(encoding="utf-8")
    assert "Study Reader 0.1.0 (from source; Python 3." in text
    assert "reader_app.notes: disk nearly full" in text


def test_setting_up_again_replaces_the_file_handler(data_dir: Path, tmp_path: Path) -> None:
    logs.setup_logging(data_dir)
    second = logs.setup_logging(tmp_path / "other")
    handlers = [h for h in logs.logger.handlers if isinstance(h, logging.FileHandler)]
    assert [Path(h.baseFilename) for h in handlers] == [second]


def test_an_unusable_data_folder_means_no_log_file_not_a_crash(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert logs.setup_logging(blocker) is None
    assert "not logging to a file" in capsys.readouterr().err


def test_unexpected_exception_is_logged_and_shown_with_the_log_location(
    data_dir: Path, dialogs_shown
) -> None:
    path = logs.setup_logging(data_dir)
    hook = logs.make_excepthook(path)
    hook(*raise_and_capture(ValueError("the widget was in a strange state")))
    text = path.read_text(encoding="utf-8")
    assert "CRITICAL" in text
    assert "Traceback (most recent call last)" in text
    assert "ValueError: the widget was in a strange state" in text
    [(kind, title, message)] = dialogs_shown.shown
    assert kind == "error"
    assert "unexpected problem" in title
    assert str(path) in message
    assert "Your saved notes are safe" in message


def test_without_a_log_file_the_dialog_says_so(dialogs_shown) -> None:
    logs.make_excepthook(None)(*raise_and_capture(RuntimeError("boom")))
    assert "could not be written to a log file" in dialogs_shown.texts("error")[0]


def test_ctrl_c_is_left_to_python(monkeypatch: pytest.MonkeyPatch, dialogs_shown) -> None:
    seen = []
    monkeypatch.setattr(sys, "__excepthook__", lambda *info: seen.append(info[0]))
    logs.make_excepthook(None)(*raise_and_capture(KeyboardInterrupt()))
    assert seen == [KeyboardInterrupt]
    assert dialogs_shown.shown == []


def test_a_failing_dialog_does_not_loop(data_dir: Path) -> None:
    path = logs.setup_logging(data_dir)
    calls = []

    def broken_dialog(message: str) -> None:
        calls.append(message)
        raise RuntimeError("no display")

    logs.make_excepthook(path, show=broken_dialog)(*raise_and_capture(ValueError("first")))
    assert len(calls) == 1
    text = path.read_text(encoding="utf-8")
    assert "ValueError: first" in text
    assert "Could not show the unexpected-error dialog" in text


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_qt_slot_reaches_the_dialog(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch, dialogs_shown
) -> None:
    """The real path: Qt calls a Python slot that raises; PySide6 hands it to sys.excepthook."""
    from PySide6.QtCore import QTimer

    path = logs.setup_logging(data_dir)
    monkeypatch.setattr(sys, "excepthook", logs.make_excepthook(path))

    def slot() -> None:
        raise LookupError("entry vanished")

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: dialogs_shown.shown != [])
    assert str(path) in dialogs_shown.texts("error")[0]
    assert "LookupError: entry vanished" in path.read_text(encoding="utf-8")


def test_the_app_opens_its_log_soon_after_start_up(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "OPEN_LOG_AFTER_MS", 10)
    path = logs.start_logging(data_dir)
    assert not path.exists()  # not before the first paint
    qtbot.waitUntil(path.exists)
    assert "Study Reader" in path.read_text(encoding="utf-8")


def test_an_error_at_start_up_opens_the_log_on_the_spot(data_dir: Path, dialogs_shown) -> None:
    path = logs.start_logging(data_dir)
    sys.excepthook(*raise_and_capture(ValueError("too early")))
    assert "ValueError: too early" in path.read_text(encoding="utf-8")
    assert str(path) in dialogs_shown.texts("error")[0]


def test_a_qt_warning_at_start_up_waits_for_the_log_file(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening the file for a warning would put its import back before the first paint."""
    from PySide6.QtCore import qWarning

    monkeypatch.setattr(logs, "OPEN_LOG_AFTER_MS", 50)
    path = logs.start_logging(data_dir)
    qWarning("early warning from Qt")
    assert "early warning from Qt" in capsys.readouterr().err  # still shown at once
    assert not path.exists()
    qtbot.waitUntil(path.exists)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "Study Reader" in lines[0]
    assert "early warning from Qt" in lines[1]
