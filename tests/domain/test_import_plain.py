"""Plain text import: encodings recognised for certain or refused, paragraphs, identity."""

from __future__ import annotations

import codecs
import hashlib
import os

import pytest

from reader_app.domain.importing import (
    SourceFormat,
    TextImportError,
    detect_format,
    fingerprint_of,
    import_bytes,
    import_file,
)
from reader_app.domain.text import Role

TEXT = "Első bekezdés — “idézet”.\n\nSecond paragraph,\nwith a line break.\n\n\nThird."
PARAGRAPHS = ["Első bekezdés — “idézet”.", "Second paragraph,\nwith a line break.", "Third."]


def _texts(imported) -> list[str]:
    return [block.text for block in imported.blocks]


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "crlf"],
)
def test_unicode_files_give_the_same_paragraphs_and_ids(data: bytes) -> None:
    imported = import_bytes(data, "notes.txt")
    reference = import_bytes(TEXT.encode("utf-8"), "notes.txt")
    assert _texts(imported) == PARAGRAPHS
    assert [b.id for b in imported.blocks] == [b.id for b in reference.blocks]
    assert all(b.role is Role.BODY and b.chapter == 0 for b in imported.blocks)


def test_a_windows_1252_file_is_recognised() -> None:
    text = "Caf\u00e9 society \u2013 \u201cquoted\u201d.\n\nA second paragraph in plain English."
    imported = import_bytes(text.encode("cp1252"), "old.txt")
    assert _texts(imported) == ["Café society – “quoted”.", "A second paragraph in plain English."]


def test_an_unrecognisable_encoding_is_refused_naming_the_file() -> None:
    data = "Съешь же ещё этих мягких французских булок, да выпей чаю.".encode("koi8-r")
    with pytest.raises(TextImportError) as caught:
        import_bytes(data, "russian.txt")
    assert str(caught.value) == (
        "russian.txt: is not UTF-8 and its encoding cannot be recognised; save it as UTF-8."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty."),
        (b" \n\n\t \n", "is empty."),
        (b"\x00\x01\x02binary\x00data" * 10, "is a binary file, not text."),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "is a PNG image, not a text file."),
        (b"%PDF-1.7\n%\xe2\xe3", "is a PDF document, not a text file."),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "starts with a UTF-16-LE mark but is not valid"),
        (b"text\x01\x02\x03\x04", "is a binary file, not text."),
    ],
    ids=["empty", "blank", "nul-bytes", "png", "pdf", "bad-utf16", "controls"],
)
def test_bad_files_are_refused_with_one_line(data: bytes, message: str) -> None:
    with pytest.raises(TextImportError) as caught:
        import_bytes(data, "file.txt")
    assert str(caught.value).startswith(f"file.txt: {message}")
    assert caught.value.file_name == "file.txt"


def test_the_title_of_last_resort_is_the_file_name() -> None:
    imported = import_bytes(b"Words.", "the_workers  opposition.txt")
    assert imported.metadata.title == "the workers opposition"
    assert imported.metadata.author == ""
    assert imported.source_format is SourceFormat.PLAIN


def test_the_fingerprint_is_the_sha256_of_the_bytes(tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    imported = import_file(path)
    assert imported.fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()
    assert fingerprint_of(path.read_bytes()) == imported.fingerprint
    assert imported.file_name == "a.txt"


def test_reading_blocks_number_the_paragraphs() -> None:
    blocks = import_bytes(TEXT.encode(), "a.txt").reading_blocks()
    assert [b.number for b in blocks] == [1, 2, 3]
    assert blocks[0].citation_label == "¶1"


def test_a_missing_file_is_refused_naming_it(tmp_path) -> None:
    with pytest.raises(TextImportError) as caught:
        import_file(tmp_path / "gone.txt")
    assert str(caught.value).startswith("gone.txt: cannot be read (")


def test_over_the_size_limit_in_memory_too() -> None:
    with pytest.raises(TextImportError, match=r"^big\.txt: is over the limit of 50 MB"):
        import_bytes(b"a" * (50 * 1024 * 1024 + 1), "big.txt")


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.TXT", b"PK\x03\x04", SourceFormat.PLAIN),  # the name decides; the content is refused
        ("a.markdown", b"x", SourceFormat.MARKDOWN),
        ("a.htm", b"x", SourceFormat.HTML),
        ("a.epub", b"x", SourceFormat.EPUB),
        ("download", b"PK\x03\x04rest", SourceFormat.EPUB),
        ("page", b"  <!DOCTYPE html><html>", SourceFormat.HTML),
        ("README", b"# Title", SourceFormat.PLAIN),
    ],
)
def test_the_format_comes_from_the_name_then_the_content(name, data, expected) -> None:
    assert detect_format(name, data) is expected


def test_a_zip_named_txt_is_refused_not_shown() -> None:
    with pytest.raises(TextImportError, match=r"^a\.txt: is a zip archive, not a text file\.$"):
        import_bytes(b"PK\x03\x04" + bytes(50), "a.txt")


def test_a_pipe_is_refused_rather_than_waited_on(tmp_path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    with pytest.raises(TextImportError, match=r"^pipe\.txt: is not a file\.$"):
        import_file(pipe)
    (tmp_path / "folder").mkdir()
    with pytest.raises(TextImportError, match=r"^folder: is not a file\.$"):
        import_file(tmp_path / "folder")
