"""Rates per 1,000 (or 100,000) population, with the England and Wales average where the sentence gives it.

Targets:
    "… which equates to 29.9 incidents per 1,000 population. … higher than the average across forces in
     England and Wales of 19.8 incidents per 1,000 population."   (rate 29.9, average 19.8)
    "This equates to 1.8 applications per 1,000 population."       (no average given)
Expected: one rate per "<number> <unit> per N population" not itself the average; chart captions
("Figure 3: Domestic abuse-related incidents per 1,000 population") have no number and do not match.
"""

from __future__ import annotations

import logging

import regex

from peelextract.extract.context import Context
from peelextract.extract.numbers import parse_number
from peelextract.models import Rate

log = logging.getLogger(__name__)

RATE = regex.compile(
    r"(?<![\d.,])(?P<value>\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s+(?P<unit>[a-z][a-z\- ]{0,40}?)\s+per\s+"
    r"(?P<per>1,000|1000|10,000|100,000|100000)\s+(?P<denom>population|people|residents|households)",
    regex.IGNORECASE,
)
_AVERAGE_BEFORE = regex.compile(r"average[^.]{0,80}?\b(?:of|was|is)\s*$", regex.IGNORECASE)


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
            try:
                value = parse_number(m.group("value"))
                average = parse_number(avg.group("value")) if avg is not None else None
            except ValueError as exc:
                ctx.warn("rate_invalid", f"'{m.group(0)[:80]}': {exc}", start, end)
                continue
            out.append(
                Rate(
                    value=value,
                    unit=m.group("unit").strip(),
                    per=int(m.group("per").replace(",", "")),
                    denominator=m.group("denom").lower(),
                    england_wales_average=average,
                    average_evidence=(
                        ctx.doc.evidence(block.start + avg.start(), block.start + avg.end())
                        if avg is not None
                        else None
                    ),
                    section=ctx.section_id(start),
                    area=ctx.area_at(start),
                    evidence=ctx.doc.evidence(start, end),
                )
            )
    return out
