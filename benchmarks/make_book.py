"""Build the book-length test text (issue 13) in every format the library imports.

Run from the repository root::

    python benchmarks/make_book.py OUTPUT_FOLDER [--generated]

The book is the King James Version from Debian's ``bible-kjv-text`` package (public domain,
about 4.3 MB, 31,102 verses in 1,189 chapters), read with the ``bible`` program of the
``bible-kjv`` package, since the text package stores it compressed in its own format.
Both are installed with apt-get when missing (as root). Without apt, or with
``--generated``, a seeded generated text of the same size and shape is written instead.

Writes ``book.txt`` (blank lines between paragraphs, chapter headings as paragraphs),
``book.md`` (chapters as ``##`` headings), ``book.epub`` (one spine item per chapter, EPUB 3
with a nav document and an EPUB 2 NCX), ``book.html`` (one saved web page, chapters as
``<h2>``, beyond the issue's three), and the same four as ``book-corrected.*``, a
"corrected edition" with 1 % of the paragraphs edited and 100 paragraphs inserted. Nothing
of the book is committed: it is rebuilt when needed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile
from html import escape
from pathlib import Path

Chapter = tuple[str, list[str]]  # heading, paragraphs

VERSE = re.compile(r"^(\w+?)(\d+):(\d+) (.*)$")
SEED = 1611


def kjv_chapters() -> list[Chapter] | None:
    """The KJV by chapter, or None when the Debian packages cannot be had."""
    if shutil.which("bible") is None and not _apt_install("bible-kjv", "bible-kjv-text"):
        return None
    try:
        result = subprocess.run(
            ["bible", "-f", "Gen1:1-Rev22:21"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    chapters: list[Chapter] = []
    current = ""
    for line in result.stdout.splitlines():
        match = VERSE.match(line)
        if not match:
            continue
        book, chapter, verse, text = match.groups()
        heading = f"{book} {chapter}"
        if heading != current:
            chapters.append((heading, []))
            current = heading
        chapters[-1][1].append(f"{verse} {text}")
    return chapters if sum(len(p) for _, p in chapters) > 30_000 else None


def _apt_install(*packages: str) -> bool:
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return False
    print(f"Installing {' '.join(packages)} with apt-get …", file=sys.stderr)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-qq", *packages]
    done = subprocess.run(command, env=environment, check=False, capture_output=True)
    if done.returncode != 0:  # perhaps the package lists are missing: update once, try again
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        done = subprocess.run(command, env=environment, check=False, capture_output=True)
    return done.returncode == 0 and shutil.which("bible") is not None


def generated_chapters() -> list[Chapter]:
    """1,189 chapters, 31,102 paragraphs of about 140 characters: the KJV's shape."""
    rng = random.Random(SEED)
    syllables = ["an", "el", "or", "ith", "ben", "sa", "mo", "ka", "ru", "ve", "lo", "dan", "ish"]
    words = (
        sorted({"".join(rng.choices(syllables, k=rng.randint(1, 3))) for _ in range(6000)})
        + ["and", "the", "of", "unto", "he", "that", "in", "shall", "to", "his", "for"] * 300
    )
    paragraphs_left = 31_102
    chapters: list[Chapter] = []
    for number in range(1, 1190):
        share = paragraphs_left // (1190 - number)
        paragraphs = []
        for verse in range(1, share + 1):
            sentence = " ".join(rng.choices(words, k=rng.randint(14, 38)))
            paragraphs.append(f"{verse} {sentence.capitalize()}.")
        chapters.append((f"Book {1 + number // 25} {number % 25 + 1}", paragraphs))
        paragraphs_left -= share
    return chapters


def corrected(chapters: list[Chapter]) -> list[Chapter]:
    """Edit 1 % of the paragraphs (one word each) and insert 100 new ones, seeded."""
    rng = random.Random(SEED + 1)
    result = [(heading, list(paragraphs)) for heading, paragraphs in chapters]
    places = [(c, p) for c, (_, paragraphs) in enumerate(result) for p in range(len(paragraphs))]
    for c, p in rng.sample(places, len(places) // 100):
        words = result[c][1][p].split(" ")
        index = rng.randrange(1, len(words)) if len(words) > 1 else 0
        words[index] = words[index].upper() if words[index].islower() else "corrected"
        result[c][1][p] = " ".join(words)
    for number in range(100):
        c = rng.randrange(len(result))
        position = rng.randint(0, len(result[c][1]))
        result[c][1].insert(position, f"[Inserted note {number + 1}: an editor's addition.]")
    return result


def write_plain(chapters: list[Chapter], path: Path) -> None:
    parts = []
    for heading, paragraphs in chapters:
        parts.append(heading)
        parts.extend(paragraphs)
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def write_markdown(chapters: list[Chapter], path: Path) -> None:
    parts = ["---\ntitle: The Holy Bible (test book)\nauthor: Various\ndate: 1611\n---", ""]
    for heading, paragraphs in chapters:
        parts.append(f"## {heading}")
        parts.extend(paragraphs)
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def write_epub(chapters: list[Chapter], path: Path) -> None:
    names = [f"text/chapter{number:04d}.xhtml" for number in range(1, len(chapters) + 1)]
    manifest = "\n".join(
        f'<item id="c{n}" href="{name}" media-type="application/xhtml+xml"/>'
        for n, name in enumerate(names)
    )
    spine = "\n".join(f'<itemref idref="c{n}"/>' for n in range(len(names)))
    package = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">urn:study-reader:test-book</dc:identifier>
<dc:title>The Holy Bible (test book)</dc:title><dc:creator>Various</dc:creator>
<dc:language>en</dc:language><dc:date>1611</dc:date>
<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>
</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
{manifest}
</manifest>
<spine toc="ncx">
{spine}
</spine>
</package>"""
    nav_items = "\n".join(
        f'<li><a href="{name}">{escape(heading)}</a></li>'
        for name, (heading, _) in zip(names, chapters, strict=True)
    )
    nav = f"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Contents</title></head>
<body><nav epub:type="toc"><ol>
{nav_items}
</ol></nav></body></html>"""
    points = "\n".join(
        f'<navPoint id="p{n}"><navLabel><text>{escape(heading)}</text></navLabel>'
        f'<content src="{name}"/></navPoint>'
        for n, (name, (heading, _)) in enumerate(zip(names, chapters, strict=True))
    )
    ncx = f"""<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
<head/><docTitle><text>The Holy Bible (test book)</text></docTitle>
<navMap>
{points}
</navMap></ncx>"""
    container = """<?xml version="1.0" encoding="UTF-8"?>
<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">
<rootfiles><rootfile full-path="OEBPS/content.opf"
 media-type="application/oebps-package+xml"/></rootfiles></container>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container, zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/content.opf", package, zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/nav.xhtml", nav, zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/toc.ncx", ncx, zipfile.ZIP_DEFLATED)
        for name, (heading, paragraphs) in zip(names, chapters, strict=True):
            body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            page = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<html xmlns="http://www.w3.org/1999/xhtml">'
                f"<head><title>{escape(heading)}</title></head>"
                f"<body><h2>{escape(heading)}</h2>\n{body}\n</body></html>"
            )
            archive.writestr(f"OEBPS/{name}", page, zipfile.ZIP_DEFLATED)


def write_html(chapters: list[Chapter], path: Path) -> None:
    """One page, as a browser saves it: furniture around an article with the chapters."""
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        "<title>The Holy Bible (test book)</title>",
        '<meta name="author" content="Various"></head><body>',
        '<header><nav><a href="/">Home</a></nav></header><article>',
        "<h1>The Holy Bible (test book)</h1>",
    ]
    for heading, paragraphs in chapters:
        parts.append(f"<h2>{escape(heading)}</h2>")
        parts.extend(f"<p>{escape(p)}</p>" for p in paragraphs)
    parts.append("</article><footer>Page footer</footer></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def write_all(chapters: list[Chapter], folder: Path, stem: str) -> None:
    write_plain(chapters, folder / f"{stem}.txt")
    write_markdown(chapters, folder / f"{stem}.md")
    write_epub(chapters, folder / f"{stem}.epub")
    write_html(chapters, folder / f"{stem}.html")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="folder to write the book into")
    parser.add_argument("--generated", action="store_true", help="skip the KJV, generate")
    arguments = parser.parse_args()
    chapters = None if arguments.generated else kjv_chapters()
    source = "King James Version (bible-kjv-text)"
    if chapters is None:
        chapters, source = generated_chapters(), "generated text of the same shape"
    arguments.output.mkdir(parents=True, exist_ok=True)
    write_all(chapters, arguments.output, "book")
    write_all(corrected(chapters), arguments.output, "book-corrected")
    paragraphs = sum(len(p) for _, p in chapters)
    size = (arguments.output / "book.txt").stat().st_size
    print(
        f"{source}: {len(chapters):,} chapters, {paragraphs:,} paragraphs, "
        f"{size / 1e6:.1f} MB as plain text, written to {arguments.output}"
    )


if __name__ == "__main__":
    main()
