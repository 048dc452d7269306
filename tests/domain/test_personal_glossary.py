"""Personal glossary entries: beside the bundled ones, their occurrences, their files."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader_app.domain.glossary import (
    Category,
    Glossary,
    GlossaryError,
    Source,
    load_glossary,
    parse_glossary,
)
from reader_app.domain.personal_glossary import (
    export_toml,
    find_all_occurrences,
    glossary_for_text,
    import_toml,
    make_entry,
    plan_merge,
)
from reader_app.domain.text import Document
from reader_app.paths import resource_root

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def bundled(document: Document) -> Glossary:
    assert document.glossary_file
    return load_glossary(resource_root() / "glossary" / document.glossary_file)


def test_a_personal_entry_with_a_bundled_headword_stands_beside_it(
    document: Document, bundled: Glossary
) -> None:
    mine = make_entry(headword="Self-activity", gloss="My own gloss.", now=T0)
    combined = glossary_for_text(bundled, [mine], document.id)
    assert combined.entry("self-activity") == bundled.entry("self-activity")
    assert combined.entry(mine.id).gloss == "My own gloss."
    occurrences = find_all_occurrences(document, bundled, combined)
    theirs = [(o.block_id, o.start) for o in occurrences if o.entry_id == "self-activity"]
    own = [(o.block_id, o.start) for o in occurrences if o.entry_id == mine.id]
    assert own and set(own) <= set(theirs)


def test_personal_entries_are_found_only_in_the_texts_they_apply_to(
    document: Document, bundled: Glossary
) -> None:
    elsewhere = make_entry(headword="bureaucracy", gloss="x", text_id="another-text", now=T0)
    here = make_entry(headword="the masses", gloss="y", text_id=document.id, now=T0)
    everywhere = make_entry(headword="workers", gloss="z", now=T0)
    combined = glossary_for_text(bundled, [elsewhere, here, everywhere], document.id)
    assert elsewhere.id not in combined
    assert here.id in combined and everywhere.id in combined
    found = {o.entry_id for o in find_all_occurrences(document, bundled, combined)}
    assert {here.id, everywhere.id} <= found


def test_an_entry_needs_a_headword_and_a_gloss() -> None:
    with pytest.raises(ValueError, match="headword"):
        make_entry(headword="  ", gloss="x")
    with pytest.raises(ValueError, match="gloss"):
        make_entry(headword="x", gloss="")


def test_export_then_import_gives_back_the_same_entries() -> None:
    entries = [
        make_entry(
            headword='A "quoted" \\ word',
            aliases=["alias\twith tab", "ünïcode"],
            category=Category.PERSON,
            gloss="Line one\nline two",
            explanation="",
            sources=[Source("Tutor", "Handout", 2026, "https://example.org/h", None, "2026-12-01")],
            text_id="bread-and-peace",
            now=T0,
        ),
        make_entry(headword="Soviet", gloss="A council.", now=T0),
    ]
    raw = export_toml(entries, title="My glossary", text_id=None)
    assert import_toml(raw, source="mine.toml") == entries


def test_a_file_for_one_text_keeps_entries_for_every_text() -> None:
    everywhere = make_entry(headword="Soviet", gloss="A council.", now=T0)
    here = make_entry(headword="Kulak", gloss="A peasant.", text_id="bread", now=T0)
    raw = export_toml([everywhere, here], title="For bread", text_id="bread")
    back = import_toml(raw, source="bread.toml")
    assert [(p.entry.headword, p.text_id) for p in back] == [("Soviet", None), ("Kulak", "bread")]
    bad = raw.replace("every_text = true", 'every_text = "yes"')
    with pytest.raises(GlossaryError, match="every_text must be true or false"):
        import_toml(bad, source="bread.toml")


def test_an_exported_file_with_sources_is_a_bundled_format_file() -> None:
    entry = make_entry(
        headword="Soviet",
        gloss="A council.",
        explanation="Elected by workers.",
        sources=[Source("Tutor", "Handout", 2026, None)],
        now=T0,
    )
    raw = export_toml([entry], title="For the class", text_id="bread")
    glossary = parse_glossary(raw, source="class.toml")  # the bundled loader, strict
    assert [e.headword for e in glossary.entries] == ["Soviet"]
    assert tomllib.loads(raw)["meta"]["text"] == "bread"


def test_entries_take_the_files_text_unless_they_name_their_own() -> None:
    raw = """[meta]
text = "bread"
[[entry]]
id = "a"
headword = "A"
category = "concept"
gloss = "first"
[[entry]]
id = "b"
headword = "B"
category = "concept"
gloss = "second"
text = "peace"
"""
    first, second = import_toml(raw, source="f.toml", now=T0)
    assert (first.text_id, second.text_id) == ("bread", "peace")
    assert first.created == first.modified == T0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[[entry]]\nid = 'a'\nheadword = 'A'\ncategory = 'concept'\n", "f.toml, line 2: "),
        ("[[entry]]\nid = 'a'\nheadword = 'A'\ncategory = 'colour'\ngloss = 'g'\n", "line 2"),
        ("x = [\n", "f.toml: not valid TOML"),
        ("entry = 3\n", "f.toml: entry must be an array"),
        (
            "[[entry]]\nid = 'a'\nheadword = 'A'\ncategory = 'concept'\ngloss = 'g'\n"
            "modified = 'yesterday'\n",
            "f.toml, line 2: 'yesterday' is not a time",
        ),
        (
            "[[entry]]\nid = 'a'\nheadword = 'A'\ncategory = 'concept'\ngloss = 'g'\n"
            "aliases = 'one'\n",
            "aliases must be a list",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_its_line(raw: str, message: str) -> None:
    with pytest.raises(GlossaryError) as caught:
        import_toml(raw, source="f.toml")
    assert message in str(caught.value)


def test_the_merge_plan_prefers_the_later_edit_and_joins_aliases() -> None:
    mine = make_entry(headword="Soviet", gloss="Mine.", aliases=["soviets"], now=T0)
    theirs = make_entry(
        headword="SOVIET",
        gloss="Theirs.",
        aliases=["council"],
        now=datetime(2027, 1, 1, tzinfo=UTC),
    )
    plan = plan_merge([mine], [theirs])
    (updated,) = plan.updated
    assert updated.id == mine.id and updated.entry.gloss == "Theirs."
    assert updated.entry.aliases == ("council", "soviets")
    assert updated.created == T0


# -- fuzzing the importer --------------------------------------------------------------

_TEXT = st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_imported_or_refused_in_words(raw: str) -> None:
    try:
        entries = import_toml(raw, source="fuzz.toml")
    except GlossaryError as error:
        assert str(error).startswith("fuzz.toml")
    else:
        assert all(e.entry.headword and e.entry.gloss for e in entries)


# Two levels of nesting spelled out (not st.recursive): tables of lists of scalars are as deep
# as a glossary file goes.
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT
_NESTED = _SCALARS | st.lists(_SCALARS, max_size=3)
_VALUES = _NESTED | st.lists(_NESTED, max_size=3) | st.dictionaries(_TEXT, _NESTED, max_size=3)
_KEYS = st.sampled_from(
    ["id", "headword", "aliases", "category", "gloss", "explanation", "sources", "text",
     "created", "modified", "see_also", "start", "end", "context", "author", "title", "url"]
)  # fmt: skip


def _toml_value(value: object) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, int) else f"{value:.3f}"
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f'"k{i}" = {_toml_value(v)}' for i, v in enumerate(value.values())) + "}"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(_KEYS, _VALUES | st.sampled_from(["concept", "a", "x"])), max_size=4)
)
def test_well_formed_toml_with_any_fields_never_escapes_as_a_traceback(
    tables: list[dict[str, object]],
) -> None:
    raw = "".join(
        "[[entry]]\n" + "".join(f"{key} = {_toml_value(value)}\n" for key, value in t.items())
        for t in tables
    )
    try:
        tomllib.loads(raw)
    except tomllib.TOMLDecodeError:
        return  # our small writer made invalid TOML; the case above covers that
    try:
        import_toml(raw, source="fuzz.toml")
    except GlossaryError as error:
        assert str(error).startswith("fuzz.toml")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda h, g, e, a, t: make_entry(
                headword=h, gloss=g, explanation=e, aliases=a, text_id=t, now=T0
            ),
            _TEXT.filter(str.strip),
            _TEXT.filter(str.strip),
            _TEXT,
            st.lists(_TEXT, max_size=3),
            st.none() | st.sampled_from(["bread", "peace"]),
        ),
        max_size=4,
    )
)
def test_any_entries_survive_a_round_trip(entries: list) -> None:
    def printable(text: str) -> str:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)

    raw = export_toml(entries, title="t", text_id=None)
    back = import_toml(raw, source="round.toml")
    assert [p.entry.headword for p in back] == [printable(p.entry.headword) for p in entries]
    assert [p.text_id for p in back] == [p.text_id for p in entries]
