"""Rounds and their grade scales: the one definition of every round, every grade word and the grade-line pattern.

The grades themselves (their display names and order) are the contract's ``models.GradeName``; everything
here is derived from it, so no other module spells a grade word or a list of rounds.

Adding a round: one ``Round`` entry in ``ROUND_TABLE`` (PEEL rounds in chronological order, then cdi; its
scale decides which grades it has and which areas it shares with the other rounds of that scale), then the
clues that recognise it in ``rounds/__init__.py`` and, where it prints an area title of its own,
``round_titles`` in ``rounds.vocab``.
"""

from __future__ import annotations

from typing import NamedTuple

import regex

from peelextract.models import GRADE_ORDER, GradeName, Scale


class Round(NamedTuple):
    """One inspection round: its name as reports, ``--round`` and the output spell it, its grade scale, and
    whether it is a PEEL round (crime data integrity, "cdi", is a programme of its own on the four-tier scale)."""

    name: str
    scale: Scale
    peel: bool = True
    # False when the round's area titles are not in ``rounds.vocab`` (2025–27: only its first core question is
    # published): its areas are read from each report's own structure and the decision is marked inferred.
    vocabulary: bool = True


ROUND_TABLE: tuple[Round, ...] = (
    Round("2014", "four-tier"),
    Round("2015", "four-tier"),
    Round("2016", "four-tier"),
    Round("2017", "four-tier"),
    Round("2018/19", "four-tier"),
    Round("2021/22", "five-tier"),
    Round("2023-25", "five-tier"),
    Round("2025-27", "five-tier", vocabulary=False),
    Round("cdi", "four-tier", peel=False),
)
ROUNDS: tuple[str, ...] = tuple(r.name for r in ROUND_TABLE)
_BY_NAME = {r.name: r for r in ROUND_TABLE}
# The five-tier rounds are also the rounds that report by area section (a badge per area).
FIVE_TIER_ROUNDS = frozenset(r.name for r in ROUND_TABLE if r.scale == "five-tier")
# The four-tier PEEL rounds report by pillar (effectiveness, efficiency, legitimacy).
FOUR_TIER_PEEL_ROUNDS = frozenset(r.name for r in ROUND_TABLE if r.peel and r.scale == "four-tier")

# Adequate came with the five-tier scale (2021/22); the earlier rounds and CDI grade on four tiers.
SCALE_GRADES: dict[Scale, tuple[GradeName, ...]] = {
    "four-tier": tuple(g for g in GRADE_ORDER if g != "Adequate"),
    "five-tier": GRADE_ORDER,
}
# The grade spelled as a verb phrase ("The force requires improvement at …"); the others are adjectives
# ("The force is good at …"), so judgment sentences spell the two kinds in different places.
REQUIRES_IMPROVEMENT: GradeName = "Requires improvement"
# Grade words as reports print them, lower-cased: "outstanding" → Outstanding, "requires improvement" → ….
GRADE_WORDS: dict[str, GradeName] = {g.lower(): g for g in GRADE_ORDER}


# The first year of the five-tier scale: a round not in the table that starts then or later grades on five tiers.
_FIVE_TIER_FROM = 2021


def scale_for(round_: str) -> Scale:
    """The grade scale of a round: the table's, else five-tier for an unknown round from 2021 on ("2027-29"),
    else four-tier."""
    known = _BY_NAME.get(round_)
    if known is not None:
        return known.scale
    start = regex.match(r"(\d{4})", round_)
    return "five-tier" if start and int(start.group(1)) >= _FIVE_TIER_FROM else "four-tier"


def vocabulary_known(round_: str) -> bool:
    """Whether ``rounds.vocab`` has the round's area titles (False for 2025–27 and for any round not in the table)."""
    known = _BY_NAME.get(round_)
    return known is not None and known.vocabulary


def previous_round_year(round_: str) -> int | None:
    """The first year of the PEEL round before ``round_`` (2018/19 → 2017, 2021/22 → 2018): the year of a judgment
    a report carries over without naming it ("so we did not inspect it again")."""
    peel = [r.name for r in ROUND_TABLE if r.peel]
    if round_ in peel:
        i = peel.index(round_)
        return int(peel[i - 1][:4]) if i > 0 else None
    m = regex.match(r"(\d{4})", round_)
    earlier = [int(r[:4]) for r in peel if m and int(r[:4]) < int(m.group(1))]
    return max(earlier) if earlier else None


def is_later_round(name: str) -> bool:
    """A round after every PEEL round of the table, spelled "YYYY-YY" ("2027-29"): accepted as ``--round``."""
    m = regex.fullmatch(r"(20\d\d)-\d\d", name)
    last = max(int(r.name[:4]) for r in ROUND_TABLE if r.peel)
    return m is not None and int(m.group(1)) > last


def round_named(first_year: int, last_year: int | None) -> str:
    """The round a printed name stands for: "PEEL 2025–27", "PEEL 2025/26" and framework "2025–2027" are 2025-27;
    "2021/22" is 2021/22; "2018/19" is 2018/19; an unknown later round keeps its printed years ("2027–29" →
    2027-29, "2027" → 2027). The round of a table entry whose first year it is, else the years as printed."""
    for r in ROUND_TABLE:
        if r.peel and r.name[:4] == str(first_year):
            return r.name
    if last_year is None:
        return str(first_year)
    return f"{first_year}-{last_year % 100:02d}"


def rounds_between(first: str, last: str) -> frozenset[str]:
    """The rounds from ``first`` to ``last``, both included, in the table's (chronological) order."""
    return frozenset(ROUNDS[ROUNDS.index(first) : ROUNDS.index(last) + 1])


def grade_pattern(grades: tuple[GradeName, ...] = GRADE_ORDER) -> str:
    """A regex alternation of the grade words of ``grades``, lower case ("outstanding|good|…"): compile it
    case-insensitively. No grade word is a prefix of another, so the order of the alternatives does not matter."""
    return "|".join(regex.escape(g.lower(), literal_spaces=True) for g in grades)


def grade_named(word: str) -> GradeName | None:
    """The grade a grade word names, in any case and without surrounding space ("requires improvement",
    "Good"); None for anything else."""
    return GRADE_WORDS.get(word.strip().lower())


# The grade words that follow "is" in a judgment ("is good at …"): every grade but the verb phrase.
ADJECTIVE_GRADES = grade_pattern(tuple(g for g in GRADE_ORDER if g != REQUIRES_IMPROVEMENT))
# A line that is only a grade: the badge of an area section, a grade cell of a summary table.
GRADE_LINE = regex.compile(rf"^(?:{grade_pattern()})$", regex.IGNORECASE)
