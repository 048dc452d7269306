"""Hostile input is normal input: any bytes give a text or one TextImportError, quickly."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader_app.domain.importing import ImportedText, TextImportError, import_bytes

from .epub_factory import chapter_page, make_epub, nav_page

# Far above any real example (a few ms), far below a hang; generous for a loaded machine.
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow],
)
SUFFIXES = ["txt", "md", "html", "epub", "bin"]
MARKUP = st.sampled_from(
    [
        "<p>", "</p>", "<article>", "</article>", "<main>", "</main>", "<nav>", "</nav>",
        "<script>", "</script>", "<style>", "<br>", "<br/>", "<h1>", "</h1>", "<h2 id='x'>",
        "<pre>", "</pre>", "<div hidden>", "</div>", "&amp;", "&nbsp;", "&#0;", "&#x110000;",
        "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0'?>", "<!DOCTYPE html>",
        "<!ENTITY a 'b'>", "&a;", "<meta name='author' content='x'>", "<title>", "</title>",
        '<script type="application/ld+json">', "{", "[", '"@type": "Article"', "\x00",
        "# ", "## ", "\n", "\n\n", "---\n", "> ", "- ", "```", "    ", "*", "[a](b)", "![i](j)",
        "words and more words", "é", "\u2028", "\r",
    ]
)  # fmt: skip
MARKUP_TEXT = st.lists(MARKUP, max_size=60).map("".join)


def _check(data: bytes, name: str) -> None:
    """The one contract: an ImportedText that holds together, or a one-line refusal."""
    try:
        imported = import_bytes(data, name)
    except TextImportError as error:
        assert str(error).startswith(f"{name}: ")
        assert "\n" not in str(error)
        return
    assert isinstance(imported, ImportedText)
    assert imported.blocks
    ids = [block.id for block in imported.blocks]
    assert len(set(ids)) == len(ids)
    assert all(block.text.strip() for block in imported.blocks)
    assert {entry.block_id for entry in imported.contents} <= set(ids)
    chapters = [block.chapter for block in imported.blocks]
    assert chapters == sorted(chapters)
    assert imported.metadata.title


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(SUFFIXES))
@example(b"\xff\xfe\x00\x00" + "text".encode("utf-32-le"), "txt")
@example(b"PK\x05\x06" + bytes(18), "epub")  # an empty zip
def test_any_bytes(data: bytes, suffix: str) -> None:
    _check(data, f"fuzz.{suffix}")


@FUZZ
@given(MARKUP_TEXT, st.sampled_from(["txt", "md", "html"]), st.sampled_from(["utf-8", "cp1252"]))
# html.parser rescans an unclosed tag to the end of the text from every "<": quadratic.
@example("<a " * 12_000, "html", "utf-8")
@example("<!--" * 12_000, "html", "utf-8")
@example("<!--</title>" * 40_000, "html", "utf-8")
@example("<![x]" * 40_000 + ">", "html", "utf-8")
def test_any_markup(text: str, suffix: str, encoding: str) -> None:
    _check(text.encode(encoding, errors="replace"), f"fuzz.{suffix}")


def _valid_epub() -> bytes:
    chapters = {
        "one.xhtml": chapter_page("One", ["First.", "Second."]),
        "two.xhtml": chapter_page("Two", ["Third."], heading_id="t"),
    }
    return make_epub(chapters, nav=nav_page([("One", "one.xhtml"), ("Two", "two.xhtml#t")]))


VALID_EPUB = _valid_epub()


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID_EPUB) - 1), st.integers(0, 255)), max_size=8))
def test_a_damaged_epub(changes: list[tuple[int, int]]) -> None:
    data = bytearray(VALID_EPUB)
    for position, value in changes:
        data[position] = value
    _check(bytes(data), "damaged.epub")


@FUZZ
@given(st.integers(0, len(VALID_EPUB)))
def test_a_truncated_epub(length: int) -> None:
    _check(VALID_EPUB[:length], "short.epub")


@FUZZ
@given(MARKUP_TEXT, MARKUP_TEXT, MARKUP_TEXT)
def test_an_epub_with_any_chapter_contents_and_metadata(
    chapter: str, metadata: str, nav: str
) -> None:
    data = make_epub(
        {"one.xhtml": chapter, "two.xhtml": chapter_page("Fine", ["Fine."])},
        metadata=metadata,
        nav=nav,
    )
    _check(data, "odd.epub")
