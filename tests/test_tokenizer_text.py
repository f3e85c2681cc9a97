"""``nlp.tokenizer_text`` skips the long-run search when ``str.split`` shows no word over 64 characters; it must
mask exactly what the search masks, including runs that span the four characters ``str.split`` treats as
space and regex does not (U+001C–U+001F)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peelextract.nlp import _LONG_RUN, _mask, tokenizer_text

PIECES = st.sampled_from(["x", "x" * 30, "?", ".", " ", "\t", "\n", "\x1c", "\x1f", "\u00a0", "\u2003", "\x85"])


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_same_as_the_regex_alone(text: str) -> None:
    expected = _LONG_RUN.sub(_mask, text) if len(text) > 64 else text
    assert tokenizer_text(text) == expected


def test_a_run_joined_by_a_file_separator_is_masked() -> None:
    text = "x" * 40 + "\x1c" + "x" * 40 + "."
    assert tokenizer_text(text) == "x" * 81 + "."
