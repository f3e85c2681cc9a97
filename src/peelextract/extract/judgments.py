"""Judgment sentence families: find "<subject> <grade> at <activity>" shapes in one sentence.

Each family is one pattern; each states the sentences it targets. A sentence may hold several
judgments (2017 efficiency sub-judgments joined by ";"), so every family is applied with ``finditer``.
Non-grades ("not yet graded", "To be graded", grade definitions, "has a good understanding of",
press-style counts "was awarded no outstanding grades") never match: each family needs a subject and a
grade verb phrase ("is good at", "requires improvement in", "… is good.") in a judgment position.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from peelextract.models import GradeName

GRADE_WORD = r"outstanding|good|adequate|inadequate"
_RI = r"requires? improvement|required improvement|continues to require improvement|requiring improvement"
_DISPLAY: dict[str, GradeName] = {
    "outstanding": "Outstanding", "good": "Good", "adequate": "Adequate", "inadequate": "Inadequate",
}


def display_grade(word: str) -> GradeName | None:
    w = word.lower().strip()
    if "improvement" in w:
        return "Requires improvement"
    return _DISPLAY.get(w)


@dataclass(frozen=True)
class Judgment:
    """One judgment found in a sentence; offsets relative to the sentence."""

    grade: GradeName
    phrase: str
    start: int
    end: int
    family: str
    year: int | None = None
    last_year: bool = False


def _subject(force: str) -> str:
    short = regex.sub(r"\s+(?:Police Service|Police|Constabulary)$", "", force)
    names = sorted({regex.escape(force), regex.escape(short) + r"(?: Police| Constabulary)?"}, key=len, reverse=True)
    return rf"(?:{'|'.join(names)}|the force|the constabulary|this force|it)"


def _families(force: str) -> list[tuple[str, regex.Pattern[str]]]:
    subj = _subject(force)
    grade = rf"(?P<grade>{GRADE_WORD})"
    ri = rf"(?P<ri>{_RI})"
    flags = regex.IGNORECASE
    return [
        # "The extent to which Cheshire Constabulary is effective at keeping people safe and reducing crime is good."
        # "… reducing crime: requires improvement."  "… is requires improvement."  "… is: good."
        # "the extent to which the force operates efficiently and sustainably is good."
        ("extent", regex.compile(
            rf"\bthe extent to which (?:{subj}) (?P<phrase>[^.:;]{{3,160}}?)(?:\s+is)?\s*:?\s+"
            rf"(?:is\s+)?(?:{grade}|{ri})\s*(?:\.|$)", flags)),
        # "Dyfed-Powys Police has been assessed as outstanding in respect of the efficiency with which …"
        # "is judged to be good in …", "is judged to require improvement in …",
        # "it is assessed to require improvement for its use of resources"
        ("assessed", regex.compile(
            rf"\b(?:{subj}) (?:has been|is|was|have been) (?:assessed|judged) (?:as |to be )?(?:{grade}|to {ri}|"
            rf"(?P<ri2>to require improvement))\s+(?:in respect of|in|at|for|with)\s+(?P<phrase>[^.;]{{3,160}})",
            flags)),
        # "The force's understanding of demand is judged to be good;" "its planning for future demand is judged
        # to require improvement."
        ("possessive", regex.compile(
            rf"\b(?:the force's|the constabulary's|its) (?P<phrase>understanding of demand|use of resources[^;.]{{0,60}}?|"
            rf"planning for future demand) is (?:judged|assessed) to (?:be {grade}|(?P<ri2>require improvement))", flags)),
        # "In 2017, we judged the constabulary to be good at treating the public fairly."
        # "… when we judged the constabulary to be good in respect of effectiveness."
        ("carried", regex.compile(
            rf"\b(?:in (?P<year>(?:19|20)\d\d),? |(?P<lastyear>last year),? )?(?:when )?we judged (?:{subj}) "
            rf"(?:to be |as (?:being )?)(?:{grade}|(?P<ri2>requiring improvement))\s+(?:in respect of|at|in|for)\s+"
            rf"(?P<phrase>[^.;]{{3,160}})", flags)),
        # "Cleveland Police requires improvement at investigating crime."  "<Force> is adequate at …"
        # "Northshire Police requires improvement in how it protects vulnerable people."
        ("at", regex.compile(
            rf"\b(?:{subj}) (?:(?:is|was|remains|continues to be|has been|is now) {grade}|{ri})\s+(?:at|in)\s+"
            rf"(?P<phrase>[^.;]{{3,160}})", flags)),
    ]


_CACHE: dict[str, list[tuple[str, regex.Pattern[str]]]] = {}
_YEAR_IN_SENTENCE = regex.compile(r"\bin (?P<year>(?:19|20)\d\d)\b", regex.IGNORECASE)


def find_judgments(sentence: str, force: str) -> list[Judgment]:
    """Every judgment in one sentence, earliest first, no two overlapping."""
    families = _CACHE.get(force)
    if families is None:
        families = _CACHE[force] = _families(force)
    found: list[Judgment] = []
    for name, pattern in families:
        for m in pattern.finditer(sentence):
            word = m.group("grade") or (m.groupdict().get("ri") or "") or (m.groupdict().get("ri2") or "")
            grade = display_grade(word)
            if grade is None or any(j.start <= m.start() < j.end or m.start() <= j.start < m.end() for j in found):
                continue
            year = m.groupdict().get("year")
            last_year = bool(m.groupdict().get("lastyear"))
            if name == "carried" and year is None and not last_year:
                ym = _YEAR_IN_SENTENCE.search(sentence)
                year = ym.group("year") if ym else None
                last_year = year is None
            found.append(Judgment(grade=grade, phrase=m.group("phrase").strip(), start=m.start(), end=m.end(),
                                  family=name, year=int(year) if year else None, last_year=last_year))
    return sorted(found, key=lambda j: j.start)
