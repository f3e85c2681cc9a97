"""Round clues search their alternatives one by one (``rounds._first_match``): the match must be the one the
joined alternation ``a|b|…`` finds, on text built from the clues' own words."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from peelextract.rounds import _TEXT_CLUES, _first_match

PIECES = st.sampled_from(
    [
        "PEEL ",
        "PEEL 2017",
        "PEEL-2016",
        "2021/22 PEEL",
        "PEEL 2023",
        "2023–24 PEEL",
        "Cheshire 2017",
        "Dyfed-Powys PEEL 2018",
        "fourth PEEL",
        "third PEEL",
        "treating the workforce fairly",
        "Crime Data Integrity inspection 2017",
        "Overall judgment\ngraded inadequate",
        "\n",
        " ",
        "the force ",
        "PEEL 2025–27",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join), st.sampled_from(range(len(_TEXT_CLUES))))
def test_first_match_is_the_alternations_match(text: str, which: int) -> None:
    alternatives, flags, _, _ = _TEXT_CLUES[which]
    joined = regex.compile("|".join(alternatives), flags).search(text)
    split = _first_match(tuple(regex.compile(a, flags) for a in alternatives), text)
    if joined is None or split is None:
        assert joined is None and split is None
    else:
        assert (split.span(), split.group(0)) == (joined.span(), joined.group(0))
