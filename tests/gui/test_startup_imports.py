"""What start-up loads before the panels are drawn: what draws them, and nothing it can leave
to first use (issue 13: visually complete within 1.5x a bare window).

Each module or Qt class below was loaded while the panels were built and cost start-up time
without drawing anything (measured with ``python -X importtime`` and, for Qt classes, the
enum classes PySide sets up on a class's first use). They are now imported where they are
used; if one comes back, import it where it is used instead, or say here why the panels
need it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LEFT_TO_FIRST_USE = {
    "reader_app.domain.export": "writing a glossary or notes file (about 8 ms)",
    "reader_app.domain.citation": "citing: the study output loads it after the panels",
    "reader_app.storage.editions": "Replace with a New Edition, a menu command",
    "difflib": "placing a note whose text changed (fuzzy anchoring)",
    "uuid": "making a note or entry id; stored ids are checked without it (2 ms with platform)",
    "html": "showing a glossary entry",
    "PySide6.QtNetwork": "answering later launches: the window listens once drawn (10 ms)",
    "socket": "nothing on Linux: the quit-signal watcher wakes Qt through a pipe (4 ms)",
    "reader_app.models.search_everything": "Search Everything beyond the open text, wired "
    "just after the panels are drawn, with the other library commands (6 ms together)",
    "reader_app.ui.text_details": "Details of This Text, a menu command",
    "reader_app.ui.new_edition": "Replace with a New Edition, a menu command",
    "tomllib": "a bundled TOML file new to the cache: the text's metadata and its glossary "
    "are read as JSON after the first start (domain.toml_cache, 4 ms)",
}
QT_LEFT_TO_FIRST_USE = {
    "QtWidgets.QStyle": "painting a note or timeline row (11 enum classes, about 5 ms)",
    "QtWidgets.QStyleOptionViewItem": "painting a note or timeline row (8 enum classes)",
    "QtCore.QUrl": "a link in a glossary entry (5 enum classes)",
}

# The real entry point, as `study-reader --data-dir DIR` runs it; what is loaded is noted
# when the window would go on to what is out of sight (finish_window), which comes just
# after the panels have been painted, and the app then quits.
CHILD = """
import json, sys
import PySide6.QtCore, PySide6.QtWidgets
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from reader_app import app

modules, qt = json.loads(sys.argv[2])
seen = {}

def noted(*args):
    seen["modules"] = sorted(name for name in modules if name in sys.modules)
    seen["qt"] = sorted(
        name for name in qt
        if name.split(".")[1] in vars(getattr(PySide6, name.split(".")[0]))
    )
    QTimer.singleShot(0, QApplication.quit)

app.finish_window = noted
app.main(["--data-dir", sys.argv[1]])
print(json.dumps(seen))
"""


def test_the_panels_are_drawn_without_what_they_leave_to_first_use(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    watched = json.dumps([sorted(LEFT_TO_FIRST_USE), sorted(QT_LEFT_TO_FIRST_USE)])
    for start in ("first, which fills the cache", "second, as every start after it"):
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(data), watched],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{start}: {result.stderr}"
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    loaded = {name: LEFT_TO_FIRST_USE[name] for name in seen["modules"]}
    qt = {name: QT_LEFT_TO_FIRST_USE[name] for name in seen["qt"]}
    assert loaded == {}, "imported before the panels were drawn, though used only later"
    assert qt == {}, "set up before the panels were drawn, though used only later"
