"""The Debian package, made from the one-folder build (``packaging/build.py`` calls it).

    dist/study-reader_<version>_amd64.deb
      /opt/study-reader/                     the one-folder build, as in the archive
      /usr/bin/study-reader                  -> /opt/study-reader/study-reader
      /usr/share/applications/<APP_ID>.desktop        menu entry, MimeType and %F
      /usr/share/metainfo/<APP_ID>.metainfo.xml       AppStream (software centres)
      /usr/share/icons/hicolor/<size>/apps/<APP_ID>.png, scalable/apps/<APP_ID>.svg
      /usr/share/man/man1/study-reader.1.gz
      /usr/share/doc/study-reader/copyright, changelog.gz
      /usr/share/lintian/overrides/study-reader      the tags we accept, each with its reason

``Depends`` is derived, not guessed: every ELF file of the bundle is read with ``objdump -p``;
the libraries they need (NEEDED) that the bundle does not carry are looked up in
``LIBRARY_PACKAGES``, a reviewed table of the Debian 12 / Ubuntu 24.04 package names. A library
missing from the table stops the build, so a new dependency is never shipped undeclared; the
highest glibc and libstdc++ symbol versions needed are checked against Debian 12's, and on a
Debian or Ubuntu build machine ``dpkg -S`` confirms the table names the package that really
holds each library. No maintainer scripts: the desktop database, the icon cache and the
AppStream cache are refreshed by dpkg triggers of the packages that own them.

Reproducible: every file gets ``SOURCE_DATE_EPOCH`` as its time, owners are root, dpkg-deb sorts
the members and honours the same variable, and the gzip files carry no name or time.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import shutil
import subprocess
import textwrap
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "study-reader"
PREFIX = Path("opt") / PACKAGE
# A placeholder until the project has a real contact address: Debian requires one here.
MAINTAINER = "Study Reader developers <study-reader@users.noreply.github.com>"
SECTION = "education"
# Debian 12 (bookworm) is the older of the two targets: glibc 2.36, GCC 12's libstdc++.
OLDEST_GLIBC = (2, 36)
OLDEST_GLIBCXX = (3, 4, 30)

_GLIBC_FAMILY = "libc6"
# Reviewed against Debian 12 and Ubuntu 24.04. Ubuntu 24.04 renamed some libraries for 64-bit
# time (the "t64" packages); those are given as alternatives, the new name first.
LIBRARY_PACKAGES = {
    "libc.so.6": _GLIBC_FAMILY,
    "libm.so.6": _GLIBC_FAMILY,
    "libdl.so.2": _GLIBC_FAMILY,
    "libpthread.so.0": _GLIBC_FAMILY,
    "librt.so.1": _GLIBC_FAMILY,
    "libresolv.so.2": _GLIBC_FAMILY,
    "libutil.so.1": _GLIBC_FAMILY,
    "ld-linux-x86-64.so.2": _GLIBC_FAMILY,
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libffi.so.8": "libffi8",
    "libuuid.so.1": "libuuid1",
    "libglib-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libX11.so.6": "libx11-6",
    "libxcb.so.1": "libxcb1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libdrm.so.2": "libdrm2",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libwayland-server.so.0": "libwayland-server0",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libcups.so.2": "libcups2t64 | libcups2",
}
ELF_MAGIC = b"\x7fELF"


class PackageError(Exception):
    """Why the package cannot be made, in one sentence for the build log."""


@dataclass(frozen=True)
class Sources:
    """What goes into the package besides the bundle (all from the source tree)."""

    desktop_file: Path
    metainfo_file: Path
    icons: Path  # resources/icons: hicolor/<size>/apps/<APP_ID>.png and study-reader.svg


# ----- dependencies -------------------------------------------------------------------------


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def objdump(path: Path) -> str:
    try:
        return subprocess.run(
            ["objdump", "-p", str(path)], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        raise PackageError("objdump is missing: install binutils") from None
    except subprocess.CalledProcessError as error:
        raise PackageError(f"objdump cannot read {path}: {error.stderr.strip()}") from None


@dataclass
class Needs:
    sonames: set[str]  # libraries needed from the system
    glibc: tuple[int, ...]  # highest GLIBC_x.y symbol version
    glibcxx: tuple[int, ...]  # highest GLIBCXX_x.y.z symbol version


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def system_needs(bundle: Path) -> Needs:
    """What the bundle's ELF files need that the bundle does not carry."""
    carried = {path.name for path in bundle.rglob("*")}
    sonames: set[str] = set()
    glibc: tuple[int, ...] = (2, 2, 5)
    glibcxx: tuple[int, ...] = (3, 4)
    for path in elf_files(bundle):
        report = objdump(path)
        sonames.update(re.findall(r"^\s+NEEDED\s+(\S+)$", report, re.MULTILINE))
        for found in re.findall(r"\bGLIBC_(\d+(?:\.\d+)+)\b", report):
            glibc = max(glibc, _version(found))
        for found in re.findall(r"\bGLIBCXX_(\d+(?:\.\d+)+)\b", report):
            glibcxx = max(glibcxx, _version(found))
    return Needs(sonames - carried, glibc, glibcxx)


def depends_field(needs: Needs) -> str:
    unknown = sorted(needs.sonames - LIBRARY_PACKAGES.keys())
    if unknown:
        raise PackageError(
            "the bundle needs libraries with no reviewed Debian package: "
            + ", ".join(unknown)
            + " (add them to LIBRARY_PACKAGES after checking Debian 12 and Ubuntu 24.04)"
        )
    if needs.glibc > OLDEST_GLIBC:
        raise PackageError(f"the bundle needs glibc {needs.glibc}, newer than Debian 12's")
    if needs.glibcxx > OLDEST_GLIBCXX:
        raise PackageError(f"the bundle needs libstdc++ {needs.glibcxx}, newer than Debian 12's")
    packages = {LIBRARY_PACKAGES[soname] for soname in needs.sonames} - {_GLIBC_FAMILY}
    glibc = ".".join(map(str, needs.glibc))
    return ", ".join([f"{_GLIBC_FAMILY} (>= {glibc})", *sorted(packages)])


def _library_path(soname: str) -> str | None:
    try:
        listing = subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in listing.splitlines():
        name, _, rest = line.strip().partition(" ")
        if name == soname and "x86-64" in rest and "=>" in rest:
            return rest.split("=>", 1)[1].strip()
    return None


def _owning_package(path: str) -> str | None:
    candidates = [path]
    candidates.append(path.removeprefix("/usr") if path.startswith("/usr/") else "/usr" + path)
    for candidate in candidates:
        result = subprocess.run(
            ["dpkg", "-S", candidate], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    return None


def check_packages_on_this_machine(sonames: Iterable[str]) -> list[str]:
    """``dpkg -S`` on each library as installed here must name a package the table gives.

    Returns lines for the build log; raises when the table and this machine disagree.
    Libraries not installed here are reported, not failed: the table was reviewed for them.
    """
    if shutil.which("dpkg") is None:
        return ["dpkg is not installed: the Depends table was not cross-checked"]
    report, wrong = [], []
    for soname in sorted(sonames):
        path = _library_path(soname)
        if path is None:
            report.append(f"{soname}: not installed on this machine")
            continue
        owner = _owning_package(path)
        expected = [alt.split()[0] for alt in LIBRARY_PACKAGES[soname].split("|")]
        if owner is None:
            report.append(f"{soname}: {path} belongs to no package here")
        elif owner not in expected:
            wrong.append(f"{soname} is in {owner} here, the table says {' | '.join(expected)}")
    if wrong:
        raise PackageError("LIBRARY_PACKAGES disagrees with dpkg: " + "; ".join(wrong))
    return report


def unresolved_libraries(bundle: Path) -> set[str]:
    """``ldd`` on every ELF file: libraries found neither in the bundle nor on this machine."""
    missing: set[str] = set()
    for path in elf_files(bundle):
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False)
        missing.update(re.findall(r"^\s*(\S+) => not found$", result.stdout, re.MULTILINE))
    return missing


# ----- the documents Debian policy asks for ----------------------------------------------


def releases(metainfo: Path) -> list[tuple[str, str, list[str]]]:
    """(version, date, paragraphs) of each release in the AppStream file, newest first."""
    root = ET.parse(metainfo).getroot()
    found = []
    for release in root.findall("releases/release"):
        paragraphs = [
            " ".join("".join(p.itertext()).split()) for p in release.iter() if p.tag in {"p", "li"}
        ]
        found.append((release.get("version", ""), release.get("date", ""), paragraphs))
    return found


def changelog_text(metainfo: Path) -> str:
    """The Debian changelog of this native package, written from the AppStream releases."""
    entries = []
    for version, date, paragraphs in releases(metainfo):
        stamp = time.strptime(date, "%Y-%m-%d")
        when = time.strftime("%a, %d %b %Y 00:00:00 +0000", stamp)
        items = [
            textwrap.fill(text, 78, initial_indent="  * ", subsequent_indent="    ")
            for text in paragraphs or [f"Release {version}."]
        ]
        entries.append(
            f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
            + "\n".join(items)
            + f"\n\n -- {MAINTAINER}  {when}\n"
        )
    return "\n".join(entries)


def copyright_text(bundle_internal: str) -> str:
    """DEP-5: the app, and the parts of other projects that travel in the bundle."""
    return f"""\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Study Reader
Upstream-Contact: {MAINTAINER}
Comment: Study Reader is a standalone build (PyInstaller): it carries the Python
 interpreter, Qt and PySide6, ICU, SQLite and some X11 helper libraries in
 /{PREFIX}. Their licences are listed below.
 .
 Four pure-Python libraries travel compiled inside the program's own Python
 archive (in /{PREFIX}/{PACKAGE}), which has no separate file to name:
 fsrs, the spaced-repetition scheduler, Copyright (c) 2022 Open Spaced
 Repetition; markdown-it-py, the Markdown parser, Copyright (c) 2020
 ExecutableBookProject; and mdurl, its URL helper, Copyright (c) 2015 Vitaly
 Puzrin and Alex Kocharin: all under the MIT licence (its permission notice
 is the one in the MIT paragraph below); and typing_extensions, Copyright
 Python Software Foundation, under the PSF-2.0 licence, as Python itself.

Files: *
Copyright: 2026 Study Reader developers
License: GPL-3.0-or-later

Files: {bundle_internal}/PySide6/* {bundle_internal}/shiboken6/* {bundle_internal}/libQt6*
 {bundle_internal}/libpyside6* {bundle_internal}/libshiboken6*
Copyright: The Qt Company Ltd. and other contributors
License: LGPL-3.0-only
 On Debian systems, the complete text of the GNU Lesser General Public
 License version 3 can be found in "/usr/share/common-licenses/LGPL-3".

Files: {bundle_internal}/libpython3* {bundle_internal}/base_library.zip
 {bundle_internal}/python3*/*
Copyright: Python Software Foundation; the expat XML parser built into pyexpat: Thai Open
 Source Software Center Ltd, Clark Cooper and the Expat maintainers (MIT licence)
License: PSF-2.0
 Python Software Foundation License Version 2, as published with Python at
 https://docs.python.org/3/license.html.

Files: {bundle_internal}/libicu*
Copyright: Unicode, Inc. and others
License: Unicode-3.0
 The Unicode licence, as published at https://www.unicode.org/license.txt.

Files: {bundle_internal}/libsqlite3*
Copyright: none claimed
License: public-domain
 The SQLite authors dedicated SQLite to the public domain.

Files: {bundle_internal}/libxcb-* {bundle_internal}/libX11-xcb* {bundle_internal}/libxkbcommon*
Copyright: The X.Org Foundation and the xkbcommon contributors
License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files, to deal in the Software
 without restriction, subject to the copyright notice and this permission
 notice being included in all copies or substantial portions of the Software.

Files: {bundle_internal}/resources/fonts/*
Copyright: 2022 The Noto Project Authors
License: OFL-1.1
 The full text is in /{PREFIX}/_internal/resources/fonts/OFL.txt.

License: GPL-3.0-or-later
 This program is free software: you can redistribute it and/or modify it
 under the terms of the GNU General Public License as published by the Free
 Software Foundation, either version 3 of the License, or (at your option)
 any later version.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 3 can be found in "/usr/share/common-licenses/GPL-3".
"""


def control_text(version: str, depends: str, installed_kib: int, summary: str) -> str:
    return f"""\
Package: {PACKAGE}
Version: {version}
Architecture: amd64
Maintainer: {MAINTAINER}
Installed-Size: {installed_kib}
Depends: {depends}
Section: {SECTION}
Priority: optional
Description: {summary}
 Study Reader is an offline reader for studying one primary source closely.
 It opens on an extract of Alexandra Kollontai's 1921 pamphlet "The Workers'
 Opposition", with a glossary that explains the terms, people, factions and
 events a reader meets in it, and notes and highlights anchored to the
 passages they are about.
 .
 Notes can be searched, tagged, and exported as Markdown, CSV or W3C Web
 Annotation JSON-LD. Everything works without a network.
"""


LINTIAN_OVERRIDES = """\
# Each accepted tag, with its reason. Study Reader is a standalone third-party build, not a
# package made from Debian's own libraries.
# The Filesystem Hierarchy Standard gives /opt to add-on application packages like this one.
study-reader: dir-or-file-in-opt [opt/study-reader/*]
# CPython's own C modules take every symbol, libc's too, from the interpreter that loads them
# (libpython, which links libc); that is how CPython builds them, not a packaging slip.
study-reader: library-not-linked-against-libc [opt/study-reader/_internal/python3*/lib-dynload/*]
# The XML module the EPUB importer reads books with is CPython's own pyexpat, which the bundled
# interpreter was built with its copy of expat inside (CPython's default); the bundle must not
# depend on the system's expat version, so the copy stays. Its licence is in the copyright file.
study-reader: embedded-library expat [opt/study-reader/_internal/python3*/lib-dynload/pyexpat*]
"""


def gzipped(data: bytes) -> bytes:
    """gzip -9n: no file name, no time, so the bytes depend on the content only."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return out.getvalue()


# ----- the package ---------------------------------------------------------------------


def _write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    path.chmod(mode)


def stage(
    bundle: Path,
    root: Path,
    *,
    executable: str,
    app_id: str,
    sources: Sources,
    man_page: str,
) -> None:
    """Lay the package's files out under ``root`` (which becomes ``/``)."""
    target = root / PREFIX
    shutil.copytree(bundle, target, symlinks=True)
    for path in target.rglob("*"):
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() else 0o644)
    (target / executable).chmod(0o755)
    usr_bin = root / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    (usr_bin / executable).symlink_to(Path("/") / PREFIX / executable)
    share = root / "usr" / "share"
    _write(share / "applications" / f"{app_id}.desktop", sources.desktop_file.read_bytes())
    _write(share / "metainfo" / f"{app_id}.metainfo.xml", sources.metainfo_file.read_bytes())
    for png in sorted((sources.icons / "hicolor").glob(f"*/apps/{app_id}.png")):
        size = png.parent.parent.name
        _write(share / "icons" / "hicolor" / size / "apps" / png.name, png.read_bytes())
    svg = sources.icons / "study-reader.svg"
    _write(share / "icons/hicolor/scalable/apps" / f"{app_id}.svg", svg.read_bytes())
    _write(share / "man" / "man1" / f"{executable}.1.gz", gzipped(man_page.encode("utf-8")))
    docs = share / "doc" / PACKAGE
    _write(docs / "copyright", copyright_text(f"{PREFIX}/_internal"))
    _write(docs / "changelog.gz", gzipped(changelog_text(sources.metainfo_file).encode()))
    _write(share / "lintian" / "overrides" / PACKAGE, LINTIAN_OVERRIDES)
    for path in root.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def installed_size_kib(root: Path) -> int:
    """As dpkg-gencontrol counts it: each file rounded up to a KiB, one per other entry."""
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += -(-path.stat().st_size // 1024)
        else:
            total += 1
    return total


def md5sums_text(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        if path.is_file() and not path.is_symlink():
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root).as_posix()}\n")
    return "".join(lines)


def set_times(root: Path, epoch: int) -> None:
    for path in [root, *root.rglob("*")]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)


def build_deb(
    bundle: Path,
    target: Path,
    *,
    version: str,
    epoch: int,
    executable: str,
    app_id: str,
    summary: str,
    sources: Sources,
    man_page: str,
    work: Path,
) -> str:
    """Make ``target``; returns the Depends field it declared."""
    if shutil.which("dpkg-deb") is None:
        raise PackageError("dpkg-deb is missing: install dpkg (scripts/setup.sh)")
    depends = depends_field(system_needs(bundle))
    root = work / "deb-root"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    stage(bundle, root, executable=executable, app_id=app_id, sources=sources, man_page=man_page)
    size = installed_size_kib(root)
    _write(root / "DEBIAN" / "md5sums", md5sums_text(root))  # for dpkg --verify
    _write(root / "DEBIAN" / "control", control_text(version, depends, size, summary))
    set_times(root, epoch)
    target.unlink(missing_ok=True)
    command = ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(target)]
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise PackageError(f"dpkg-deb failed: {result.stderr.strip()}")
    shutil.rmtree(root)
    return depends


def _roff(text: str) -> str:
    """Plain text for a man page line: backslashes and hyphens escaped, no leading dot."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return f"\\&{text}" if text.startswith((".", "'")) else text


def man_page_text(parser, *, version: str, epoch: int, commands: dict[str, str]) -> str:
    """study-reader(1), written from the app's own argument parser so that it cannot drift."""
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    name = parser.prog
    lines = [
        f'.TH {name.upper()} 1 "{date}" "{name} {version}" "User Commands"',
        ".SH NAME",
        f"{name} \\- {_roff(parser.description.split(': ', 1)[-1])}",
        ".SH SYNOPSIS",
        f".B {name}",
        "[\\fIOPTION\\fR]... [\\fIFILE\\fR]...",
        ".br",
        f".B {name}",
        f"{{{'|'.join(commands)}}} [\\fIOPTION\\fR]...",
        ".SH DESCRIPTION",
        _roff(
            "Opens the reading window. With a window already open on the same data folder, "
            "the FILEs and the request to come to the front go to that window, and this "
            "command exits at once."
        ),
        ".SH OPTIONS",
    ]
    for action in parser._actions:  # argparse has no public list of its arguments
        if not action.option_strings or action.help is None:
            continue
        flags = ", ".join(f"\\fB{_roff(flag)}\\fR" for flag in action.option_strings)
        if action.metavar or (action.nargs != 0 and action.choices is None and action.type):
            flags += f" \\fI{_roff(str(action.metavar or action.dest.upper()))}\\fR"
        elif action.choices:
            flags += f" \\fI{_roff('{' + ','.join(action.choices) + '}')}\\fR"
        lines += [".TP", flags, _roff(action.help)]
    lines += [
        ".SH COMMANDS",
        _roff(f"Run without opening a window; see {name} COMMAND --help."),
    ]
    for command, help_text in commands.items():
        lines += [".TP", f"\\fB{command}\\fR", _roff(help_text)]
    return "\n".join(lines) + "\n"
