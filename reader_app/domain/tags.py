"""Tags: the one rule for what a tag is, and the one way a list of tags is written as text.

Every path a tag takes (typing, import, search filters, the database) goes through
``normalise_tags``, so ``Lenin`` typed in the editor and ``lenin`` stored are the same tag and
the editor can tell that its words were saved. The rule must stay stable: stored notes are
checked against it when they are read.

The tag field is one line of comma-separated tags. A tag that holds a comma (imported tags
may) or starts with a double quote is written in double quotes, CSV style, with its own
quotes doubled, so that reading the field back gives the very same tags.
"""

from __future__ import annotations

from collections.abc import Iterable

SEPARATOR = ","
QUOTE = '"'


def normalise_tag(tag: str) -> str:
    """``Bureaucracy ``, ``bureaucracy`` and ``BUREAUCRACY`` are one tag; inner whitespace runs
    become one space."""
    return " ".join(tag.split()).lower()


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Each tag normalised; empty tags vanish; the first spelling's order is kept."""
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = normalise_tag(tag)
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def _written(tag: str) -> str:
    if SEPARATOR in tag or tag.startswith(QUOTE):
        return QUOTE + tag.replace(QUOTE, QUOTE * 2) + QUOTE
    return tag


def tags_to_text(tags: Iterable[str]) -> str:
    """The tag field's text for these tags: ``lenin, "kollontai, alexandra"``."""
    return f"{SEPARATOR} ".join(_written(tag) for tag in tags)


def _split(text: str) -> list[str]:
    """Comma-separated fields; a field that starts with a quote runs to its closing quote.

    Lenient, because the text is read while it is being typed: an unclosed quote runs to the
    end, and anything after a closing quote up to the next comma belongs to the same field.
    """
    fields: list[str] = []
    position = 0
    while position <= len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        field: list[str] = []
        if text.startswith(QUOTE, position):
            position += 1
            while position < len(text):
                if text.startswith(QUOTE * 2, position):
                    field.append(QUOTE)
                    position += 2
                elif text[position] == QUOTE:
                    position += 1
                    break
                else:
                    field.append(text[position])
                    position += 1
        end = text.find(SEPARATOR, position)
        end = len(text) if end < 0 else end
        field.append(text[position:end])
        fields.append("".join(field))
        position = end + 1
    return fields


def tags_from_text(text: str) -> tuple[str, ...]:
    """The tags the user means by what is in the tag field, normalised."""
    return normalise_tags(_split(text))
