"""Round and force detection, with the evidence for each decision.

A round is decided by weighted clues found in the text: explicit titles ("PEEL 2021/22", "2023–25"),
framework wording ("PEEL Assessment Framework 2021/22"), ordinal assessments ("HMIC's second
assessment"), area names that only one round uses, and the grade scale ("adequate" exists only from
2021/22). The clue list is written into the report so a reader can see why.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import regex

from peelextract.models import RoundDecision, Scale

log = logging.getLogger(__name__)

ROUNDS = ("2014", "2015", "2016", "2017", "2018/19", "2021/22", "2023-25", "cdi")
FIVE_TIER_ROUNDS = frozenset({"2021/22", "2023-25"})

_CLUES: tuple[tuple[str, str, int], ...] = (
    (r"PEEL\s*(?:Assessment Framework\s*)?2021/22|PEEL 2021|2021/22 PEEL|peel-2021-22|\b2021/22\b", "2021/22", 4),
    (r"PEEL\s*(?:Assessment Framework\s*)?2023[–-]25|PEEL 2023|2023[–-]25|peel-2023|2023[–-]24 PEEL", "2023-25", 4),
    (r"PEEL\s*2018/19|\b2018/19\b|peel-2018", "2018/19", 4),
    (r"\bPEEL[ -]2017\b|peel-2017|\b(?:[A-Z][\w-]+ )+2017$|fourth PEEL", "2017", 3),
    (r"\bPEEL[ -]2016\b|peel-2016|\b(?:[A-Z][\w-]+ )+2016$|third PEEL|third assessment", "2016", 3),
    (r"\bPEEL[ -]2015\b|peel-2015|\b(?:[A-Z][\w-]+ )+2015$|second assessment", "2015", 3),
    (r"\bPEEL[ -]2014\b|peel-2014|first assessment|first PEEL", "2014", 3),
    (r"Crime Data Integrity (?:re-)?inspection|crime-data-integrity|Crime data integrity inspection", "cdi", 5),
    (r"police powers and public treatment|developing a positive workplace|leadership and force management", "2023-25", 2),
    (r"engaging with and treating the public with fairness and respect|building, supporting and protecting the workforce|"
     r"strategic planning, organisational management and value for money", "2021/22", 2),
    (r"treating the workforce fairly|ethical and lawful workforce behaviour|operates efficiently and sustainably",
     "2018/19", 2),
    (r"keeping people safe and reducing crime", "2016", 1),
)
_COMPILED = tuple((regex.compile(p, regex.IGNORECASE | regex.MULTILINE), r, w) for p, r, w in _CLUES)
_ADEQUATE = regex.compile(r"\b(?:is|as|be|was) adequate\b|\badequate at\b", regex.IGNORECASE)


def scale_for(round_: str) -> Scale:
    return "five-tier" if round_ in FIVE_TIER_ROUNDS else "four-tier"


def detect_round(text: str, name: str = "", override: str | None = None) -> RoundDecision | None:
    """The most likely round and the clues for it; None when no clue is found."""
    if override is not None:
        if override not in ROUNDS:
            raise ValueError(f"unknown round {override!r}; expected one of {', '.join(ROUNDS)}")
        return RoundDecision(round=override, scale=scale_for(override), overridden=True, clues=["--round override"])
    scores: dict[str, int] = defaultdict(int)
    clues: dict[str, list[str]] = defaultdict(list)
    haystack = text[:60000]
    for pattern, round_, weight in _COMPILED:
        m = pattern.search(haystack)
        if m:
            scores[round_] += weight
            clues[round_].append(f"{m.group(0)!r} (+{weight})")
    if _ADEQUATE.search(haystack):
        for r in FIVE_TIER_ROUNDS:
            scores[r] += 1
            clues[r].append("'adequate' used as a grade (+1)")
    if not scores:
        return None
    best = max(sorted(scores), key=lambda r: scores[r])
    return RoundDecision(round=best, scale=scale_for(best), clues=clues[best])
