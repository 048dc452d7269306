"""The Linux desktop entry: its one definition, and the archive's menu entry for one user.

The ``.deb`` installs ``packaging/linux/<APP_ID>.desktop``, which a test keeps equal to
``desktop_entry_text()``. Someone who unpacked the archive instead runs
``study-reader --install-desktop-entry``: the same entry, with ``Exec`` pointing at wherever
the folder is, goes to ``$XDG_DATA_HOME/applications`` (``~/.local/share/applications``) and
the icons to ``$XDG_DATA_HOME/icons/hicolor``, as the freedesktop specifications say.

What was written (files, and folders that did not exist before) is listed in a small manifest,
so ``--uninstall-desktop-entry`` removes exactly that and nothing the user had. Installing
twice writes the same files again and lists nothing new. No Qt: this runs without a display.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from reader_app import APP_ID, APP_NAME, EXECUTABLE

# What "Open With Study Reader" is offered for. All four are in shared-mime-info, which
# every desktop has, so the package needs no MIME definitions of its own.
MIME_TYPES = ("application/epub+zip", "text/markdown", "text/plain", "text/html")
COMMENT = "Read a primary source closely, with a sourced glossary and notes that are never lost"
KEYWORDS = ("reading", "study", "glossary", "notes", "highlights", "annotation", "history")
MANIFEST_NAME = "desktop-entry-files.json"
# Characters that make the desktop entry spec's Exec key need a quoted argument.
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class DesktopEntryError(Exception):
    """A reason, in plain words, why the entry cannot be installed or removed."""


def _exec_argument(argument: str) -> str:
    """One argument quoted as the Exec key wants it (before the file's own escaping)."""
    if any(ord(char) < 32 for char in argument):
        raise DesktopEntryError(f"a desktop entry cannot name the path {argument!r}")
    argument = argument.replace("%", "%%")
    if not _EXEC_RESERVED.intersection(argument):
        return argument
    escaped = "".join(f"\\{char}" if char in '"`$\\' else char for char in argument)
    return f'"{escaped}"'


def _string_value(text: str) -> str:
    """The desktop file's own escaping of a string value (backslash first)."""
    return text.replace("\\", "\\\\")


def desktop_entry_text(command: list[str] | None = None) -> str:
    """The entry; ``command`` (absolute program and arguments) for an unpacked archive, or
    None for the package, whose ``study-reader`` is on the PATH."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP_NAME}",
        f"GenericName={APP_NAME}",
        f"Comment={COMMENT}",
    ]
    if command is None:
        lines.append(f"Exec={EXECUTABLE} %F")
    else:
        quoted = " ".join(_exec_argument(argument) for argument in command)
        lines.append(f"Exec={_string_value(quoted)} %F")
        # Hides the entry if the folder is deleted, instead of a menu item that fails.
        lines.append(f"TryExec={_string_value(command[0])}")
    lines += [
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Education;Literature;",
        f"Keywords={';'.join(KEYWORDS)};",
        f"MimeType={';'.join(MIME_TYPES)};",
        "StartupNotify=true",
        # A later launch goes to the running window (single_instance.py), so launchers offer
        # no "New Window". (The spec's own SingleMainWindow key, from version 1.5, is refused
        # by the validator of Debian 12; GNOME reads both.)
        "X-GNOME-SingleWindow=true",
    ]
    return "\n".join(lines) + "\n"


def data_home() -> Path:
    """``$XDG_DATA_HOME`` if set to an absolute path (the spec ignores a relative one)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def running_command() -> list[str]:
    """How to start this copy of the app again: the frozen executable, or Python on the
    package when run from source."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    return [str(Path(sys.executable).absolute()), "-m", "reader_app"]


def bundled_icons(resource_root: Path) -> dict[str, Path]:
    """Icon files to install, by path under ``icons/hicolor``."""
    icons = resource_root / "icons"
    found = {
        f"{png.parent.parent.name}/apps/{APP_ID}.png": png
        for png in sorted((icons / "hicolor").glob(f"*/apps/{APP_ID}.png"))
    }
    svg = icons / "study-reader.svg"
    if svg.is_file():
        found[f"scalable/apps/{APP_ID}.svg"] = svg
    if not found:
        raise DesktopEntryError(f"no icons found in {icons}")
    return found


@dataclass
class Manifest:
    """Paths relative to the data home: files written, folders this command created."""

    files: list[str]
    folders: list[str]

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(list(map(str, raw["files"])), list(map(str, raw["folders"])))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            message = f"the list of installed files {path} is unreadable: {error}"
            raise DesktopEntryError(message) from None

    def write(self, path: Path) -> None:
        text = json.dumps({"files": self.files, "folders": self.folders}, indent=1)
        path.write_text(text + "\n", encoding="utf-8")


def _safe_relative(home: Path, relative: str) -> Path:
    """A manifest entry as a path inside ``home``; an edited manifest cannot reach outside."""
    path = home / relative
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        raise DesktopEntryError(f"the list of installed files names {relative!r}, not ours")
    return path


def install(resource_root: Path, command: list[str], home: Path | None = None) -> Path:
    """Write the entry and icons; returns the desktop file's path."""
    home = home or data_home()
    manifest_path = home / APP_ID / MANIFEST_NAME
    manifest = Manifest.read(manifest_path) or Manifest([], [])
    wanted: dict[str, bytes] = {
        f"applications/{APP_ID}.desktop": desktop_entry_text(command).encode("utf-8")
    }
    for name, source in bundled_icons(resource_root).items():
        wanted[f"icons/hicolor/{name}"] = source.read_bytes()
    created: list[str] = []

    def make_folder(folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for new in reversed(missing):
            new.mkdir()
            created.append(new.relative_to(home).as_posix())

    try:
        make_folder(manifest_path.parent)
        for relative, data in wanted.items():
            target = home / relative
            make_folder(target.parent)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(data)
            temporary.replace(target)  # a reader never sees half an entry
    except OSError as error:
        raise DesktopEntryError(f"could not write to {home}: {error}") from None
    finally:
        folders = manifest.folders + [f for f in created if f not in manifest.folders]
        files = sorted(set(manifest.files) | set(wanted))
        if manifest_path.parent.is_dir():
            Manifest(files, folders).write(manifest_path)
    return home / f"applications/{APP_ID}.desktop"


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove what ``install`` wrote; returns the files removed (none if nothing was there)."""
    home = home or data_home()
    manifest_path = home / APP_ID / MANIFEST_NAME
    manifest = Manifest.read(manifest_path)
    if manifest is None:
        return []
    removed = []
    try:
        for relative in manifest.files:
            path = _safe_relative(home, relative)
            if path.is_file():
                path.unlink()
                removed.append(path)
        manifest_path.unlink()
        for relative in sorted(manifest.folders, key=lambda f: -len(Path(f).parts)):
            folder = _safe_relative(home, relative)
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    except OSError as error:
        raise DesktopEntryError(f"could not remove the entry from {home}: {error}") from None
    return removed


def run_from_command_line(*, remove: bool) -> int:
    """``--install-desktop-entry`` / ``--uninstall-desktop-entry``: one line each way."""
    from reader_app.paths import resource_root

    if not sys.platform.startswith("linux"):
        print(f"{EXECUTABLE}: desktop entries are for Linux desktops", file=sys.stderr)
        return 1
    try:
        if remove:
            removed = uninstall()
            if removed:
                print(f"Removed {APP_NAME} from your applications menu ({len(removed)} files).")
            else:
                print(f"{APP_NAME} had no menu entry of its own to remove.")
            return 0
        command = running_command()
        entry = install(resource_root(), command)
    except DesktopEntryError as error:
        print(f"{EXECUTABLE}: {error}", file=sys.stderr)
        return 1
    program = " ".join(command)
    print(f"Added {APP_NAME} to your applications menu: {entry}")
    print(f"It starts {program}. If you move that folder, run this command again from there.")
    print(f"To remove the entry (before deleting the folder): {program} --uninstall-desktop-entry")
    return 0
