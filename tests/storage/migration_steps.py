"""Shared by the schema tests: the saved fixtures, reading a database without changing it, and
running the upgrade with one step that breaks after doing its work."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reader_app.storage import migrations
from reader_app.storage.migrations import migrate

SCHEMAS = Path(__file__).parents[1] / "data" / "schemas"


def read_rows(path: Path, query: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def upgrade_with_a_broken_step(
    path: Path, from_version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copy the saved ``from_version`` fixture to ``path`` and upgrade it with the next step
    raising after its work: the caller checks that nothing of that work stayed."""
    shutil.copyfile(SCHEMAS / f"notes-v{from_version}.sqlite", path)
    real_step = migrations.MIGRATIONS[from_version]

    def broken_step(connection: sqlite3.Connection) -> None:
        real_step(connection)
        raise RuntimeError(f"simulated bug in step {from_version + 1}")

    monkeypatch.setattr(
        migrations, "MIGRATIONS", (*migrations.MIGRATIONS[:from_version], broken_step)
    )
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(RuntimeError, match="simulated"):
            migrate(connection, path)
    finally:
        connection.close()
