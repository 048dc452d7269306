"""One rule for tags: what the editor shows can be read back as the very same tags."""

from __future__ import annotations

import pytest

from reader_app.domain.tags import normalise_tags, tags_from_text, tags_to_text


def test_tags_mean_what_the_user_means() -> None:
    assert normalise_tags(["Lenin", " lenin ", "Party   Congress", "", "  "]) == (
        "lenin",
        "party congress",
    )


@pytest.mark.parametrize(
    "tags",
    [
        (),
        ("lenin",),
        ("kollontai, alexandra", "nep"),
        ('"quoted"', 'say "no"', "a,b,c"),
        ('"', '""', ",", ", ,"),
        ("trailing,", ",leading"),
    ],
)
def test_tags_written_as_text_read_back_unchanged(tags: tuple[str, ...]) -> None:
    tags = normalise_tags(tags)
    assert tags_from_text(tags_to_text(tags)) == tags


def test_typed_text_is_split_on_commas_outside_quotes() -> None:
    assert tags_from_text('Lenin, "Kollontai, Alexandra" ,NEP,,') == (
        "lenin",
        "kollontai, alexandra",
        "nep",
    )
    assert tags_from_text('"half typed, still one') == ("half typed, still one",)
    assert tags_to_text(("lenin", "kollontai, alexandra")) == 'lenin, "kollontai, alexandra"'
