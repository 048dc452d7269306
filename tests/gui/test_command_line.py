"""The command line: --version, --help, --screenshot and --data-dir, as separate processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import run_app
from PySide6.QtGui import QImage

from reader_app import __version__


def test_version_and_help(tmp_path: Path) -> None:
    version = run_app("--version", home=tmp_path)
    assert version.returncode == 0
    assert version.stdout.strip() == f"Study Reader {__version__}"
    helptext = run_app("--help", home=tmp_path)
    assert helptext.returncode == 0
    for option in ("--data-dir", "--screenshot", "--version"):
        assert option in helptext.stdout


def test_screenshot_writes_a_png_of_the_window_size(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = run_app("--data-dir", str(tmp_path / "data"), "--screenshot", str(shot), home=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    # Not a blank image: the text was drawn.
    colours = {image.pixel(x, y) for x in range(300, 900, 7) for y in range(100, 700, 7)}
    assert len(colours) > 20


def test_data_dir_keeps_real_user_folders_untouched(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    data = tmp_path / "portable-data"
    result = run_app("--data-dir", str(data), "--screenshot", str(tmp_path / "s.png"), home=home)
    assert result.returncode == 0, result.stderr
    assert (data / "notes.sqlite").is_file()  # the notes went where they were told
    touched = [p for p in home.rglob("*") if "study" in p.name.lower()]
    assert touched == []


def test_unusable_data_dir_is_reported_plainly(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_app(
        "--data-dir", str(blocker / "data"), "--screenshot", str(tmp_path / "s.png"), home=tmp_path
    )
    assert result.returncode == 2
    assert "cannot use the data folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_and_import_run_without_a_window(tmp_path: Path) -> None:
    """The sub-commands go through the app's own command line and never load Qt widgets."""
    data = tmp_path / "data"
    sample = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Her definition of bureaucracy"},
        "target": {
            "source": "https://example.org/kollontai",
            "selector": {
                "type": "TextQuoteSelector",
                "exact": "Some third person decides your fate",
            },
        },
    }
    source = tmp_path / "hypothesis.json"
    source.write_text(json.dumps(sample), encoding="utf-8")
    env_home = tmp_path / "home"
    env_home.mkdir()
    imported = run_app("import", str(source), "--data-dir", str(data), home=env_home)
    assert imported.returncode == 0, imported.stderr
    assert "1 new" in imported.stdout
    exported = run_app("export", "--format", "markdown", "--data-dir", str(data), home=env_home)
    assert exported.returncode == 0, exported.stderr
    assert "> “Some third person decides your fate” (¶3)" in exported.stdout
    assert "¶3" in exported.stdout
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe not utf-8")
    failed = run_app("import", str(bad), "--data-dir", str(data), home=env_home)
    assert failed.returncode != 0
    assert len(failed.stderr.strip().splitlines()) == 1
    no_widgets = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from reader_app.app import main; "
            f"code = main(['export', '--data-dir', {str(data)!r}, '--format', 'csv']); "
            "sys.exit(code or 'PySide6.QtWidgets' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert no_widgets.returncode == 0, no_widgets.stderr
