"""Notes out of the app (Markdown, CSV, W3C Web Annotation JSON-LD) and back in.

One module a job: ``markdown``, ``spreadsheet`` (CSV), ``w3c`` (JSON-LD out) and
``w3c_import`` (back in), on ``common`` (IRIs, context, errors); this module renders any
format and writes files as Unix tools do, and names what callers import.

Formats and their choices:

* Markdown (UTF-8, no BOM): for reading and printing; grouped by paragraph in text order.
* CSV (UTF-8 *with* a BOM, CRLF rows as RFC 4180 says): for spreadsheets; the BOM is what
  makes Excel and LibreOffice read the curly quotes of the text correctly.
* JSON (UTF-8, no BOM): a W3C ``AnnotationCollection``, readable by other annotation tools
  and by our own import, which restores identical notes from it.

W3C coordinates: ``TextPositionSelector`` offsets count code points in ``document_text``
(the whole text, blocks joined by a blank line, which is the bundled file's content) and
describe where the passage is in the current edition. A ``FragmentSelector`` whose value is
the block id, refined by a block-relative ``TextPositionSelector``, says the same per
paragraph. The anchor exactly as it was made (block, offsets, text version) travels in the
extension property ``sr:anchor`` so that our own import can restore it unchanged.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from reader_app.domain.export.common import (
    CSV_COLUMNS,
    MAX_IMPORT_BYTES,
    NotesImportError,
    text_iri,
)
from reader_app.domain.export.markdown import export_markdown
from reader_app.domain.export.spreadsheet import export_csv
from reader_app.domain.export.w3c import export_w3c, to_annotation
from reader_app.domain.export.w3c_import import (
    FUZZY_MAX_QUOTE,
    ImportBatch,
    import_annotations,
    parse_annotations,
    parse_import,
    read_import_file,
)
from reader_app.domain.formats import FORMATS
from reader_app.domain.notes import Note, Revision
from reader_app.domain.text import Document

__all__ = [
    "CSV_COLUMNS",
    "FUZZY_MAX_QUOTE",
    "MAX_IMPORT_BYTES",
    "ImportBatch",
    "NotesImportError",
    "export_csv",
    "export_markdown",
    "export_w3c",
    "import_annotations",
    "parse_annotations",
    "parse_import",
    "read_import_file",
    "render",
    "text_iri",
    "to_annotation",
    "write_atomically",
]


def render(
    fmt: str,
    notes: Iterable[Note],
    document: Document,
    *,
    glossary_headwords: Mapping[str, str] | None = None,
    now: datetime | None = None,
    revisions: Mapping[str, Sequence[Revision]] | None = None,
) -> bytes:
    """The bytes of an export file in one of ``FORMATS`` (encodings as the module says).

    ``revisions`` (kept earlier versions by note id) go into the JSON export only.
    """
    note_list = list(notes)
    if fmt == "markdown":
        text = export_markdown(note_list, document, glossary_headwords=glossary_headwords, now=now)
        return text.encode("utf-8")
    if fmt == "csv":
        return export_csv(note_list, document).encode("utf-8-sig")
    if fmt == "json":
        data = export_w3c(note_list, document, now=now, revisions=revisions)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    raise ValueError(f"Unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}.")


def write_atomically(path: Path, data: bytes) -> None:
    """Write an export as Unix tools do, so that a crash leaves the old file or the new one.

    A regular file (or a new one) is written to a temporary file in the same folder (so the
    rename cannot cross file systems), flushed and fsynced, then renamed over the target.
    A symbolic link is followed, so the file it names is updated and the link kept; a
    device or a FIFO (``/dev/stdout``, a named pipe) is written to directly, never
    replaced by a regular file.
    """
    path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with path.open("wb") as stream:  # a folder raises IsADirectoryError here
            stream.write(data)
            stream.flush()
        return
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        chosen = mode & 0o777 if mode is not None else 0o644
        Path(temporary).chmod(chosen)  # mkstemp makes it private; an export is an ordinary file
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
