"""Case-review findings: "X of Y" counts of cases, records or investigations.

Targets sentences shaped like
    "In 75 of the 77 cases we reviewed, the force applied a structured approach to assessing risk."
    "In nearly all cases we reviewed (89 of 90 cases), we found that allocation was made …"
    "And 18 of 87 relevant cases failed to achieve the investigative standards expected."   (failures)
    "In 30 of 34 relevant cases, … But 12 of 90 investigations took longer than necessary." (two)
    "in nine of the ten cases"                                                               (words)
    "In 8 of the 12, the victim wasn't told …"               (no noun: "In X of the Y," then a comma)
Expected matches: one per "X of Y <noun>" phrase or bare "In X of the Y,"; the sample report has 12.
Report-structure counts ("We make graded judgments in 11 of these 12") do not match: the Y must be a
number followed, within three words, by a countable noun (or be a bare "of the Y,"), and "these" is not
"the". Each count gets its population and finding (``case_context``).
"""

from __future__ import annotations

import logging

import regex

from peelextract.extract.case_context import describe_case
from peelextract.extract.context import Context
from peelextract.extract.numbers import NUMBER, parse_int
from peelextract.extract.window import window_at
from peelextract.models import CaseCount, Polarity

log = logging.getLogger(__name__)

# Longest first, so "case files" and "crime reports" are the noun, not "case" and "reports".
_NOUNS = (
    r"case files|crime reports|stop and search records|cases?|records?|investigations?|files|incidents|calls|"
    r"crimes|referrals|reports|victims|suspects|offenders|plans|searches|assessments|applications|samples|"
    r"occasions|decisions|requests|interviews|arrests|examples|forms|reviews|people|children|orders|notices|"
    r"encounters|projects"
)
CASES = regex.compile(
    rf"\b(?P<x>{NUMBER}) of (?:the )?(?P<y>{NUMBER})(?P<mods>(?:\s+[\w-]+){{0,3}}?)\s+(?P<noun>{_NOUNS})\b",
    regex.IGNORECASE,
)
# "In 8 of the 12, …": the noun is in the sentence before (or nowhere); the groups match CASES'.
BARE = regex.compile(rf"\b[Ii]n (?P<x>{NUMBER}) of the (?P<y>{NUMBER})(?P<mods>)(?P<noun>(?!))?(?=,)")
_FAILURE = regex.compile(
    r"\b(?:fail(?:ed|s|ing|ure)?|not|no|never|lack(?:ed|s|ing)?|without|missing|insufficient|inadequate|"
    r"wasn't|weren't|didn't|doesn't|don't|hadn't|hasn't|haven't|isn't|aren't|couldn't|wouldn't|"
    r"longer than necessary|too long|incorrect(?:ly)?|missed|unnecessary|delayed)\b",
    regex.IGNORECASE,
)
_QUALIFIER = regex.compile(
    r"\b(nearly all|almost all|all|the majority of|most|many|some|a few|few|less than half|more than half|"
    r"half|just|only|around)\b",
    regex.IGNORECASE,
)


# Negative words that describe a decision, not a shortfall ("recorded why it took no further action").
_NOT_A_SHORTFALL = regex.compile(r"\bno further action\b|\bnot to (?:prosecute|charge|proceed)\b", regex.IGNORECASE)


def _polarity(text: str) -> Polarity:
    """Failure when the clause that follows the count says the cases fell short."""
    return "failure" if _FAILURE.search(_NOT_A_SHORTFALL.sub("", text)) else "success"


def _qualifier(before: str) -> str | None:
    found = _QUALIFIER.findall(before[-60:])
    return found[-1].lower() if found else None


def extract_case_counts(ctx: Context) -> list[CaseCount]:
    text = ctx.doc.text
    out: list[CaseCount] = []
    for s_start, s_end in ctx.sentences:
        if ctx.in_back_matter(s_start):
            continue
        sentence = text[s_start:s_end]
        matches = sorted([*CASES.finditer(sentence), *BARE.finditer(sentence)], key=lambda m: m.start())
        win = window_at(ctx, s_start) if matches else None
        for i, m in enumerate(matches):
            clause_start = matches[i - 1].end() if i else 0
            clause_end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
            start, end = s_start + m.start(), s_start + m.end()
            try:
                x, y = parse_int(m.group("x")), parse_int(m.group("y"))
            except ValueError as exc:
                ctx.warn("case_count_invalid", f"'{m.group(0)[:80]}': {exc}", start, end)
                continue
            if y == 0 or x > y:
                ctx.warn(
                    "case_count_invalid", f"'{m.group(0)}': x={x}, y={y}; expected 0 <= x <= y and y > 0", start, end
                )
                continue
            assert win is not None
            fields, finding_before = describe_case(sentence, m, (clause_start, clause_end), win)
            out.append(
                CaseCount(
                    x=x,
                    y=y,
                    polarity=_polarity(finding_before if finding_before else sentence[m.end() : clause_end]),
                    qualifier=_qualifier(sentence[: m.start()]),
                    share=round(100 * x / y, 1),
                    **fields,
                    section=ctx.section_id(start),
                    area=ctx.area_at(start),
                    evidence=ctx.doc.evidence(start, end),
                )
            )
    return out
