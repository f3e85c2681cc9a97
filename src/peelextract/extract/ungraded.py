"""Areas the report does not grade, and the number of graded areas it says it gives.

Ungraded: a sentence in an area's section that says so ("We don't make graded judgments in this area.",
"Victim service assessment is ungraded", "We do not grade forces on …") — one entry per area, with that
sentence as evidence; an area the round never grades (victim service, armed policing), or an area section
without a badge and without a grade, gives one entry without evidence. Areas that have a grade are never
ungraded.

Count: "We make graded judgments in 11 of these 12 as follows:" — at most one per report (the first), checked
against the current (not carried-over) grades found; a different number is a ``graded_count_mismatch`` warning.
"""

from __future__ import annotations

import regex

from peelextract.extract.context import Context
from peelextract.extract.numbers import NUMBER, parse_int
from peelextract.models import Grade, GradedAreaCount, UngradedArea

_UNGRADED = regex.compile(
    r"\b(?:don't|do not|doesn't) make (?:a )?graded judgments?\b|\bis ungraded\b|"
    r"\bnot graded\b|\b(?:don't|do not|does not|doesn't) grade (?:forces|the force|it)\b",
    regex.IGNORECASE,
)
GRADED_COUNT = regex.compile(
    rf"\bgraded judgments? (?:in|for) (?P<n>{NUMBER}) of (?:these|the) (?P<m>{NUMBER})\b", regex.IGNORECASE
)


def extract_ungraded(ctx: Context, grades: list[Grade]) -> list[UngradedArea]:
    """Areas the report says it does not grade (victim service), or ungraded by the round's design."""
    graded = {g.area for g in grades}
    out: dict[str, UngradedArea] = {}
    text = ctx.doc.text
    for s_start, s_end in ctx.sentences:
        section = ctx.section_at(s_start)
        if section is None or section.area is None or section.area in graded or section.area in out:
            continue
        if _UNGRADED.search(text[s_start:s_end]):
            area = ctx.area_by_key(section.area)
            if area is None:
                continue
            out[area.key] = UngradedArea(
                area=area.key, area_title=area.title_in(ctx.round.round), evidence=ctx.doc.evidence(s_start, s_end)
            )
    for section in ctx.sections.sections:
        if section.area and section.area not in graded and section.area not in out:
            area = ctx.area_by_key(section.area)
            if area is not None and (area.ungraded or section.badge is None):
                out[area.key] = UngradedArea(area=area.key, area_title=area.title_in(ctx.round.round), evidence=None)
    return sorted(out.values(), key=lambda u: u.area)


def extract_graded_area_count(ctx: Context, grades: list[Grade]) -> GradedAreaCount | None:
    """ "We make graded judgments in 11 of these 12 as follows:" — checked against the grades found."""
    for s_start, s_end in ctx.sentences:
        m = GRADED_COUNT.search(ctx.doc.text[s_start:s_end])
        if not m:
            continue
        start, end = s_start + m.start(), s_start + m.end()
        try:
            n, total = parse_int(m.group("n")), parse_int(m.group("m"))
        except ValueError as exc:
            ctx.warn("graded_count_invalid", f"'{m.group(0)[:80]}': {exc}", start, end)
            continue
        found = len({g.area for g in grades if g.carried_over_year is None})
        if found != n:
            ctx.warn(
                "graded_count_mismatch",
                f"the report says it grades {n} of {total} areas; {found} graded areas were found",
                start,
                end,
            )
        return GradedAreaCount(graded=n, total=total, found=found, evidence=ctx.doc.evidence(start, end))
    return None
