"""Estimated counts printed beside the crime-recording rates, as numbers with their qualifier.

Targets:
    "we estimate that the force fails to record over 35,200 reported crimes each year."   (CDI 2016–2019)
        → 35200, "over", unrecorded, crime-recording-all, "each year"
    "We estimate that the force failed to record more than 2,600 crimes during the year covered by our
     inspection."                                                                          (PEEL 2021/22+)
    "… the force recorded an additional 4,700 crimes for the year covered by our inspection."
        → 4700, "an additional", additional-recorded ("records an additional 9,000 crimes a year" too)
Expected: one per "fail(s/ed) to record <n> … crimes" or "recorded an additional <n> crimes"; the sample
report has 2. The measure is read from the counted noun ("reported crimes", "violent crimes"); bare
"crimes" in these sentences is all crime. Back matter is skipped.
"""

from __future__ import annotations

import regex

from peelextract.extract.ci_context import find_measure
from peelextract.extract.context import Context
from peelextract.extract.numbers import NUMBER, parse_int
from peelextract.extract.window import squash
from peelextract.models import EstimatedCount, EstimateKind, MeasureKey
from peelextract.rounds.measures import ESTIMATE_QUALIFIERS, PERIOD

_WHAT = r"(?P<what>(?:[\w\u2011-]+\s+){0,4}?(?:crimes?|offences))"
ESTIMATE = regex.compile(
    rf"\b(?:(?P<unrec>fail(?:s|ed|ing)?\s+to\s+record)|(?P<added>record(?:s|ed)?))\s+"
    rf"(?P<text>(?:(?P<q>{ESTIMATE_QUALIFIERS})\s+)?(?P<n>{NUMBER})\s+{_WHAT})\b",
    regex.IGNORECASE,
)
_BARE_CRIME = regex.compile(r"^(?:crimes?|offences)$", regex.IGNORECASE)


def _measure(what: str) -> tuple[MeasureKey, str]:
    found = find_measure(what)
    if found:
        return found
    # In a crime-recording sentence, crimes the force failed (or managed) to record are all crime.
    return ("crime-recording-all" if _BARE_CRIME.match(squash(what)) else "other"), squash(what)


def extract_estimated_counts(ctx: Context) -> list[EstimatedCount]:
    text = ctx.doc.text
    out: list[EstimatedCount] = []
    for s_start, s_end in ctx.sentences:
        if ctx.in_back_matter(s_start):
            continue
        sentence = text[s_start:s_end]
        for m in ESTIMATE.finditer(sentence):
            qualifier = m.group("q")
            if m.group("added") and not (qualifier and qualifier.lower() in ("an additional", "an extra")):
                continue  # "recorded 1,013 crimes" is a count, not an estimate against the last inspection
            start, end = s_start + m.start("text"), s_start + m.end("text")
            try:
                value = parse_int(m.group("n"))
            except ValueError as exc:
                ctx.warn("estimate_invalid", f"'{m.group('text')[:80]}': {exc}", start, end)
                continue
            kind: EstimateKind = "unrecorded" if m.group("unrec") else "additional-recorded"
            measure, measure_text = _measure(m.group("what"))
            period = PERIOD.search(sentence, m.end(), m.end() + 200)  # the period follows the count
            out.append(
                EstimatedCount(
                    value=value,
                    qualifier=squash(qualifier) if qualifier else None,
                    kind=kind,
                    measure=measure,
                    measure_text=measure_text,
                    period=squash(period.group(0)) if period else None,
                    section=ctx.section_id(start),
                    area=ctx.area_at(start),
                    evidence=ctx.doc.evidence(start, end),
                )
            )
    return out
