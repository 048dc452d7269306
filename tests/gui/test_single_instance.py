"""One window per data folder: a second launch hands its files over and exits.

The end-to-end tests run the app as separate processes (offscreen), because the hand-over is
between processes; each gets a private runtime folder (short: a Unix socket path must fit in
about 100 bytes) and a private HOME, never the user's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader_app import app, single_instance
from reader_app.logs import log_path
from reader_app.storage.lock import InstanceLock

APP_START_TIMEOUT_MS = 60_000  # a first window on a loaded two-core machine
HAND_OVER_LIMIT_S = 30  # the second process must be done well within this


@pytest.fixture
def runtime_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sr-rt-", dir="/tmp") as folder:
        Path(folder).chmod(0o700)
        yield Path(folder)


def app_env(home: Path, runtime_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "QT_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(runtime_dir),
    )
    return env


def launch(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reader_app", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen[str], how: signal.Signals = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(how)
    process.communicate(timeout=30)


def socket_path(data_dir: Path, runtime_dir: Path) -> Path:
    return Path(single_instance.address_for(data_dir, runtime_dir).server_name)


# ----- the command line ----------------------------------------------------------------


def test_files_and_commands_share_the_command_line() -> None:
    args = app.parse_arguments(["book.epub", "--data-dir", "d", "notes.md"])
    assert args.files == ["book.epub", "notes.md"]
    assert args.data_dir == Path("d")
    assert getattr(args, "handler", None) is None
    exported = app.parse_arguments(["--data-dir", "d", "export", "--format", "csv", "-o", "x"])
    assert exported.command == "export"
    assert exported.format == "csv"
    assert exported.handler is not None
    assert app.parse_arguments(["import", "notes.json"]).file == Path("notes.json")
    assert app.parse_arguments(["./export"]).files == ["./export"]
    assert app.parse_arguments([]).files == []


def test_help_names_files_and_commands(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        app.parse_arguments(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "FILE" in text
    assert "export, import" in text


# ----- the address -----------------------------------------------------------------------


def test_each_data_folder_has_its_own_address(tmp_path: Path, runtime_dir: Path) -> None:
    first = single_instance.address_for(tmp_path / "a", runtime_dir)
    second = single_instance.address_for(tmp_path / "b", runtime_dir)
    assert first != second
    again = single_instance.address_for(tmp_path / "a" / ".." / "a", runtime_dir)
    assert again == first, "the same folder, spelt differently, is the same window"
    assert Path(first.server_name).parent == runtime_dir
    assert str(tmp_path) not in first.server_name


@pytest.mark.parametrize(
    "line",
    [
        b"",
        b"\xff\xfe",
        b"null",
        b"[]",
        b'"files"',
        b'{"files": "book.epub"}',
        b'{"files": [1, 2]}',
        b'{"files": [], "activation_token": 7}',
        b'{"files": [' * 50 + b"]" * 50 + b"}",
    ],
)
def test_anything_but_a_request_is_refused_in_words(line: bytes) -> None:
    with pytest.raises(single_instance.HandOverError, match="not a hand-over request"):
        single_instance.decode_request(line)


def test_a_request_survives_the_trip() -> None:
    files = ["/home/ana/Bücher/a b.epub", "/tmp/x\nnewline.md"]
    encoded = single_instance.encode_request(files, "token-1")
    assert encoded.count(b"\n") == 1, "one line, whatever the names hold"
    assert single_instance.decode_request(encoded.rstrip(b"\n")) == (files, "token-1")


# ----- in one process: the listener ------------------------------------------------------


def test_the_listener_refuses_garbage_and_answers_a_request(
    qtbot, tmp_path: Path, runtime_dir: Path
) -> None:
    from PySide6.QtNetwork import QLocalSocket

    instance = single_instance.start(tmp_path, [], runtime_dir=runtime_dir)
    instance.listen()
    assert instance.server is not None
    answers = []

    def send(data: bytes) -> None:
        client = QLocalSocket()
        received = bytearray()
        client.readyRead.connect(lambda: received.extend(client.readAll().data()))
        client.connectToServer(instance.server.address.server_name)
        client.write(data)
        qtbot.waitUntil(lambda: b"\n" in received, timeout=5000)
        answers.append(bytes(received))
        client.abort()

    with qtbot.assertNotEmitted(instance.server.files_received, wait=100):
        send(b"{not json}\n")
    with qtbot.waitSignal(instance.server.files_received) as blocker:
        send(json.dumps({"files": ["/a/b.epub"]}).encode() + b"\n")
    assert answers == [b"refused\n", b"ok\n"]
    assert blocker.args == [["/a/b.epub"]]
    instance.close()


def test_a_held_lock_with_nobody_answering_starts_a_window_anyway(
    tmp_path: Path, runtime_dir: Path
) -> None:
    """A window that hangs (or an old version without a listener) must not stop a start."""
    address = single_instance.address_for(tmp_path, runtime_dir)
    with InstanceLock(address.lock_folder, address.lock_name) as held:
        assert held.acquire()
        instance = single_instance.start(tmp_path, ["a.epub"], runtime_dir=runtime_dir)
    assert not instance.handed_over
    assert instance.server is None


def test_two_data_folders_do_not_talk(qtbot, tmp_path: Path, runtime_dir: Path) -> None:
    first = single_instance.start(tmp_path / "a", [], runtime_dir=runtime_dir)
    first.listen()
    with qtbot.assertNotEmitted(first.server.files_received, wait=200):
        second = single_instance.start(tmp_path / "b", ["x.epub"], runtime_dir=runtime_dir)
    assert not second.handed_over, "a window of its own for another data folder"
    second.listen()
    assert second.server is not None
    assert second.server.address.server_name != first.server.address.server_name
    for instance in (first, second):
        instance.close()


def test_the_first_launch_decides_without_qt_network(tmp_path: Path, runtime_dir: Path) -> None:
    """Start-up: a window that starts alone takes the lock and is drawn before it imports
    Qt Network to listen (``Instance.listen``, called once the panels are drawn)."""
    probe = (
        "import sys; from pathlib import Path; from reader_app import single_instance\n"
        f"instance = single_instance.start(Path({str(tmp_path)!r}), [], "
        f"runtime_dir=Path({str(runtime_dir)!r}))\n"
        "print(instance.lock is not None, instance.server is None, "
        "'PySide6.QtNetwork' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True", "True", "False"], done.stderr


# ----- across processes ------------------------------------------------------------------


def test_a_second_launch_hands_its_file_to_the_first_and_exits_0(
    qtbot, tmp_path: Path, runtime_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    env = app_env(tmp_path / "home", runtime_dir)
    first = launch("--data-dir", str(data_dir), env=env, cwd=tmp_path)
    try:
        socket = socket_path(data_dir, runtime_dir)
        qtbot.waitUntil(socket.exists, timeout=APP_START_TIMEOUT_MS)
        (tmp_path / "book.epub").write_bytes(b"PK")
        second = subprocess.run(
            [sys.executable, "-m", "reader_app", "--data-dir", str(data_dir), "book.epub"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=HAND_OVER_LIMIT_S,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        assert first.poll() is None, "the first window is still running"
        log = log_path(data_dir)
        wanted = str(tmp_path / "book.epub")  # made absolute by the second process
        qtbot.waitUntil(
            lambda: log.exists() and wanted in log.read_text(encoding="utf-8"), timeout=10_000
        )
    finally:
        stop(first)


def test_a_launch_waits_while_the_first_window_is_being_drawn(
    qtbot, tmp_path: Path, runtime_dir: Path
) -> None:
    """The first window listens only once drawn: a launch in between waits for it."""
    data_dir = tmp_path / "data"
    env = app_env(tmp_path / "home", runtime_dir)
    first = single_instance.start(data_dir, [], runtime_dir=runtime_dir)
    received: list[list[str]] = []
    first.deliver_to(received.append, [])
    second = launch("--data-dir", str(data_dir), "notes.md", env=env, cwd=tmp_path)
    try:
        qtbot.wait(int(single_instance.LISTENER_GRACE_S * 1000 / 3))
        assert second.poll() is None, "still waiting for the first to listen"
        first.listen()
        qtbot.waitUntil(lambda: bool(received), timeout=HAND_OVER_LIMIT_S * 1000)
        assert second.wait(timeout=HAND_OVER_LIMIT_S) == 0
    finally:
        stop(second)
        first.close()
    assert received == [[str(tmp_path / "notes.md")]]


def test_a_socket_left_by_a_crash_is_replaced(qtbot, tmp_path: Path, runtime_dir: Path) -> None:
    data_dir = tmp_path / "data"
    env = app_env(tmp_path / "home", runtime_dir)
    crashed = launch("--data-dir", str(data_dir), env=env, cwd=tmp_path)
    socket = socket_path(data_dir, runtime_dir)
    try:
        qtbot.waitUntil(socket.exists, timeout=APP_START_TIMEOUT_MS)
    finally:
        stop(crashed, signal.SIGKILL)
    assert socket.exists(), "a killed process leaves its socket behind"

    instance = single_instance.start(data_dir, [], runtime_dir=runtime_dir)
    instance.listen()
    assert instance.server is not None, "the stale socket was removed and replaced"
    with qtbot.waitSignal(instance.server.files_received, timeout=HAND_OVER_LIMIT_S * 1000) as got:
        second = launch("--data-dir", str(data_dir), "notes.md", env=env, cwd=tmp_path)
    assert second.wait(timeout=HAND_OVER_LIMIT_S) == 0
    stop(second)
    assert got.args == [[str(tmp_path / "notes.md")]]
    instance.close()


# ----- the window ------------------------------------------------------------------------


def test_files_given_to_the_window_are_added_and_opened(make_window, qtbot, tmp_path) -> None:
    from reader_app.ui.file_handover import receive_files

    window = make_window()
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    receive_files(window, [])  # a launch without files only brings the window forward
    assert len(window.library.model.texts()) == 1
    essay = tmp_path / "notes.md"
    essay.write_text("# Handed Over\n\nWords from a second launch.\n", encoding="utf-8")
    with qtbot.waitSignal(window.library.text_opened):
        receive_files(window, [str(essay)])
    assert window.document.title == "Handed Over"


def test_the_notice_does_not_block_and_shows_names_as_plain_text(make_window, qtbot) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from reader_app.ui.file_handover import receive_files

    window = make_window()
    window.library = None  # as when the notes file, which holds the library, cannot open
    receive_files(window, ["/tmp/<b>bold<i>.md"])  # returns: no nested event loop
    box = window.findChild(QMessageBox)
    assert box is not None
    qtbot.waitExposed(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "<b>bold<i>.md" in box.text()
    box.accept()
