"""Small things from issue 10: empty exports, an unknown --entry, hand-edited settings."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from conftest import run_app

from reader_app import cli
from reader_app.domain.export import CSV_COLUMNS
from reader_app.domain.text import Document
from reader_app.settings import (
    LINE_HEIGHT,
    MEASURE,
    READING_POSITION,
    READING_SIZE,
    ZOOM_PERCENT,
    Settings,
)
from reader_app.storage.store import open_store


@pytest.mark.parametrize("folder", ["never used", "no notes yet"])
@pytest.mark.parametrize("fmt", ["json", "markdown", "csv"])
def test_export_with_no_notes_is_a_valid_empty_export(
    fmt: str,
    folder: str,
    tmp_path: Path,
    document: Document,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    data_dir = tmp_path / "data"
    if folder == "no notes yet":
        open_store(data_dir, document).close()
    assert cli.main(["export", "--format", fmt, "--data-dir", str(data_dir)]) == 0
    out = capsysbinary.readouterr().out
    if fmt == "json":
        exported = json.loads(out)
        assert exported["type"] == "AnnotationCollection" and exported["total"] == 0
        assert exported["first"]["items"] == []
    elif fmt == "markdown":
        assert "There are no notes yet." in out.decode()
    else:
        rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
        assert rows == [list(CSV_COLUMNS)]
    if folder == "never used":
        assert not data_dir.exists()  # exporting created nothing


def test_an_unknown_entry_is_reported_on_stderr(tmp_path: Path) -> None:
    result = run_app(
        "--data-dir", str(tmp_path / "data"), "--entry", "no-such-entry",
        "--screenshot", str(tmp_path / "shot.png"), home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no glossary entry 'no-such-entry'" in result.stderr
    known = run_app(
        "--data-dir", str(tmp_path / "data"), "--entry", "self-activity",
        "--screenshot", str(tmp_path / "shot.png"), home=tmp_path,
    )  # fmt: skip
    assert "no glossary entry" not in known.stderr


HOSTILE_SETTINGS = """[reading]
zoom_percent=99999999999999999999999999
position=99999999999999999999999999
font_size=nan
line_height_percent=-1e308
measure_characters=inf
[appearance]
theme=\\x1b[31mbogus
[output]
citation_style=99
"""


def test_out_of_range_settings_are_clamped_and_the_window_opens(
    data_dir: Path, make_window
) -> None:
    (data_dir / "settings.ini").write_text(HOSTILE_SETTINGS, encoding="utf-8")
    settings = Settings(data_dir)
    for setting in (ZOOM_PERCENT, READING_POSITION, READING_SIZE, LINE_HEIGHT, MEASURE):
        value = settings.get(setting)
        assert math.isfinite(value), setting
        assert setting.minimum is None or value >= setting.minimum
        assert setting.maximum is None or value <= setting.maximum
    assert settings.get(READING_SIZE) == READING_SIZE.default  # nan: no value at all
    assert settings.get(ZOOM_PERCENT) == ZOOM_PERCENT.maximum
    window = make_window()
    assert window.reading_view.toPlainText()
