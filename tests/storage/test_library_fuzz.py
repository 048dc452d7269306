"""Hostile files and queries against the library: a text or one refusal, never a half-add."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader_app.domain.importing import TextImportError
from reader_app.domain.text import load_document
from reader_app.storage.library import TEXTS_FOLDER, LibraryRepository, library_of
from reader_app.storage.store import open_store

FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow],
)
CONTENT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8")),
    st.lists(
        st.sampled_from(["# ", "## Title\n", "<p>", "</p>", "word ", "\n\n", "PK\x03\x04", "é"]),
        max_size=40,
    ).map(lambda parts: "".join(parts).encode("utf-8")),
)


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibraryRepository]:
    """One library for all examples (Hypothesis reruns the test body, not the fixture)."""
    folder = tmp_path_factory.mktemp("fuzz-data")
    result = open_store(folder, load_document(), take_backup=False)
    yield library_of(result.repository, folder)
    result.close()


def _snapshot(library: LibraryRepository) -> tuple:
    connection = library._connection
    rows = tuple(
        connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("texts", "text_blocks", "text_contents")
    )
    folder = library.data_dir / TEXTS_FOLDER
    return rows, sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@FUZZ
@given(data=CONTENT, suffix=st.sampled_from(["txt", "md", "html", "epub", "bin"]))
def test_any_file_is_added_whole_or_refused_cleanly(
    shared_library: LibraryRepository, tmp_path_factory: pytest.TempPathFactory, data: bytes,
    suffix: str,
) -> None:  # fmt: skip
    path = tmp_path_factory.getbasetemp() / f"hostile.{suffix}"
    path.write_bytes(data)
    before = _snapshot(shared_library)
    try:
        added = shared_library.add_file(path)
    except TextImportError as error:
        assert str(error).startswith(f"hostile.{suffix}: ") and "\n" not in str(error)
        assert _snapshot(shared_library) == before
        return
    record = shared_library.get(added.text_id)
    assert record is not None and record.metadata.title.strip()
    assert (shared_library.data_dir / record.stored_path).read_bytes() == data
    assert len(shared_library.blocks(added.text_id)) == record.block_count
    if added.added:  # leave the library as it was for the next example
        shared_library.remove(added.text_id)


@FUZZ
@given(query=st.text(max_size=40))
def test_any_query_searches_without_error(shared_library: LibraryRepository, query: str) -> None:
    for hit in shared_library.search(query):
        assert all(0 <= start < end <= len(hit.snippet.text) for start, end in hit.snippet.spans)


WORDS = ["the", "bread", "peace", "th", "é", "NEAR", "OR", "AND", "NOT", '"', "*", "^", ":"]
TYPED = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from([*WORDS, " ", "(", ")", "-", "'", "\x00"]), max_size=12).map("".join),
)


@pytest.fixture(scope="module")
def filled_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibraryRepository]:
    """A library with two texts whose words the typed strings often hit."""
    folder = tmp_path_factory.mktemp("fuzz-search")
    result = open_store(folder, load_document(), take_backup=False)
    library = library_of(result.repository, folder)
    texts = {"one.txt": "The bread of peace. Éclair thé.", "two.md": "# The\n\nPeace"}
    for name, body in texts.items():
        path = folder / name
        path.write_text(f"Title\n\n{body}\n", encoding="utf-8")
        library.add_file(path)
    yield library
    result.close()


@FUZZ
@given(typed=TYPED, limit=st.integers(min_value=1, max_value=500), in_one=st.booleans())
def test_no_typed_string_makes_the_library_search_raise(
    filled_library: LibraryRepository, typed: str, limit: int, in_one: bool
) -> None:
    text_id = filled_library.list_texts()[-1].id if in_one else None
    hits = filled_library.search(typed, limit=limit, text_id=text_id)
    assert len(hits) <= limit
    assert text_id is None or {hit.text_id for hit in hits} <= {text_id}
    for hit in hits:
        assert all(0 <= start < end <= len(hit.snippet.text) for start, end in hit.snippet.spans)
