"""The notes core must work without Qt: ``domain/``, ``storage/`` and the commands import none."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "reader_app"
QT_FREE = [*sorted((PACKAGE / "domain").glob("*.py")), *sorted((PACKAGE / "storage").glob("*.py"))]
QT_FREE.append(PACKAGE / "cli.py")
QT_FREE.append(PACKAGE / "library_commands.py")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_qt_import_in_the_source() -> None:
    assert len(QT_FREE) > 5
    for path in QT_FREE:
        qt = {
            name
            for name in _imported_modules(path)
            if name.split(".")[0] in {"PySide6", "shiboken6"}
        }
        assert not qt, f"{path.name} imports {qt}"


def test_importing_the_core_loads_no_qt() -> None:
    modules = [
        "reader_app." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in QT_FREE
        if p.name != "__init__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "[]"
