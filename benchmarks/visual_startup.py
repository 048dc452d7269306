"""Start-up as a person sees it: the screen, captured from launch until it stops changing.

Study Reader is run as a user runs it (the installed entry point ``.venv/bin/study-reader``
from compiled bytecode, or with ``--frozen`` the standalone build from
``packaging/build.py``) on a private Xvfb server, and so is a bare PySide6 window showing the
same text (a QTextBrowser, from a tiny script this benchmark writes and launches the same
way). Nothing inside either process is probed: the screen is captured from the moment of
launch until it has not changed for ``--settle`` seconds, and two moments are read off the
captures:

- first paint: the first capture showing the window's text (at least ``TEXT_ROWS`` pixel rows
  crossed by many letter strokes, that is several lines of text: a menu bar, a title or a
  "loading" label alone does not count);
- visually complete: the last change before the screen stood still (for the app, the text
  with both panels drawn). Changes of at most ``CARET_WIDTH`` pixels across (a blinking text
  cursor) are not counted as changes.

Runs of the two alternate (bare-app, app-bare, ...) so that both meet the same machine
conditions; the medians, their ratio and the spread of the ratio within each pair are
printed against the goals (visually complete at most 1.5x the bare window, first paint at
most 1.2x).

    .venv/bin/python benchmarks/visual_startup.py [--runs 15]
    .venv/bin/python benchmarks/visual_startup.py --frozen   # needs packaging/build.py first

Linux with Xvfb (``scripts/setup.sh`` installs it). The screen is read in this process with
Xlib's XGetImage through ctypes (libX11 comes with the libraries Qt needs): about 5 ms a
capture, where starting ``xwd`` or ImageMagick's ``import`` for each capture would cost a
process launch each time and compete for the CPU with the program being measured.
"""

from __future__ import annotations

import argparse
import compileall
import ctypes
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "packaging" / "study-reader.spec"
TEXT_NAME = "kollontai-workers-opposition-1921.txt"

SCREEN = (1440, 900)
TEXT_ROWS = 80  # pixel rows of text in a capture that shows the window's text
STROKES_PER_TEXT_ROW = 20  # dark runs (letter strokes) in a pixel row crossing a line of text
CARET_WIDTH = 3  # changes no wider than this are a text cursor blinking, not drawing
GOALS = {"first paint": 1.2, "visually complete": 1.5}

BARE_WINDOW = '''"""A bare PySide6 window showing the text Study Reader opens on: the floor."""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QTextBrowser

RESOURCES = Path(getattr(sys, "_MEIPASS", {repo!r})) / "resources"


def main() -> int:
    app = QApplication(sys.argv[:1])
    browser = QTextBrowser()
    browser.setPlainText((RESOURCES / "texts" / {text!r}).read_text(encoding="utf-8"))
    browser.resize(1280, 800)
    browser.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
'''

# The same shape as the launcher pip writes for the app's entry point.
LAUNCHER = """#!{python}
import sys
from bare_window import main
if __name__ == '__main__':
    sys.exit(main())
"""


# ----- the screen --------------------------------------------------------------------------


class XImage(ctypes.Structure):
    """The leading fields of Xlib's XImage, as far as this script reads them."""

    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int),
        ("data", ctypes.c_void_p),
        ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
    ]


class Screen:
    """A private Xvfb server and a connection that reads its whole screen."""

    Z_PIXMAP = 2

    def __init__(self) -> None:
        if shutil.which("Xvfb") is None:
            raise SystemExit("Xvfb is needed (scripts/setup.sh installs it)")
        read_end, write_end = os.pipe()
        width, height = SCREEN
        # Black root (-br): Xvfb's default stipple would look like text to the detector.
        self.server = subprocess.Popen(
            [
                *("Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24"),
                *("-br", "-nocursor", "-nolisten", "tcp"),
            ],
            pass_fds=(write_end,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise SystemExit("Xvfb did not start")
        self.display = f":{number}"
        xlib = ctypes.CDLL("libX11.so.6")
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        xlib.XDefaultRootWindow.restype = ctypes.c_ulong
        xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        xlib.XGetImage.restype = ctypes.POINTER(XImage)
        xlib.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int]
        xlib.XGetImage.argtypes += [ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        xlib.XDestroyImage.argtypes = [ctypes.POINTER(XImage)]
        xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._xlib = xlib
        self._connection = xlib.XOpenDisplay(self.display.encode())
        if not self._connection:
            raise SystemExit(f"cannot connect to Xvfb on {self.display}")
        self._root = xlib.XDefaultRootWindow(self._connection)
        self.blank = self.capture()

    def capture(self) -> bytes:
        """The whole screen, 32 bits a pixel (blue, green, red, unused), row after row."""
        width, height = SCREEN
        image = self._xlib.XGetImage(
            self._connection, self._root, 0, 0, width, height, 0xFFFFFFFF, self.Z_PIXMAP
        )
        if not image:
            raise SystemExit("XGetImage failed")
        fields = image.contents
        if fields.bits_per_pixel != 32 or fields.bytes_per_line != width * 4:
            raise SystemExit(f"unexpected screen format: {fields.bits_per_pixel} bits a pixel")
        data = ctypes.string_at(fields.data, fields.bytes_per_line * fields.height)
        self._xlib.XDestroyImage(image)
        return data

    def close(self) -> None:
        self._xlib.XCloseDisplay(self._connection)
        self.server.terminate()
        self.server.wait()


# ----- reading the captures ----------------------------------------------------------------

DARK = bytes(1 if value < 128 else 0 for value in range(256))  # green channel, 0-255


def text_rows(frame: bytes) -> int:
    """Pixel rows crossed by many dark strokes on a light ground: lines of text.

    Counted on the green channel, thresholded at half brightness; a stroke is a run of dark
    pixels after a light one (so light text on a dark ground counts its gaps instead, which
    are as many)."""
    width, height = SCREEN
    dark = frame[1::4].translate(DARK)
    return sum(
        dark[row * width : (row + 1) * width].count(b"\x00\x01") >= STROKES_PER_TEXT_ROW
        for row in range(height)
    )


def changed_width(before: bytes, after: bytes) -> int:
    """How many pixels across the changed part of the screen is (0 if nothing changed)."""
    width, height = SCREEN
    stride = width * 4
    left, right = width, -1
    for row in range(height):
        start = row * stride
        a, b = before[start : start + stride], after[start : start + stride]
        if a == b:
            continue
        left = min(left, _first_difference(a, b) // 4)
        right = max(right, _last_difference(a, b) // 4)
    return right - left + 1 if right >= 0 else 0


def _first_difference(a: bytes, b: bytes) -> int:
    low, high = 0, len(a)  # a[:low] == b[:low], a[:high] != b[:high]
    while high - low > 1:
        middle = (low + high) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle
    return low


def _last_difference(a: bytes, b: bytes) -> int:
    low, high = 0, len(a)  # a[low:] != b[low:], a[high:] == b[high:]
    while high - low > 1:
        middle = (low + high) // 2
        if a[middle:] == b[middle:]:
            high = middle
        else:
            low = middle
    return low


@dataclass
class Frame:
    at: float  # seconds since launch
    cpu: float  # seconds of CPU the process had used by then (from /proc, 10 ms steps)
    pixels: bytes


@dataclass
class Run:
    first_paint: float
    visually_complete: float
    first_paint_cpu: float
    visually_complete_cpu: float
    frames: list[Frame]


def cpu_seconds(pid: int) -> float:
    """User and system time of a running process, as the kernel accounts it: a second view
    of the same moments that the machine's other load disturbs much less than the clock."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def watch(screen: Screen, command: list[str], env: dict[str, str], settle: float) -> Run:
    """Launch ``command`` and capture the screen until it has stood still for ``settle``."""
    wait_for_blank(screen)
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        # Launched from a neutral folder: from the checkout, an --app launcher of another
        # version that runs ``python -c`` or ``-m`` would import this checkout's package.
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=log, cwd=tempfile.gettempdir()
        )
        try:
            frames = capture_until_still(screen, process, started, settle)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the app saves and closes as on logout
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if frames is None:
            log.seek(0)
            output = log.read().decode(errors="replace")
            raise SystemExit(f"{command[0]} exited ({process.returncode}):\n{output}")
    return analyse(frames, screen.blank)


def capture_until_still(
    screen: Screen, process: subprocess.Popen[bytes], started: float, settle: float
) -> list[Frame] | None:
    """Each distinct capture with its time since launch; None if the process ended first."""
    frames: list[Frame] = []
    last = screen.blank
    last_change = None
    while True:
        frame = screen.capture()
        now = time.perf_counter()
        if frame != last:
            frames.append(Frame(now - started, cpu_seconds(process.pid), frame))
            if changed_width(last, frame) > CARET_WIDTH:
                last_change = now
            last = frame
        elif last_change is not None and now - last_change >= settle:
            return frames
        if process.poll() is not None:
            return None
        if now - started > 60:
            raise SystemExit("the screen did not settle within a minute")
        time.sleep(0.004)  # leave the CPU to the program being measured


def analyse(frames: list[Frame], blank: bytes) -> Run:
    first = next((frame for frame in frames if text_rows(frame.pixels) >= TEXT_ROWS), None)
    if first is None:
        raise SystemExit("no capture showed text; see --keep-frames")
    complete = first
    previous = blank
    for frame in frames:
        if changed_width(previous, frame.pixels) > CARET_WIDTH and frame.at > complete.at:
            complete = frame
        previous = frame.pixels
    return Run(first.at, complete.at, first.cpu, complete.cpu, frames)


def wait_for_blank(screen: Screen) -> None:
    """The previous window may take a moment to go after its process has ended."""
    deadline = time.monotonic() + 10
    while screen.capture() != screen.blank:
        if time.monotonic() > deadline:
            raise SystemExit("the screen did not clear between runs")
        time.sleep(0.01)


def save_frames(run: Run, folder: Path) -> None:
    """The distinct captures of one run as PNGs named by their time since launch."""
    from PySide6.QtGui import QImage

    folder.mkdir(parents=True, exist_ok=True)
    width, height = SCREEN
    for frame in run.frames:
        image = QImage(frame.pixels, width, height, width * 4, QImage.Format.Format_RGB32)
        image.save(str(folder / f"{frame.at * 1000:07.1f}ms.png"))


# ----- what is launched --------------------------------------------------------------------


def write_bare_window(folder: Path) -> Path:
    """The floor's module, and a launcher like pip's for the app, run from bytecode."""
    folder.mkdir(parents=True, exist_ok=True)
    module = folder / "bare_window.py"
    module.write_text(BARE_WINDOW.format(repo=str(REPO), text=TEXT_NAME), encoding="utf-8")
    compileall.compile_file(module, quiet=1)
    launcher = folder / "bare-window"
    launcher.write_text(LAUNCHER.format(python=sys.executable), encoding="utf-8")
    launcher.chmod(0o755)
    return launcher


def installed_commands(folder: Path) -> dict[str, list[str]]:
    """The app's installed entry point beside this Python, and the bare window's launcher."""
    entry_point = Path(sys.executable).parent / "study-reader"
    if not entry_point.exists():
        raise SystemExit(f"{entry_point} is missing: run scripts/setup.sh first")
    # An installed app runs from compiled bytecode; a checkout may have none yet (and
    # PYTHONDONTWRITEBYTECODE=1 stops Python writing it), which would time the compiler.
    compileall.compile_dir(REPO / "reader_app", quiet=1)
    return {"bare": [str(write_bare_window(folder))], "app": [str(entry_point)]}


def frozen_commands(folder: Path) -> dict[str, list[str]]:
    """The standalone build in dist/ and a bare window frozen with the app's own spec."""
    from reader_app import EXECUTABLE

    app = REPO / "dist" / EXECUTABLE / EXECUTABLE
    if not app.exists():
        raise SystemExit(f"{app} is missing: run packaging/build.py first")
    module = write_bare_window(folder / "source")
    spec_text = SPEC.read_text(encoding="utf-8")
    swaps = [
        ("REPO = Path(SPECPATH).resolve().parent", f"REPO = Path({str(REPO)!r})"),
        (
            '[str(REPO / "reader_app" / "__main__.py")]',
            f"[{str(module.parent / 'bare_window.py')!r}]",
        ),
    ]
    for old, new in swaps:
        if spec_text.count(old) != 1:
            raise SystemExit(f"{SPEC.name} changed: cannot find {old!r} once; update this script")
        spec_text = spec_text.replace(old, new)
    spec = folder / "bare.spec"
    spec.write_text(spec_text, encoding="utf-8")
    print("freezing the bare window with the app's spec (about a minute)...", flush=True)
    subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"),
            *("--distpath", str(folder / "dist"), "--workpath", str(folder / "work"), str(spec)),
        ],
        check=True,
        cwd=REPO,
        env=dict(os.environ, PYTHONHASHSEED="0"),
    )
    return {"bare": [str(folder / "dist" / EXECUTABLE / EXECUTABLE)], "app": [str(app)]}


# ----- the run -----------------------------------------------------------------------------


def report(results: dict[str, list[Run]], label: str) -> None:
    runs = len(results["app"])
    print(f"{label}: {runs} interleaved runs each; ms from launch, and CPU ms used by then")
    for name, goal in GOALS.items():
        attribute = name.replace(" ", "_")
        for clock, suffix in (("time", ""), ("cpu", "_cpu")):
            medians = {}
            for kind in ("bare", "app"):
                values = [getattr(run, attribute + suffix) * 1000 for run in results[kind]]
                medians[kind] = statistics.median(values)
                print(
                    f"  {kind:4} {name:17} {clock:4} median {medians[kind]:6.0f}"
                    f"  (min {min(values):.0f}, max {max(values):.0f})"
                )
            ratio = medians["app"] / medians["bare"]
            pairs = sorted(
                getattr(app, attribute + suffix) / getattr(bare, attribute + suffix)
                for bare, app in zip(results["bare"], results["app"], strict=True)
            )
            quartiles = statistics.quantiles(pairs, n=4) if len(pairs) > 1 else pairs * 3
            verdict = "met" if ratio <= goal else "NOT met"
            print(
                f"  ratio app/bare {name} ({clock}): {ratio:.2f}x (goal <= {goal}x: {verdict});"
                f" within pairs median {quartiles[1]:.2f}x, quartiles "
                f"{quartiles[0]:.2f}x-{quartiles[2]:.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--frozen", action="store_true", help="the build in dist/ instead")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds without change")
    parser.add_argument("--keep-frames", type=Path, help="save each run's captures here")
    parser.add_argument(
        "--app", type=Path, help="another launcher to measure as the app (another version, say)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))

    with tempfile.TemporaryDirectory(prefix="visual-startup-") as folder:
        root = Path(folder)
        commands = frozen_commands(root) if args.frozen else installed_commands(root)
        if args.app:
            commands["app"] = [str(args.app.resolve())]
        screen = Screen()
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"QT_QPA_PLATFORM", "WAYLAND_DISPLAY"}
        }
        env.update(DISPLAY=screen.display, QT_QPA_PLATFORM="xcb")
        data_dir = root / "data"
        commands["app"] += ["--data-dir", str(data_dir)]
        results: dict[str, list[Run]] = {"bare": [], "app": []}
        try:
            for kind in ("bare", "app"):  # warm the file cache and make the data; not counted
                watch(screen, commands[kind], env, args.settle)
            for index in range(args.runs):
                order = ("bare", "app") if index % 2 == 0 else ("app", "bare")
                for kind in order:
                    run = watch(screen, commands[kind], env, args.settle)
                    results[kind].append(run)
                    if args.keep_frames:
                        save_frames(run, args.keep_frames / f"{index:02d}-{kind}")
                    run.frames.clear()
        finally:
            screen.close()
    report(results, "frozen build" if args.frozen else "installed entry point")


if __name__ == "__main__":
    main()
