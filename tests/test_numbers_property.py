"""Property tests for the number parser: digits, words, thousands separators."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peelextract.extract.numbers import parse_int, parse_number

_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def to_words(n: int) -> str:
    if n < 20:
        return _WORDS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] + (f"-{_WORDS[unit]}" if unit else "")


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_with_thousands_separators(n: int) -> None:
    assert parse_int(f"{n:,}") == n
    assert parse_int(str(n)) == n


@given(st.integers(min_value=0, max_value=99))
def test_number_words(n: int) -> None:
    assert parse_int(to_words(n)) == n
    assert parse_int(to_words(n).upper()) == n


@given(st.integers(min_value=1, max_value=9), st.integers(min_value=0, max_value=99))
def test_hundreds_in_words(h: int, rest: int) -> None:
    text = f"{_WORDS[h]} hundred" + (f" and {to_words(rest)}" if rest else "")
    assert parse_int(text) == h * 100 + rest


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_decimals(d: object) -> None:
    assert parse_number(str(d)) == pytest.approx(float(str(d)))


@given(st.text(max_size=12))
def test_anything_else_is_a_value_error_or_a_number(s: str) -> None:
    try:
        value = parse_number(s)
    except ValueError:
        return
    assert value >= 0


@pytest.mark.parametrize("bad", ["1,00", "12,3456", "one-hundred-thousand", "", "1.2.3", "eleventy"])
def test_malformed_numbers_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_number(bad)
