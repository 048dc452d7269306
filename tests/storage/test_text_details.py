"""Details of a text as "About this Text" corrects them, and citations that follow them."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader_app.domain.citation import CitedWork, cite
from reader_app.domain.text_details import checked_changes
from reader_app.storage.library import LibraryRepository, library_of
from reader_app.storage.notes_repo import NotesRepository


@pytest.fixture
def library(repo: NotesRepository, data_dir: Path) -> LibraryRepository:
    return library_of(repo, data_dir)


def _values(**changes: str) -> dict[str, str]:
    base = dict.fromkeys(
        ("title", "author", "year", "translator", "editor", "publisher", "url", "language"), ""
    )
    base["title"] = "Essay"
    return base | changes


def test_corrected_details_reach_the_citation(library: LibraryRepository, tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_text("On bread and peace, at length.\n")
    text_id = library.add_file(path).text_id
    changes = checked_changes(
        _values(
            title="Bread and Peace",
            author="Alexandra Kollontai",
            year="1918",
            translator="A. Translator",
            publisher="Workers’ Press",
        )
    )
    library.update_metadata(text_id, **changes)
    document = library.document(text_id)
    work = CitedWork.from_document(document)
    assert (work.title, work.year, work.translator, work.publisher) == (
        "Bread and Peace",
        1918,
        "A. Translator",
        "Workers’ Press",
    )
    block = document.blocks[0]
    citation = cite(work, [(block, "bread and peace")], "chicago")
    assert "A. Translator" in citation.plain_text and "Workers’ Press" in citation.plain_text


def test_a_saved_web_page_is_cited_with_its_site(
    library: LibraryRepository, tmp_path: Path
) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>A Page</title></head><body><p>Words here.</p></body>")
    text_id = library.add_file(path).text_id
    library.update_metadata(
        text_id,
        **checked_changes(_values(title="A Page", publisher="A Site", url="https://a.example/p")),
    )
    work = CitedWork.from_document(library.document(text_id))
    assert (work.website, work.url) == ("A Site", "https://a.example/p")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"year": "nineteen"}, "year must be a number"),
        ({"url": "javascript:alert(1)"}, "https://"),
        ({"title": "   "}, "needs a title"),
    ],
)
def test_bad_details_are_refused_in_words(changes: dict[str, str], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        checked_changes(_values(**changes))
