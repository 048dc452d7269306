"""User text shown inside interface text is a closed bidi isolate, whatever it holds."""

from __future__ import annotations

import pytest

from reader_app.domain.bidi import FSI, PDI, isolate

LRI, RLO = "\u2066", "\u202e"


def test_plain_ascii_is_left_as_it_is() -> None:
    assert isolate("bureaucracy") == "bureaucracy"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"{RLO}evil", f"{FSI}{RLO}evil{PDI}"),
        ("עברית", f"{FSI}עברית{PDI}"),  # right-to-left words keep their own direction inside
        (f"{PDI}{RLO}x", f"{FSI}{RLO}x{PDI}"),  # a stray PDI would have closed our isolate
        (f"{LRI}open", f"{FSI}{LRI}open{PDI}{PDI}"),  # an isolate left open is closed first
        (f"{LRI}a{PDI}{PDI}b", f"{FSI}{LRI}a{PDI}b{PDI}"),
    ],
)
def test_the_isolate_is_balanced_and_closed(text: str, shown: str) -> None:
    assert isolate(text) == shown
