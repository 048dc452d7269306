"""Hostile files given to the window's library: each is added or refused with one line that
names it; the window never shows a traceback and keeps working."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SUFFIXES = (".txt", ".md", ".html", ".xhtml", ".epub", "")
names = itertools.count()

# A zip that claims to be an EPUB, text with stray bytes, markup cut short: shapes the
# importers meet in the wild, mixed with plain noise.
hostile = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=2000).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"PK\x03\x04" + b"\x00" * 40,
            b"<html><body><p>unclosed <b>bold",
            b"\xff\xfe" + "UTF-16 text".encode("utf-16-le"),
            b"# Heading\n\n" + b"\x00\x01\x02" * 50,
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
        ]
    ),
)


@pytest.fixture
def window(make_window, qtbot):
    """One window for every example, on purpose: a hostile file must not spoil the next."""
    window = make_window()
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    return window


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=hostile, suffix=st.sampled_from(SUFFIXES))
def test_hostile_files_are_added_or_refused_in_one_line(
    window, qtbot, dialogs_shown, tmp_path: Path, data: bytes, suffix: str
) -> None:
    library = window.library
    path = tmp_path / f"hostile-{next(names)}{suffix}"
    path.write_bytes(data)
    before = len(library.model.texts())
    errors_before = len(dialogs_shown.texts("error"))
    with qtbot.waitSignal(
        library.controller.adding_changed, timeout=10000, check_params_cb=lambda n: n == 0
    ):
        library.add_files([path])
    errors = dialogs_shown.texts("error")[errors_before:]
    if errors:
        [error] = errors
        assert path.name in error
        assert "Traceback" not in error
        assert len(library.model.texts()) == before
    else:  # added, or the same bytes were already here: either way it is open now
        qtbot.waitUntil(
            lambda: any(
                words in window.statusBar().currentMessage()
                for words in ("to the library", "already here")
            )
        )
        assert library.current_text_id in {t.id for t in library.model.texts()}
        assert window.document.id == library.current_text_id
    assert window.isVisible()
