"""``study-reader cite``: a paragraph's citation on standard output, for a plain editor.

The strings are the ones Copy with Citation builds (``domain/citation.py``), without the quoted
words: Chicago's note, or MLA's or APA's parenthetical reference, and with ``--bibliography``
the entry for the bibliography, works-cited list or reference list. Plain text cannot show
italics, so titles are set as they are. Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from functools import partial

from reader_app import EXECUTABLE
from reader_app.domain.citation import CitationStyle, CitedWork, cite_paragraph, plain
from reader_app.domain.text import Document, TextError

EXIT_OK = 0
EXIT_FAILED = 1


def add_cite_command(
    subparsers: argparse._SubParsersAction, *, document_loader: Callable[[], Document]
) -> None:
    command = subparsers.add_parser(
        "cite",
        help="print the citation of a paragraph in Chicago, MLA or APA style",
        description=(
            "Print the citation of paragraph ¶N of the text, as Copy with Citation gives it: "
            "Chicago's note, or MLA's or APA's reference in brackets. An undated web page is "
            "cited with today's date as the date of access. MLA's “qtd. in” reference expects "
            "the author to be named in your sentence (MLA 6.77)."
        ),
    )
    command.add_argument(
        "--text", metavar="ID", help="the text to cite (default: the bundled text)"
    )
    command.add_argument(
        "--paragraph", type=int, required=True, metavar="N", help="the paragraph number ¶N"
    )
    command.add_argument("--style", choices=[s.value for s in CitationStyle], required=True)
    command.add_argument(
        "--bibliography",
        action="store_true",
        help="also print the entry for the bibliography, works cited or reference list",
    )
    command.add_argument(
        "--date",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the date of access to give (default: today)",
    )
    command.set_defaults(handler=partial(run_cite, document_loader=document_loader))


def _fail(message: str) -> int:
    print(f"{EXECUTABLE} cite: error: {message}", file=sys.stderr)
    return EXIT_FAILED


def run_cite(args: argparse.Namespace, *, document_loader: Callable[[], Document]) -> int:
    try:
        document = document_loader()
    except TextError as error:
        return _fail(str(error))
    if args.text is not None and args.text != document.id:
        return _fail(
            f"there is no text {args.text!r}; for now only the bundled text can be cited: "
            f"{document.id}."
        )
    body = document.body_blocks()
    numbered = {block.number: block for block in body}
    block = numbered.get(args.paragraph)
    if block is None:
        return _fail(f"there is no ¶{args.paragraph}; this text has ¶1–¶{len(body)}.")
    work = CitedWork.from_document(document)
    in_text, entry = cite_paragraph(work, block, args.style, today=args.date or date.today())
    print(in_text)
    if args.bibliography:
        print()
        print(plain(entry))
    return EXIT_OK
