"""Build, smoke-test and archive the standalone Study Reader for this operating system.

    python packaging/build.py [--skip-build] [--no-xvfb]

1. Runs PyInstaller on ``packaging/study-reader.spec`` with ``PYTHONHASHSEED=0`` and
   ``SOURCE_DATE_EPOCH`` (the last commit's time, or a fixed date outside git), so that two
   builds of one commit match as closely as PyInstaller allows.
2. Runs the frozen app's ``--self-test`` with ``QT_QPA_PLATFORM=offscreen`` and, on Linux where
   Xvfb is installed, under a real X server with the xcb platform: offscreen needs no X
   libraries, so only the second run shows a missing one. On Linux it also checks, through the
   dynamic loader's own record, that the X11 helper libraries came from the bundle. Anything
   on stderr that is not on a short list of known, harmless lines fails the build.
3. Archives the one-folder build as ``dist/study-reader-<version>-<os>-<arch>.tar.gz`` (``.zip``
   on Windows; on macOS the ``.app`` in a ``.dmg``), with sorted entries and fixed times.
4. On Linux (x86-64), also packages it as ``dist/study-reader_<version>_amd64.deb``
   (``packaging/debian_package.py``: layout, Depends, control, copyright, changelog).
5. Prints the unpacked and archive sizes and fails if they are over budget.

Exit status 0 when everything passed; otherwise 1 with the reason.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "packaging"))
import debian_package as deb  # noqa: E402  (beside this script, not an installed package)

SPEC = REPO / "packaging" / "study-reader.spec"
DIST = REPO / "dist"
WORK = REPO / "build" / "pyinstaller"

MB = 1_000_000
UNPACKED_BUDGET = 110 * MB
ARCHIVE_BUDGET = 45 * MB
FALLBACK_EPOCH = 1_767_225_600  # 2026-01-01, when the source is not a git checkout
SELF_TEST_TIMEOUT = 120

# Lines a healthy run may print on stderr. Everything else fails the smoke test.
HARMLESS_STDERR = [
    # The offscreen platform has no window manager to pass dock size hints to (as in pytest).
    re.compile(r"This plugin does not support propagateSizeHints\(\)"),
]
# Linux: libraries the bundle carries on purpose; each must be loaded from the bundle.
BUNDLED_LINUX_LIBRARIES = re.compile(r"lib(xcb-(?!dri).+|X11-xcb|xkbcommon(-x11)?|sqlite3)\.so")


class BuildError(Exception):
    pass


def say(message: str) -> None:
    print(f"build: {message}", flush=True)


def read_package() -> tuple[str, str]:
    sys.path.insert(0, str(REPO))
    from reader_app import EXECUTABLE, __version__

    return EXECUTABLE, __version__


def os_name() -> str:
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "darwin":
        return "macos"
    if sys.platform == "win32":
        return "windows"
    return sys.platform


def arch_name() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)


def source_date_epoch() -> int:
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return FALLBACK_EPOCH


def build_env(epoch: int) -> dict[str, str]:
    return dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=str(epoch))


def run_pyinstaller(env: dict[str, str]) -> None:
    say(f"PyInstaller on {SPEC.relative_to(REPO)} (SOURCE_DATE_EPOCH={env['SOURCE_DATE_EPOCH']})")
    started = time.monotonic()
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(SPEC),
    ]
    if subprocess.run(command, cwd=REPO, env=env, check=False).returncode != 0:
        raise BuildError("PyInstaller failed")
    say(f"built in {time.monotonic() - started:.0f} s")


def bundle_root(executable: str, app_name: str) -> Path:
    """What gets archived: the one-folder build, or the .app on macOS."""
    if sys.platform == "darwin":
        return DIST / f"{app_name}.app"
    return DIST / executable


def frozen_executable(executable: str, app_name: str) -> Path:
    if sys.platform == "darwin":
        return bundle_root(executable, app_name) / "Contents" / "MacOS" / executable
    suffix = ".exe" if sys.platform == "win32" else ""
    return DIST / executable / f"{executable}{suffix}"


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The user's own folders are never touched: HOME and XDG folders point into ``home``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QT_", "PYTHON", "LD_DEBUG")) and key != "DISPLAY"
    }
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        APPDATA=str(home / "AppData" / "Roaming"),
        LOCALAPPDATA=str(home / "AppData" / "Local"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
    )
    (home / "runtime").mkdir(mode=0o700, exist_ok=True)
    env.update(extra)
    return env


def unexpected_stderr(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not any(pattern.search(line) for pattern in HARMLESS_STDERR)
    ]


def self_test(exe: Path, label: str, **env_extra: str) -> str:
    """Run ``--self-test`` once; returns its stdout, raises with the reason on any failure."""
    with tempfile.TemporaryDirectory(prefix="study-reader-smoke-") as folder:
        home = Path(folder)
        command = [str(exe), "--self-test"]
        if sys.platform == "win32":
            # A windowed .exe has no stdout or stderr: give it a data folder whose log we read.
            command += ["--data-dir", str(home / "data")]
        started = time.monotonic()
        try:
            result = subprocess.run(
                command,
                env=isolated_env(home, **env_extra),
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=SELF_TEST_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise BuildError(f"self-test ({label}) did not finish in {error.timeout} s") from None
        elapsed = time.monotonic() - started
        log = home / "data" / "logs" / "study-reader.log"
        if result.returncode != 0:
            details = result.stdout + result.stderr
            if log.exists():
                details += log.read_text(encoding="utf-8", errors="replace")
            raise BuildError(f"self-test ({label}) exited {result.returncode}:\n{details}")
        if "self-test: passed" not in result.stdout and sys.platform != "win32":
            raise BuildError(f"self-test ({label}) did not report success:\n{result.stdout}")
        if unexpected := unexpected_stderr(result.stderr):
            raise BuildError(
                f"self-test ({label}) printed unexpected lines on stderr:\n" + "\n".join(unexpected)
            )
        for line in result.stdout.splitlines():
            print(f"    {line}")
        say(f"self-test ({label}) passed in {elapsed:.1f} s")
        return result.stdout


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X server on a free display (Xvfb picks it and tells us); stopped afterwards."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()  # written once the server is ready
        if not number:
            raise BuildError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def check_loaded_libraries(debug_dir: Path, bundle: Path) -> None:
    """Read the loader's LD_DEBUG=libs record: bundled X11 helpers must come from the bundle."""
    loaded: set[str] = set()
    for record in debug_dir.iterdir():
        for line in record.read_text(errors="replace").splitlines():
            if "calling init:" in line:
                loaded.add(line.rsplit("calling init:", 1)[1].strip())
    if not loaded:
        raise BuildError("the dynamic loader left no record (LD_DEBUG)")
    wanted = [path for path in loaded if BUNDLED_LINUX_LIBRARIES.match(Path(path).name)]
    outside = sorted(path for path in wanted if not Path(path).is_relative_to(bundle))
    if outside:
        raise BuildError("loaded from the system instead of the bundle: " + ", ".join(outside))
    if not any("libxcb-cursor" in path for path in wanted):
        raise BuildError("libxcb-cursor was not loaded: is the xcb platform really in use?")
    system = sorted(Path(path).name for path in loaded if not Path(path).is_relative_to(bundle))
    say(f"{len(wanted)} X11/xcb and sqlite libraries loaded from the bundle")
    say(f"from the system (every desktop has them): {', '.join(system)}")


def smoke_test(exe: Path, bundle: Path, *, use_xvfb: bool) -> None:
    if not exe.is_file():
        raise BuildError(f"no executable at {exe}")
    self_test(exe, "offscreen", QT_QPA_PLATFORM="offscreen")
    if not sys.platform.startswith("linux"):
        return
    if not use_xvfb:
        say("self-test under X skipped (--no-xvfb)")
        return
    if shutil.which("Xvfb") is None:
        say("Xvfb is not installed: self-test under a real X server skipped")
        return
    with xvfb() as display, tempfile.TemporaryDirectory(prefix="study-reader-ld-") as debug:
        say(f"Xvfb on display {display}")
        self_test(
            exe,
            "xcb, Xvfb",
            QT_QPA_PLATFORM="xcb",
            DISPLAY=display,
            LD_DEBUG="libs",
            LD_DEBUG_OUTPUT=str(Path(debug) / "ld"),
        )
        check_loaded_libraries(Path(debug), bundle.resolve())


def drop_build_machine_search_paths(bundle: Path) -> list[Path]:
    """Keep only ``$ORIGIN`` library search paths (RUNPATH/RPATH) in the bundle's ELF files.

    A Python built by pyenv links its C modules with ``RUNPATH=<its prefix>/lib``, a folder
    of the build machine (under ``~/.pyenv``): useless on the user's machine, and a place
    the loader would search first if it existed there. Returns the files changed.
    """
    if not sys.platform.startswith("linux"):
        return []
    changed = []
    for path in deb.elf_files(bundle):
        found = re.search(r"^\s+(?:RUNPATH|RPATH)\s+(\S+)$", deb.objdump(path), re.MULTILINE)
        if found is None:
            continue
        entries = found.group(1).split(":")
        kept = [entry for entry in entries if entry.startswith("$ORIGIN")]
        if kept == entries:
            continue
        if shutil.which("patchelf") is None:
            raise BuildError(f"{path.name} searches {found.group(1)}: install patchelf to fix it")
        action = ["--set-rpath", ":".join(kept)] if kept else ["--remove-rpath"]
        subprocess.run(["patchelf", *action, str(path)], check=True)
        changed.append(path)
    return changed


def check_no_build_paths(bundle: Path) -> None:
    """Nothing of this checkout's location may be baked into the bundle."""
    needle = str(REPO).encode()
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink() and needle in path.read_bytes():
            raise BuildError(f"{path.relative_to(DIST)} contains the build folder {REPO}")


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _tar_filter(epoch: int):
    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.mtime = epoch
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        if info.isfile() or info.isdir():
            info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
        return info

    return normalise


def _sorted_tree(root: Path) -> list[Path]:
    return sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix())


def make_tar_gz(root: Path, target: Path, epoch: int) -> None:
    normalise = _tar_filter(epoch)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(root, arcname=root.name, recursive=False, filter=normalise)
        for path in _sorted_tree(root):
            arcname = f"{root.name}/{path.relative_to(root).as_posix()}"
            tar.add(path, arcname=arcname, recursive=False, filter=normalise)
    with (
        target.open("wb") as out,
        gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=epoch, compresslevel=9) as gz,
    ):
        gz.write(raw.getvalue())


def make_zip(root: Path, target: Path, epoch: int) -> None:
    stamp = time.gmtime(max(epoch, 315_532_800))[:6]  # zip dates start in 1980
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in _sorted_tree(root):
            if path.is_dir():
                continue
            info = zipfile.ZipInfo(f"{root.name}/{path.relative_to(root).as_posix()}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            archive.writestr(info, path.read_bytes())


def make_dmg(app: Path, target: Path, volume: str) -> None:
    target.unlink(missing_ok=True)
    command = ["hdiutil", "create", "-volname", volume, "-srcfolder", str(app)]
    command += ["-ov", "-format", "UDZO", str(target)]
    if subprocess.run(command, check=False).returncode != 0:
        raise BuildError("hdiutil could not make the disk image")


def archive(root: Path, executable: str, version: str, app_name: str, epoch: int) -> Path:
    stem = f"{executable}-{version}-{os_name()}-{arch_name()}"
    if sys.platform == "win32":
        target = DIST / f"{stem}.zip"
        make_zip(root, target, epoch)
    elif sys.platform == "darwin":
        target = DIST / f"{stem}.dmg"
        make_dmg(root, target, app_name)
    else:
        target = DIST / f"{stem}.tar.gz"
        make_tar_gz(root, target, epoch)
    return target


def debian_package(root: Path, executable: str, version: str, epoch: int) -> Path:
    """The .deb from the same one-folder build (see packaging/debian_package.py)."""
    from reader_app import APP_ID
    from reader_app.app import build_parser

    if shutil.which("dpkg-deb") is None:
        raise BuildError("dpkg-deb is missing: install dpkg-dev (scripts/setup.sh)")
    target = DIST / f"{executable}_{version}_amd64.deb"
    metainfo = REPO / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
    sources = deb.Sources(
        desktop_file=REPO / "packaging" / "linux" / f"{APP_ID}.desktop",
        metainfo_file=metainfo,
        icons=REPO / "resources" / "icons",
    )
    commands = {
        choice.dest: choice.help
        for action in build_parser()._actions  # argparse keeps its sub-commands private
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
    }
    man = deb.man_page_text(
        build_parser(files=True), version=version, epoch=epoch, commands=commands
    )
    summary = ET.parse(metainfo).getroot().findtext("summary")
    try:
        needs = deb.system_needs(root)
        for line in deb.check_packages_on_this_machine(needs.sonames):
            say(f"deb: {line}")
        if missing := deb.unresolved_libraries(root):
            say("deb: ldd finds these nowhere on this machine: " + ", ".join(sorted(missing)))
        depends = deb.build_deb(
            root,
            target,
            version=version,
            epoch=epoch,
            executable=executable,
            app_id=APP_ID,
            summary=summary,
            sources=sources,
            man_page=man,
            work=WORK,
        )
    except deb.PackageError as error:
        raise BuildError(str(error)) from None
    say(f"deb: Depends: {depends}")
    return target


def largest_files(root: Path, count: int = 8) -> list[tuple[int, Path]]:
    files = [(p.stat().st_size, p) for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted(files, key=lambda item: -item[0])[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-build", action="store_true", help="test and archive the existing dist/ build"
    )
    parser.add_argument(
        "--no-xvfb", action="store_true", help="skip the self-test under a real X server"
    )
    args = parser.parse_args(argv)

    executable, version = read_package()
    from reader_app import APP_NAME

    epoch = source_date_epoch()
    try:
        if not args.skip_build:
            run_pyinstaller(build_env(epoch))
        root = bundle_root(executable, APP_NAME)
        if changed := drop_build_machine_search_paths(root):
            say(f"removed the build machine's library search path from {len(changed)} files")
        smoke_test(frozen_executable(executable, APP_NAME), root, use_xvfb=not args.no_xvfb)
        check_no_build_paths(root)
        target = archive(root, executable, version, APP_NAME, epoch)
        if sys.platform.startswith("linux") and arch_name() == "x86_64":
            package = debian_package(root, executable, version, epoch)
            say(f"package {package.name}: {package.stat().st_size / MB:.1f} MB")
        unpacked, packed = tree_size(root), target.stat().st_size
        say("largest files: " + ", ".join(f"{p.name} {s / MB:.1f}" for s, p in largest_files(root)))
        say(f"unpacked {root.name}: {unpacked / MB:.1f} MB (budget {UNPACKED_BUDGET / MB:.0f} MB)")
        say(f"archive {target.name}: {packed / MB:.1f} MB (budget {ARCHIVE_BUDGET / MB:.0f} MB)")
        if unpacked > UNPACKED_BUDGET or packed > ARCHIVE_BUDGET:
            raise BuildError("over the size budget")
    except BuildError as failure:
        print(f"build: FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    say(f"done: {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
