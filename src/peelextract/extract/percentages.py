"""Percentages with a confidence interval, and other percentages.

CI targets (expected: two per comparison sentence, each paired with its own interval; the sample has 8):
    "We estimate that Cleveland Police is recording 96.4 percent (with a confidence interval of +/- 2.0
     percent) of all reported crime … where we found that 89.9 percent (with a confidence interval of
     +/- 2.6 percent) of all reported crimes were recorded."
    "88.6 percent (± 1.8 percent)"   "80.4 per cent (with a confidence interval of +/- 1.75 per cent)"
A value is ``previous`` when its own clause looks back ("our previous 2021 inspection, where we found",
"records from 2019", "last inspection") or the words right after it say where it was found ("84.3 per
cent (± 2.1 per cent) we found in our 2016 inspection"), else ``current``.

Other percentages: "only 23 percent of these were filled", "(46 percent)", "32%", "rose by 4.2 percentage
points". Expected: every percentage not already part of a CI match, outside back matter (methodology
numbers are not findings). What each measures: ``ci_context`` (CI values) and ``percentage_kinds`` (others).
"""

from __future__ import annotations

import logging

import regex

from peelextract.extract.ci_context import annotate_cis
from peelextract.extract.context import Context
from peelextract.extract.percentage_kinds import describe_percentage
from peelextract.extract.window import window_at
from peelextract.models import CIPercentage, Percentage, Period

log = logging.getLogger(__name__)

_PCT = r"(?:\s?%|\s(?:percent|per cent|percentage points))"
CI = regex.compile(
    rf"(?P<value>\d{{1,3}}(?:\.\d+)?){_PCT}\s*\(\s*(?:with an? (?:95 percent )?confidence interval of\s*)?"
    rf"(?:\+/-|\+/−|±|plus or minus)\s*(?P<ci>\d{{1,3}}(?:\.\d+)?){_PCT}?\s*\)",
    regex.IGNORECASE,
)
PERCENT = regex.compile(
    r"(?<![\d.,])(?P<value>\d{1,3}(?:\.\d+)?)(?:\s?%|\s(?:percent|per cent)\b|\s(?P<points>percentage points?)\b)",
    regex.IGNORECASE,
)
_LOOK_BACK = regex.compile(
    r"\b(?:previous|last|earlier|prior|before|compared (?:with|to)|(?:in|from|of) (?:19|20)\d\d\b)", regex.IGNORECASE
)
_YEAR = regex.compile(r"\b((?:19|20)\d\d)\b")
_YEAR_AFTER = regex.compile(
    r"^[^.;(]{0,40}?\b(?:in|from|during|at) (?:our |the )?(?:previous |last |earlier )?(?P<year>(?:19|20)\d\d)\b",
    regex.IGNORECASE,
)
_FOUND_BEFORE = regex.compile(
    r"^[^.;]{0,40}?\b(?:we )?(?:found|recorded|estimated|reported) (?:in|during|at) (?:our|the) "
    r"(?P<when>previous|last|earlier|prior|(?:19|20)\d\d)\b",
    regex.IGNORECASE,
)


def _period(clause: str, after: str) -> tuple[Period, int | None]:
    """Previous when the words between the sentence start (or the last CI) and the value look back, or the
    words right after the value say it was found in an earlier inspection."""
    if _LOOK_BACK.search(clause):
        years = _YEAR.findall(clause)
        if years:
            return "previous", int(years[-1])
        # "compared with 90.1 percent (… +/- 2.3 percent) in our 2022 inspection": the year follows the value
        later = _YEAR_AFTER.search(after)
        return "previous", int(later.group("year")) if later else None
    found = _FOUND_BEFORE.search(after)
    if found:
        years = _YEAR.findall(found.group(0))
        return "previous", int(years[-1]) if years else None
    return "current", None


def extract_ci_percentages(ctx: Context) -> list[CIPercentage]:
    text = ctx.doc.text
    out: list[CIPercentage] = []
    for s_start, s_end in ctx.sentences:
        if ctx.in_back_matter(s_start):
            continue
        sentence = text[s_start:s_end]
        prev_end = 0
        for m in CI.finditer(sentence):
            value, ci = float(m.group("value")), float(m.group("ci"))
            start, end = s_start + m.start(), s_start + m.end()
            period, year = _period(sentence[prev_end : m.start()], sentence[m.end() :])
            prev_end = m.end()
            lower, upper = round(value - ci, 4), round(value + ci, 4)
            if not (0 <= value <= 100 and lower >= 0 and upper <= 100):
                ctx.warn(
                    "ci_out_of_range", f"{value} ± {ci} gives [{lower}, {upper}]; expected within 0-100", start, end
                )
                continue
            out.append(
                CIPercentage(
                    value=value,
                    ci=ci,
                    lower=lower,
                    upper=upper,
                    period=period,
                    year=year,
                    section=ctx.section_id(start),
                    area=ctx.area_at(start),
                    evidence=ctx.doc.evidence(start, end),
                )
            )
    return annotate_cis(ctx, out)


def extract_percentages(ctx: Context, taken: list[tuple[int, int]]) -> list[Percentage]:
    """Percentages outside CI matches (``taken`` spans) and back matter."""
    text = ctx.doc.text
    out: list[Percentage] = []
    for m in PERCENT.finditer(text):
        start, end = m.start(), m.end()
        if ctx.in_back_matter(start) or any(a <= start < b for a, b in taken):
            continue
        value = float(m.group("value"))
        if value > 100:
            ctx.warn("percentage_out_of_range", f"{value}%: expected 0-100", start, end)
            continue
        fields = describe_percentage(window_at(ctx, start), start, end)
        out.append(
            Percentage(
                value=value,
                unit="points" if m.group("points") else "percent",
                **fields,
                section=ctx.section_id(start),
                area=ctx.area_at(start),
                evidence=ctx.doc.evidence(start, end),
            )
        )
    return out
