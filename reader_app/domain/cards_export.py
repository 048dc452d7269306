"""Review cards out to Anki: an ``.apkg`` package written here, and a CSV for text import.

The package is a zip holding ``collection.anki2``, an SQLite collection in Anki's legacy
schema 11 (the layout every Anki release since 2.1 imports, and what genanki writes), and a
``media`` file mapping media names; we ship no media, so it is ``{}``. Two note types are
defined, one basic (Front/Back) and one cloze (Text/Back Extra), with fixed ids so that a
second export refers to the note types the first one created. There is one deck per text.

Re-importing must update rather than duplicate: Anki matches notes by their GUID, which is
the card's own stable id, and replaces a matched note when the imported one is newer, so
each note's modification time is the time of the export.

Every field is HTML we build from escaped text (see ``review.anki_html``); nothing a reader
typed becomes markup, a cloze marker or a media reference.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from reader_app.domain.export.spreadsheet import neutralised  # the notes CSV's own guard
from reader_app.domain.review import CardKind, ReviewCard, basic_html, cloze_field_html

BASIC_MODEL_ID = 1_733_000_000_001
CLOZE_MODEL_ID = 1_733_000_000_002
DEFAULT_DECK_ID = 1
DECK_PREFIX = "Study Reader"
MISSING_SOURCE_TAG = "source-deleted"

_CSS = (
    ".card { font-family: Georgia, serif; font-size: 20px; text-align: left; line-height: 1.5; }\n"
    ".source { font-size: 14px; opacity: 0.7; margin-bottom: 0.8em; }\n"
    ".cloze { font-weight: bold; }\n"
)

_SCHEMA = """
CREATE TABLE col (
    id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
    ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL,
    conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL,
    tags text NOT NULL
);
CREATE TABLE notes (
    id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
    usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL,
    csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE cards (
    id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
    mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL,
    due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL,
    lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL,
    odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE revlog (
    id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
    ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL,
    time integer NOT NULL, type integer NOT NULL
);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
"""


def _number(*parts: str) -> int:
    """A positive id below 2**48 from text: the same input always gives the same id."""
    return int(hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12], 16) or 1


def deck_id(text_id: str) -> int:
    return _number("deck", text_id)


def deck_name(text_id: str, titles: Mapping[str, str]) -> str:
    """``Study Reader::<title>``; ``::`` is Anki's deck separator, so a title keeps none."""
    title = (titles.get(text_id) or text_id).replace("::", ":").strip() or text_id
    return f"{DECK_PREFIX}::{title}"


def anki_tags(card: ReviewCard, extra: Iterable[str] = ()) -> list[str]:
    """Anki tags are single words: spaces become underscores."""
    tags = ["study-reader", card.kind.value, *extra]
    if card.source_missing:
        tags.append(MISSING_SOURCE_TAG)
    return [re.sub(r"\s+", "_", tag.strip()) for tag in tags if tag.strip()]


def _field_template(name: str, ordinal: int) -> dict[str, Any]:
    return {
        "name": name, "ord": ordinal, "sticky": False, "rtl": False, "font": "Arial",
        "size": 20, "media": [],
    }  # fmt: skip


def _model(model_id: int, name: str, *, cloze: bool, now: int) -> dict[str, Any]:
    if cloze:
        fields = ["Text", "Back Extra"]
        template = {"qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}
    else:
        fields = ["Front", "Back"]
        template = {"qfmt": "{{Front}}", "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}
    return {
        "id": model_id, "name": name, "type": 1 if cloze else 0, "mod": now, "usn": -1,
        "sortf": 0, "did": None, "tags": [], "vers": [], "css": _CSS,
        "latexPre": "", "latexPost": "", "latexsvg": False,
        "flds": [_field_template(field, n) for n, field in enumerate(fields)],
        "tmpls": [{
            "name": "Cloze" if cloze else "Card 1", "ord": 0, "bqfmt": "", "bafmt": "",
            "did": None, "bfont": "", "bsize": 0, **template,
        }],
        "req": [[0, "any", [0]]],
    }  # fmt: skip


def _deck(identifier: int, name: str, now: int) -> dict[str, Any]:
    return {
        "id": identifier, "name": name, "mod": now, "usn": -1, "desc": "", "dyn": 0, "conf": 1,
        "collapsed": False, "browserCollapsed": False, "extendNew": 0, "extendRev": 0,
        "lrnToday": [0, 0], "revToday": [0, 0], "newToday": [0, 0], "timeToday": [0, 0],
    }  # fmt: skip


_DECK_CONFIG = {
    "1": {
        "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": True,
        "timer": 0, "replayq": True, "dyn": False,
        "new": {"bury": False, "delays": [1.0, 10.0], "initialFactor": 2500,
                "ints": [1, 4, 0], "order": 1, "perDay": 20},
        "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
        "rev": {"bury": False, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
                "hardFactor": 1.2},
    }
}  # fmt: skip


def _strip_html(text: str) -> str:
    return re.sub(r"<[^>]*>", " ", text)


def _checksum(first_field: str) -> int:
    """Anki's duplicate check: the first 8 hex digits of the SHA-1 of the plain first field."""
    return int(hashlib.sha1(_strip_html(first_field).strip().encode()).hexdigest()[:8], 16)


def build_apkg(
    cards: Iterable[ReviewCard],
    *,
    now: datetime,
    titles: Mapping[str, str] | None = None,
    tags: Mapping[str, Iterable[str]] | None = None,
) -> bytes:
    """The ``.apkg`` bytes for ``cards``; ``titles`` names each text's deck, ``tags`` gives
    extra tags per card id (a note's own tags). ``now`` becomes every note's modification
    time, which is what lets Anki take this export's notes over an older import's."""
    titles, tags = titles or {}, tags or {}
    stamp = int(now.timestamp())
    cards = list(cards)
    database = sqlite3.connect(":memory:")
    try:
        database.executescript(_SCHEMA)
        decks = {str(DEFAULT_DECK_ID): _deck(DEFAULT_DECK_ID, "Default", stamp)}
        for text_id in dict.fromkeys(card.text_id for card in cards):
            identifier = deck_id(text_id)
            decks[str(identifier)] = _deck(identifier, deck_name(text_id, titles), stamp)
        models = {
            str(BASIC_MODEL_ID): _model(BASIC_MODEL_ID, "Study Reader Basic", cloze=False, now=0),
            str(CLOZE_MODEL_ID): _model(CLOZE_MODEL_ID, "Study Reader Cloze", cloze=True, now=0),
        }
        config = {"nextPos": len(cards) + 1, "curDeck": DEFAULT_DECK_ID, "activeDecks": [1]}
        database.execute(
            "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
            (stamp, stamp * 1000, stamp * 1000, json.dumps(config), json.dumps(models),
             json.dumps(decks), json.dumps(_DECK_CONFIG)),
        )  # fmt: skip
        for position, card in enumerate(cards, start=1):
            _insert(database, card, position, stamp, anki_tags(card, tags.get(card.id, ())))
        database.commit()
        collection = database.serialize()
    finally:
        database.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("collection.anki2", collection)
        package.writestr("media", "{}")
    return buffer.getvalue()


def _insert(
    database: sqlite3.Connection, card: ReviewCard, position: int, stamp: int, tags: list[str]
) -> None:
    is_cloze = card.kind is CardKind.CLOZE
    fields = cloze_field_html(card) if is_cloze else basic_html(card)
    note_id = _number("note", card.id)
    database.execute(
        "INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
        (note_id, card.id, CLOZE_MODEL_ID if is_cloze else BASIC_MODEL_ID, stamp,
         f" {' '.join(tags)} ", "\x1f".join(fields), _strip_html(fields[0]).strip(),
         _checksum(fields[0])),
    )  # fmt: skip
    # A new card (type and queue 0) due in the order of the export.
    database.execute(
        "INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')",
        (_number("card", card.id), note_id, deck_id(card.text_id), stamp, position),
    )


def build_csv(cards: Iterable[ReviewCard], tags: Mapping[str, Iterable[str]] | None = None) -> str:
    """Front, back and tags for Anki's text import, with the header lines Anki 2.1.54 and
    later read. Cells are escaped HTML, then guarded against spreadsheet formulas as the
    notes CSV is (a cell starting with = + - @ gets a leading ')."""
    tags = tags or {}
    buffer = io.StringIO()
    buffer.write("#separator:Comma\n#html:true\n#tags column:3\n")
    writer = csv.writer(buffer, lineterminator="\n")
    for card in cards:  # a cloze card goes as its blanked and its revealed passage
        front, back = basic_html(card)
        cells = [front, back, " ".join(anki_tags(card, tags.get(card.id, ())))]
        writer.writerow(map(neutralised, cells))
    return buffer.getvalue()
