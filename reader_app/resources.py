"""Read bundled files by a relative name, frozen or not.

Names are relative, forward-slash paths such as ``texts/kollontai.toml``. Anything that
could escape the resource folder (absolute paths, ``..``) is refused, so data files can
safely name other data files.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from reader_app.paths import resource_root


class ResourceError(Exception):
    """A bundled file is missing or its name is not allowed."""


def resource_path(name: str) -> Path:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "\\" in name:
        raise ResourceError(f"Not a valid resource name: {name!r}")
    path = resource_root().joinpath(*relative.parts)
    if not path.is_file():
        raise ResourceError(f"Bundled file is missing: {name}")
    return path


def read_bytes(name: str) -> bytes:
    return resource_path(name).read_bytes()


def read_text(name: str) -> str:
    """Read UTF-8 text strictly: a bundled file with bad bytes is a packaging bug."""
    return read_bytes(name).decode("utf-8")
