"""EPUB 2/3 import: metadata, spine order, contents, and every kind of bad book refused."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from reader_app.domain.importing import SourceFormat, TextImportError, import_bytes, import_file
from reader_app.domain.importing import epub as epub_module
from reader_app.domain.text import Role

from .epub_factory import chapter_page, make_epub, nav_page, ncx_document

RICH_METADATA = """<dc:title>On Cooperation</dc:title>
<dc:creator id="a1">Vera Author</dc:creator>
<dc:creator id="a2">Ivan Author</dc:creator>
<meta refines="#a2" property="role" scheme="marc:relators">aut</meta>
<dc:contributor id="t1">Tom Translator</dc:contributor>
<meta refines="#t1" property="role" scheme="marc:relators">trl</meta>
<dc:contributor opf:role="edt">Edna Editor</dc:contributor>
<dc:publisher>Example Press</dc:publisher>
<dc:date>1921-03-08</dc:date>
<dc:language>ru</dc:language>
<dc:identifier id="uid">https://example.org/books/cooperation</dc:identifier>
<dc:description>&lt;p&gt;A short &lt;b&gt;essay&lt;/b&gt;.&lt;/p&gt;</dc:description>
<meta property="dcterms:modified">2024-05-01T10:00:00Z</meta>"""

CHAPTERS = {
    "one.xhtml": chapter_page("Chapter One", ["First paragraph.", "Second paragraph."]),
    "two.xhtml": chapter_page("Chapter Two", ["Third paragraph.", "Fourth paragraph."]),
    "three.xhtml": chapter_page("Chapter Three", ["Fifth paragraph."]),
}
NAV = nav_page([("One", "one.xhtml"), ("Two", "two.xhtml#start"), ("Three", "three.xhtml")])


def _texts(imported) -> list[str]:
    return [block.text for block in imported.blocks]


def test_an_epub3_gives_its_metadata() -> None:
    book = import_bytes(make_epub(CHAPTERS, metadata=RICH_METADATA, nav=NAV), "coop.epub")
    meta = book.metadata
    assert book.source_format is SourceFormat.EPUB
    assert meta.title == "On Cooperation"
    assert meta.author == "Vera Author and Ivan Author"
    assert meta.translator == "Tom Translator"
    assert meta.editor == "Edna Editor"
    assert meta.publisher == "Example Press"
    assert (meta.year, meta.published) == (1921, "1921-03-08")
    assert meta.language == "ru"
    assert meta.url == "https://example.org/books/cooperation"
    assert meta.modified == "2024-05-01T10:00:00Z"
    assert meta.description == "A short essay ."


def test_blocks_follow_the_spine_not_the_manifest() -> None:
    data = make_epub(CHAPTERS, spine=["three.xhtml", "one.xhtml", "two.xhtml"], nav=NAV)
    book = import_bytes(data, "b.epub")
    assert _texts(book)[:3] == ["Chapter Three", "Fifth paragraph.", "Chapter One"]


def test_chapters_and_contents_come_from_the_nav_document() -> None:
    book = import_bytes(make_epub(CHAPTERS, nav=NAV), "b.epub")
    assert book.chapter_titles() == ["One", "Two", "Three"]
    assert [entry.title for entry in book.contents] == ["One", "Two", "Three"]
    first_of_two = next(b for b in book.blocks if b.text == "Chapter Two")
    assert book.contents[1].block_id == first_of_two.id
    headings = [b for b in book.blocks if b.role is Role.HEADING]
    assert [h.text for h in headings] == ["Chapter One", "Chapter Two", "Chapter Three"]
    assert all(b.chapter == 1 for b in book.blocks if "Third" in b.text or "Fourth" in b.text)


def test_an_epub2_uses_its_ncx() -> None:
    ncx = ncx_document([("Uno", "one.xhtml"), ("Due", "two.xhtml"), ("Tre", "three.xhtml")])
    book = import_bytes(make_epub(CHAPTERS, ncx=ncx), "b.epub")
    assert book.chapter_titles() == ["Uno", "Due", "Tre"]


def test_a_link_to_an_element_inside_a_file_starts_its_chapter_there() -> None:
    page = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Before.</p>'
        '<h2 id="later">Later part</h2><p>After.</p></body></html>'
    )
    nav = nav_page([("Start", "one.xhtml"), ("Later", "one.xhtml#later")])
    book = import_bytes(make_epub({"one.xhtml": page}, nav=nav), "b.epub")
    assert [(b.chapter_title, b.text) for b in book.blocks] == [
        ("Start", "Before."),
        ("Later", "Later part"),
        ("Later", "After."),
    ]


def test_without_contents_each_spine_file_is_a_chapter_named_by_its_heading() -> None:
    book = import_bytes(make_epub(CHAPTERS), "b.epub")
    assert book.chapter_titles() == ["Chapter One", "Chapter Two", "Chapter Three"]
    assert [entry.title for entry in book.contents] == book.chapter_titles()


def test_html_named_characters_are_read_and_footnotes_and_scripts_left_out() -> None:
    page = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
        '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        "<head><style>p { color: red }</style></head><body>"
        "<p>One&nbsp;two &mdash; three<br/>four</p><script>alert(1)</script>"
        '<aside epub:type="footnote"><p>A footnote.</p></aside></body></html>'
    )
    book = import_bytes(make_epub({"one.xhtml": page}), "b.epub")
    assert _texts(book) == ["One\u00a0two — three\nfour"]


def test_a_chapter_that_is_not_well_formed_is_read_as_html_with_a_warning() -> None:
    broken = "<html><body><p>Unclosed paragraph<p>Another &amp; more<br></body>"
    chapters = {"one.xhtml": chapter_page("Fine", ["Good."]), "two.xhtml": broken}
    book = import_bytes(make_epub(chapters), "b.epub")
    assert _texts(book) == ["Fine", "Good.", "Unclosed paragraph", "Another & more"]
    assert book.warnings == ("OEBPS/two.xhtml is not well-formed XHTML; it was read as HTML.",)


def test_the_same_bytes_give_the_same_fingerprint_and_ids() -> None:
    data = make_epub(CHAPTERS, nav=NAV)
    first, second = import_bytes(data, "a.epub"), import_bytes(data, "b.epub")
    assert first.fingerprint == second.fingerprint
    assert [b.id for b in first.blocks] == [b.id for b in second.blocks]


# --- bad books -----------------------------------------------------------------------------


def _refusal(data: bytes, name: str = "bad.epub") -> str:
    with pytest.raises(TextImportError) as caught:
        import_bytes(data, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    return message


def test_an_image_renamed_epub_is_refused_as_an_image() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    assert _refusal(png) == "bad.epub: is a PNG image, not an EPUB."


def test_a_text_file_renamed_epub_is_refused() -> None:
    assert "not a zip archive" in _refusal(b"Just some words.\n")


def test_a_zip_that_is_not_an_epub_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "not an EPUB (no META-INF/container.xml)" in _refusal(buffer.getvalue())
    assert "wrong mimetype" in _refusal(make_epub(CHAPTERS, mimetype="application/zip"))


def test_encrypted_text_is_refused_as_drm() -> None:
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#">'
        "<enc:EncryptedData><enc:EncryptionMethod "
        'Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
        '<enc:CipherData><enc:CipherReference URI="OEBPS/one.xhtml"/></enc:CipherData>'
        "</enc:EncryptedData></encryption>"
    )
    data = make_epub(CHAPTERS, extra={"META-INF/encryption.xml": encryption})
    assert "protected by DRM" in _refusal(data)


def test_an_adobe_rights_file_is_refused_as_drm() -> None:
    data = make_epub(CHAPTERS, extra={"META-INF/rights.xml": "<rights/>"})
    assert "protected by DRM" in _refusal(data)


def test_only_obfuscated_fonts_are_not_drm() -> None:
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
        '<enc:CipherData><enc:CipherReference URI="OEBPS/font.otf"/></enc:CipherData>'
        "</enc:EncryptedData></encryption>"
    )
    data = make_epub(CHAPTERS, extra={"META-INF/encryption.xml": encryption})
    assert _texts(import_bytes(data, "b.epub"))[0] == "Chapter One"


def test_a_document_declaring_entities_is_refused() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lol2;</p></body></html>'
    )
    assert "declares XML entities" in _refusal(make_epub({"one.xhtml": laughs}))
    external = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&secret;</p></body></html>'
    )
    assert "declares XML entities" in _refusal(make_epub({"one.xhtml": external}))


def test_a_package_document_declaring_entities_is_refused() -> None:
    container = CONTAINER_WITH_ENTITY
    assert "declares XML entities" in _refusal(make_epub(CHAPTERS, container=container))


CONTAINER_WITH_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE container [<!ENTITY path "OEBPS/content.opf">]>'
    '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">'
    '<rootfiles><rootfile full-path="&path;" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)


def test_a_member_that_would_unpack_past_the_limit_is_refused_unread(monkeypatch) -> None:
    monkeypatch.setattr(epub_module, "MAX_ENTRY_BYTES", 100_000)
    big = chapter_page("Big", ["word " * 30_000])  # compresses to a few hundred bytes
    message = _refusal(make_epub({"one.xhtml": big}))
    assert "OEBPS/one.xhtml would unpack to" in message
    assert "over the limit" in message


def test_all_members_together_are_bounded_too(monkeypatch) -> None:
    monkeypatch.setattr(epub_module, "MAX_UNPACKED_BYTES", 50_000)
    chapters = {f"c{n}.xhtml": chapter_page(f"C{n}", ["word " * 4_000]) for n in range(5)}
    assert "would unpack to more than" in _refusal(make_epub(chapters))


def test_a_member_whose_declared_size_lies_is_refused() -> None:
    """A zip's sizes are only declarations: reading stops at the declared size and the
    checksum then fails, so a lying entry can never unpack to more than it declared."""
    data = bytearray(make_epub({"one.xhtml": chapter_page("Lies", ["word " * 5_000])}))
    name = b"OEBPS/one.xhtml"
    for signature, size_offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        header = data.find(signature)
        while header != -1:
            name_offset = header + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_offset : name_offset + len(name)] == name:
                struct.pack_into("<I", data, header + size_offset, 100)
            header = data.find(signature, header + 4)
    message = _refusal(bytes(data))
    assert "is damaged: OEBPS/one.xhtml cannot be unpacked" in message


def test_too_many_members_are_refused_unopened(monkeypatch) -> None:
    """zipfile would hold the whole central directory in memory just to open the book."""
    data = make_epub(CHAPTERS, extra={f"OEBPS/images/{n}.png": b"x" for n in range(20)})
    monkeypatch.setattr(epub_module, "MAX_ZIP_ENTRIES", 10)

    def never_opened(*_: object) -> None:
        raise AssertionError("the archive was opened")

    monkeypatch.setattr(zipfile, "ZipFile", never_opened)
    assert _refusal(data) == "bad.epub: has 26 members, over the limit of 10."


def test_an_epub_without_text_is_refused() -> None:
    empty = '<html xmlns="http://www.w3.org/1999/xhtml"><body><img src="a.png"/></body></html>'
    assert _refusal(make_epub({"one.xhtml": empty})) == "bad.epub: has no readable text."


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch) -> None:
    path = tmp_path / "huge.epub"
    with path.open("wb") as file:
        file.truncate(51 * 1024 * 1024)  # sparse: no disk used
    opened = []
    monkeypatch.setattr(type(path), "open", lambda *a, **k: opened.append(a) or None)
    with pytest.raises(TextImportError) as caught:
        import_file(path)
    assert str(caught.value) == "huge.epub: is 51 MB, over the limit of 50 MB for a text."
    assert opened == []


def test_a_broken_member_is_refused_as_damaged() -> None:
    data = bytearray(make_epub(CHAPTERS))
    start = data.find(b"OEBPS/one.xhtml") + len(b"OEBPS/one.xhtml")
    data[start : start + 40] = bytes(40)  # zero the start of the compressed chapter
    message = _refusal(bytes(data))
    assert "is damaged" in message


def test_chapters_missing_from_the_file_are_named_by_file_when_the_contents_do_not_say() -> None:
    from .epub_factory import without_member

    chapters = {name: chapter_page(name, [f"Text of {name}."]) for name in ("a.xhtml", "b.xhtml")}
    chapters["c.xhtml"] = chapter_page("Last", ["Still here."])
    data = without_member(without_member(make_epub(chapters), "OEBPS/a.xhtml"), "OEBPS/b.xhtml")
    imported = import_bytes(data, "book.epub")
    assert imported.unread_chapters == ("a.xhtml", "b.xhtml")
    assert imported.unread_notice() == (
        "the chapters “a.xhtml”, “b.xhtml” could not be read: they are missing from the file."
    )
    assert [block.text for block in imported.blocks][-1] == "Still here."
