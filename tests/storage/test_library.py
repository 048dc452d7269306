"""The library: adding each format, re-adding, bad files, reading state, removal, search,
new editions. No Qt; every file is made by the test."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from domain.epub_factory import chapter_page, make_epub, nav_page

from reader_app.domain.anchors import PlacementStatus, make_anchor, resolve
from reader_app.domain.importing import TextImportError, import_file
from reader_app.domain.notes import free_note
from reader_app.domain.text import DEFAULT_TEXT_ID, Role
from reader_app.storage.db import StorageError
from reader_app.storage.library import (
    TEXTS_FOLDER,
    LibraryError,
    LibraryRepository,
    ReadingState,
    library_of,
    slug,
)
from reader_app.storage.notes_repo import NotesRepository

PLAIN = "A Plain Essay\n\nThe first paragraph speaks of bread.\n\nThe second speaks of peace.\n"
MARKDOWN = """# Pamphlet

## One

Land to the peasants, said the first chapter.

## Two

Bread and peace, said the second, and bread again.
"""
HTML = """<!doctype html><html lang="en"><head><title>A Saved Page</title>
<meta name="author" content="Web Author"><script>alert(1)</script></head>
<body><nav>Home | About</nav><article><h1>A Saved Page</h1>
<p>Councils of workers met every evening.</p><p>The page ends with peace.</p></article>
<footer>© the site</footer></body></html>"""


def _epub() -> bytes:
    return make_epub(
        {
            "c1.xhtml": chapter_page("Chapter One", ["The soviet met at dawn.", "Bread first."]),
            "c2.xhtml": chapter_page("Chapter Two", ["The congress voted for peace."]),
        },
        nav=nav_page([("Chapter One", "c1.xhtml"), ("Chapter Two", "c2.xhtml")]),
    )


FILES: dict[str, Callable[[], bytes]] = {
    "essay.txt": PLAIN.encode,
    "pamphlet.md": MARKDOWN.encode,
    "page.html": HTML.encode,
    "book.epub": _epub,
}


@pytest.fixture
def library(repo: NotesRepository, data_dir: Path) -> LibraryRepository:
    return library_of(repo, data_dir)


def _write(folder: Path, name: str, data: bytes | None = None) -> Path:
    path = folder / name
    path.write_bytes(FILES[name]() if data is None else data)
    return path


def _state(library: LibraryRepository, data_dir: Path) -> tuple:
    """Everything an addition could change: rows of every library table and the files."""
    connection = library._connection
    tables = ("texts", "text_blocks", "text_contents", "notes")
    rows = tuple(connection.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables)
    files = sorted(str(p.relative_to(data_dir)) for p in (data_dir / TEXTS_FOLDER).glob("**/*"))
    return rows, files


def _assert_index_in_step(library: LibraryRepository) -> None:
    """FTS5's own check that the index holds exactly the words of the blocks table."""
    library._connection.execute(
        "INSERT INTO text_blocks_fts (text_blocks_fts, rank) VALUES ('integrity-check', 1)"
    )


def test_the_bundled_text_is_the_first_text(library: LibraryRepository) -> None:
    (bundled,) = library.list_texts()
    assert (bundled.id, bundled.bundled, bundled.source_format) == (
        DEFAULT_TEXT_ID,
        True,
        "bundled",
    )
    assert bundled.title == "The Workers’ Opposition" and bundled.year == 1921


@pytest.mark.parametrize("name", list(FILES))
def test_add_each_format(
    name: str, library: LibraryRepository, data_dir: Path, tmp_path: Path
) -> None:
    path = _write(tmp_path, name)
    result = library.add_file(path)
    assert result.added
    imported = import_file(path)
    assert result.title == imported.metadata.title
    assert result.text_id == f"{slug(imported.metadata.title)}-{imported.fingerprint[:8]}"

    record = library.get(result.text_id)
    assert record is not None and not record.bundled
    assert record.metadata == imported.metadata
    assert record.source_format == imported.source_format.value
    assert record.file_name == name and record.fingerprint == imported.fingerprint
    # The original is kept byte for byte inside the data folder, and nothing else is left.
    assert (data_dir / record.stored_path).read_bytes() == path.read_bytes()
    assert [p.name for p in (data_dir / TEXTS_FOLDER).iterdir()] == [Path(record.stored_path).name]

    blocks = library.blocks(result.text_id)
    assert [(b.id, b.role, b.chapter, b.chapter_title, b.text) for b in blocks] == [
        tuple(block) for block in imported.blocks
    ]
    assert [b.seq for b in blocks] == list(range(len(blocks)))
    assert [b.number for b in blocks] == [b.number for b in imported.reading_blocks()]
    assert library.contents(result.text_id) == list(imported.contents)
    _assert_index_in_step(library)
    assert [t.id for t in library.list_texts()] == [DEFAULT_TEXT_ID, result.text_id]


def test_html_keeps_the_article_and_markdown_its_chapters(
    library: LibraryRepository, tmp_path: Path
) -> None:
    page = library.add_file(_write(tmp_path, "page.html")).text_id
    words = " ".join(b.text for b in library.blocks(page))
    assert "Councils of workers" in words and "alert" not in words and "Home" not in words
    pamphlet = library.add_file(_write(tmp_path, "pamphlet.md")).text_id
    assert [entry.title for entry in library.contents(pamphlet)] == ["One", "Two"]
    book = library.add_file(_write(tmp_path, "book.epub")).text_id
    assert library.get(book).metadata.author == "Ada Writer"


def test_blocks_are_read_in_windows(library: LibraryRepository, tmp_path: Path) -> None:
    text = "\n\n".join(f"Paragraph number {n} of a long text." for n in range(1, 201))
    text_id = library.add_file(_write(tmp_path, "essay.txt", text.encode())).text_id
    window = library.blocks(text_id, start=50, count=10)
    assert [b.seq for b in window] == list(range(50, 60))
    assert window[0].text == "Paragraph number 51 of a long text." and window[0].number == 51
    assert library.seq_of(text_id, window[3].id) == 53
    assert library.blocks(text_id, start=195)[-1].seq == 199


def test_re_adding_the_same_file_adds_nothing(
    library: LibraryRepository, data_dir: Path, tmp_path: Path
) -> None:
    first = library.add_file(_write(tmp_path, "book.epub"))
    before = _state(library, data_dir)
    copy = tmp_path / "renamed copy.epub"
    copy.write_bytes((tmp_path / "book.epub").read_bytes())
    again = library.add_file(copy)
    assert (again.text_id, again.title, again.added) == (first.text_id, first.title, False)
    assert _state(library, data_dir) == before


def test_a_file_already_here_is_not_parsed_again(
    library: LibraryRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "pamphlet.md")
    library.add_file(path)

    def must_not_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a file that is in the library already")

    monkeypatch.setattr("reader_app.storage.library.import_bytes", must_not_parse)
    assert not library.add_file(path).added


BAD_FILES = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 8,
    "picture.epub": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "drm.epub": make_epub(
        {"c1.xhtml": chapter_page("One", ["Text."])},
        extra={"META-INF/rights.xml": "<rights/>"},
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_leaves_the_library_unchanged(
    name: str, library: LibraryRepository, data_dir: Path, tmp_path: Path
) -> None:
    library.add_file(_write(tmp_path, "essay.txt"))
    before = _state(library, data_dir)
    bad = tmp_path / name
    bad.write_bytes(BAD_FILES[name])
    with pytest.raises(TextImportError) as caught:
        library.add_file(bad)
    assert str(caught.value).startswith(f"{name}: ") and "\n" not in str(caught.value)
    assert _state(library, data_dir) == before


def test_a_folder_or_missing_file_is_refused(library: LibraryRepository, tmp_path: Path) -> None:
    with pytest.raises(TextImportError, match="is not a file"):
        library.add_file(tmp_path)
    with pytest.raises(TextImportError, match="cannot be read"):
        library.add_file(tmp_path / "missing.txt")


def test_a_failed_write_removes_the_copied_file(
    library: LibraryRepository, data_dir: Path, tmp_path: Path
) -> None:
    before = _state(library, data_dir)
    blocker = library._connection  # another writer holds the database
    other = sqlite3.connect(library._path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    blocker.execute("PRAGMA busy_timeout = 0")
    try:
        with pytest.raises(StorageError, match="busy"):
            library.add_file(_write(tmp_path, "essay.txt"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _state(library, data_dir) == before


def test_reading_state_is_kept_per_text(library: LibraryRepository, tmp_path: Path) -> None:
    essay = library.add_file(_write(tmp_path, "essay.txt")).text_id
    book = library.add_file(_write(tmp_path, "book.epub")).text_id
    assert library.reading_state(essay) == ReadingState()
    second = library.blocks(essay)[2]
    library.save_reading_state(essay, ReadingState(second.id, 7, 1.25, "nep"))
    library.save_reading_state(book, ReadingState(library.blocks(book)[1].id, 0, 0.9, None))
    library.mark_opened(essay)
    assert library.reading_state(essay) == ReadingState(second.id, 7, 1.25, "nep")
    assert library.reading_state(book).zoom == 0.9
    summaries = {s.id: s for s in library.list_texts()}
    assert summaries[essay].last_opened is not None and summaries[book].last_opened is None
    assert summaries[essay].position_seq == 2 and summaries[essay].block_count == 3
    assert summaries[DEFAULT_TEXT_ID].position_seq is None


def test_metadata_can_be_corrected(library: LibraryRepository, tmp_path: Path) -> None:
    essay = library.add_file(_write(tmp_path, "essay.txt")).text_id
    record = library.update_metadata(essay, author="A. Kollontai", year=1921, translator="X")
    assert (record.metadata.author, record.metadata.year, record.metadata.translator) == (
        "A. Kollontai",
        1921,
        "X",
    )
    with pytest.raises(LibraryError, match="title"):
        library.update_metadata(essay, title="  ")
    with pytest.raises(ValueError, match="fingerprint"):
        library.update_metadata(essay, fingerprint="0")
    with pytest.raises(LibraryError, match="no text"):
        library.update_metadata("nope", author="x")


def test_remove_keeps_notes_and_re_adding_brings_the_same_id(
    library: LibraryRepository, repo: NotesRepository, data_dir: Path, tmp_path: Path
) -> None:
    path = _write(tmp_path, "essay.txt")
    added = library.add_file(path)
    stored = library.get(added.text_id).stored_path
    essay_notes = repo.for_text(library.document(added.text_id))
    note = essay_notes.add(free_note("about the essay"))
    assert {s.id: s.notes for s in library.list_texts()}[added.text_id] == 1

    result = library.remove(added.text_id)
    assert (result.notes_kept, result.notes_deleted) == (1, 0)
    assert [t.id for t in library.list_texts()] == [DEFAULT_TEXT_ID]
    assert library.get(added.text_id) is None and library.blocks(added.text_id) == []
    assert not (data_dir / stored).exists()
    assert library.search("bread") == []
    _assert_index_in_step(library)
    assert essay_notes.get(note.id) is not None  # the note is kept

    again = library.add_file(path)
    assert again.added and again.text_id == added.text_id
    assert {s.id: s.notes for s in library.list_texts()}[added.text_id] == 1


def test_remove_can_delete_the_notes_and_refuses_the_bundled_text(
    library: LibraryRepository, repo: NotesRepository, tmp_path: Path
) -> None:
    text_id = library.add_file(_write(tmp_path, "essay.txt")).text_id
    essay_notes = repo.for_text(library.document(text_id))
    note = essay_notes.add(free_note("to go"))
    assert library.remove(text_id, delete_notes=True).notes_deleted == 1
    assert essay_notes.get(note.id) is None
    with pytest.raises(LibraryError, match="bundled text cannot be removed"):
        library.remove(DEFAULT_TEXT_ID)
    with pytest.raises(LibraryError, match="no text"):
        library.remove(text_id)  # already removed


def test_search_everything_is_ranked_and_located(
    library: LibraryRepository, tmp_path: Path
) -> None:
    essay = library.add_file(_write(tmp_path, "essay.txt")).text_id
    pamphlet = library.add_file(_write(tmp_path, "pamphlet.md")).text_id
    hits = library.search("bread")
    # "Bread and peace … bread again" says bread twice in a short block: bm25 ranks it first.
    # (A plain text has no headings, so its first line is ¶1.)
    assert [(h.text_id, h.number) for h in hits] == [(pamphlet, 2), (essay, 2)]
    best = hits[0]
    assert best.title == "Pamphlet" and best.chapter_title == "Two"
    assert [best.snippet.text[s:e] for s, e in best.snippet.spans] == ["Bread", "bread"]
    assert best.block_id == library.blocks(pamphlet)[best.seq].id
    assert library.blocks(pamphlet)[best.seq].role is Role.BODY
    assert [h.text_id for h in library.search("bread", text_id=essay)] == [essay]
    typed = {(h.text_id, h.number) for h in library.search("pea")}  # a word being typed
    assert typed == {(pamphlet, 1), (pamphlet, 2), (essay, 3)}  # peasants, peace
    assert library.search('" OR NEAR(') == []  # typed syntax is never FTS syntax


def test_search_keeps_the_best_hits_in_bm25_order_then_by_text_and_place(
    library: LibraryRepository, tmp_path: Path
) -> None:
    """The ranking is cut to ``limit`` in the index, then the winners' rows are read: the
    hits must still be the best ones, equal scores ordered by text id and place."""
    same = "Rye\n\n" + "\n\n".join(["A loaf of rye bread."] * 6) + "\n"
    ids = sorted(
        library.add_file(_write(tmp_path, f"rye-{n}.txt", f"Copy {n}\n\n{same}".encode())).text_id
        for n in range(3)
    )
    best = library.add_file(_write(tmp_path, "best.txt", b"Best\n\nRye, rye, rye.\n")).text_id
    hits = library.search("rye", limit=100)
    assert (hits[0].text_id, hits[0].number) == (best, 2)  # three times in a short block
    loaves = [(h.text_id, h.seq) for h in hits if h.snippet.text.startswith("A loaf")]
    assert loaves == sorted(loaves) and len(loaves) == 18
    assert all(h.title.startswith("rye-") for h in hits[1:] if h.text_id in ids)
    top = library.search("rye", limit=4)
    assert [(h.text_id, h.seq) for h in top] == [(h.text_id, h.seq) for h in hits[:4]]
    assert all(h.block_id == library.blocks(h.text_id)[h.seq].id for h in hits)


def test_search_in_one_text_ranks_its_blocks_only(
    library: LibraryRepository, repo: NotesRepository, tmp_path: Path
) -> None:
    essay = library.add_file(_write(tmp_path, "essay.txt")).text_id
    pamphlet = library.add_file(_write(tmp_path, "pamphlet.md")).text_id
    everywhere = [h for h in library.search("the", limit=100) if h.text_id == essay]
    assert library.search("the", text_id=essay) == everywhere and everywhere
    # A text's blocks are stored together, but the search does not count on it: a block of
    # another text inside the essay's rows is not the essay's.
    rows = [row for (row,) in repo.connection.execute(
        "SELECT row FROM text_blocks WHERE text_id = ? ORDER BY row", (essay,)
    )]  # fmt: skip
    repo.connection.execute(
        "UPDATE text_blocks SET text_id = ?, seq = 99, block_id = 'moved' WHERE row = ?",
        (pamphlet, rows[1]),
    )
    assert {h.text_id for h in library.search("the", text_id=essay)} == {essay}
    assert library.search("the", text_id="no-such-text") == []


def test_a_new_edition_replaces_the_blocks_and_notes_can_be_re_anchored(
    library: LibraryRepository, data_dir: Path, tmp_path: Path
) -> None:
    first = library.add_file(_write(tmp_path, "essay.txt")).text_id
    library.save_reading_state(first, ReadingState(library.blocks(first)[2].id, 3, 1.1, None))
    old_file = data_dir / library.get(first).stored_path
    old = library.document(first)
    anchor = make_anchor(old, old.blocks[2].id, 4, 10)  # "second"

    corrected = PLAIN.replace("The first paragraph", "An inserted paragraph.\n\nThe 1st paragraph")
    path = tmp_path / "essay-corrected.txt"
    path.write_text(corrected)
    imported = import_file(path)
    replaced = library.replace_edition(first, imported, path.read_bytes())

    assert replaced.old == old and replaced.blocks_kept == 2  # the title and ¶2 kept their ids
    assert [b.text for b in replaced.new.blocks] == [b.text for b in imported.blocks]
    assert library.get(first).fingerprint == imported.fingerprint
    assert library.reading_state(first).zoom == 1.1
    assert (data_dir / library.get(first).stored_path).read_bytes() == path.read_bytes()
    assert not old_file.exists()
    assert [h.text_id for h in library.search("inserted")] == [first]
    assert library.search("first") == []  # the old edition's words are gone from the index
    _assert_index_in_step(library)

    placement = resolve(anchor, replaced.new)
    assert placement.status is PlacementStatus.EXACT
    assert replaced.new.block(placement.block_id).text[placement.start : placement.end] == (
        "second"
    )
    # Re-adding the corrected file now finds the text; the old file is a new text again.
    assert library.add_file(path).text_id == first
    with pytest.raises(LibraryError, match="already in the library"):
        other = library.add_file(_write(tmp_path, "book.epub")).text_id
        library.replace_edition(other, imported, path.read_bytes())


def test_a_read_only_library_refuses_writes(data_dir: Path, open_repo, tmp_path: Path) -> None:
    open_repo(data_dir)
    reader = open_repo(data_dir, read_only=True)
    library = library_of(reader, data_dir)
    with pytest.raises(StorageError, match="reading only"):
        library.add_file(_write(tmp_path, "essay.txt"))
    assert not (data_dir / TEXTS_FOLDER).exists()
