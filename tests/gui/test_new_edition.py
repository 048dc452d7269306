"""File > Replace with a New Edition… in the window, and its report."""

from __future__ import annotations

from pathlib import Path

from reader_app.models.new_edition import NewEditionController, report_text
from reader_app.storage.editions import EditionReport
from reader_app.storage.library import library_of


def test_the_bundled_text_is_not_replaced(make_window, dialogs_shown, tmp_path: Path) -> None:
    window = make_window()
    corrected = tmp_path / "corrected.txt"
    corrected.write_text("Another text entirely.\n")
    dialogs_shown.open_path = str(corrected)
    assert window.action("replace-edition").isEnabled()
    window.action("replace-edition").trigger()
    (message,) = dialogs_shown.texts("error")
    assert "comes with Study Reader" in message
    assert window.document.block("p1").text.startswith("“Is it to be bureaucracy")


def test_the_controller_replaces_a_library_text_and_reports_bad_files(
    repo, data_dir: Path, tmp_path: Path, qtbot
) -> None:
    library = library_of(repo, data_dir)
    first = tmp_path / "essay.txt"
    first.write_text("Bread first.\n\nPeace second.\n")
    text_id = library.add_file(first).text_id
    controller = NewEditionController(library, repo)
    failures: list[str] = []
    controller.failed.connect(failures.append)
    binary = tmp_path / "picture.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert controller.replace(text_id, binary) is None
    assert failures and failures[0].startswith("picture.txt")
    second = tmp_path / "essay-2.txt"
    second.write_text("Bread first.\n\nPeace second, and land.\n")
    with qtbot.waitSignal(controller.replaced) as replaced:
        report = controller.replace(text_id, second)
    assert replaced.args == [text_id] and report is not None
    assert library.document(text_id).blocks[1].text == "Peace second, and land."


def test_the_report_says_how_many_moved_and_detached() -> None:
    report = EditionReport("t", "Bread", 4, 2, 1, 1, 10)
    assert report_text(report) == (
        "“Bread” now reads from the new edition: 2 notes in place, 1 note moved, "
        "1 note detached (kept in the Notes pane, to place again by hand)."
    )
