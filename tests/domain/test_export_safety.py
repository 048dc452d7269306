"""Exports are safe to open: no spreadsheet formulas, no Markdown a note did not mean."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import anchor_on
from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader_app.domain.export import render
from reader_app.domain.notes import Note, free_note, glossary_note, passage_note
from reader_app.domain.text import Document

THIRD = "Some third person decides your fate"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HOSTILE_BODIES = [
    "# A heading of my own",
    "Looks like text\n===",
    "Also text\n---",
    "```\nfenced code\n```",
    "~~~\nfenced too",
    "<script>alert(1)</script>",
    "inline <img src=x onerror=alert(1)> html",
    "![tracker](https://evil.example/pixel.png)",
    "[click me](https://evil.example/)",
    "<https://evil.example/auto>",
    "visit www.evil.example today",
    "or https://evil.example/bare",
    "[ref]\n\n[ref]: https://evil.example/ref",
    "> > nested quote\n>",
    "    indented code?",
    "***",
    "line\r# heading after a carriage return",
    "line\u2028# heading after a line separator",
    "\\# escaped already, \\\\ and C:\\path",
]


def _notes(document: Document, bodies: list[str]) -> list[Note]:
    notes: list[Note] = []
    for index, body in enumerate(bodies):
        if index % 3 == 0:
            notes.append(passage_note(anchor_on(document, "p3", THIRD), body, tags=[body[:20]]))
        elif index % 3 == 1:
            notes.append(free_note(body, tags=["=cmd|' /C calc'!A0"]))
        else:
            notes.append(glossary_note("nep", body))
    return notes


def _markdown() -> MarkdownIt:
    """CommonMark with GitHub's tables, strikethrough and bare-address links."""
    parser = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough"])
    return parser.enable("linkify")


def _walk(tokens: list[Token]) -> list[Token]:
    found: list[Token] = []
    for token in tokens:
        found.append(token)
        found += _walk(token.children or [])
    return found


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_a_note_body_stays_plain_text_inside_its_own_quoted_block(
    body: str, document: Document
) -> None:
    benign = render("markdown", _notes(document, ["plain"] * 3), document).decode()
    hostile = render("markdown", _notes(document, [body] * 3), document).decode()
    parser = _markdown()
    expected_headings = [t for t in parser.parse(benign) if t.type == "heading_open"]
    tokens = parser.parse(hostile)
    assert len([t for t in tokens if t.type == "heading_open"]) == len(expected_headings)
    kinds = {token.type for token in _walk(tokens)}
    assert not kinds & {"fence", "code_block", "html_block", "html_inline", "image"}
    assert "link_open" not in kinds
    assert "hr" not in kinds
    # Every paragraph holding the note's words sits inside a quoted block.
    depth = 0
    for token in tokens:
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        # (the tags line is the export's own, with each tag escaped: checked by ``kinds``)
        if token.type == "inline" and "evil" in token.content and "Tags:" not in token.content:
            assert depth >= 1, token.content


def test_markdown_keeps_a_notes_words_readable(document: Document) -> None:
    body = "Who is *the third person*? See [1].\n1. first, C:\\temp\n- second"
    text = render("markdown", [free_note(body)], document)
    rendered = _markdown().render(text.decode())
    assert "<em>the third person</em>" in rendered and "See [1]." in rendered
    assert "1. first, C:\\temp\n- second" in rendered  # shown as typed, not as a list


def test_csv_cells_never_start_a_formula(document: Document) -> None:
    bodies = ["=HYPERLINK(\"https://evil.example\")", "+1+1", "-2+3", "@SUM(A1:A9)",
              "\t=1+1", "\r=1+1", "an ordinary note"]  # fmt: skip
    data = render("csv", _notes(document, bodies), document).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    notes = [row[7] for row in rows[1:]]
    assert '\'=HYPERLINK("https://evil.example")' in notes  # neutralised, not lost
    assert "an ordinary note" in notes
