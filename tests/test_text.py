"""The bundled text loads verbatim, with the right blocks, ids, numbers and characters."""

from __future__ import annotations

import pytest

from reader_app import resources
from reader_app.domain.text import Role, TextError, load_document, parse_document, split_blocks


def test_text_is_shipped_verbatim_with_typographic_characters() -> None:
    raw = resources.read_text("texts/kollontai-workers-opposition-1921.txt")
    assert raw.startswith("Kollontai on the Soviet bureaucracy (1921)")
    assert "“Is it to be bureaucracy or self-activity of the masses?" in raw
    assert "Workers’ Opposition…" in raw  # curly apostrophe and a real ellipsis character
    assert raw.endswith("into which they have very rapidly degenerated.”")
    for mojibake in ("â€", "Ã", "\ufffd"):
        assert mojibake not in raw


def test_blocks_have_roles_ids_and_paragraph_numbers() -> None:
    document = load_document()
    assert [b.role for b in document.blocks[:2]] == [Role.HEADING, Role.EDITORIAL]
    body = document.body_blocks()
    assert [b.number for b in body] == list(range(1, 9))
    assert [b.id for b in body] == [f"p{n}" for n in range(1, 9)]
    assert body[0].text.startswith("“Is it to be bureaucracy")
    assert body[2].text.startswith("These decisions are arrived at")
    assert body[-1].citation_label == "¶8"
    assert document.block("editor-intro").text.startswith("In 1921, the female Bolshevik")
    assert document.block("editor-intro").citation_label == "Editor’s introduction"
    assert len(document.version) == 16


def test_metadata_mismatch_is_reported_plainly() -> None:
    metadata = {
        "id": "t",
        "title": "T",
        "author": "A",
        "year": 1,
        "blocks": [{"id": "a", "role": "body"}],
    }
    with pytest.raises(TextError, match="lists 1 blocks but the text has 2"):
        parse_document(metadata, "one\n\ntwo")


def test_split_blocks_keeps_single_newlines_and_handles_crlf() -> None:
    assert split_blocks("a\r\nb\r\n\r\n\r\nc\n") == ["a\nb", "c"]


def test_resource_names_cannot_escape_the_resource_folder() -> None:
    for bad in ("../pyproject.toml", "/etc/passwd", "texts/../../LICENSE", ""):
        with pytest.raises(resources.ResourceError):
            resources.resource_path(bad)


def test_domain_layer_imports_no_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, reader_app.domain.text, reader_app.resources, reader_app.paths;"
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_quoting_a_passage_never_doubles_the_sources_own_quotation_marks() -> None:
    from reader_app.domain.text import in_quotation_marks

    assert in_quotation_marks("“Is it to be bureaucracy") == "“Is it to be bureaucracy”"
    assert in_quotation_marks("rapidly degenerated.”") == "“rapidly degenerated.”"
    balanced = "penned “The Workers’ Opposition”, an"
    assert in_quotation_marks(balanced) == f"“{balanced}”"
    assert in_quotation_marks(" plain words ") == "“plain words”"
