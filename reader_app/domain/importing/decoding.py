"""Bytes to text for the text formats: only encodings that can be recognised for certain.

UTF-8 is tried strictly; UTF-16 and UTF-32 only with a byte-order mark (without one, any
even-length binary file "decodes"). The one legacy fallback is Windows-1252, the encoding of
most older Western text files, and only when the result reads as text: few non-ASCII
characters and no control characters. Anything else is refused with a reason rather than
shown as mojibake.
"""

from __future__ import annotations

import codecs
import re

from reader_app.domain.importing.model import TextImportError

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# File signatures worth naming when a file is not what its name says.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"RIFF", "a media file"),
    (b"ID3", "an MP3 file"),
)

# C0 controls other than tab, newline, form feed and carriage return, DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_LEGACY_NON_ASCII = 0.1
_MAX_CONTROL_SHARE = 0.001


def describe_signature(data: bytes) -> str | None:
    """What the first bytes say the file is, if it is a common non-text format."""
    for signature, description in _SIGNATURES:
        if data.startswith(signature):
            return description
    if data[4:12] in {b"ftypheic", b"ftypavif", b"ftypisom", b"ftypmp42"}:
        return "an image or video file"
    return None


def decode_text(data: bytes, file_name: str, declared: str | None = None) -> str:
    """Decode a text file, refusing binary data and encodings that cannot be recognised.

    ``declared`` is an encoding the file names itself (an HTML ``<meta charset>``); it is
    used when it decodes the bytes without error, after a byte-order mark and before the
    guesses.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise TextImportError(
                    file_name, f"starts with a {encoding.upper()} mark but is not valid {encoding}."
                ) from None
            return _checked(text, file_name)
    signature = describe_signature(data)
    if signature:
        raise TextImportError(file_name, f"is {signature}, not a text file.")
    if b"\x00" in data:
        raise TextImportError(file_name, "is a binary file, not text.")
    if declared and not _is_wide(declared):
        try:
            return _checked(data.decode(declared), file_name)
        except (UnicodeError, LookupError, ValueError):
            pass  # a wrong or unknown declaration; recognise the encoding as for any file
    try:
        return _checked(data.decode("utf-8"), file_name)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    non_ascii = len(data) - len(data.translate(None, bytes(range(128, 256))))
    if text and non_ascii <= _MAX_LEGACY_NON_ASCII * len(text) and not _CONTROL.search(text):
        return text
    raise TextImportError(
        file_name, "is not UTF-8 and its encoding cannot be recognised; save it as UTF-8."
    )


def _is_wide(encoding: str) -> bool:
    """A page cannot declare UTF-16 or UTF-32 in its own ASCII text; browsers ignore it too."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-16", "utf-32"))


def _checked(text: str, file_name: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise TextImportError(file_name, "is a binary file, not text.")
    return text
