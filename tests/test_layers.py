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
QT_FREE.append(PACKAGE / "command_support.py")
QT_FREE.append(PACKAGE / "cite_command.py")
QT_FREE.append(PACKAGE / "sync_command.py")


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


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_imports(path: Path) -> set[str]:
    """Our own modules that ``path`` imports, at the top or inside a function, resolved to
    module names (``from reader_app.ui import dialogs`` counts as ``reader_app.ui.dialogs``)."""
    known = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known}


def test_widgets_never_reach_storage() -> None:
    """Every read and write of the notes goes through ``models/`` (controller, list model)."""
    widgets = sorted((PACKAGE / "ui").glob("*.py"))
    assert len(widgets) > 10
    for path in widgets:
        storage = {name for name in _package_imports(path) if name.startswith("reader_app.storage")}
        assert not storage, f"ui/{path.name} imports {storage}"


def test_no_import_circles() -> None:
    """No module of ours imports, directly or through others, a module that imports it back
    (at the top of a file or inside a function: a circle is hard to follow either way)."""
    graph = {
        _module_name(path): _package_imports(path) - {_module_name(path)}
        for path in PACKAGE.rglob("*.py")
    }
    for package in [name for name in graph if (PACKAGE.parent / name.replace(".", "/")).is_dir()]:
        graph[package] = set()  # importing a package's module runs its __init__, not a circle
    circles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            module, path = stack.pop()
            for imported in graph[module]:
                if imported == start:
                    circles.append(" -> ".join([*path, start]))
                elif imported not in seen:
                    seen.add(imported)
                    stack.append((imported, [*path, imported]))
    assert not circles, "\n".join(sorted(circles))


LONGEST_FUNCTION = 60  # lines


def test_a_long_function_says_why_it_is_clearer_whole() -> None:
    """Past 60 lines a function is split, or says in a comment why it reads better whole."""
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = lines[node.lineno - 1 : node.end_lineno]
                if len(body) > LONGEST_FUNCTION and not any("Whole on purpose" in s for s in body):
                    unexplained.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert unexplained == []


LAYERS = ["domain", "storage", "models", "ui"]  # each may import only the ones before it


def test_each_layer_imports_only_the_layers_below() -> None:
    for rank, layer in enumerate(LAYERS):
        later = {f"reader_app.{name}" for name in LAYERS[rank + 1 :]}
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            reached = {
                name
                for name in _package_imports(path)
                if any(name == top or name.startswith(top + ".") for top in later)
            }
            assert not reached, f"{layer}/{path.name} imports {reached}"


def test_the_main_window_stays_a_shell() -> None:
    """Features go into their own modules (README: How the code is laid out), not the window."""
    lines = (PACKAGE / "ui" / "main_window.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 400
