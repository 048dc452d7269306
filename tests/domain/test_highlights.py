"""One set of highlight shades (domain/highlights.py): what the reader sees is what other tools
are told in the exported stylesheet."""

from __future__ import annotations

import json

from conftest import anchor_on

from reader_app.domain.export import render
from reader_app.domain.highlights import SHADES, Colour, shades_of
from reader_app.domain.notes import passage_note
from reader_app.domain.text import Document


def test_the_exported_stylesheet_uses_the_shades_the_reader_saw(document: Document) -> None:
    note = passage_note(anchor_on(document, "p1", "bureaucracy"), colour=Colour.GREEN)
    exported = json.loads(render("json", [note], document))
    text = json.dumps(exported)
    assert SHADES[Colour.GREEN].light in text
    assert all(SHADES[c].light not in text for c in Colour if c is not Colour.GREEN)


def test_an_unknown_or_missing_colour_is_shown_as_the_default() -> None:
    assert shades_of("mauve") == shades_of(None) == SHADES[Colour.YELLOW]
    assert shades_of("blue") == SHADES[Colour.BLUE]
