"""The .deb: built from a small stand-in bundle here, unpacked into a scratch root with
``dpkg-deb -x``, and every file looked for where Debian policy and the freedesktop
specifications put it. ``.ci/run`` runs the same tests on the real package made by
packaging/build.py, named in ``STUDY_READER_DEB``."""

from __future__ import annotations

import gzip
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from reader_app import APP_ID, EXECUTABLE, __version__
from reader_app.app import build_parser

REPO = Path(__file__).resolve().parents[1]
EPOCH = 1_767_225_600
REAL_DEB = os.environ.get("STUDY_READER_DEB", "")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None,
    reason="Debian packages are built on Debian and Ubuntu",
)


def load_deb():
    path = REPO / "packaging" / "debian_package.py"
    spec = importlib.util.spec_from_file_location("study_reader_debian_package", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


deb = load_deb()


def fake_bundle(folder: Path) -> Path:
    """A one-folder build in miniature: a real ELF executable (it needs libc) and a data file."""
    bundle = folder / EXECUTABLE
    (bundle / "_internal" / "resources").mkdir(parents=True)
    shutil.copy(shutil.which("true"), bundle / EXECUTABLE)
    (bundle / "_internal" / "resources" / "note.txt").write_text("data\n")
    return bundle


def build(folder: Path, bundle: Path, name: str = "out.deb") -> tuple[Path, str]:
    metainfo = REPO / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
    target = folder / name
    depends = deb.build_deb(
        bundle,
        target,
        version=__version__,
        epoch=EPOCH,
        executable=EXECUTABLE,
        app_id=APP_ID,
        summary="Read one serious text closely, with a glossary and your notes",
        sources=deb.Sources(
            desktop_file=REPO / "packaging" / "linux" / f"{APP_ID}.desktop",
            metainfo_file=metainfo,
            icons=REPO / "resources" / "icons",
        ),
        man_page=deb.man_page_text(
            build_parser(files=True), version=__version__, epoch=EPOCH, commands={"export": "x"}
        ),
        work=folder / "work",
    )
    return target, depends


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> tuple[Path, Path, str]:
    """(the .deb, the scratch root it was unpacked into, its Depends)."""
    folder = tmp_path_factory.mktemp("deb")
    if REAL_DEB:
        target = Path(REAL_DEB).resolve()
        depends = field(target, "Depends")
    else:
        target, depends = build(folder, fake_bundle(folder))
    root = folder / "root"
    subprocess.run(["dpkg-deb", "-x", str(target), str(root)], check=True)
    return target, root, depends


def field(target: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "--field", str(target), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_control_file_describes_the_package(package) -> None:
    target, _, depends = package
    assert field(target, "Package") == "study-reader"
    assert field(target, "Version") == __version__
    assert field(target, "Architecture") == "amd64"
    assert field(target, "Depends") == depends
    assert depends.startswith("libc6 (>= 2.")
    assert int(field(target, "Installed-Size")) > 0
    assert "<" in field(target, "Maintainer")
    assert field(target, "Description").startswith("Read one serious text")


def test_the_app_lives_in_opt_with_a_command_on_the_path(package) -> None:
    _, root, _ = package
    program = root / "opt" / "study-reader" / EXECUTABLE
    assert program.is_file()
    assert program.stat().st_mode & 0o777 == 0o755
    data = next((root / "opt/study-reader/_internal/resources").rglob("*.txt"))
    assert data.stat().st_mode & 0o777 == 0o644
    link = root / "usr" / "bin" / EXECUTABLE
    assert link.is_symlink()
    assert str(link.readlink()) == f"/opt/study-reader/{EXECUTABLE}"


def test_the_menu_entry_and_metainfo_are_where_the_specs_say(package) -> None:
    _, root, _ = package
    desktop = root / "usr/share/applications" / f"{APP_ID}.desktop"
    result = subprocess.run(
        ["desktop-file-validate", str(desktop)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
    text = desktop.read_text(encoding="utf-8")
    assert "Exec=study-reader %F\n" in text
    assert "MimeType=application/epub+zip;text/markdown;text/plain;text/html;\n" in text
    metainfo = root / "usr/share/metainfo" / f"{APP_ID}.metainfo.xml"
    assert f"<id>{APP_ID}</id>" in metainfo.read_text(encoding="utf-8")


def test_the_icons_are_in_the_hicolor_theme(package) -> None:
    _, root, _ = package
    hicolor = root / "usr/share/icons/hicolor"
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        png = (hicolor / f"{size}x{size}/apps/{APP_ID}.png").read_bytes()
        assert struct.unpack(">II", png[16:24]) == (size, size)
    assert (hicolor / f"scalable/apps/{APP_ID}.svg").read_bytes().lstrip().startswith(b"<")


def test_policy_documents_are_there(package) -> None:
    _, root, _ = package
    docs = root / "usr/share/doc/study-reader"
    assert (docs / "copyright").read_text().startswith("Format: https://www.debian.org/")
    changelog = gzip.decompress((docs / "changelog.gz").read_bytes()).decode()
    assert changelog.startswith(f"study-reader ({__version__}) unstable; urgency=medium\n")
    assert "\n -- Study Reader developers <" in changelog
    man = gzip.decompress((root / "usr/share/man/man1/study-reader.1.gz").read_bytes()).decode()
    assert man.startswith(".TH STUDY-READER 1 ")
    assert "\\-\\-install\\-desktop\\-entry" in man


def test_everything_belongs_to_root(package) -> None:
    target, _, _ = package
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(target)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert listing
    assert all(line.split()[1] == "root/root" for line in listing)


def test_two_builds_of_the_same_bundle_are_identical(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path)
    first, _ = build(tmp_path, bundle, "first.deb")
    (bundle / "_internal" / "resources" / "note.txt").touch()  # a newer time changes nothing
    second, _ = build(tmp_path, bundle, "second.deb")
    assert first.read_bytes() == second.read_bytes()


def test_an_unreviewed_library_stops_the_build() -> None:
    needs = deb.Needs({"libc.so.6", "libnew.so.1"}, (2, 17), (3, 4))
    with pytest.raises(deb.PackageError, match=r"libnew\.so\.1"):
        deb.depends_field(needs)


def test_a_too_new_glibc_stops_the_build() -> None:
    with pytest.raises(deb.PackageError, match="newer than Debian 12"):
        deb.depends_field(deb.Needs({"libc.so.6"}, (2, 39), (3, 4)))


def test_depends_names_each_package_once_with_the_t64_alternatives() -> None:
    needs = deb.Needs(
        {"libc.so.6", "libm.so.6", "libglib-2.0.so.0", "libgthread-2.0.so.0", "libcups.so.2"},
        (2, 34),
        (3, 4, 29),
    )
    assert deb.depends_field(needs) == (
        "libc6 (>= 2.34), libcups2t64 | libcups2, libglib2.0-0t64 | libglib2.0-0"
    )


@pytest.mark.skipif(not REAL_DEB, reason="needs the built package (.ci/run names it)")
def test_the_unpacked_real_package_starts(package) -> None:
    _, root, _ = package
    result = subprocess.run(
        [str(root / "opt" / "study-reader" / EXECUTABLE), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Study Reader {__version__}"
