"""The closing note on numbers: how many say nothing of what they measure within their one-sentence window.

A measure, a population or the ``of`` of a percentage is ``unknown`` (null) rather than guessed when neither
the number's sentence nor the one before names it; this note counts them, so a reader sees how much of a
report's numbers the rules could not place. Expected: no note on the sample report (every number there is
named within its window); one warning listing the counts otherwise.
"""

from __future__ import annotations

from peelextract.extract.context import Context
from peelextract.models import CaseCount, CIPercentage, EstimatedCount, Percentage


def note_unknowns(
    ctx: Context,
    cis: list[CIPercentage],
    cases: list[CaseCount],
    percentages: list[Percentage],
    estimates: list[EstimatedCount],
) -> None:
    """Add one ``numbers_unknown`` warning counting the values whose measure, population or ``of`` is unknown."""
    counts = (
        ("CI percentages (measure)", sum(c.measure == "unknown" for c in cis), len(cis)),
        ("case counts (population)", sum(c.population == "unknown" for c in cases), len(cases)),
        ("percentages (of)", sum(p.of is None for p in percentages), len(percentages)),
        ("estimated counts (measure)", sum(e.measure == "unknown" for e in estimates), len(estimates)),
    )
    parts = [f"{n} of {total} {what}" for what, n, total in counts if n]
    if parts:
        ctx.warn(
            "numbers_unknown",
            "not named in the number's sentence or the one before, so left unknown: " + "; ".join(parts),
        )
