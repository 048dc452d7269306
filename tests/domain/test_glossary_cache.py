"""The parsed glossary kept for the next start: used while the file is unchanged, never
trusted over the file, and never in the way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader_app.domain.glossary import GlossaryError, load_glossary
from reader_app.paths import resource_root

BUNDLED = resource_root() / "glossary" / "kollontai-workers-opposition-1921.toml"


@pytest.fixture
def glossary_file(tmp_path: Path) -> Path:
    path = tmp_path / "texts" / BUNDLED.name
    path.parent.mkdir()
    shutil.copyfile(BUNDLED, path)
    return path


def cache_files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*.json")) if cache_dir.exists() else []


def test_the_cached_glossary_is_the_parsed_one_and_is_read_back(
    glossary_file: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    first = load_glossary(glossary_file, cache_dir=cache_dir)
    assert first == load_glossary(glossary_file)
    [cached] = cache_files(cache_dir)
    data = json.loads(cached.read_text(encoding="utf-8"))
    data["entry"][0]["headword"] = "Read from the cache"
    cached.write_text(json.dumps(data), encoding="utf-8")
    assert load_glossary(glossary_file, cache_dir=cache_dir).entries[0].headword == (
        "Read from the cache"
    )
    assert not list(cache_dir.glob("*.tmp"))


def test_a_changed_file_is_parsed_again_and_its_old_cache_removed(
    glossary_file: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    load_glossary(glossary_file, cache_dir=cache_dir)
    [old] = cache_files(cache_dir)
    raw = glossary_file.read_text(encoding="utf-8")
    first_headword = load_glossary(glossary_file).entries[0].headword
    glossary_file.write_text(raw.replace(first_headword, "Edited headword", 1), encoding="utf-8")
    assert load_glossary(glossary_file, cache_dir=cache_dir).entries[0].headword == (
        "Edited headword"
    )
    [new] = cache_files(cache_dir)
    assert new != old


def test_another_glossarys_cache_is_left_alone(glossary_file: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    other = cache_dir / f"{glossary_file.stem}-extra-{'0' * 32}.json"
    other.write_text("{}", encoding="utf-8")
    load_glossary(glossary_file, cache_dir=cache_dir)
    assert other.exists()
    assert len(cache_files(cache_dir)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00\xff not json",
        b"[1, 2, 3]",
        b'{"entry": [{"id": "x"}]}',  # valid JSON, not a valid glossary
        b'{"entry": "not a list of entries"}',
        b'{"entry": 5}',
    ],
)
def test_a_damaged_cache_is_passed_over_for_the_file(
    glossary_file: Path, tmp_path: Path, damage: bytes
) -> None:
    cache_dir = tmp_path / "cache"
    expected = load_glossary(glossary_file, cache_dir=cache_dir)
    [cached] = cache_files(cache_dir)
    cached.write_bytes(damage)
    assert load_glossary(glossary_file, cache_dir=cache_dir) == expected


def test_a_cache_folder_that_cannot_be_written_is_no_error(
    glossary_file: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder would go", encoding="utf-8")
    assert load_glossary(glossary_file, cache_dir=blocked) == load_glossary(glossary_file)
    assert blocked.read_text(encoding="utf-8") == "a file where the folder would go"


def test_an_invalid_file_is_refused_even_with_a_cache_of_its_last_good_version(
    glossary_file: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    load_glossary(glossary_file, cache_dir=cache_dir)
    glossary_file.write_text("[[entry]]\nid = 'broken'\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="lacks the text field"):
        load_glossary(glossary_file, cache_dir=cache_dir)
