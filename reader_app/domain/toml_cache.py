"""Bundled TOML files (a text's metadata, its glossary) read through a JSON copy.

The window waits for both at start-up, and TOML is the slow way to read them: importing
``tomllib`` costs some 4 ms and parsing the glossary ten times as long as reading the same
data as JSON. So the parsed data is kept in a cache folder as JSON, named by a digest of the
file's bytes, and read back from there while the file is unchanged; ``tomllib`` is imported
only when a file is new or has changed. The caller checks cached data as it checks the
file's; a cache that cannot be read, written or trusted is passed over without a word, since
the file itself is always there to parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

_DIGEST_LENGTH = 32


def cache_path(cache_dir: Path, name: str, content: bytes) -> Path:
    """Where the parsed ``content`` of the file ``name`` is kept (``name`` is unique among
    the files cached in ``cache_dir``: a text and its glossary have the same stem)."""
    return cache_dir / f"{name}-{hashlib.sha256(content).hexdigest()[:_DIGEST_LENGTH]}.json"


def parse_toml(raw: str) -> dict[str, Any]:
    """The file's data; ``ValueError`` (``tomllib.TOMLDecodeError``) if it is not TOML."""
    import tomllib  # only for a file not yet cached: see the module's docstring

    return tomllib.loads(raw)


def read_cached(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_cached(path: Path, data: dict[str, Any]) -> None:
    """Whole or not at all, replacing the caches of earlier versions of the same file."""
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):  # TOML dates and times have no JSON form: no cache
        return
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        same_file = path.stem[: -_DIGEST_LENGTH - 1]
        for stale in path.parent.glob(f"{same_file}-*.json"):
            if len(stale.stem) == len(path.stem):  # another digest, not another file
                stale.unlink()
        handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        temporary.replace(path)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()
