"""The importers are domain code: importing them loads no Qt, and Markdown only when used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "reader_app"


def test_the_importers_load_no_qt_and_no_markdown_parser_until_asked() -> None:
    modules = sorted(
        "reader_app.domain.importing." + path.stem
        for path in (PACKAGE / "domain" / "importing").glob("*.py")
        if path.name != "__init__.py"
    )
    assert len(modules) >= 8
    code = (
        "import importlib, sys\n"
        "import reader_app.domain.importing as importing\n"
        "before = 'markdown_it' in sys.modules\n"
        "importing.import_bytes(b'# T\\n\\nText.', 'a.md')\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(before, 'markdown_it' in sys.modules, qt)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "False True []"
