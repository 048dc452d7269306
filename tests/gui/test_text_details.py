"""Details of This Text…: read-only for the bundled text, corrected for a library text."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader_app.models.text_details import TextDetailsController
from reader_app.storage.library import library_of
from reader_app.ui import text_details


@pytest.fixture
def details_asked(monkeypatch: pytest.MonkeyPatch) -> list:
    asked = []

    def ask(parent, details, title):
        asked.append(details)

    monkeypatch.setattr(text_details, "ask_details", ask)
    return asked


def test_the_bundled_texts_details_are_shown_read_only(make_window, details_asked) -> None:
    window = make_window()
    assert window.action("edit-text-details").isEnabled()
    window.action("edit-text-details").trigger()
    (details,) = details_asked
    assert details.text_id == window.document.id and not details.editable
    assert details.values["author"] == "Alexandra Kollontai"
    assert details.values["year"] == "1921"


def test_the_bundled_text_refuses_changes(repo, data_dir: Path, document, qapp) -> None:
    controller = TextDetailsController(library_of(repo, data_dir))
    failures: list[str] = []
    controller.failed.connect(failures.append)
    values = controller.details(document.id).values | {"title": "Renamed"}
    assert not controller.save(document.id, values)
    assert "come with Study Reader" in failures[0]
    assert controller.details(document.id).values["title"] != "Renamed"


def test_a_library_texts_details_are_saved_or_refused_in_words(
    repo, data_dir: Path, tmp_path: Path, qapp
) -> None:
    library = library_of(repo, data_dir)
    path = tmp_path / "essay.txt"
    path.write_text("A short essay.\n")
    text_id = library.add_file(path).text_id
    controller = TextDetailsController(library)
    failures: list[str] = []
    saved: list[str] = []
    controller.failed.connect(failures.append)
    controller.changed.connect(saved.append)
    details = controller.details(text_id)
    assert details.editable
    good = details.values | {"title": "An Essay", "year": "1921", "translator": "T. Ranslator"}
    assert controller.save(text_id, good)
    assert saved == [text_id]
    record = library.get(text_id)
    assert (record.metadata.title, record.metadata.year, record.metadata.translator) == (
        "An Essay",
        1921,
        "T. Ranslator",
    )
    assert not controller.save(text_id, good | {"year": "19 21"})
    assert failures == ["The year must be a number, such as 1921 (or empty)."]
    assert library.get(text_id).metadata.year == 1921
