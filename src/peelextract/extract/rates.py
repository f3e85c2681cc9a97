"""Rates per 1,000 (or 100,000) population, with the England and Wales average where the sentence gives it.

Targets:
    "… which equates to 29.9 incidents per 1,000 population. … higher than the average across forces in
     England and Wales of 19.8 incidents per 1,000 population."   (rate 29.9, average 19.8)
    "This equates to 1.8 applications per 1,000 population."       (no average given)
Expected: one rate per "<number> <unit> per N population" not itself the average; chart captions
("Figure 3: Domestic abuse-related incidents per 1,000 population") have no number and do not match.
Its ``period`` is the dated period of its sentence ("In the year ending 31 March 2022, … 29.9 incidents
per 1,000 population"), else of the sentence before ("In the year ending 31 March 2022, Cleveland Police
made 1,013 right to know applications. This equates to 1.8 applications per 1,000 population."), else null.
"""

from __future__ import annotations

import logging

import regex

from peelextract.extract.context import Context
from peelextract.extract.numbers import parse_number
from peelextract.extract.window import squash, window_at
from peelextract.models import FoundIn, Rate
from peelextract.rounds.measures import DATED_PERIOD

log = logging.getLogger(__name__)

RATE = regex.compile(
    r"(?<![\d.,])(?P<value>\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s+(?P<unit>[a-z][a-z\- ]{0,40}?)\s+per\s+"
    r"(?P<per>1,000|1000|10,000|100,000|100000)\s+(?P<denom>population|people|residents|households)",
    regex.IGNORECASE,
)
_AVERAGE_BEFORE = regex.compile(r"average[^.]{0,80}?\b(?:of|was|is)\s*$", regex.IGNORECASE)
# "…21.4 stalking and harassment offences per 1,000 population, compared with the England and Wales average
# of 14.6." — the average printed as a bare number after the rate, in the same sentence.
_BARE_AVERAGE = regex.compile(
    r"[^.;]{0,80}?\baverage\s+(?:of|was|is)\s+(?P<value>\d{1,3}(?:,\d{3})*(?:\.\d+)?)"
    r"(?!\d|\.\d|\s+[a-z][a-z\- ]{0,40}?\s+per\b)",
    regex.IGNORECASE,
)


def rate_period(ctx: Context, offset: int) -> tuple[str | None, FoundIn | None]:
    """The dated period of the rate's sentence, else of the sentence before."""
    win = window_at(ctx, offset)
    for span, where in ((win.sentence, "sentence"), (win.previous, "previous-sentence")):
        found = DATED_PERIOD.search(span.text) if span is not None else None
        if found:
            return squash(found.group(0)), where  # type: ignore[return-value]
    return None, None


def extract_rates(ctx: Context) -> list[Rate]:
    """Rates per paragraph; an average ("the average … of 19.8 incidents per 1,000") attaches to the
    nearest rate before it in the same paragraph, which may be in the previous sentence."""
    text = ctx.doc.text
    out: list[Rate] = []
    for block in ctx.doc.blocks:
        if block.kind not in ("paragraph", "list_item") or ctx.in_back_matter(block.start):
            continue
        para = text[block.start : block.end]
        found = list(RATE.finditer(para))
        is_avg = [bool(_AVERAGE_BEFORE.search(para[: m.start()])) for m in found]
        for i, m in enumerate(found):
            if is_avg[i]:
                continue
            avg = next((found[j] for j in range(i + 1, len(found)) if is_avg[j]), None)
            if avg is not None and any(not is_avg[j] for j in range(i + 1, found.index(avg))):
                avg = None  # another rate stands between: the average is that one's
            start, end = block.start + m.start(), block.start + m.end()
            avg_span = (avg.start(), avg.end()) if avg is not None else None
            bare = _BARE_AVERAGE.match(para, m.end()) if avg is None else None
            if bare is not None:
                avg, avg_span = bare, (bare.start("value"), bare.end("value"))
            try:
                value = parse_number(m.group("value"))
                average = parse_number(avg.group("value")) if avg is not None else None
            except ValueError as exc:
                ctx.warn("rate_invalid", f"'{m.group(0)[:80]}': {exc}", start, end)
                continue
            period, period_from = rate_period(ctx, start)
            out.append(
                Rate(
                    value=value,
                    period=period,
                    period_from=period_from,
                    unit=m.group("unit").strip(),
                    per=int(m.group("per").replace(",", "")),
                    denominator=m.group("denom").lower(),
                    england_wales_average=average,
                    average_evidence=(
                        ctx.doc.evidence(block.start + avg_span[0], block.start + avg_span[1])
                        if avg_span is not None
                        else None
                    ),
                    section=ctx.section_id(start),
                    area=ctx.area_at(start),
                    evidence=ctx.doc.evidence(start, end),
                )
            )
    return out
