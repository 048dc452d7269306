"""Start-up time and peak memory of Study Reader against a bare PySide6 window.

Each run launches a fresh Python process and times it from launch until its window has
painted for the first time; the child then reports its peak resident memory. The app and
the floor (a bare QTextBrowser showing the same text) alternate in one run so that both
see the same machine conditions. Each app run ends as a reader's session does, by closing
the window (which closes the notes), so each start finds the data as a normal quit left it.

    QT_QPA_PLATFORM=offscreen python benchmarks/startup.py [--runs 21]
    QT_QPA_PLATFORM=offscreen python benchmarks/startup.py --data-from DATA_DIR

``--data-from`` starts from a copy of an existing data folder (a course's library of twenty
books, say, as ``search_library.py`` leaves one) instead of a new one; the folder itself is
not touched.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEXT = REPO / "resources" / "texts" / "kollontai-workers-opposition-1921.txt"


def child(kind: str, data_dir: str) -> None:
    """Runs in the measured process: start the window, wait for its first paint, report.

    The app is started through its real entry point, ``reader_app.app.main``, exactly as
    ``study-reader --data-dir DIR`` would be, and nothing else is imported before it: the
    order of imports changes what PySide's import hook does, so it must be the real one.
    The reading view's first paint (its ``first_painted`` signal) and the moment its panels
    are attached are reported by wrapping two functions of ``reader_app.app``.
    """

    def report_peak() -> None:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"peak {peak_kib}", flush=True)

    if kind == "app":
        from reader_app import app as app_module

        create = app_module.create_main_window
        attach = app_module.attach_panels

        def create_and_watch(*args, **kwargs):
            window = create(*args, **kwargs)
            window.reading_view.first_painted.connect(lambda: print("ready", flush=True))
            return window

        def attach_and_report(window, *args):
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication

            def quit_as_a_reader_does() -> None:  # the notes close whole
                window.close()
                QApplication.quit()

            repository = attach(window, *args)
            print(f"panels {time.perf_counter()}", flush=True)
            QTimer.singleShot(0, quit_as_a_reader_does)
            return repository

        app_module.create_main_window = create_and_watch
        app_module.attach_panels = attach_and_report
        app_module.main(["--data-dir", data_dir])
        report_peak()
        return

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QTextBrowser

    class Bare(QTextBrowser):
        def paintEvent(self, event) -> None:  # the same one-call probe as the app's
            super().paintEvent(event)
            if not getattr(self, "_benchmark_seen", False):
                self._benchmark_seen = True
                print("ready", flush=True)
                QTimer.singleShot(0, QApplication.quit)

    app = QApplication([sys.argv[0]])
    window = Bare()
    window.setPlainText(TEXT.read_text(encoding="utf-8"))
    window.resize(1280, 800)
    window.show()
    app.exec()
    report_peak()


def measure(kind: str, data_dir: str) -> tuple[float, float, float]:
    """(seconds to first paint, seconds until fully ready, peak MiB) for one fresh process.

    The child reports ``time.perf_counter()`` when its panels are attached; perf_counter is
    system-wide monotonic on Linux, so the parent can compare it with its own start time.
    """
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, "--data-dir", data_dir],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert process.stdout is not None
    ready_at = None
    panels_at = None
    peak_mib = float("nan")
    for line in process.stdout:
        if line.startswith("ready") and ready_at is None:
            ready_at = time.perf_counter()
        elif line.startswith("panels"):
            panels_at = float(line.split()[1])
        elif line.startswith("peak"):
            peak_mib = int(line.split()[1]) / 1024
    if process.wait() != 0 or ready_at is None:
        raise SystemExit(f"{kind} run failed with exit status {process.returncode}")
    complete = (panels_at or ready_at) - started
    return ready_at - started, complete, peak_mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--child", choices=["app", "bare"])
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)  # the child's
    parser.add_argument("--data-from", type=Path, help="start from a copy of this data folder")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data_dir)
        return

    # An installed app runs from compiled bytecode; a source checkout may have none (and
    # PYTHONDONTWRITEBYTECODE=1 stops Python writing it), which would time the compiler.
    compileall.compile_dir(REPO / "reader_app", quiet=1)
    results: dict[str, list[tuple[float, float, float]]] = {"bare": [], "app": []}
    with tempfile.TemporaryDirectory() as folder:
        data_dir = str(Path(folder) / "data")
        if args.data_from:
            shutil.copytree(args.data_from, data_dir, ignore=shutil.ignore_patterns("backups"))
        measure("app", data_dir)  # warm the file cache; not counted
        measure("bare", data_dir)
        for _ in range(args.runs):
            for kind in ("bare", "app"):
                results[kind].append(measure(kind, data_dir))

    medians = {}
    for kind, rows in results.items():
        times = [first for first, _, _ in rows]
        peaks = [peak for _, _, peak in rows]
        medians[kind] = statistics.median(times)
        print(
            f"{kind:5} first paint median {medians[kind] * 1000:7.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}); "
            f"peak memory median {statistics.median(peaks):.1f} MiB, max {max(peaks):.1f} MiB"
        )
    complete = statistics.median(done for _, done, _ in results["app"])
    print(f"app   glossary and notes ready median {complete * 1000:7.1f} ms")
    print(
        f"ratio app/bare first paint: {medians['app'] / medians['bare']:.2f}x over {args.runs} runs"
    )
    # Each app run follows its own bare run, so the pair's ratio is the least disturbed by
    # this machine's slow and fast spells; the quartiles show how far they still reach.
    pairs = [app[0] / bare[0] for bare, app in zip(results["bare"], results["app"], strict=True)]
    low, middle, high = statistics.quantiles(pairs, n=4)
    print(f"ratio in each bare/app pair: median {middle:.2f}x, quartiles {low:.2f}x-{high:.2f}x")
    print(f"ratio app fully ready/bare: {complete / medians['bare']:.2f}x")


if __name__ == "__main__":
    main()
