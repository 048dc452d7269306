"""Importing never overwrites newer local words, and the version that loses is kept."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import anchor_on

from reader_app import cli
from reader_app.domain.export import export_w3c, import_annotations, render
from reader_app.domain.notes import RevisionOrigin, passage_note, utc_now
from reader_app.domain.text import Document
from reader_app.storage.notes_repo import NotesRepository
from reader_app.storage.store import open_store

THIRD = "Some third person decides your fate"
WEB = "https://alphahistory.com/russianrevolution/kollontai-on-the-soviet-bureaucracy-1921/"


def _other_tool(body: str, **times: str) -> bytes:
    """One annotation as another tool writes it: its own id, only the times given."""
    return json.dumps(
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "https://example.org/annotations/1",
            "type": "Annotation",
            **times,
            "body": {"type": "TextualBody", "value": body},
            "target": {
                "source": WEB,
                "selector": {"type": "TextQuoteSelector", "exact": THIRD},
            },
        }
    ).encode()


@pytest.mark.parametrize(
    "times",
    [
        {},  # no created, no modified
        {"created": "2024-02-03T10:00:00Z"},  # created only
        {"modified": "2999-01-01T00:00:00Z"},  # in the future
    ],
    ids=["undated", "created only", "future"],
)
def test_reimport_never_overwrites_a_newer_local_edit(
    times: dict[str, str], repo: NotesRepository, document: Document
) -> None:
    data = _other_tool("from the file", **times)
    first = import_annotations(repo, document, data)
    assert first.added == 1
    (note,) = repo.list_notes()
    assert note.updated <= utc_now() and note.created <= utc_now()  # the future is clamped
    repo.update(note.id, body="my own edit")

    again = import_annotations(repo, document, data)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    assert repo.get(note.id).body == "my own edit"
    # The file's version lost, and is kept in the note's history, once however often imported.
    import_annotations(repo, document, data)
    (kept,) = repo.revisions(note.id)
    assert (kept.body, kept.origin) == ("from the file", RevisionOrigin.IMPORT)


def test_a_newer_import_wins_and_the_local_version_is_kept(
    repo: NotesRepository, document: Document
) -> None:
    note = repo.add(passage_note(anchor_on(document, "p3", THIRD), "mine", tags=["local"]))
    newer = note.edited(body="edited elsewhere", tags=["remote"], now=utc_now())
    report = import_annotations(repo, document, json.dumps(export_w3c([newer], document)).encode())
    assert (report.added, report.updated, report.revisions_kept) == (0, 1, 1)
    assert repo.get(note.id).body == "edited elsewhere"
    (kept,) = repo.revisions(note.id)
    assert (kept.body, kept.tags, kept.origin) == ("mine", ("local",), RevisionOrigin.LOCAL)
    assert kept.modified == note.updated

    exported = json.loads(
        render("json", repo.list_notes(), document, revisions=repo.all_revisions())
    )
    (annotation,) = exported["first"]["items"]
    (revision,) = annotation["sr:revisions"]
    assert revision["value"] == "mine" and revision["tags"] == ["local"]
    assert revision["origin"] == "local"


def test_same_content_with_a_newer_time_adds_no_revision(
    repo: NotesRepository, document: Document
) -> None:
    note = repo.add(passage_note(anchor_on(document, "p3", THIRD), "same"))
    later = note.edited(now=note.updated + timedelta(seconds=1))
    import_annotations(repo, document, json.dumps(export_w3c([later], document)).encode())
    assert repo.revisions(note.id) == []


def test_command_line_export_includes_the_history(
    data_dir: Path, tmp_path: Path, document: Document, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    source = tmp_path / "file.json"
    source.write_bytes(_other_tool("from the file"))
    assert cli.main(["import", str(source), "--data-dir", str(data_dir)]) == 0
    store = open_store(data_dir, document)
    try:
        (note,) = store.repository.list_notes()
        store.repository.update(note.id, body="my own edit")
    finally:
        store.close()
    assert cli.main(["import", str(source), "--data-dir", str(data_dir)]) == 0
    assert b"1 earlier version kept" in capsysbinary.readouterr().out
    assert cli.main(["export", "--format", "json", "--data-dir", str(data_dir)]) == 0
    (annotation,) = json.loads(capsysbinary.readouterr().out)["first"]["items"]
    assert annotation["body"][0]["value"] == "my own edit"
    assert [r["value"] for r in annotation["sr:revisions"]] == ["from the file"]


def test_the_same_id_twice_in_one_file_is_merged_with_itself(
    repo: NotesRepository, document: Document
) -> None:
    an_hour_ago = utc_now() - timedelta(hours=1)
    note = passage_note(anchor_on(document, "p3", THIRD), "first copy", now=an_hour_ago)
    newer = note.edited(body="second copy", now=an_hour_ago + timedelta(seconds=5))
    data = json.dumps(export_w3c([note, newer], document)).encode()
    report = import_annotations(repo, document, data)
    assert (report.added, report.updated) == (1, 1)
    assert repo.get(note.id).body == "second copy"
    assert [r.body for r in repo.revisions(note.id)] == ["first copy"]
