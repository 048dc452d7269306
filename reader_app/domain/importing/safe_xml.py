"""XML without entity tricks: the EPUB importer's only way to read the files in a book.

``xml.etree`` never fetches external entities, but it expands internal ones, so a few
hundred bytes declaring nested entities can unpack to gigabytes (the "billion laughs").
As defusedxml does, any document that declares an entity is refused outright; books have
no need to. HTML's named characters (``&nbsp;``, ``&mdash;``), which XHTML chapters often
use without declaring them, are looked up in the standard library's table instead.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.entities import html5
from typing import NoReturn
from xml.parsers import expat


class XmlRefusedError(Exception):
    """The document is not well-formed, or declares entities; the message says which."""


def _refuse_entities(*_: object) -> NoReturn:
    raise XmlRefusedError("it declares XML entities, which are refused for safety")


def _expanded_name(name: str) -> str:
    """Expat's "uri}local" as ElementTree's "{uri}local"."""
    return "{" + name if "}" in name else name


def feed_xml(
    data: bytes,
    start: Callable[[str, dict[str, str]], object],
    end: Callable[[str], object],
    text: Callable[[str], object],
) -> None:
    """Parse ``data``, calling back with namespaced names in ElementTree's ``{uri}local`` form."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.EntityDeclHandler = _refuse_entities
    parser.UnparsedEntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _refuse_entities
    # With a "foreign DTD", expat reports an undeclared entity instead of failing on it.
    parser.UseForeignDTD(True)
    parser.StartElementHandler = lambda name, attributes: start(
        _expanded_name(name), {_expanded_name(k): v for k, v in attributes.items()}
    )
    parser.EndElementHandler = lambda name: end(_expanded_name(name))
    parser.CharacterDataHandler = text
    parser.SkippedEntityHandler = lambda name, _is_parameter: text(html5.get(name + ";", ""))
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise XmlRefusedError(f"it is not well-formed XML ({error})") from None
    except RecursionError:
        raise XmlRefusedError("its elements nest too deeply") from None


def parse_xml(data: bytes) -> ET.Element:
    builder = ET.TreeBuilder()
    feed_xml(data, builder.start, builder.end, builder.data)
    root = builder.close()
    if root is None:
        raise XmlRefusedError("it has no root element")
    return root
