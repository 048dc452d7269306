"""File > Export keeps a note's history, as the command-line export does: a version that lost
an import merge is part of the notes and must not vanish from the reader's own export."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import anchor_on

from reader_app.domain.export import export_w3c
from reader_app.domain.notes import passage_note, utc_now
from reader_app.domain.text import Document
from reader_app.models.notes_controller import NotesController
from reader_app.storage.notes_repo import NotesRepository

THIRD = "Some third person decides your fate"


def test_window_export_includes_the_kept_versions(
    repo: NotesRepository, document: Document, tmp_path: Path
) -> None:
    note = repo.add(passage_note(anchor_on(document, "p3", THIRD), "mine"))
    newer = note.edited(body="edited elsewhere", now=utc_now())
    incoming = tmp_path / "incoming.json"
    incoming.write_text(json.dumps(export_w3c([newer], document)), encoding="utf-8")
    controller = NotesController(repo)
    assert controller.import_from(incoming)  # no backup asked for: merged at once

    exported = tmp_path / "export.json"
    assert controller.export_to(exported, "json", {}) == 1
    (annotation,) = json.loads(exported.read_text(encoding="utf-8"))["first"]["items"]
    assert annotation["body"][0]["value"] == "edited elsewhere"
    assert [revision["value"] for revision in annotation["sr:revisions"]] == ["mine"]
