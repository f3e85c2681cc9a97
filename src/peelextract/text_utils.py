"""Small helpers for the words of messages people read."""

from __future__ import annotations


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    """``n`` and ``word`` agreeing in number: ``plural(1, "warning")`` is "1 warning", ``plural(2, "warning")``
    is "2 warnings"; ``plural_word`` for an irregular plural (``plural(3, "match", "matches")``)."""
    return f"{n} {noun(n, word, plural_word)}"


def noun(n: int, word: str, plural_word: str | None = None) -> str:
    """``word`` in the number ``n`` asks for, without the number: "report" for 1, "reports" otherwise."""
    return word if n == 1 else plural_word or word + "s"
