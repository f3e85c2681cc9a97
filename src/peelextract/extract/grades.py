"""Graded judgments: sentences, badges and summary-table rows, reconciled into one grade per area.

Sources of a grade, in order of authority for the reported ``evidence``:
  1. the judgment sentence ("Cleveland Police requires improvement at investigating crime.");
  2. the grade badge of the area's section (a line "Requires improvement");
  3. the summary grade table row (area | grade) of the HTML and PDF editions.
Where two disagree, the sentence wins and a ``grade_badge_disagree`` / ``grade_table_disagree`` warning
is written. A sentence repeated in another section (the 2021/22 victim service section repeats "<Force>
is good at recording crime.") is counted once, keeping the occurrence in the area's own section.
Expected: one grade per graded area (10 in the sample), plus carried-over judgments with their year.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import regex

from peelextract.document import Block
from peelextract.extract.context import Context
from peelextract.extract.judgments import Judgment, display_grade, find_judgments
from peelextract.extract.numbers import NUMBER, parse_int
from peelextract.models import Evidence, Grade, GradedAreaCount, GradeName, UngradedArea, Warning
from peelextract.rounds.vocab import AREAS_BY_KEY, Area, area_for_phrase, area_for_title
from peelextract.sections import badge_grade

log = logging.getLogger(__name__)

_PILLARS = (("effective", "effectiveness"), ("efficien", "efficiency"), ("legitima", "legitimacy"))
_CDI_QUESTIONS = (("recording reported crime", "cdi-recording"), ("systems and processes", "cdi-systems"),
                  ("leadership and culture", "cdi-leadership"))
_GRADED_LINE = regex.compile(r"^graded (?P<grade>outstanding|good|adequate|inadequate|requires improvement)\.?$",
                             regex.IGNORECASE)
_UNGRADED = regex.compile(r"\b(?:don't|do not|doesn't) make (?:a )?graded judgments?\b|\bis ungraded\b|"
                          r"\bnot graded\b", regex.IGNORECASE)
GRADED_COUNT = regex.compile(rf"\bgraded judgments? (?:in|for) (?P<n>{NUMBER}) of (?:these|the) (?P<m>{NUMBER})\b",
                             regex.IGNORECASE)
_CHANGED = regex.compile(r"changed from '?(?P<from>[a-z ]+?)'? to '?(?P<to>[a-z ]+?)'?(?:\s|\.|,|$)", regex.IGNORECASE)


@dataclass
class _Candidate:
    area: Area
    grade: GradeName
    section: str | None
    sentence: Evidence | None
    year: int | None
    in_own_section: bool


def _round_year(ctx: Context) -> int | None:
    m = regex.match(r"\d{4}", ctx.round.round)
    return int(m.group(0)) if m else None


def _area_for(ctx: Context, j: Judgment, offset: int) -> Area | None:
    """Area from the activity phrase, then the pillar named in it, then the enclosing section."""
    area = area_for_phrase(j.phrase) if j.family != "extent" else None
    if area is None:
        low = j.phrase.lower()
        for stem, key in _PILLARS:
            if stem in low and (j.family in ("extent", "carried", "assessed") or low.startswith("respect of")):
                return AREAS_BY_KEY[key]
        area = area_for_phrase(regex.sub(r"^(?:how it|the way it|its|the)\s+", "", low))
    if area is None:
        section_area = ctx.area_at(offset)
        area = AREAS_BY_KEY.get(section_area) if section_area else None
    return area


def _sentence_candidates(ctx: Context) -> list[_Candidate]:
    out: list[_Candidate] = []
    text = ctx.doc.text
    for s_start, s_end in ctx.sentences:
        if ctx.in_back_matter(s_start):
            continue
        for j in find_judgments(text[s_start:s_end], ctx.force):
            area = _area_for(ctx, j, s_start)
            if area is None:
                ctx.warn("grade_without_area", f"judgment '{j.phrase}' names no known area", s_start, s_end)
                continue
            year = j.year
            if j.family == "carried" and year is None and j.last_year and _round_year(ctx):
                year = (_round_year(ctx) or 0) - 1
            out.append(_Candidate(area, j.grade, ctx.section_id(s_start), ctx.doc.evidence(s_start, s_end),
                                  year if j.family == "carried" else None, ctx.area_at(s_start) == area.key))
    return out


def _block_area(ctx: Context, blocks: tuple[Block, ...], i: int) -> Area | None:
    """The area a bare grade line belongs to: its section's, else the nearest heading or question above."""
    section_area = ctx.area_at(blocks[i].start)
    if section_area:
        return AREAS_BY_KEY[section_area]
    for k in range(i - 1, max(-1, i - 4), -1):
        low = ctx.doc.block_text(blocks[k]).lower()
        for stem, key in _CDI_QUESTIONS:
            if stem in low:
                return AREAS_BY_KEY.get(key) or Area(key, key, (), ())
        area = area_for_title(low)
        if area is None and low.startswith("how "):
            area = next((AREAS_BY_KEY[key] for stem, key in _PILLARS if stem in low), None)
        if area is not None:
            return area
    if ctx.round.round == "cdi":
        return AREAS_BY_KEY["crime-data-integrity"]
    return None


def _badge_candidates(ctx: Context) -> list[tuple[Area, GradeName, Evidence]]:
    out: list[tuple[Area, GradeName, Evidence]] = []
    blocks = ctx.doc.blocks
    for i, b in enumerate(blocks):
        if ctx.in_back_matter(b.start) or b.kind == "table_cell":
            continue
        text = ctx.doc.block_text(b)
        graded = _GRADED_LINE.match(text)
        grade = badge_grade(text) if b.kind == "badge" else (display_grade(graded.group("grade")) if graded else None)
        if grade is None:
            continue
        area = _block_area(ctx, blocks, i)
        if area is not None:
            out.append((area, grade, ctx.doc.evidence(b.start, b.end)))
    return out


def _table_grades(ctx: Context) -> dict[str, tuple[GradeName, Evidence]]:
    """Summary table rows "<area title> | <grade>" (HTML and PDF editions)."""
    rows: dict[int, list[Block]] = {}
    for b in ctx.doc.blocks:
        if b.kind == "table_cell" and b.row is not None:
            rows.setdefault(b.row, []).append(b)
    out: dict[str, tuple[GradeName, Evidence]] = {}
    for cells in rows.values():
        texts = [ctx.doc.block_text(c) for c in cells]
        areas = [area_for_title(t) for t in texts]
        grades = [badge_grade(t) for t in texts]
        area = next((a for a in areas if a is not None), None)
        gi = next((k for k, g in enumerate(grades) if g is not None), None)
        if area is not None and gi is not None:
            grade = grades[gi]
            assert grade is not None
            out[area.key] = (grade, ctx.doc.evidence(cells[0].start, cells[-1].end))
    return out


def _pick(cands: list[_Candidate]) -> _Candidate:
    """Of the same judgment found in several places, the one in the area's own section, else the first."""
    return next((c for c in cands if c.in_own_section), cands[0])


def _grade(
    ctx: Context, area: Area, grade: GradeName, section: str | None, *, sentence: Evidence | None = None,
    badge: Evidence | None = None, table: Evidence | None = None, year: int | None = None,
) -> Grade:
    evidence = sentence or badge or table
    assert evidence is not None
    return Grade(area=area.key, area_title=area.title, grade=grade, scale=ctx.round.scale, section=section,
                 evidence=evidence, sentence=sentence, badge=badge, table=table, carried_over_year=year)


def _reconcile(ctx: Context, grade: Grade, other: GradeName, ev: Evidence, what: str) -> None:
    if other != grade.grade:
        ctx.warnings.append(Warning(
            code=f"grade_{what}_disagree", stage="extract", evidence=ev,
            message=f"{grade.area_title}: judgment sentence says {grade.grade!r}, {what} says {other!r}"))


def extract_grades(ctx: Context) -> list[Grade]:
    """One grade per (area, grade, carried-over year), sentence first, then badge, then table."""
    grouped: dict[tuple[str, GradeName, int | None], list[_Candidate]] = {}
    for c in _sentence_candidates(ctx):
        grouped.setdefault((c.area.key, c.grade, c.year), []).append(c)
    grades: dict[tuple[str, GradeName, int | None], Grade] = {}
    for key, cands in grouped.items():
        c = _pick(cands)
        grades[key] = _grade(ctx, c.area, c.grade, c.section, sentence=c.sentence, year=c.year)
    current = {k[0]: k for k in grades if k[2] is None}
    for area, grade, ev in _badge_candidates(ctx):
        key = current.get(area.key)
        if key is None:
            key = current[area.key] = (area.key, grade, None)
            grades[key] = _grade(ctx, area, grade, ctx.section_id(ev.start), badge=ev)
            continue
        if grades[key].badge is None:
            grades[key] = grades[key].model_copy(update={"badge": ev})
            _reconcile(ctx, grades[key], grade, ev, "badge")
    for area_key, (grade, ev) in _table_grades(ctx).items():
        area = AREAS_BY_KEY[area_key]
        key = current.get(area_key)
        if key is None:
            current[area_key] = (area_key, grade, None)
            grades[(area_key, grade, None)] = _grade(ctx, area, grade, ctx.section_id(ev.start), table=ev)
            continue
        grades[key] = grades[key].model_copy(update={"table": ev})
        _reconcile(ctx, grades[key], grade, ev, "table")
    _apply_changes(ctx, grades)
    return sorted(grades.values(), key=lambda g: (g.evidence.start, g.area))


def _apply_changes(ctx: Context, grades: dict[tuple[str, GradeName, int | None], Grade]) -> None:
    """Post-publication changes ("the grade … was changed from 'adequate' to 'requires improvement'")."""
    text = ctx.doc.text
    for s_start, s_end in ctx.sentences:
        m = _CHANGED.search(text[s_start:s_end])
        if not m or "grade" not in text[s_start:s_end].lower():
            continue
        old, new = display_grade(m.group("from")), display_grade(m.group("to"))
        if old is None or new is None:
            continue
        for key, g in list(grades.items()):
            if g.grade == new and key[2] is None and (g.area == ctx.area_at(s_start) or g.area in text[s_start:s_end].lower()):
                grades[key] = g.model_copy(update={"changed_from": old})
        ctx.warn("grade_changed", f"grade changed after publication from {old!r} to {new!r}", s_start, s_end)


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
            area = AREAS_BY_KEY[section.area]
            out[area.key] = UngradedArea(area=area.key, area_title=area.title, evidence=ctx.doc.evidence(s_start, s_end))
    for section in ctx.sections.sections:
        if section.area and section.area not in graded and section.area not in out:
            area = AREAS_BY_KEY[section.area]
            if area.ungraded or section.badge is None:
                out[area.key] = UngradedArea(area=area.key, area_title=area.title, evidence=None)
    return sorted(out.values(), key=lambda u: u.area)


def extract_graded_area_count(ctx: Context, grades: list[Grade]) -> GradedAreaCount | None:
    """ "We make graded judgments in 11 of these 12 as follows:" — checked against the grades found."""
    for s_start, s_end in ctx.sentences:
        m = GRADED_COUNT.search(ctx.doc.text[s_start:s_end])
        if not m:
            continue
        n, total = parse_int(m.group("n")), parse_int(m.group("m"))
        found = len({g.area for g in grades if g.carried_over_year is None})
        start, end = s_start + m.start(), s_start + m.end()
        if found != n:
            ctx.warn("graded_count_mismatch",
                     f"the report says it grades {n} of {total} areas; {found} graded areas were found", start, end)
        return GradedAreaCount(graded=n, total=total, found=found, evidence=ctx.doc.evidence(start, end))
    return None
