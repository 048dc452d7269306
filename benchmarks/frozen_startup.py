"""Start-up of the frozen Study Reader against a frozen bare PySide6 window, built the same way.

Builds two one-folder bundles into a temporary folder with the app's own spec
(``packaging/study-reader.spec``: same excludes, plugins and resources): the app itself, and
``benchmarks/frozen/bare_window.py``, a QTextBrowser showing the same text. Each prints
``first-paint`` from the reading view's first ``paintEvent`` and quits (the app through the
runtime hook ``benchmarks/frozen/first_paint_probe.py``, added to its build only). Each run
launches a fresh process and times launch to that line; app and bare runs alternate so both
see the same machine conditions.

    python benchmarks/frozen_startup.py [--runs 21]
    QT_QPA_PLATFORM=xcb DISPLAY=:99 python benchmarks/frozen_startup.py   # a real X server

Linux and macOS (a windowed Windows build has no stdout to report on). Defaults to the
offscreen platform.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "packaging" / "study-reader.spec"
PROBE = REPO / "benchmarks" / "frozen" / "first_paint_probe.py"
BARE = REPO / "benchmarks" / "frozen" / "bare_window.py"


def derived_spec(folder: Path, kind: str) -> Path:
    """The app's spec with the probe added (and, for ``bare``, the bare window as entry)."""
    text = SPEC.read_text(encoding="utf-8")
    swaps = [("REPO = Path(SPECPATH).resolve().parent", f"REPO = Path({str(REPO)!r})")]
    if kind == "bare":
        swaps.append(('[str(REPO / "reader_app" / "__main__.py")]', f"[{str(BARE)!r}]"))
    else:
        swaps.append(("runtime_hooks=[],", f"runtime_hooks=[{str(PROBE)!r}],"))
    for old, new in swaps:
        if text.count(old) != 1:
            raise SystemExit(f"{SPEC.name} changed: cannot find {old!r} once; update this script")
        text = text.replace(old, new)
    path = folder / f"{kind}.spec"
    path.write_text(text, encoding="utf-8")
    return path


def build(folder: Path, kind: str) -> Path:
    spec = derived_spec(folder, kind)
    env = dict(os.environ, PYTHONHASHSEED="0")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(folder / kind), "--workpath", str(folder / f"work-{kind}")]
    subprocess.run([*command, str(spec)], check=True, env=env, cwd=REPO)
    from reader_app import EXECUTABLE

    if sys.platform == "darwin":
        from reader_app import APP_NAME

        return folder / kind / f"{APP_NAME}.app" / "Contents" / "MacOS" / EXECUTABLE
    return folder / kind / EXECUTABLE / EXECUTABLE


def measure(executable: Path, data_dir: str) -> float:
    """Seconds from launch to the first paint of the reading view, in a fresh process."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(executable), "--data-dir", data_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    painted = None
    for line in process.stdout:
        if line.strip() == "first-paint" and painted is None:
            painted = time.perf_counter()
    if process.wait(timeout=60) != 0 or painted is None:
        raise SystemExit(f"{executable} failed (exit status {process.returncode})")
    return painted - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))

    with tempfile.TemporaryDirectory(prefix="frozen-startup-") as folder:
        root = Path(folder)
        executables = {kind: build(root, kind) for kind in ("bare", "app")}
        data_dir = str(root / "data")
        for executable in executables.values():  # warm the file cache; not counted
            measure(executable, data_dir)
        times: dict[str, list[float]] = {"bare": [], "app": []}
        for _ in range(args.runs):
            for kind, executable in executables.items():
                times[kind].append(measure(executable, data_dir))

    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    for kind, values in times.items():
        print(
            f"frozen {kind:4} launch to first paint: median {statistics.median(values) * 1000:6.1f}"
            f" ms (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
        )
    ratio = statistics.median(times["app"]) / statistics.median(times["bare"])
    print(f"ratio app/bare: {ratio:.2f}x over {args.runs} interleaved runs ({platform})")
    pairs = [app / bare for bare, app in zip(times["bare"], times["app"], strict=True)]
    low, middle, high = statistics.quantiles(pairs, n=4)
    print(f"ratio in each bare/app pair: median {middle:.2f}x, quartiles {low:.2f}x-{high:.2f}x")


if __name__ == "__main__":
    main()
