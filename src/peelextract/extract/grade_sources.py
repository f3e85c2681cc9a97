"""Statements of a grade, before they are reconciled into one grade per area (``extract.grades``).

A statement is one place that states a grade: a judgment sentence (the grammar is ``extract.judgments``, its
areas and years ``extract.judgment_areas``), a bare grade line (the badge of a 2021/22+ area section, a grade line
under a 2015–2018/19 question or after "Last updated dd/mm/yyyy", a CDI "graded inadequate" line), a list pair or a
summary-table row (``extract.grade_lists``). A sentence that states two grades gives two statements; a sentence
that tells an earlier judgment ("In 2017, we judged …", "last year, when …") gives a statement with that year.
Expected: every statement of a grade in the report (three per area in a 2021/22 HTML report: table row, badge,
sentence).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from peelextract.document import Block
from peelextract.extract.context import Context, context_area
from peelextract.extract.judgment_areas import areas_for, year_of
from peelextract.extract.judgments import display_grade, find_judgments
from peelextract.models import Evidence, GradeName, MentionSource
from peelextract.rounds.scales import FIVE_TIER_ROUNDS, grade_named, grade_pattern
from peelextract.rounds.vocab import AREAS_BY_KEY, Area, in_round

# "graded inadequate": a CDI grade line under "Overall judgment" or under a CDI question.
_GRADED_LINE = regex.compile(rf"^graded (?P<grade>{grade_pattern()})\.?$", regex.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    """One statement of a grade. ``year`` is an earlier judgment's year (None: this inspection's, or an earlier
    one whose year is not told); ``earlier`` says the statement tells an earlier judgment."""

    area: Area
    grade: GradeName
    source: MentionSource
    evidence: Evidence
    section: str | None
    in_own_section: bool = False
    year: int | None = None
    earlier: bool = False
    family: str = ""


def sentence_statements(ctx: Context) -> list[Statement]:
    """Every judgment sentence's statements, one per (judgment, area)."""
    out: list[Statement] = []
    text = ctx.doc.text
    previous: tuple[int, Area] | None = None
    for s_start, s_end in ctx.sentences:
        if ctx.in_back_matter(s_start):
            continue
        block = ctx.block_index(s_start)
        for j in find_judgments(text[s_start:s_end], ctx.force):
            before = previous[1] if previous is not None and previous[0] == block else None
            areas = areas_for(ctx, j, s_start, before)
            if not areas:
                ctx.warn("grade_without_area", f"judgment '{j.phrase}' names no known area", s_start, s_end)
                continue
            year = year_of(ctx, j, s_start)
            for area in areas:
                out.append(
                    Statement(
                        area,
                        j.grade,
                        "sentence",
                        ctx.doc.evidence(s_start, s_end),
                        ctx.section_id(s_start),
                        ctx.area_at(s_start) == area.key,
                        year,
                        year is not None,
                        j.family,
                    )
                )
            previous = (block, areas[-1])
    return out


def _block_area(ctx: Context, blocks: tuple[Block, ...], i: int) -> Area | None:
    """The area a bare grade line belongs to: in 2021/22+ its section's; in earlier rounds and CDI the nearest
    question, area heading or CDI title above it; else its section's."""
    section_area = ctx.area_at(blocks[i].start)
    round_ = ctx.round.round
    section = ctx.area_by_key(section_area) if section_area else None
    if section is not None and (round_ in FIVE_TIER_ROUNDS or ctx.round.inferred):
        return in_round(section, round_) or section
    area = context_area(ctx, blocks[i].start, None)
    if area is None and section is not None:
        area = in_round(section, round_)
    if area is None and round_ == "cdi":
        area = AREAS_BY_KEY["crime-data-integrity"]
    return area


def badge_statements(ctx: Context) -> list[Statement]:
    """Bare grade lines: badges, and CDI "graded inadequate" lines."""
    out: list[Statement] = []
    blocks = ctx.doc.blocks
    for i, b in enumerate(blocks):
        if ctx.in_back_matter(b.start) or b.kind == "table_cell":
            continue
        text = ctx.doc.block_text(b)
        graded = _GRADED_LINE.match(text)
        grade = grade_named(text) if b.kind == "badge" else (display_grade(graded.group("grade")) if graded else None)
        if grade is None:
            continue
        area = _block_area(ctx, blocks, i)
        if area is not None:
            ev = ctx.doc.evidence(b.start, b.end)
            out.append(Statement(area, grade, "badge", ev, ctx.section_id(b.start)))
    return out


def judgments_before(ctx: Context, start: int, end: int) -> list[Area]:
    """The areas of the judgments in ``text[start:end]``, in order (the paragraph before a carried-over note)."""
    found: list[Area] = []
    for j in find_judgments(ctx.doc.text[start:end], ctx.force):
        found.extend(areas_for(ctx, j, start, None))
    return found
