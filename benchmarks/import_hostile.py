"""How long an import of a large or hostile file takes: the target is 10 s for 20 MB.

Run from the repository root::

    python benchmarks/import_hostile.py            # files of 20 MB
    python benchmarks/import_hostile.py --mb 5

It writes each kind of file to a temporary folder (never the user's), imports it with the
real command (``study-reader import``, in this process) into a fresh data folder, and
prints the time, with the floor measured in the same run: reading and ``json.loads`` of
the same bytes, work no import can avoid. The kinds are the ones issue 10 names: many
annotations whose quotes are not in the text (the fuzzy matcher's worst case), very long
quotes, one annotation with a huge number of selectors, and our own export format.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader_app import cli
from reader_app.domain.export import text_iri
from reader_app.domain.text import Document, load_document

TARGET_SECONDS = 10.0


def _words(document: Document) -> list[str]:
    return [w for block in document.blocks for w in block.text.split()]


def _annotation(index: int, exact: str, source: str, selectors: int = 0) -> dict:
    selector: list[dict] = [{"type": "TextQuoteSelector", "exact": exact}]
    selector += [
        {"type": "TextPositionSelector", "start": i, "end": i + 1} for i in range(selectors)
    ]
    return {
        "id": f"https://example.org/a/{index}",
        "type": "Annotation",
        "modified": "2024-01-01T00:00:00Z",
        "body": {"type": "TextualBody", "value": f"note {index}"},
        "target": {"source": source, "selector": selector},
    }


def _fill(size: int, make: Callable[[int], dict]) -> bytes:
    items: list[dict] = []
    total = 0
    while total < size:
        item = make(len(items))
        total += len(json.dumps(item)) + 2
        items.append(item)
    data = json.dumps(items[:-1] if total > size else items).encode()
    return data[:size] if len(data) <= size else data


def files(document: Document, size: int) -> dict[str, bytes]:
    rng = random.Random(1921)
    words = _words(document)
    source = "https://example.org/elsewhere"

    def missing(index: int) -> dict:
        # Text's own words in a new order: shares many pieces with it, matches nowhere.
        return _annotation(index, " ".join(rng.sample(words, 40)), source)

    def long_quote(index: int) -> dict:
        return _annotation(index, " ".join(rng.choices(words, k=180_000)), source)

    selectors = max(1, size // 70)
    many_selectors = json.dumps(
        [_annotation(0, " ".join(words[:12]), text_iri(document), selectors=selectors)]
    ).encode()
    found = " ".join(words[10:22])
    return {
        "quotes not in the text": _fill(size, missing),
        "very long quotes": _fill(size, long_quote),
        "huge number of selectors": many_selectors[:size] if len(many_selectors) <= size
        else json.dumps([_annotation(0, found, text_iri(document),
                                     selectors=selectors * size // len(many_selectors) - 1)]
                        ).encode(),
        "quotes found in the text": _fill(size, lambda i: _annotation(i, found, source)),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    args = parser.parse_args()
    size = int(args.mb * 1024 * 1024)
    document = load_document()
    print(f"Import of {args.mb:g} MB files; target {TARGET_SECONDS:.0f} s each")
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="study-reader-bench-") as folder:
        for name, data in files(document, size).items():
            source = Path(folder) / f"{name.replace(' ', '-')}.json"
            source.write_bytes(data)
            start = time.perf_counter()
            json.loads(source.read_bytes())
            floor = time.perf_counter() - start
            out, err = io.StringIO(), io.StringIO()
            start = time.perf_counter()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = cli.main(["import", str(source), "--data-dir", str(Path(folder) / name)])
            seconds = time.perf_counter() - start
            worst = max(worst, seconds)
            result = (out.getvalue() or err.getvalue()).strip()
            print(
                f"  {name:26} {len(data) / 2**20:5.1f} MB  {seconds:6.2f} s  "
                f"({seconds / floor:5.0f}x the json.loads floor of {floor:.2f} s)  "
                f"status {status}: {result[:90]}"
            )
    verdict = "within" if worst <= TARGET_SECONDS else "OVER"
    print(f"Slowest: {worst:.2f} s, {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0 if worst <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
