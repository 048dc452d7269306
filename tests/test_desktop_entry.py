"""The archive's menu entry: written where the freedesktop specs say, valid, and undone exactly.

Every test works in its own XDG_DATA_HOME; the user's own folders are never touched.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader_app import APP_ID
from reader_app.desktop_entry import (
    MIME_TYPES,
    DesktopEntryError,
    desktop_entry_text,
    install,
    uninstall,
)
from reader_app.paths import resource_root

REPO = Path(__file__).resolve().parents[1]

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="desktop entries are for Linux"
)


def validate(path: Path) -> None:
    tool = "desktop-file-validate"
    if not any((Path(p) / tool).exists() for p in os.environ["PATH"].split(os.pathsep)):
        pytest.fail(f"{tool} is not installed: install desktop-file-utils (scripts/setup.sh)")
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def entry_of(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under ``root``."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def exec_argv(entry: configparser.SectionProxy) -> list[str]:
    """The Exec key read back as the desktop entry spec says a launcher must: the file's
    string escapes, then arguments split on spaces outside double quotes, where a backslash
    escapes only " ` $ and itself; then field codes (%F dropped, %% is %)."""
    value = entry["Exec"].replace("\\\\", "\\")
    args: list[str] = []
    current: str | None = None
    quoted = escaped = False
    for char in value:
        if escaped:
            current = (current or "") + char
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
            current = current or ""
        elif char == " " and not quoted:
            if current is not None:
                args.append(current)
            current = None
        else:
            current = (current or "") + char
    assert not quoted and not escaped, f"unbalanced Exec: {value}"
    if current is not None:
        args.append(current)
    return [arg.replace("%%", "%") for arg in args if arg != "%F"]


def test_the_package_entry_is_the_one_the_code_writes() -> None:
    committed = (REPO / "packaging" / "linux" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert committed == desktop_entry_text(), "run desktop_entry_text() into the packaging file"


def test_the_entry_opens_books_and_texts_with_many_files() -> None:
    entry = entry_of(REPO / "packaging" / "linux" / f"{APP_ID}.desktop")
    assert entry["Exec"] == "study-reader %F"
    assert entry["MimeType"].rstrip(";").split(";") == list(MIME_TYPES)
    assert set(MIME_TYPES) == {"application/epub+zip", "text/markdown", "text/plain", "text/html"}


@linux_only
def test_install_writes_a_valid_entry_and_the_icons(tmp_path: Path) -> None:
    home = tmp_path / "share"
    program = tmp_path / "Study Reader 0.1" / "study-reader"  # a folder name with a space
    desktop = install(resource_root(), [str(program)], home)
    assert desktop == home / "applications" / f"{APP_ID}.desktop"
    validate(desktop)
    entry = entry_of(desktop)
    assert exec_argv(entry) == [str(program)]
    assert entry["TryExec"] == str(program)
    assert entry["Icon"] == APP_ID
    for size in (16, 32, 48, 128, 256, 512):
        assert (home / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file()
    assert (home / f"icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()


@linux_only
@pytest.mark.parametrize(
    "folder", ['odd "quoted" $HOME `x` \\back', "100% sure", "plain", "Bücher & Texte"]
)
def test_awkward_folder_names_survive_the_exec_key(tmp_path: Path, folder: str) -> None:
    program = tmp_path / folder / "study-reader"
    desktop = install(resource_root(), [str(program), "-m", "reader_app"], tmp_path / "share")
    validate(desktop)
    assert exec_argv(entry_of(desktop)) == [str(program), "-m", "reader_app"]


def test_a_control_character_in_the_path_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(DesktopEntryError, match="cannot name the path"):
        install(resource_root(), [str(tmp_path / "a\nb" / "study-reader")], tmp_path)


def test_install_twice_then_uninstall_leaves_exactly_what_was_there(tmp_path: Path) -> None:
    home = tmp_path / "share"
    (home / "applications").mkdir(parents=True)
    (home / "applications" / "other.desktop").write_text("[Desktop Entry]\n")
    (home / "icons" / "hicolor" / "48x48" / "apps").mkdir(parents=True)
    (home / "icons" / "hicolor" / "48x48" / "apps" / "other.png").write_bytes(b"png")
    (home / "icons" / "hicolor" / "22x22" / "apps").mkdir(parents=True)  # empty, the user's
    before = snapshot(home)

    install(resource_root(), ["/opt/x/study-reader"], home)
    once = snapshot(home)
    install(resource_root(), ["/opt/x/study-reader"], home)
    assert snapshot(home) == once, "installing again changes nothing"

    removed = uninstall(home)
    assert len(removed) == len([k for k, v in once.items() if v is not None]) - 3
    assert snapshot(home) == before
    assert uninstall(home) == [], "nothing left to remove"


def test_a_moved_folder_is_picked_up_by_installing_again(tmp_path: Path) -> None:
    home = tmp_path / "share"
    install(resource_root(), ["/old/study-reader"], home)
    desktop = install(resource_root(), ["/new/study-reader"], home)
    assert exec_argv(entry_of(desktop)) == ["/new/study-reader"]


def test_an_edited_manifest_cannot_remove_files_outside(tmp_path: Path) -> None:
    home = tmp_path / "share"
    install(resource_root(), ["/opt/x/study-reader"], home)
    precious = tmp_path / "precious.txt"
    precious.write_text("mine")
    manifest = home / APP_ID / "desktop-entry-files.json"
    manifest.write_text('{"files": ["../precious.txt"], "folders": []}')
    with pytest.raises(DesktopEntryError, match="not ours"):
        uninstall(home)
    assert precious.read_text() == "mine"


@linux_only
def test_the_command_line_options_use_xdg_data_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(tmp_path / "data-home"))

    def run(option: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reader_app", option],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    added = run("--install-desktop-entry")
    assert added.returncode == 0, added.stderr
    desktop = tmp_path / "data-home" / "applications" / f"{APP_ID}.desktop"
    assert str(desktop) in added.stdout
    validate(desktop)
    assert exec_argv(entry_of(desktop))[1:] == ["-m", "reader_app"]  # from source: Python
    assert not home.exists(), "nothing under HOME when XDG_DATA_HOME is set"
    removed = run("--uninstall-desktop-entry")
    assert removed.returncode == 0, removed.stderr
    assert "Removed" in removed.stdout
    assert not (tmp_path / "data-home").exists()


def test_the_metainfo_names_the_same_file_types() -> None:
    import xml.etree.ElementTree as ET

    metainfo = REPO / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
    found = [e.text for e in ET.parse(metainfo).getroot().findall("provides/mediatype")]
    assert found == list(MIME_TYPES)
