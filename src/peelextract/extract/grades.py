"""Graded judgments: sentences, bare grade lines and summary-table rows, reconciled into one grade per area.

Sources of a grade, in order of authority for the reported ``evidence``:
  1. the judgment sentence ("Cleveland Police requires improvement at investigating crime."; the sentence
     shapes are in ``extract.judgments``, their areas and years in ``extract.judgment_areas``);
  2. a bare grade line: the badge of a 2021/22+ area section (a line "Requires improvement"), a grade line
     under a 2015–2018/19 pillar-page question or after "Last updated dd/mm/yyyy", a CDI "graded inadequate"
     line under "Overall judgment" or under one of the three CDI questions;
  3. the summary grade table row (area | grade) of the HTML and PDF editions.
Where two disagree, the sentence wins and a ``grade_badge_disagree`` / ``grade_table_disagree`` warning
is written. A sentence repeated in another section (the 2021/22 victim service section repeats "<Force>
is good at recording crime.") is counted once, keeping the occurrence in the area's own section.

Notes change grades afterwards: "This judgment has been carried over from our last inspection in 2017/18." and
"our judgment from the 2017 legitimacy inspection has been carried over" make the current grade of the area
they are about (the judgment above in the paragraph, or the question's area) a carried-over one with that
year; "On 1 June 2022 the grade for this area was changed from 'adequate' to 'requires improvement'." sets
``changed_from`` and warns ``grade_changed``. Expected: one grade per graded area (10 in the sample), plus
carried-over judgments with their year.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import NamedTuple

import regex

from peelextract.document import Block
from peelextract.extract.context import Context, context_area
from peelextract.extract.judgment_areas import areas_for, round_year, year_of
from peelextract.extract.judgments import display_grade, find_judgments
from peelextract.models import Evidence, Grade, GradeName, Warning
from peelextract.rounds.scales import FIVE_TIER_ROUNDS, grade_named, grade_pattern
from peelextract.rounds.vocab import AREAS_BY_KEY, Area, area_for_title, in_round

log = logging.getLogger(__name__)

_GRADE_ALT = grade_pattern()
# "graded inadequate": a CDI grade line under "Overall judgment" or under a CDI question.
_GRADED_LINE = regex.compile(rf"^graded (?P<grade>{_GRADE_ALT})\.?$", regex.IGNORECASE)
# "On 1 June 2022 the grade for this area was changed from 'adequate' to 'requires improvement'."
_CHANGED = regex.compile(
    rf"changed from [\"']?(?P<from>{_GRADE_ALT})[\"']? to [\"']?(?P<to>{_GRADE_ALT})\b", regex.IGNORECASE
)
# "This judgment has been carried over from our last inspection in 2017/18."  "… and our judgment from the 2017
# legitimacy inspection has been carried over."
_CARRIED_NOTE = regex.compile(
    r"\bjudg(?:e)?ments?\b[^.]{0,80}?\b(?:has|have) been carried (?:over|forward)\b", regex.IGNORECASE
)
_NOTE_YEAR = regex.compile(
    r"\bfrom (?:our |the )?(?:last |previous )?(?:[a-z]+ )?(?:inspection |assessment )?"
    r"(?:in )?(?P<year>(?:19|20)\d\d)\b",
    regex.IGNORECASE,
)
_ANY_YEAR = regex.compile(r"\b(?P<year>(?:19|20)\d\d)\b")


class GradeKey(NamedTuple):
    """One grade per area, grade and carried-over year (None: the inspection's current grade)."""

    area: str
    grade: GradeName
    year: int | None


@dataclass
class _Candidate:
    area: Area
    grade: GradeName
    section: str | None
    sentence: Evidence | None
    year: int | None
    in_own_section: bool


def _sentence_candidates(ctx: Context) -> list[_Candidate]:
    out: list[_Candidate] = []
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
                    _Candidate(
                        area,
                        j.grade,
                        ctx.section_id(s_start),
                        ctx.doc.evidence(s_start, s_end),
                        year,
                        ctx.area_at(s_start) == area.key,
                    )
                )
            previous = (block, areas[-1])
    return out


def _block_area(ctx: Context, blocks: tuple[Block, ...], i: int) -> Area | None:
    """The area a bare grade line belongs to: in 2021/22+ its section's; in earlier rounds and CDI the nearest
    question, area heading or CDI title above it; else its section's."""
    section_area = ctx.area_at(blocks[i].start)
    round_ = ctx.round.round
    if section_area and round_ in FIVE_TIER_ROUNDS:
        return in_round(AREAS_BY_KEY[section_area], round_)
    area = context_area(ctx, blocks[i].start, None)
    if area is None and section_area:
        area = in_round(AREAS_BY_KEY[section_area], round_)
    if area is None and round_ == "cdi":
        area = AREAS_BY_KEY["crime-data-integrity"]
    return area


def _badge_candidates(ctx: Context) -> list[tuple[Area, GradeName, Evidence]]:
    out: list[tuple[Area, GradeName, Evidence]] = []
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
        areas = [area_for_title(t, ctx.round.round) for t in texts]
        grades = [grade_named(t) for t in texts]
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
    ctx: Context,
    area: Area,
    grade: GradeName,
    section: str | None,
    *,
    sentence: Evidence | None = None,
    badge: Evidence | None = None,
    table: Evidence | None = None,
    year: int | None = None,
) -> Grade:
    evidence = sentence or badge or table
    assert evidence is not None
    return Grade(
        area=area.key,
        area_title=area.title_in(ctx.round.round),
        grade=grade,
        scale=ctx.round.scale,
        section=section,
        evidence=evidence,
        sentence=sentence,
        badge=badge,
        table=table,
        carried_over_year=year,
    )


def _reconcile(ctx: Context, grade: Grade, other: GradeName, ev: Evidence, what: str) -> None:
    if other != grade.grade:
        ctx.warnings.append(
            Warning(
                code=f"grade_{what}_disagree",
                stage="extract",
                evidence=ev,
                message=f"{grade.area_title}: judgment sentence says {grade.grade!r}, {what} says {other!r}",
            )
        )


def extract_grades(ctx: Context) -> list[Grade]:
    """One grade per (area, grade, carried-over year), sentence first, then bare grade line, then table."""
    grouped: dict[GradeKey, list[_Candidate]] = {}
    for c in _sentence_candidates(ctx):
        grouped.setdefault(GradeKey(c.area.key, c.grade, c.year), []).append(c)
    grades: dict[GradeKey, Grade] = {}
    for key, cands in grouped.items():
        c = _pick(cands)
        grades[key] = _grade(ctx, c.area, c.grade, c.section, sentence=c.sentence, year=c.year)
    current = {k.area: k for k in grades if k.year is None}
    for area, grade, ev in _badge_candidates(ctx):
        found = current.get(area.key)
        if found is None:
            key = current[area.key] = GradeKey(area.key, grade, None)
            grades[key] = _grade(ctx, area, grade, ctx.section_id(ev.start), badge=ev)
            continue
        if grades[found].badge is None:
            grades[found] = grades[found].model_copy(update={"badge": ev})
            _reconcile(ctx, grades[found], grade, ev, "badge")
    for area_key, (grade, ev) in _table_grades(ctx).items():
        area = AREAS_BY_KEY[area_key]
        found = current.get(area_key)
        if found is None:
            key = current[area_key] = GradeKey(area_key, grade, None)
            grades[key] = _grade(ctx, area, grade, ctx.section_id(ev.start), table=ev)
            continue
        grades[found] = grades[found].model_copy(update={"table": ev})
        _reconcile(ctx, grades[found], grade, ev, "table")
    _apply_carried_notes(ctx, grades)
    _apply_changes(ctx, grades)
    return sorted(grades.values(), key=lambda g: (g.evidence.start, g.area))


def _note_target(ctx: Context, s_start: int) -> Area | None:
    """The area a carried-over note is about: the judgment earlier in its paragraph, else its question's."""
    block = ctx.doc.blocks[ctx.block_index(s_start)]
    head = ctx.doc.text[block.start : s_start]
    for j in reversed(find_judgments(head, ctx.force)):
        areas = areas_for(ctx, j, block.start, None)
        if areas:
            return areas[-1]
    return context_area(ctx, s_start, None)


def _apply_carried_notes(ctx: Context, grades: dict[GradeKey, Grade]) -> None:
    """ "This judgment has been carried over from our last inspection in 2017/18." — the current grade of the
    area the note is about becomes a carried-over grade with that year (merged if one already exists)."""
    own = round_year(ctx)
    text = ctx.doc.text
    for s_start, s_end in ctx.sentences:
        sentence = text[s_start:s_end]
        if ctx.in_back_matter(s_start) or not _CARRIED_NOTE.search(sentence):
            continue
        m = _NOTE_YEAR.search(sentence) or _ANY_YEAR.search(sentence)
        year = int(m.group("year")) if m else None
        area = _note_target(ctx, s_start)
        if year is None or year == own or area is None:
            continue
        for key, g in list(grades.items()):
            if key.area == area.key and key.year is None:
                del grades[key]
                new_key = key._replace(year=year)
                kept = grades.get(new_key)
                if kept is None:
                    grades[new_key] = g.model_copy(update={"carried_over_year": year})
                else:  # the carried-over sentence's grade keeps this one's badge and table row
                    grades[new_key] = kept.model_copy(
                        update={"badge": kept.badge or g.badge, "table": kept.table or g.table}
                    )
                log.debug("%s %s carried over from %d", area.key, g.grade, year)


def _apply_changes(ctx: Context, grades: dict[GradeKey, Grade]) -> None:
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
            named = g.area == ctx.area_at(s_start) or g.area in text[s_start:s_end].lower()
            if g.grade == new and key.year is None and named:
                grades[key] = g.model_copy(update={"changed_from": old})
        ctx.warn("grade_changed", f"grade changed after publication from {old!r} to {new!r}", s_start, s_end)
