"""Small EPUBs built in memory for the importer tests: every fixture is made, none committed."""

from __future__ import annotations

import io
import zipfile
from html import escape

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">
<rootfiles><rootfile full-path="OEBPS/content.opf"
 media-type="application/oebps-package+xml"/></rootfiles></container>"""

DEFAULT_METADATA = """<dc:title>A Test Book</dc:title>
<dc:creator id="author">Ada Writer</dc:creator>
<dc:language>en</dc:language>
<dc:identifier id="uid">urn:uuid:0000</dc:identifier>"""


def chapter_page(heading: str, paragraphs: list[str], *, heading_id: str = "") -> str:
    """A well-formed XHTML chapter: a heading and paragraphs (each escaped)."""
    id_attribute = f' id="{heading_id}"' if heading_id else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body>'
        f"<h1{id_attribute}>{escape(heading)}</h1>{body}</body></html>"
    )


def nav_page(entries: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{href}">{escape(title)}</a></li>' for title, href in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f'<head><title>Contents</title></head><body><nav epub:type="toc"><ol>{items}</ol>'
        "</nav></body></html>"
    )


def ncx_document(entries: list[tuple[str, str]]) -> str:
    points = "".join(
        f'<navPoint id="n{i}"><navLabel><text>{escape(title)}</text></navLabel>'
        f'<content src="{href}"/></navPoint>'
        for i, (title, href) in enumerate(entries)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        f"<head/><docTitle><text>x</text></docTitle><navMap>{points}</navMap></ncx>"
    )


def make_epub(
    chapters: dict[str, str],
    *,
    spine: list[str] | None = None,
    metadata: str = DEFAULT_METADATA,
    nav: str | None = None,
    ncx: str | None = None,
    extra: dict[str, bytes | str] | None = None,
    mimetype: str | None = "application/epub+zip",
    container: str | None = CONTAINER,
) -> bytes:
    """An EPUB whose chapters (name under OEBPS/ → XHTML) are read in ``spine`` order.

    ``nav`` (an EPUB 3 navigation document) and ``ncx`` (EPUB 2) are added when given;
    ``extra`` adds any other member by its full path, for DRM files and broken entries.
    """
    spine = spine if spine is not None else list(chapters)
    ids = {name: f"item{number}" for number, name in enumerate(chapters)}
    manifest = "".join(
        f'<item id="{ids[name]}" href="{name}" media-type="application/xhtml+xml"/>'
        for name in chapters
    )
    if nav is not None:
        manifest += '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
        manifest += 'properties="nav"/>'
    if ncx is not None:
        manifest += '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
    itemrefs = "".join(f'<itemref idref="{ids[name]}"/>' for name in spine)
    toc = ' toc="ncx"' if ncx is not None else ""
    package = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:opf="http://www.idpf.org/2007/opf">{metadata}</metadata>'
        f"<manifest>{manifest}</manifest><spine{toc}>{itemrefs}</spine></package>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        if container is not None:
            archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", package)
        if nav is not None:
            archive.writestr("OEBPS/nav.xhtml", nav)
        if ncx is not None:
            archive.writestr("OEBPS/toc.ncx", ncx)
        for name, page in chapters.items():
            archive.writestr(f"OEBPS/{name}", page)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def without_member(epub: bytes, name: str) -> bytes:
    """``epub`` with the member ``name`` left out: a chapter listed but missing."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(epub)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info, source.read(info))
    return buffer.getvalue()


def book_missing_a_chapter() -> bytes:
    """Three chapters in the spine and contents, "The Sea" (ch2.xhtml) not in the file."""
    chapters = {
        "ch1.xhtml": chapter_page("The Rivers", ["Rivers run to the sea."]),
        "ch2.xhtml": chapter_page("The Sea", ["The sea is wide."]),
        "ch3.xhtml": chapter_page("The Mountains", ["Mountains stand still."]),
    }
    nav = nav_page(
        [("The Rivers", "ch1.xhtml"), ("The Sea", "ch2.xhtml"), ("The Mountains", "ch3.xhtml")]
    )
    return without_member(make_epub(chapters, nav=nav), "OEBPS/ch2.xhtml")
