"""Does the window freeze on a very long note? The longest stall of the event loop, measured.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen python benchmarks/long_note.py [--chars 1000000]

The real main window is built on a temporary data folder (never the user's). For each note
shape it stores one note of that body, then does what a reader does, through the window:
open the note from the list, type a key and let the autosave run, search for a word of the
note, clear the search, delete the note and undo the delete. A heartbeat timer ticks every
5 ms throughout; the longest gap between two ticks is how long the window was frozen. The
floor is the same run with a short note (about 1,000 characters), measured in the same
process, and each line prints the ratio against it. The target is no stall over 500 ms.

Shapes: ``prose`` is 1 MB of lines of text (a paste of a book chapter); ``one-line`` is 1 MB
without a single line break (a paste of minified data), the worst case for text layout.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heartbeat import Heartbeat  # beside this script
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

TARGET_MS = 500
LINE = "Some third person decides your fate, and the workers wait for the decrees. "


def body_of(shape: str, chars: int) -> str:
    if shape == "prose":
        return "\n".join(LINE.strip() for _ in range(chars // len(LINE) + 1))[:chars]
    return ("Some third " + "x" * 89)[: min(chars, 100)] * (chars // 100)


def measure(window, body: str) -> dict[str, float]:
    panel = window.notes_panel
    controller = window.notes_controller
    heartbeat = Heartbeat()
    stalls: dict[str, float] = {}
    note = controller.add_free_note()
    controller.save(note.id, body, ["long"])
    window.action("new-free-note").trigger()  # another note is open, so opening ours loads it

    def type_a_key() -> None:
        panel.editor.setFocus()
        panel.editor.moveCursor(panel.editor.textCursor().MoveOperation.End)
        QTest.keyClick(panel.editor, Qt.Key.Key_A)

    steps: list[tuple[str, Callable[[], object], int]] = [
        ("open the note", lambda: panel.select_note(note.id), 600),
        ("type a key, autosave", type_a_key, 1500),
        ("search a word in it", lambda: QTest.keyClicks(panel.search_edit, "third"), 800),
        ("clear the search", panel.search_edit.clear, 800),
        ("delete the note", panel.delete_button.click, 600),
        ("undo the delete", window.action("undo").trigger, 600),
    ]
    for label, action, settle_ms in steps:
        stalls[label] = heartbeat.run(action, settle_ms)
    stored = controller.repository.get(note.id)
    assert stored is not None and stored.body == body + "a", "the edit was not saved"
    controller.delete(note.id)
    return stalls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    from reader_app.app import configure_application, create_main_window

    configure_application(app)
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="study-reader-bench-") as folder:
        window = create_main_window(Path(folder), persist_state=False)
        window.resize(1280, 800)
        window.show()
        QTest.qWaitForWindowExposed(window)
        floor = measure(window, body_of("prose", 1000))
        for shape in ("prose", "one-line"):
            stalls = measure(window, body_of(shape, args.chars))
            print(f"{shape}, {args.chars:,} characters: longest stall of the window")
            for label, ms in stalls.items():
                ratio = ms / max(floor[label], 1.0)
                print(f"  {label:<22} {ms:7.0f} ms   floor {floor[label]:5.0f} ms   {ratio:5.1f}x")
                worst = max(worst, ms)
        window.close()
    verdict = "within" if worst <= TARGET_MS else "OVER"
    print(f"worst stall {worst:.0f} ms: {verdict} the {TARGET_MS} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
