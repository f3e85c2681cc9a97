"""Number parsing shared by the rules: digits with thousands separators, decimals and number words."""

from __future__ import annotations

import regex

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_WORD_ALT = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
# A number as written in reports: "17,020", "96.4", "nine", "twenty-one", "one hundred".
NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    rf"(?:(?:{_WORD_ALT})(?:[- ](?:{_WORD_ALT}))?(?: hundred(?: and (?:{_WORD_ALT})(?:[- ](?:{_WORD_ALT}))?)?)?))"
)
_NUMBER_RE = regex.compile(rf"^{NUMBER}$", regex.IGNORECASE)
# Above this a float no longer holds every whole number exactly (2**53 ≈ 9.0e15), and no count, rate or
# percentage in a report comes near it: a longer run of digits is refused, not rounded (or made infinite).
MAX_NUMBER = 1e15


def _words_below_100(words: str) -> int:
    parts = regex.split(r"[- ]", words.strip())
    total = 0
    for p in parts:
        if p in _TENS:
            total += _TENS[p]
        elif p in _UNITS:
            total += _UNITS[p]
        else:
            raise ValueError(f"not a number word: {p!r}")
    return total


def parse_number(text: str) -> float:
    """Parse "17,020" → 17020, "96.4" → 96.4, "nine" → 9, "twenty-one" → 21, "one hundred and five" → 105.

    Raises ValueError for anything else (including malformed separators like "1,00", and numbers above
    ``MAX_NUMBER``).
    """
    s = text.strip().lower()
    if not _NUMBER_RE.match(s):
        raise ValueError(f"not a number: {text!r}")
    if s[0].isdigit():
        value = float(s.replace(",", ""))
        if value > MAX_NUMBER:
            raise ValueError(f"number too large to be exact: {text[:40]!r}")
        return value
    if " hundred" in s:
        head, _, rest = s.partition(" hundred")
        value = _words_below_100(head) * 100
        rest = rest.removeprefix(" and ").strip()
        return float(value + (_words_below_100(rest) if rest else 0))
    return float(_words_below_100(s))


def parse_int(text: str) -> int:
    value = parse_number(text)
    if value != int(value):
        raise ValueError(f"not a whole number: {text!r}")
    return int(value)
