"""Markdown import: headings become chapters, markup and raw HTML never survive as markup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader_app.domain.importing import SourceFormat, TextImportError, import_bytes
from reader_app.domain.text import Role

DOCUMENT = """---
title: "The Question of Power"
author: Anna Author
translator:
  - Tom One
  - Tina Two
date: 1921-02-01
lang: en
url: https://example.org/power
---

# The Question of Power

A *short* preface with a [link](https://example.org) and `code`.

## First Part

Some **bold** words
on two lines.

- a list item
- another, with ![an image](x.png)

### A section

    indented code

## Second Part

<div onclick="evil()">raw <b>html</b></div>

> quoted text
"""


def _import(text: str = DOCUMENT):
    return import_bytes(text.encode("utf-8"), "power.md")


def test_front_matter_gives_the_metadata() -> None:
    meta = _import().metadata
    assert meta.title == "The Question of Power"
    assert meta.author == "Anna Author"
    assert meta.translator == "Tom One and Tina Two"
    assert (meta.year, meta.published) == (1921, "1921-02-01")
    assert meta.language == "en"
    assert meta.url == "https://example.org/power"


def test_blocks_are_plain_text_from_the_token_stream() -> None:
    imported = _import()
    assert imported.source_format is SourceFormat.MARKDOWN
    assert [(b.role, b.text) for b in imported.blocks] == [
        (Role.HEADING, "The Question of Power"),
        (Role.BODY, "A short preface with a link and code."),
        (Role.HEADING, "First Part"),
        (Role.BODY, "Some bold words on two lines."),
        (Role.BODY, "a list item"),
        (Role.BODY, "another, with an image"),
        (Role.HEADING, "A section"),
        (Role.BODY, "indented code"),
        (Role.HEADING, "Second Part"),
        (Role.BODY, '<div onclick="evil()">raw <b>html</b></div>'),
        (Role.BODY, "quoted text"),
    ]


def test_repeated_second_level_headings_are_the_chapters() -> None:
    imported = _import()
    assert imported.chapter_titles() == ["", "First Part", "Second Part"]
    by_text = {b.text: b for b in imported.blocks}
    assert by_text["The Question of Power"].chapter == 0
    assert by_text["A section"].chapter_title == "First Part"
    assert by_text["quoted text"].chapter == 2
    assert [(e.title, e.depth) for e in imported.contents] == [
        ("First Part", 0),
        ("A section", 1),
        ("Second Part", 0),
    ]
    assert imported.contents[0].block_id == by_text["First Part"].id


def test_without_front_matter_the_first_heading_is_the_title() -> None:
    imported = _import("Intro.\n\n# Chapter One\n\nText.\n\n# Chapter Two\n\nMore.\n")
    assert imported.metadata.title == "Chapter One"
    assert imported.chapter_titles() == ["", "Chapter One", "Chapter Two"]


def test_without_headings_the_file_name_is_the_title() -> None:
    imported = _import("Only a paragraph.\n")
    assert imported.metadata.title == "power"
    assert imported.contents == ()


def test_a_markdown_file_without_text_is_refused() -> None:
    with pytest.raises(TextImportError, match=r"^power\.md: has no text in it\.$"):
        _import("***\n\n---\n\n* * *\n")


def test_a_paragraph_that_is_mostly_markup_keeps_its_characters() -> None:
    """markdown-it crawls through such paragraphs; they are taken as they stand instead."""
    hostile = "[*" * 200
    imported = _import(f"# Title\n\n{hostile}\n\nA *normal* paragraph.\n")
    assert [b.text for b in imported.blocks] == ["Title", hostile, "A normal paragraph."]


def test_escapes_and_entities_become_their_characters() -> None:
    imported = _import("Stars \\*not emphasis\\* &amp; an &eacute; and &#42;.\n")
    assert [b.text for b in imported.blocks] == ["Stars *not emphasis* & an é and *."]


# NUL is left out: markdown-it replaces it before any paragraph exists.
@given(st.text(alphabet=st.characters(blacklist_characters="[]*_`<>!\\&~\n\r\x00")))
def test_text_without_inline_markup_is_what_inline_parsing_would_give(text: str) -> None:
    """The importer skips inline parsing for such paragraphs; markdown-it agrees it may."""
    from markdown_it import MarkdownIt

    source = text.strip()
    parsed = MarkdownIt("commonmark", {"html": False}).parseInline(source)
    children = parsed[0].children or []
    assert "".join(child.content for child in children) == source
    assert {child.type for child in children} <= {"text"}
