"""The bundled text's metadata read through the start-up cache (domain.toml_cache), as its
glossary is: used while the file is unchanged, never trusted over it, never in the way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader_app.domain.glossary import load_glossary
from reader_app.domain.text import DEFAULT_TEXT_ID, load_document
from reader_app.paths import resource_root


def cache_files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*.json")) if cache_dir.exists() else []


def test_the_cached_metadata_is_the_parsed_one_and_is_read_back(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    assert load_document(cache_dir=cache_dir) == load_document()
    [cached] = cache_files(cache_dir)
    metadata = json.loads(cached.read_text(encoding="utf-8"))
    assert metadata["id"] == DEFAULT_TEXT_ID
    metadata["title"] = "Read from the cache"
    cached.write_text(json.dumps(metadata), encoding="utf-8")
    assert load_document(cache_dir=cache_dir).title == "Read from the cache"


def test_the_text_and_its_glossary_keep_their_caches_side_by_side(tmp_path: Path) -> None:
    """They share a file stem; each must not take the other's cache for an old version."""
    cache_dir = tmp_path / "cache"
    document = load_document(cache_dir=cache_dir)
    assert document.glossary_file is not None
    glossary_file = resource_root() / "glossary" / document.glossary_file
    load_glossary(glossary_file, cache_dir=cache_dir)
    load_document(cache_dir=cache_dir)
    both = cache_files(cache_dir)
    assert len(both) == 2
    load_glossary(glossary_file, cache_dir=cache_dir)
    assert cache_files(cache_dir) == both


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00\xff not json",
        b"[1, 2, 3]",
        b'{"id": "x"}',  # valid JSON, not the text's metadata
        b'{"id": 5, "title": [], "file": "../nothing.txt", "blocks": "none"}',
    ],
)
def test_a_damaged_cache_is_passed_over_for_the_file(tmp_path: Path, damage: bytes) -> None:
    cache_dir = tmp_path / "cache"
    expected = load_document(cache_dir=cache_dir)
    [cached] = cache_files(cache_dir)
    cached.write_bytes(damage)
    assert load_document(cache_dir=cache_dir) == expected


def test_a_cache_folder_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder would go", encoding="utf-8")
    assert load_document(cache_dir=blocked) == load_document()
    assert blocked.read_text(encoding="utf-8") == "a file where the folder would go"
