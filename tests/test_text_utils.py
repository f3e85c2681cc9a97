"""Numbers and nouns agree: "1 warning", "2 warnings", "0 reports"."""

from __future__ import annotations

import pytest

from peelextract.text_utils import noun, plural


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [
        (0, "warning", "0 warnings"),
        (1, "warning", "1 warning"),
        (2, "warning", "2 warnings"),
        (1, "report", "1 report"),
        (43, "report", "43 reports"),
        (1, "case count", "1 case count"),
        (8, "CI percentage", "8 CI percentages"),
        (-1, "row", "-1 rows"),
    ],
)
def test_plural(n: int, word: str, expected: str) -> None:
    assert plural(n, word) == expected


def test_irregular_plural() -> None:
    assert [plural(n, "match", "matches") for n in (1, 2)] == ["1 match", "2 matches"]
    assert [noun(n, "entry", "entries") for n in (1, 5)] == ["entry", "entries"]
