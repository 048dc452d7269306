"""Personal glossary entries and Search Everything on the book-length test text (issue 13's
budgets in mind), against a floor measured in the same run.

Run from the repository root::

    python benchmarks/personal_glossary.py [BOOK_FOLDER] [--runs 3] [--entries 200]

BOOK_FOLDER holds the files written by ``benchmarks/make_book.py``; without it a generated
book is built in a temporary folder. Printed, each as the median of ``--runs``:

* floor: marking the bundled glossary's terms in the book (one regular-expression pass over
  every block), what opening any text with a glossary costs today;
* marking the bundled terms and ``--entries`` personal entries (``find_all_occurrences``:
  two passes, so about twice the floor whatever the number of entries);
* reading those entries back from an exported glossary file;
* Search Everything's library part: one FTS5 query over the book's blocks in SQLite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_book import median_time

from reader_app.domain.glossary import find_occurrences, load_glossary
from reader_app.domain.personal_glossary import (
    export_toml,
    find_all_occurrences,
    glossary_for_text,
    import_toml,
    make_entry,
)
from reader_app.domain.text import Document, load_document
from reader_app.paths import resource_root
from reader_app.storage.library import library_of
from reader_app.storage.store import open_store


def words_of(document: Document, count: int) -> list[str]:
    """``count`` distinct words of the book itself, so every entry has occurrences."""
    seen: dict[str, None] = {}
    for block in document.blocks:
        for word in block.text.lower().split():
            if len(word) >= 5 and word.isalpha():
                seen.setdefault(word)
                if len(seen) == count:
                    return list(seen)
    return list(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="output of make_book.py")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entries", type=int, default=200)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.folder
        if folder is None:
            folder = Path(scratch) / "book"
            script = Path(__file__).with_name("make_book.py")
            subprocess.run([sys.executable, str(script), str(folder), "--generated"], check=True)
        run(folder / "book.txt", Path(scratch) / "data", arguments.runs, arguments.entries)


def run(book: Path, data_dir: Path, runs: int, count: int) -> None:
    data_dir.mkdir()
    bundled_text = load_document()
    assert bundled_text.glossary_file
    bundled = load_glossary(resource_root() / "glossary" / bundled_text.glossary_file)
    result = open_store(data_dir, bundled_text)
    assert result.repository is not None
    try:
        library = library_of(result.repository, data_dir)
        text_id = library.add_file(book).text_id
        document = library.document(text_id)
        words = words_of(document, count)
        entries = [make_entry(headword=word, gloss="g", aliases=[f"{word}s"]) for word in words]
        combined = glossary_for_text(bundled, entries, text_id)
        print(f"book: {len(document.blocks):,} blocks; {count} personal entries")
        floor = median_time(lambda: find_occurrences(document, bundled), runs)
        print(f"floor (mark the bundled terms):        {floor * 1000:7.0f} ms")
        found: list = []
        marked = median_time(
            lambda: found.extend(find_all_occurrences(document, bundled, combined)), runs
        )
        print(
            f"mark bundled + personal entries:       {marked * 1000:7.0f} ms"
            f"  ({marked / floor:.1f}x floor; {len(found) // runs:,} occurrences)"
        )
        raw = export_toml(entries, title="bench", text_id=text_id)
        files = median_time(lambda: import_toml(raw, source="bench.toml"), runs)
        print(f"read a glossary file of {count} entries:  {files * 1000:7.0f} ms")
        query = f"{words[0]} {words[1]}"
        hits = len(library.search(query))
        search = median_time(lambda: library.search(query), runs)
        print(f"Search Everything, library part (FTS5): {search * 1000:7.1f} ms ({hits} hits)")
    finally:
        result.close()


if __name__ == "__main__":
    main()
