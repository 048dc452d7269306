"""Web page import: the article's text without page furniture, and the page's metadata."""

from __future__ import annotations

import pytest

from reader_app.domain.importing import SourceFormat, TextImportError, import_bytes
from reader_app.domain.text import Role

PAGE = """<!DOCTYPE html>
<!-- saved from url=(0040)https://news.example.org/2021/opposition -->
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>The Opposition | Example News</title>
<meta property="og:title" content="The Workers&#39; Opposition">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2021-03-08T09:00:00Z">
<meta property="article:modified_time" content="2021-03-09T10:00:00Z">
<meta property="article:author" content="https://facebook.example/anna">
<meta name="author" content="Anna Reporter">
<meta name="description" content="What the opposition wanted.">
<link rel="canonical" href="https://news.example.org/opposition">
<style>p { color: red }</style>
<script>document.write("tracking")</script>
</head>
<body>
<header><h1>Example News</h1><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<aside>Most read: something else</aside>
<article>
  <h1>The Workers' Opposition</h1>
  <p>First   paragraph with <em>emphasis</em>,
     a <a href="https://example.org">link</a> &amp; an entity.</p>
  <form><input value="subscribe"><button>Go</button></form>
  <h2>Background</h2>
  <p>Line one<br>line two</p>
  <figure><img src="x.png" alt="a photo"><figcaption>A caption.</figcaption></figure>
  <h2>Aftermath</h2>
  <ul><li>One point</li><li>Another point</li></ul>
  <pre>  kept
    spacing</pre>
  <p hidden>Hidden text</p>
  <footer>Share this article</footer>
</article>
<footer>© Example News</footer>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "LD headline",
 "author": [{"@type": "Person", "name": "LD Author"}]}</script>
</body>
</html>
"""


def _import(page: str = PAGE, name: str = "page.html"):
    return import_bytes(page.encode("utf-8"), name)


def test_the_article_is_kept_and_the_page_furniture_dropped() -> None:
    imported = _import()
    assert imported.source_format is SourceFormat.HTML
    assert [(b.role, b.text) for b in imported.blocks] == [
        (Role.HEADING, "The Workers' Opposition"),
        (Role.BODY, "First paragraph with emphasis, a link & an entity."),
        (Role.HEADING, "Background"),
        (Role.BODY, "Line one\nline two"),
        (Role.BODY, "A caption."),
        (Role.HEADING, "Aftermath"),
        (Role.BODY, "One point"),
        (Role.BODY, "Another point"),
        (Role.BODY, "  kept\n    spacing"),
    ]


def test_the_metadata_comes_from_the_meta_tags() -> None:
    meta = _import().metadata
    assert meta.title == "The Workers' Opposition"
    assert meta.author == "Anna Reporter"
    assert meta.publisher == "Example News"
    assert meta.url == "https://news.example.org/opposition"
    assert (meta.year, meta.published) == (2021, "2021-03-08T09:00:00Z")
    assert meta.modified == "2021-03-09T10:00:00Z"
    assert meta.language == "en-GB"
    assert meta.description == "What the opposition wanted."


def test_citation_tags_come_first() -> None:
    page = PAGE.replace(
        "<title>",
        '<meta name="citation_title" content="A Scholarly Title">'
        '<meta name="citation_author" content="Kollontai, Alexandra">'
        '<meta name="citation_author" content="Second, Author">'
        '<meta name="citation_publication_date" content="1921/03/01"><title>',
    )
    meta = _import(page).metadata
    assert meta.title == "A Scholarly Title"
    assert meta.author == "Kollontai, Alexandra and Second, Author"
    assert meta.published == "1921/03/01"


def test_json_ld_fills_in_what_the_meta_tags_lack() -> None:
    page = PAGE.replace('<meta property="og:title" content="The Workers&#39; Opposition">', "")
    page = page.replace('<meta name="author" content="Anna Reporter">', "")
    meta = _import(page).metadata
    assert meta.title == "LD headline"
    assert meta.author == "LD Author"


def test_saved_from_comment_gives_the_address_when_nothing_else_does() -> None:
    page = PAGE.replace('<link rel="canonical" href="https://news.example.org/opposition">', "")
    assert _import(page).metadata.url == "https://news.example.org/2021/opposition"


def test_without_an_article_main_is_preferred_then_the_body() -> None:
    page = "<body><nav>Menu</nav><div>Banner</div><main><p>Main text.</p></main></body>"
    assert [b.text for b in _import(page).blocks] == ["Main text."]
    page = "<body><nav>Menu</nav><div>Just <b>a</b> body.</div><footer>f</footer></body>"
    imported = _import(page, "plain page.htm")
    assert [b.text for b in imported.blocks] == ["Just a body."]
    assert imported.metadata.title == "plain page"


def test_headings_become_chapters() -> None:
    imported = _import()
    assert imported.chapter_titles() == ["", "Background", "Aftermath"]
    assert [e.title for e in imported.contents] == ["Background", "Aftermath"]


def test_the_declared_charset_is_used() -> None:
    page = '<html><head><meta charset="windows-1251"></head><body><p>Привет</p></body></html>'
    imported = import_bytes(page.encode("cp1251"), "ru.html")
    assert [b.text for b in imported.blocks] == ["Привет"]


def test_markup_in_the_text_stays_text() -> None:
    page = "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;</p>"
    assert [b.text for b in _import(page).blocks] == ["<script>alert(1)</script> and <b>"]


@pytest.mark.parametrize(
    "page",
    ["<html><head><title>T</title></head><body><nav>Only nav</nav></body></html>", "<p> </p>"],
)
def test_a_page_without_text_is_refused(page: str) -> None:
    with pytest.raises(TextImportError, match=r"^page\.html: has no readable text"):
        _import(page)


def test_a_binary_file_named_html_is_refused() -> None:
    with pytest.raises(TextImportError, match=r"^page\.html: is a JPEG image, not a text file"):
        import_bytes(b"\xff\xd8\xff\xe0" + bytes(64), "page.html")
