"""One window per data folder: a second launch hands its files to the running window.

A file manager runs ``study-reader FILE…`` for every "Open With"; with the app already open,
a second window could only read the notes (``storage/lock.py`` lets one process write). So
the first window listens on a local socket (a Unix socket in the user's private runtime
folder, a named pipe on Windows) and a later launch sends it the files and exits.

Who listens is decided by a lock, not by trying to connect: the window process holds an
advisory lock on ``<runtime>/study-reader-<key>.lock`` for its whole life, and the operating
system drops it however the process ends. Whoever takes the lock therefore knows that a
socket left at the address belongs to a process that has died, removes it
(``QLocalServer.removeServer``) and listens; two launches at the same instant cannot both
become the listener, as they could if each decided after a failed connect.

The key is a hash of the user and the resolved data folder, so two data folders (two
``--data-dir``) have two windows that never talk to each other.

The exchange is one line of JSON each way: ``{"files": [...], "activation_token": "..."}``
and the answer ``ok``. Only after the answer does the second process exit (status 0); if no
answer comes, it starts a window of its own, which opens the notes read-only when the first
still holds them: the one case the hand-over cannot resolve.

Qt Core and Qt Network only: no widget is touched here; the window connects to
``files_received``. Qt Network is imported only by a launch that hands over, and by the
window when it starts listening (``Instance.listen``), once it is drawn: a window that
starts alone never waits for it (about 10 ms of start-up).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from reader_app import EXECUTABLE
from reader_app.storage.lock import InstanceLock

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

logger = logging.getLogger(__name__)

HAND_OVER_TIMEOUT_MS = 3000  # a window busy for longer gets a read-only neighbour instead
LISTENER_GRACE_S = 3.0  # between taking the lock and listening, a window being drawn
RETRY_INTERVAL_S = 0.05
MAX_MESSAGE_BYTES = 1_000_000  # some thousands of paths; anything longer is not ours
ANSWER_OK = b"ok\n"
ANSWER_REFUSED = b"refused\n"
# Wayland's focus rules let a window come forward only with a token from the launcher
# (xdg-activation); Qt's Wayland plugin uses this variable when the window asks to activate.
ACTIVATION_TOKEN_VARIABLE = "XDG_ACTIVATION_TOKEN"


class HandOverError(ValueError):
    """A message on the socket that is not a hand-over request."""


@dataclass(frozen=True)
class Address:
    """Where one data folder's window listens, and the lock that says who may listen there."""

    server_name: str
    lock_folder: Path
    lock_name: str


def instance_key(data_dir: Path) -> str:
    """Short, stable, per user and per data folder; nothing of the path shows in it."""
    identity = f"{getpass.getuser()}\0{data_dir.expanduser().resolve()}"
    return hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def runtime_folder() -> Path | None:
    """The user's private folder for sockets (``XDG_RUNTIME_DIR``, which Qt checks is the
    user's own with mode 0700); the temporary folder on Windows, where pipes need none."""
    if sys.platform == "win32":
        location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.TempLocation)
    else:
        location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
    return Path(location) if location else None


def address_for(data_dir: Path, runtime_dir: Path) -> Address:
    stem = f"{EXECUTABLE}-{instance_key(data_dir)}"
    # A Unix socket named by its full path lives where only its user can reach it; a bare
    # name would put it in /tmp, where another user could squat it first.
    server_name = stem if sys.platform == "win32" else str(runtime_dir / f"{stem}.socket")
    return Address(server_name, runtime_dir, f"{stem}.lock")


def encode_request(files: list[str], activation_token: str = "") -> bytes:
    message = {"files": files, "activation_token": activation_token}
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


def decode_request(line: bytes) -> tuple[list[str], str]:
    """Files and activation token from one request line; HandOverError for anything else."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HandOverError(f"not a hand-over request: {error}") from None
    if not isinstance(message, dict):
        raise HandOverError("not a hand-over request: not an object")
    files = message.get("files")
    token = message.get("activation_token", "")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise HandOverError("not a hand-over request: 'files' is not a list of paths")
    if not isinstance(token, str):
        raise HandOverError("not a hand-over request: 'activation_token' is not text")
    return files, token


def absolute_paths(files: list[str]) -> list[str]:
    """The receiving window runs in another folder: relative names must not reach it."""
    return [str(Path(name).expanduser().absolute()) for name in files]


def _connect(socket: QLocalSocket, name: str, timeout_ms: int) -> bool:
    """Connect, retrying for a moment while nobody listens yet: the lock holder may be a
    window that started a moment ago and listens once it is drawn."""
    from PySide6.QtNetwork import QLocalSocket

    deadline = time.monotonic() + LISTENER_GRACE_S
    while True:
        socket.connectToServer(name)
        if socket.waitForConnected(timeout_ms):
            return True
        not_there = socket.error() in {
            QLocalSocket.LocalSocketError.ServerNotFoundError,
            QLocalSocket.LocalSocketError.ConnectionRefusedError,
        }
        if not not_there or time.monotonic() >= deadline:
            return False
        time.sleep(RETRY_INTERVAL_S)


def hand_over(
    address: Address, files: list[str], *, timeout_ms: int = HAND_OVER_TIMEOUT_MS
) -> bool:
    """Send ``files`` to the window listening at ``address``; True once it has answered."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    try:
        if not _connect(socket, address.server_name, timeout_ms):
            return False
        token = os.environ.get(ACTIVATION_TOKEN_VARIABLE, "")
        socket.write(encode_request(absolute_paths(files), token))
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        answer = b""
        while b"\n" not in answer and len(answer) < 64:
            if not socket.waitForReadyRead(timeout_ms):
                break
            answer += socket.readAll().data()
        return answer == ANSWER_OK
    finally:
        socket.abort()


class WindowServer(QObject):
    """Listens for later launches; emits what they asked for, after answering them."""

    files_received = Signal(list)  # absolute paths, possibly none: "come to the front"

    def __init__(self, address: Address, parent: QObject | None = None) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self.address = address
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    def listen(self) -> bool:
        """Listen, replacing a socket that a dead process left behind (the caller holds the
        lock, so no living process can be listening there)."""
        self._server.removeServer(self.address.server_name)
        if self._server.listen(self.address.server_name):
            return True
        logger.warning(
            "cannot listen for other launches at %s: %s",
            self.address.server_name,
            self._server.errorString(),
        )
        return False

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            buffer = bytearray()
            socket.readyRead.connect(lambda s=socket, b=buffer: self._read(s, b))
            if socket.bytesAvailable():
                self._read(socket, buffer)

    @staticmethod
    def _finish(socket: QLocalSocket, answer: bytes) -> None:
        """Answer and let go of the connection here, never from its "disconnected" signal: a
        socket also sends that from its destructor when the server goes first, and
        deleteLater connected to it (directly, queued or through a timer) crashed the tests
        with "shared QObject was deleted directly". A client that never finishes its line
        stays a child of the server until the server goes."""
        socket.readyRead.disconnect()
        socket.write(answer)
        socket.waitForBytesWritten(HAND_OVER_TIMEOUT_MS)  # a few bytes to a local peer
        socket.disconnectFromServer()
        socket.deleteLater()

    def _read(self, socket: QLocalSocket, buffer: bytearray) -> None:
        buffer += socket.readAll().data()
        if b"\n" not in buffer:
            if len(buffer) > MAX_MESSAGE_BYTES:
                logger.warning("a hand-over request over %d bytes was refused", MAX_MESSAGE_BYTES)
                self._finish(socket, ANSWER_REFUSED)
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        buffer.clear()
        try:
            files, token = decode_request(line)
        except HandOverError as error:
            logger.warning("%s", error)
            self._finish(socket, ANSWER_REFUSED)
            return
        self._finish(socket, ANSWER_OK)
        logger.info("another launch handed over %d file(s): %s", len(files), files)
        if token:
            os.environ[ACTIVATION_TOKEN_VARIABLE] = token
        # Emitted from the event loop, not from inside the socket's signal, so that whatever
        # the window does (a dialog, a long load) cannot hold up this socket.
        QTimer.singleShot(0, lambda: self.files_received.emit(files))


@dataclass
class Instance:
    """What ``start`` found: the caller either exits (handed over) or opens its window, which
    calls ``listen`` once it is drawn if it is the data folder's first (it holds ``lock``)."""

    handed_over: bool
    address: Address | None = None
    lock: InstanceLock | None = field(default=None, repr=False)
    server: WindowServer | None = None
    _receivers: list[Callable[[list[str]], object]] = field(default_factory=list, repr=False)

    def deliver_to(self, receiver: Callable[[list[str]], object], files: list[str]) -> None:
        """This launch's own files now, later launches' as they arrive (once listening)."""
        self._receivers.append(receiver)
        if self.server is not None:
            self.server.files_received.connect(receiver)
        if files:
            QTimer.singleShot(0, lambda: receiver(absolute_paths(files)))

    def listen(self) -> None:
        """Answer later launches from now on; if that cannot be, give up the lock, so that
        they open windows of their own (read-only notes) instead of waiting for us."""
        if self.server is not None or self.lock is None or self.address is None:
            return
        server = WindowServer(self.address)
        if not server.listen():
            self.lock.release()
            self.lock = None
            return
        self.server = server
        for receiver in self._receivers:
            server.files_received.connect(receiver)

    def close(self) -> None:
        """Stop listening and let the next launch be the first (the tests start many)."""
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def start(data_dir: Path, files: list[str], *, runtime_dir: Path | None = None) -> Instance:
    """Become the data folder's window, or hand ``files`` to the one that already is.

    The first takes the lock and listens later (``Instance.listen``). Anything in the way
    (no runtime folder, a lock file that cannot be made, a listener that does not answer)
    ends in a plain start without a server: the app still runs.
    """
    runtime_dir = runtime_dir or runtime_folder()
    if runtime_dir is None:
        logger.warning("no runtime folder: later launches will open windows of their own")
        return Instance(handed_over=False)
    address = address_for(data_dir, runtime_dir)
    lock = InstanceLock(address.lock_folder, address.lock_name, lock_folder=False)
    try:
        first = lock.acquire()
    except OSError as error:
        logger.warning("cannot take the window lock %s: %s", lock.path, error)
        return Instance(handed_over=False)
    if not first:
        if hand_over(address, files):
            return Instance(handed_over=True)
        logger.warning("the running window did not answer; opening a second window")
        return Instance(handed_over=False)
    return Instance(handed_over=False, address=address, lock=lock)
