"""``study-reader cite``: the same strings as Copy with Citation, from the command line."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from reader_app import cli
from reader_app.domain.citation import CitedWork, cite_paragraph, list_entry, plain
from reader_app.domain.text import Document

REPO_ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-12-03"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(["cite", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("style", ["chicago", "mla", "apa"])
def test_prints_the_citation_and_entry_copy_with_citation_builds(
    capsys: pytest.CaptureFixture[str], document: Document, style: str
) -> None:
    status, out, err = run(capsys, "--paragraph", "3", "--style", style, "--date", DAY)
    assert (status, err) == (0, "")
    work = CitedWork.from_document(document)
    in_text, entry = cite_paragraph(work, document.block("p3"), style, today=date(2026, 12, 3))
    assert out == f"{in_text}\n"
    status, out, _ = run(
        capsys, "--paragraph", "3", "--style", style, "--date", DAY, "--bibliography"
    )
    assert out == f"{in_text}\n\n{plain(entry)}\n"
    assert plain(entry) == plain(list_entry(work, style, today=date(2026, 12, 3)))


def test_exact_strings_for_paragraph_three(capsys: pytest.CaptureFixture[str]) -> None:
    """APA 8.6 and 8.28 (¶3 is the page's paragraph 4); MLA 6.77; CMOS 14.260."""
    assert run(capsys, "--paragraph", "3", "--style", "apa", "--date", DAY)[1] == (
        "(Kollontai, 1921, as cited in Alpha History, n.d., para. 4)\n"
    )
    assert run(capsys, "--paragraph", "3", "--style", "mla", "--date", DAY)[1] == (
        "(qtd. in “Kollontai on the Soviet Bureaucracy”)\n"
    )
    assert run(capsys, "--paragraph", "3", "--style", "chicago", "--date", DAY)[1].startswith(
        "Alexandra Kollontai, The Workers’ Opposition (1921), quoted in “Kollontai on the Soviet "
        "Bureaucracy (1921),” Alpha History, accessed December 3, 2026, https://"
    )


def test_the_bundled_texts_id_is_accepted_and_others_refused_plainly(
    capsys: pytest.CaptureFixture[str], document: Document
) -> None:
    status, out, _ = run(capsys, "--text", document.id, "--paragraph", "1", "--style", "mla")
    assert status == 0 and out.startswith("(qtd. in")
    status, out, err = run(capsys, "--text", "lenin-1902", "--paragraph", "1", "--style", "mla")
    assert (status, out) == (1, "")
    assert err == (
        "study-reader cite: error: there is no text 'lenin-1902'; for now only the bundled "
        f"text can be cited: {document.id}.\n"
    )


@pytest.mark.parametrize("number", ["0", "9", "-1"])
def test_a_paragraph_outside_the_text_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], number: str
) -> None:
    status, out, err = run(capsys, "--paragraph", number, "--style", "apa")
    assert (status, out) == (1, "")
    assert err == f"study-reader cite: error: there is no ¶{number}; this text has ¶1–¶8.\n"


def test_runs_as_a_process_without_qt() -> None:
    code = (
        "import sys\n"
        "from reader_app.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "cite", "--paragraph", "8", "--style", "apa", "--date", DAY],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == (
        "(Kollontai, 1921, as cited in Alpha History, n.d., para. 9)\n"
    )


def test_every_command_reaches_its_handler_through_the_real_entry_point() -> None:
    """The window's parser sends a first word that names a command to the commands' parser;
    a command missing from that list was taken for a file to open ("unrecognized arguments")."""
    import argparse

    from reader_app import app

    commands = argparse.ArgumentParser().add_subparsers()
    cli.add_subcommands(commands)
    assert set(commands.choices) <= set(app.COMMANDS)
    args = app.parse_arguments(["cite", "--paragraph", "3", "--style", "mla", "--date", DAY])
    assert args.handler is not None
