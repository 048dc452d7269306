"""EPUB 2 and 3: container → package document → spine, read with ``zipfile`` and expat.

The archive is never extracted: members are looked up by name and read into memory, each
checked against its declared size first and then read with a bound, because a zip entry's
declared size can lie. Nothing is fetched: a link to a remote resource is only text here.
Chapters follow the table of contents (EPUB 3 ``nav``, else EPUB 2 NCX) at its first level
with more than one entry, else one chapter per spine item. A chapter file that is not
well-formed XML is read again as HTML (as browsers and most readers do) and the import
says so in its warnings; one that declares XML entities refuses the whole book.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from html import unescape
from typing import NamedTuple, NoReturn
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from reader_app.domain.importing.collector import BlockCollector
from reader_app.domain.importing.decoding import decode_text, describe_signature
from reader_app.domain.importing.html import PageParser
from reader_app.domain.importing.model import (
    MAX_ENTRY_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_ENTRIES,
    ImportedBlock,
    RawBlock,
    TextImportError,
    TextMetadata,
    TocEntry,
    assemble,
)
from reader_app.domain.importing.safe_xml import XmlRefusedError, feed_xml, parse_xml
from reader_app.domain.text import Role

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

CONTENT_TYPES = {"application/xhtml+xml", "text/html", "text/x-oeb1-document"}
# Obfuscated fonts are listed in encryption.xml too, but the text itself is readable.
FONT_OBFUSCATION = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_TAGS = re.compile(r"<[^>]*>")
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,  # a compression method zipfile lacks
    RuntimeError,  # a password-protected member
    EOFError,
    OSError,
    ValueError,
)
_MB = 1024 * 1024


class _Archive:
    """Reads members by name, within the size limits, turning zip failures into reasons."""

    def __init__(self, archive: zipfile.ZipFile, file_name: str) -> None:
        self._archive = archive
        self._file_name = file_name
        self._unpacked = 0
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            self.refuse(f"has {len(infos):,} members, over the limit of {MAX_ZIP_ENTRIES:,}.")
        self._infos = {info.filename: info for info in infos}
        self._folded = {name.casefold(): info for name, info in self._infos.items()}

    def refuse(self, reason: str) -> NoReturn:
        raise TextImportError(self._file_name, reason)

    def has(self, name: str) -> bool:
        return name in self._infos or name.casefold() in self._folded

    def read(self, name: str) -> bytes:
        info = self._infos.get(name) or self._folded.get(name.casefold())
        if info is None:
            self.refuse(f"is damaged: it lacks {name}.")
        if info.flag_bits & 0x1:
            self.refuse(f"is encrypted ({name} needs a password).")
        if info.file_size > MAX_ENTRY_BYTES:
            self.refuse(
                f"{name} would unpack to {info.file_size // _MB:,} MB, over the limit of "
                f"{MAX_ENTRY_BYTES // _MB} MB for one file in an EPUB."
            )
        if self._unpacked + info.file_size > MAX_UNPACKED_BYTES:
            self._refuse_total()
        try:
            with self._archive.open(info) as member:
                data = member.read(MAX_ENTRY_BYTES + 1)
        except _ZIP_ERRORS as error:
            self.refuse(f"is damaged: {name} cannot be unpacked ({error}).")
        if len(data) > MAX_ENTRY_BYTES:
            self.refuse(f"{name} unpacks to more than its declared size.")
        self._unpacked += len(data)
        if self._unpacked > MAX_UNPACKED_BYTES:
            self._refuse_total()
        return data

    def _refuse_total(self) -> NoReturn:
        self.refuse(f"would unpack to more than {MAX_UNPACKED_BYTES // _MB} MB.")

    def xml(self, name: str) -> Element:
        try:
            return parse_xml(self.read(name))
        except XmlRefusedError as error:
            self.refuse(f"cannot be read: {name}: {error}.")


class _Link(NamedTuple):
    title: str
    path: str
    fragment: str
    depth: int


def parse_epub(
    data: bytes, file_name: str, fallback_title: str
) -> tuple[
    TextMetadata, tuple[ImportedBlock, ...], tuple[TocEntry, ...], tuple[str, ...], tuple[str, ...]
]:
    """The text, its contents, the warnings, and the chapters that could not be read (by
    their title in the contents, else their file name): the rest is added all the same, and
    the reader is told which chapters are not there."""
    # zipfile reads the whole central directory on opening, some 500 bytes of memory per
    # member: count the members' directory records first (an overcount only refuses sooner).
    members = data.count(b"PK\x01\x02")
    if members > MAX_ZIP_ENTRIES:
        raise TextImportError(
            file_name, f"has {members:,} members, over the limit of {MAX_ZIP_ENTRIES:,}."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        kind = describe_signature(data)
        if kind and kind != "a zip archive":
            raise TextImportError(file_name, f"is {kind}, not an EPUB.") from None
        raise TextImportError(file_name, "is not an EPUB: it is not a zip archive.") from None
    with archive:
        return _parse(_Archive(archive, file_name), fallback_title)


def _parse(
    archive: _Archive, fallback_title: str
) -> tuple[
    TextMetadata, tuple[ImportedBlock, ...], tuple[TocEntry, ...], tuple[str, ...], tuple[str, ...]
]:
    if archive.has("mimetype"):
        mimetype = archive.read("mimetype").strip()
        if mimetype != b"application/epub+zip":
            archive.refuse("is a zip archive but not an EPUB (wrong mimetype).")
    if not archive.has("META-INF/container.xml"):
        archive.refuse("is a zip archive but not an EPUB (no META-INF/container.xml).")
    _refuse_drm(archive)
    package_path = _package_path(archive)
    package = archive.xml(package_path)
    base = posixpath.dirname(package_path)
    manifest = {
        item.get("id", ""): item
        for item in package.iter(f"{OPF}item")
        if item.get("id") and item.get("href")
    }
    spine = package.find(f"{OPF}spine")
    spine_paths = _spine_paths(spine, manifest, base)
    if not spine_paths:
        archive.refuse("has no chapters in its spine.")
    warnings: list[str] = []
    missing: list[str] = []
    raw_blocks, targets = _read_spine(archive, spine_paths, warnings, missing)
    if not raw_blocks:
        archive.refuse("has no readable text.")
    links = _table_of_contents(archive, manifest, base, spine, warnings)
    blocks, contents = _chapters(raw_blocks, targets, links, spine_paths)
    metadata = _metadata(package, raw_blocks, fallback_title)
    return metadata, blocks, contents, tuple(warnings), _chapter_names(missing, links)


def _chapter_names(paths: list[str], links: list[_Link]) -> tuple[str, ...]:
    """Each file's title in the contents (its first entry), else its file name."""
    titles: dict[str, str] = {}
    for link in links:
        titles.setdefault(link.path, link.title)
    return tuple(titles.get(path) or posixpath.basename(path) for path in paths)


def _chapters(
    raw_blocks: list[RawBlock],
    targets: dict[tuple[str, str], int],
    links: list[_Link],
    spine_paths: list[str],
) -> tuple[tuple[ImportedBlock, ...], tuple[TocEntry, ...]]:
    """Chapters from the contents where they lead somewhere, else one per spine file."""
    resolved = []
    for link in links:
        index = targets.get((link.path, link.fragment), targets.get((link.path, "")))
        if index is not None and index < len(raw_blocks):
            resolved.append((link, index))
    chapter_depth = _chapter_depth([link.depth for link, _ in resolved])
    starts: dict[int, str] = {}
    for link, index in resolved:
        if link.depth <= chapter_depth:
            starts.setdefault(index, link.title)
    if not starts:
        for path in spine_paths:
            index = targets[(path, "")]
            if index < len(raw_blocks):
                starts.setdefault(index, _first_heading(raw_blocks, index))
    blocks = assemble(raw_blocks, starts)
    if resolved:
        contents = tuple(
            TocEntry(link.title, blocks[index].id, max(0, link.depth - chapter_depth))
            for link, index in resolved
        )
    else:
        contents = tuple(TocEntry(title, blocks[index].id, 0) for index, title in starts.items())
    return blocks, contents


def _spine_paths(spine: Element | None, manifest: dict[str, Element], base: str) -> list[str]:
    """The archive paths of the content documents in reading order, each once."""
    paths: dict[str, None] = {}
    for reference in spine.iter(f"{OPF}itemref") if spine is not None else ():
        item = manifest.get(reference.get("idref", ""))
        if item is not None and item.get("media-type", "").lower() in CONTENT_TYPES:
            paths[_resolve(base, item.get("href", ""))] = None
    return list(paths)


def _read_spine(
    archive: _Archive, paths: list[str], warnings: list[str], missing: list[str]
) -> tuple[list[RawBlock], dict[tuple[str, str], int]]:
    """All blocks, and where each file and element id lands: (path, id or "") → block index.
    Files of the spine not in the archive are added to ``missing``."""
    raw_blocks: list[RawBlock] = []
    targets: dict[tuple[str, str], int] = {}
    for path in paths:
        if not archive.has(path):
            missing.append(path)
        blocks, trailing = _chapter_blocks(archive, path, warnings)
        targets.setdefault((path, ""), len(raw_blocks))
        for block in blocks:
            for anchor in block.anchors:
                targets.setdefault((path, anchor), len(raw_blocks))
            raw_blocks.append(block)
        for anchor in trailing:  # ids after a file's last block point at what follows
            targets.setdefault((path, anchor), len(raw_blocks))
    return raw_blocks, targets


def _refuse_drm(archive: _Archive) -> None:
    if archive.has("META-INF/rights.xml"):
        archive.refuse("is protected by DRM (it has a rights file); it cannot be read here.")
    if not archive.has("META-INF/encryption.xml"):
        return
    encryption = archive.xml("META-INF/encryption.xml")
    for method in encryption.iter():
        is_method = method.tag.rpartition("}")[2] == "EncryptionMethod"
        if is_method and method.get("Algorithm", "") not in FONT_OBFUSCATION:
            archive.refuse("is protected by DRM (its text is encrypted); it cannot be read here.")


def _package_path(archive: _Archive) -> str:
    container = archive.xml("META-INF/container.xml")
    for rootfile in container.iter(f"{CONTAINER}rootfile"):
        path = rootfile.get("full-path", "")
        media_type = rootfile.get("media-type", "application/oebps-package+xml")
        if path and media_type == "application/oebps-package+xml":
            return posixpath.normpath(unquote(path)).lstrip("/")
    archive.refuse("is damaged: its container names no package document.")


def _resolve(base: str, href: str) -> str:
    """A path inside the archive from an href relative to a file in ``base``."""
    path = unquote(urlsplit(href).path)
    return posixpath.normpath(posixpath.join(base, path)).lstrip("/")


def _chapter_blocks(
    archive: _Archive, path: str, warnings: list[str]
) -> tuple[list[RawBlock], list[str]]:
    if not archive.has(path):
        warnings.append(f"{path} is listed in the spine but missing; skipped.")
        return [], []
    data = archive.read(path)
    collector = BlockCollector()

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition("}")[2].lower()
        if local == "aside" or attributes.get(f"{OPS}type", "") in {"footnote", "endnote"}:
            local = "aside"
        identifier = attributes.get("id") or attributes.get(XML_ID)
        collector.start(local, {"id": identifier, **_plain(attributes)})

    def end(tag: str) -> None:
        collector.end(tag.rpartition("}")[2].lower())

    try:
        feed_xml(data, start, end, collector.text)
    except XmlRefusedError as error:
        if "entities" in str(error):
            archive.refuse(f"cannot be read: {path}: {error}.")
        warnings.append(f"{path} is not well-formed XHTML; it was read as HTML.")
        collector = _as_html(archive, path, data)
    return collector.close()


def _plain(attributes: dict[str, str]) -> dict[str, str | None]:
    """The attributes the collector looks at, without namespaces."""
    return {
        key: value for key, value in attributes.items() if key in {"hidden", "aria-hidden", "role"}
    }


def _as_html(archive: _Archive, path: str, data: bytes) -> BlockCollector:
    try:
        text = decode_text(data, path)
    except TextImportError as error:
        archive.refuse(f"cannot be read: {error}")
    page = PageParser()
    try:
        page.read(text)
    except (AssertionError, ValueError) as error:  # html.parser's own complaints
        archive.refuse(f"cannot be read: {path} is neither XHTML nor HTML ({error}).")
    return page.collector


def _table_of_contents(
    archive: _Archive,
    manifest: dict[str, Element],
    base: str,
    spine: Element | None,
    warnings: list[str],
) -> list[_Link]:
    """Links from the EPUB 3 navigation document, else the EPUB 2 NCX; [] if neither reads."""
    nav = next((i for i in manifest.values() if "nav" in i.get("properties", "").split()), None)
    ncx_id = spine.get("toc", "") if spine is not None else ""
    ncx = manifest.get(ncx_id) or next(
        (i for i in manifest.values() if i.get("media-type") == "application/x-dtbncx+xml"), None
    )
    for item, reader in ((nav, _nav_links), (ncx, _ncx_links)):
        if item is None:
            continue
        path = _resolve(base, item.get("href", ""))
        if not archive.has(path):
            continue
        try:
            links = reader(archive.xml(path), posixpath.dirname(path))
        except TextImportError as error:
            warnings.append(f"The table of contents was ignored: {error.reason}")
            continue
        if links:
            return links
    return []


def _nav_links(document: Element, base: str) -> list[_Link]:
    for nav in document.iter(f"{XHTML}nav"):
        if "toc" in nav.get(f"{OPS}type", "").split():
            top = nav.find(f"{XHTML}ol")
            return _nav_list(top, base, 0) if top is not None else []
    return []


def _nav_list(ordered_list: Element, base: str, depth: int) -> list[_Link]:
    links: list[_Link] = []
    if depth > 20:
        return links
    for item in ordered_list.findall(f"{XHTML}li"):
        anchor = item.find(f"{XHTML}a")
        if anchor is not None and anchor.get("href"):
            title = " ".join("".join(anchor.itertext()).split())
            links.append(_link(title, base, anchor.get("href", ""), depth))
        nested = item.find(f"{XHTML}ol")
        if nested is not None:
            links.extend(_nav_list(nested, base, depth + 1))
    return links


def _ncx_links(document: Element, base: str) -> list[_Link]:
    nav_map = document.find(f"{NCX}navMap")
    return _ncx_points(nav_map, base, 0) if nav_map is not None else []


def _ncx_points(parent: Element, base: str, depth: int) -> list[_Link]:
    links: list[_Link] = []
    if depth > 20:
        return links
    for point in parent.findall(f"{NCX}navPoint"):
        label = point.find(f"{NCX}navLabel/{NCX}text")
        content = point.find(f"{NCX}content")
        if content is not None and content.get("src"):
            title = " ".join("".join(label.itertext()).split()) if label is not None else ""
            links.append(_link(title, base, content.get("src", ""), depth))
        links.extend(_ncx_points(point, base, depth + 1))
    return links


def _link(title: str, base: str, href: str, depth: int) -> _Link:
    parts = urlsplit(href)
    return _Link(title, _resolve(base, parts.path), unquote(parts.fragment), depth)


def _chapter_depth(depths: list[int]) -> int:
    """The shallowest contents level with more than one entry: a book's single top entry
    ("The Bible") is not its only chapter."""
    for depth in sorted(set(depths)):
        if depths.count(depth) > 1:
            return depth
    return min(depths, default=0)


def _first_heading(blocks: list[RawBlock], start: int) -> str:
    for block in blocks[start : start + 20]:
        if block.role is Role.HEADING:
            return " ".join(block.text.split())
    return ""


def _metadata(package: Element, blocks: list[RawBlock], fallback_title: str) -> TextMetadata:
    metadata = package.find(f"{OPF}metadata")
    if metadata is None:
        metadata = package
    roles: dict[str, str] = {}  # EPUB 3: <meta refines="#id" property="role">trl</meta>
    modified = ""
    for meta in metadata.iter(f"{OPF}meta"):
        prop = meta.get("property", "")
        if prop == "role" and meta.get("refines", "").startswith("#"):
            roles[meta.get("refines", "")[1:]] = (meta.text or "").strip()
        elif prop == "dcterms:modified":
            modified = (meta.text or "").strip()

    people: dict[str, list[str]] = {"aut": [], "trl": [], "edt": []}
    for tag in (f"{DC}creator", f"{DC}contributor"):
        for person in metadata.iter(tag):
            name = _text(person)
            role = person.get(f"{OPF}role") or roles.get(person.get("id", ""), "")
            role = role or ("aut" if tag == f"{DC}creator" else "")
            if name and role in people:
                people[role].append(name)

    def first(tag: str) -> str:
        return next((t for e in metadata.iter(f"{DC}{tag}") if (t := _text(e))), "")

    dates = list(metadata.iter(f"{DC}date"))
    publication = next((d for d in dates if d.get(f"{OPF}event") == "publication"), None)
    published = _text(publication) if publication is not None else first("date")
    year = _YEAR.search(published)
    url = next(
        (
            text
            for tag in ("identifier", "source", "relation")
            for element in metadata.iter(f"{DC}{tag}")
            if (text := _text(element)).startswith(("http://", "https://"))
        ),
        "",
    )
    first_heading = next((b.text for b in blocks if b.role is Role.HEADING), "")
    return TextMetadata(
        title=first("title") or " ".join(first_heading.split()) or fallback_title,
        author=" and ".join(people["aut"]),
        year=int(year.group(1)) if year else None,
        translator=" and ".join(people["trl"]),
        editor=" and ".join(people["edt"]),
        publisher=first("publisher"),
        url=url,
        language=first("language"),
        published=published,
        modified=modified,
        description=" ".join(unescape(_TAGS.sub(" ", first("description"))).split()),
    )


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())
