"""Packaging files: desktop entry, AppStream metainfo, icons, and the build script's helpers.

The desktop file and the metainfo are checked with the real validators. On Linux they must be
installed (``scripts/setup.sh`` installs desktop-file-utils and appstream); a missing validator
fails the test rather than letting it pass unchecked.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import shutil
import struct
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reader_app import APP_ID, APP_NAME, EXECUTABLE, LICENSE, __version__

REPO = Path(__file__).resolve().parents[1]
LINUX = REPO / "packaging" / "linux"
DESKTOP_FILE = LINUX / f"{APP_ID}.desktop"
METAINFO_FILE = LINUX / f"{APP_ID}.metainfo.xml"
ICONS = REPO / "resources" / "icons"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="desktop files are validated on Linux only"
)


def validator(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: install the {package} package (scripts/setup.sh)")
    return path


def load_build_script():
    """``packaging/build.py`` by path (a ``packaging`` package would shadow the PyPI one)."""
    spec = importlib.util.spec_from_file_location("study_reader_build", REPO / "packaging/build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", data[16:24])


@linux_only
def test_desktop_file_is_valid() -> None:
    tool = validator("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(DESKTOP_FILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@linux_only
def test_metainfo_is_valid() -> None:
    tool = validator("appstreamcli", "appstream")
    result = subprocess.run(
        [tool, "validate", "--no-net", str(METAINFO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_matches_the_package() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Exec"].split()[0] == EXECUTABLE
    assert entry["Icon"] == APP_ID
    assert entry["Name"] == APP_NAME
    assert entry["Type"] == "Application"


def test_metainfo_matches_the_package() -> None:
    root = ET.parse(METAINFO_FILE).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("project_license") == LICENSE
    assert root.findtext("launchable") == DESKTOP_FILE.name
    assert root.findtext("provides/binary") == EXECUTABLE
    releases = root.findall("releases/release")
    assert releases[0].get("version") == __version__, "add a release entry for this version"
    for release in releases:
        assert "://" not in ET.tostring(release, encoding="unicode")


def test_the_desktop_icon_exists_in_every_size() -> None:
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        png = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png_size(png.read_bytes()) == (size, size), png


def test_windows_icon_holds_png_images() -> None:
    data = (REPO / "packaging" / "icons" / "study-reader.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, _, _, _, _, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        image = data[offset : offset + length]
        assert png_size(image) == (width or 256, width or 256)
        assert bits == 32
        sizes.add(width or 256)
    assert {16, 32, 48, 256} <= sizes


def test_macos_icon_holds_png_images() -> None:
    data = (REPO / "packaging" / "icons" / "study-reader.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    position, kinds = 8, {}
    while position < len(data):
        kind, length = (
            data[position : position + 4],
            struct.unpack(">I", data[position + 4 : position + 8])[0],
        )
        kinds[kind] = png_size(data[position + 8 : position + length])
        position += length
    assert position == len(data)
    assert kinds[b"ic10"] == (1024, 1024)
    assert kinds[b"ic07"] == (128, 128)


def test_the_spec_takes_names_and_version_from_the_package() -> None:
    spec = (REPO / "packaging" / "study-reader.spec").read_text(encoding="utf-8")
    assert "from reader_app import APP_ID, APP_NAME, EXECUTABLE, LICENSE, __version__" in spec
    for literal in (__version__, APP_ID, f'"{APP_NAME}"', f'"{EXECUTABLE}"'):
        assert literal not in spec
    assert "upx=True" not in spec


def spec_constant(name: str):
    tree = ast.parse((REPO / "packaging" / "study-reader.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not in the spec")


def imported_modules() -> set[str]:
    """Every module named in an import statement anywhere in the package."""
    names = set()
    for source in (REPO / "reader_app").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_frozen_build_keeps_every_module_the_app_imports() -> None:
    """A module the spec excludes would be missing from the standalone app only."""
    imported = imported_modules()
    qt_used = spec_constant("QT_USED")
    qt_imported = {name.split(".")[1] for name in imported if name.startswith("PySide6.Qt")}
    assert qt_imported <= qt_used, "add the new Qt module to QT_USED in the spec"
    excluded = set(spec_constant("PYTHON_EXCLUDES"))
    clashes = {name for name in imported if name.split(".")[0] in excluded or name in excluded}
    assert clashes == set(), "the spec excludes modules the app imports: " + ", ".join(clashes)


def test_archives_are_repeatable(tmp_path: Path) -> None:
    build = load_build_script()
    root = tmp_path / "study-reader"
    (root / "_internal").mkdir(parents=True)
    (root / "study-reader").write_bytes(b"#!/bin/sh\n")
    (root / "study-reader").chmod(0o755)
    (root / "_internal" / "b.txt").write_text("b")
    (root / "_internal" / "a.txt").write_text("a")
    first, second = tmp_path / "1.tar.gz", tmp_path / "2.tar.gz"
    build.make_tar_gz(root, first, 1_700_000_000)
    (root / "_internal" / "a.txt").touch()  # a newer mtime must not change the archive
    build.make_tar_gz(root, second, 1_700_000_000)
    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first) as archive:
        members = archive.getmembers()
    assert [m.name for m in members] == [
        "study-reader",
        "study-reader/_internal",
        "study-reader/_internal/a.txt",
        "study-reader/_internal/b.txt",
        "study-reader/study-reader",
    ]
    assert {m.mtime for m in members} == {1_700_000_000}
    assert {m.uid for m in members} == {0}
    assert members[-1].mode == 0o755


def test_only_known_harmless_lines_on_stderr_pass() -> None:
    build = load_build_script()
    noise = "This plugin does not support propagateSizeHints()\n"
    assert build.unexpected_stderr(noise * 2) == []
    problem = 'qt.qpa.plugin: Could not load the Qt platform plugin "xcb"'
    assert build.unexpected_stderr(noise + problem + "\n") == [problem]
