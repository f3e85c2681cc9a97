"""Graded judgments: sentences, bare grade lines and summary-table rows, reconciled into one grade per area.

Sources of a grade, in order of authority for the reported ``evidence``:
  1. the judgment sentence ("Cleveland Police requires improvement at investigating crime.");
  2. a bare grade line: the badge of a 2021/22+ area section (a line "Requires improvement"), a grade line
     under a 2015–2018/19 pillar-page question or after "Last updated dd/mm/yyyy", a CDI "graded inadequate"
     line under "Overall judgment" or under one of the three CDI questions;
  3. the summary grade table row (area | grade) of the HTML and PDF editions.
Where two disagree, the sentence wins and a ``grade_badge_disagree`` / ``grade_table_disagree`` warning
is written. A sentence repeated in another section (the 2021/22 victim service section repeats "<Force>
is good at recording crime.") is counted once, keeping the occurrence in the area's own section.

Area resolution is round-aware (``rounds.vocab``): the activity phrase names the area as the round grades it
("using its resources to meet demand" is use of resources in 2016/17, meeting current demands in 2018/19);
"preventing and investigating crime" names two areas; a phrase that names no area counts only when it restates
the question it answers ("good at responding to vulnerable victims" under "How effective is the force at
protecting those who are vulnerable from harm, and supporting victims?"), so descriptions of sub-aspects
("good at supporting vulnerable victims") are not grades.

Carried-over judgments keep their year: "In 2017, we judged …", "last year, when the force was judged as …"
(round year − 1), "This judgment has been carried over from our last inspection in 2017/18." and "our judgment
from the 2017 legitimacy inspection has been carried over" (the judgment above, or the question's area). A
judgment dated in the inspection's own year is the current one. Expected: one grade per graded area (10 in
the sample), plus carried-over judgments with their year.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass

import regex

from peelextract.document import Block
from peelextract.extract.context import Context
from peelextract.extract.judgments import Judgment, display_grade, find_judgments
from peelextract.extract.numbers import NUMBER, parse_int
from peelextract.models import Evidence, Grade, GradedAreaCount, GradeName, UngradedArea, Warning
from peelextract.rounds.vocab import (
    AREAS_BY_KEY,
    FRONT_TITLES,
    GENERIC_PILLAR_PHRASE,
    NEW_ROUNDS,
    QUESTION,
    Area,
    area_for_phrase,
    area_for_question,
    area_for_title,
    in_round,
)
from peelextract.sections import badge_grade

log = logging.getLogger(__name__)

_PILLARS = (("effective", "effectiveness"), ("efficien", "efficiency"), ("legitima", "legitimacy"))
_PILLAR_KEYS = frozenset(k for _, k in _PILLARS)
_GRADED_LINE = regex.compile(
    r"^graded (?P<grade>outstanding|good|adequate|inadequate|requires improvement)\.?$", regex.IGNORECASE
)
_UNGRADED = regex.compile(
    r"\b(?:don't|do not|doesn't) make (?:a )?graded judgments?\b|\bis ungraded\b|"
    r"\bnot graded\b|\b(?:don't|do not|does not|doesn't) grade (?:forces|the force|it)\b",
    regex.IGNORECASE,
)
GRADED_COUNT = regex.compile(
    rf"\bgraded judgments? (?:in|for) (?P<n>{NUMBER}) of (?:these|the) (?P<m>{NUMBER})\b", regex.IGNORECASE
)
_GRADE_ALT = r"requires improvement|outstanding|good|adequate|inadequate"
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
_INSPECTED_IN = regex.compile(
    r"\bIn (?:[A-Z][a-z]+ )?(?P<year>(?:19|20)\d\d),? [^.]{0,160}?"
    r"\b(?:conducted|carried out|inspected)\b"
)
_CDI_TITLE = regex.compile(
    r"Crime Data Integrity (?:re-)?inspection(?: (?P<year>\d{4}))?$|"
    r"^(?:Revised )?overall judgment$",
    regex.IGNORECASE,
)
_PAGE_TITLE = regex.compile(r"^(?:[A-Z][\w'-]*(?: of| and)? ){1,4}(?:PEEL )?\d{4}(?:/\d\d)?$")
_STRIP = regex.compile(r"^(?:how it|the way it|how well it|its|the|how)\s+", regex.IGNORECASE)
_COORDINATED = regex.compile(r"^(?P<a>\w+ing) and (?P<b>\w+ing)\b(?P<rest>.*)$", regex.IGNORECASE)
_STOP = frozenset(
    {
        "force",
        "forc",
        "const",
        "polic",
        "with",
        "that",
        "those",
        "from",
        "their",
        "this",
        "which",
        "does",
        "well",
        "what",
        "exten",
        "there",
        "into",
        "they",
    }
)
_CONTEXT_BLOCKS = 30

Key = tuple[str, GradeName, int | None]


@dataclass
class _Candidate:
    area: Area
    grade: GradeName
    section: str | None
    sentence: Evidence | None
    year: int | None
    in_own_section: bool


def round_year(ctx: Context) -> int | None:
    """The inspection's own year: the round's first year, or a CDI title's year."""
    if ctx.round.round == "cdi":
        m = regex.search(r"Crime Data Integrity (?:re-)?inspection (\d{4})", ctx.doc.text[:5000])
        return int(m.group(1)) if m else None
    m = regex.match(r"\d{4}", ctx.round.round)
    return int(m.group(0)) if m else None


def _stems(text: str) -> set[str]:
    return {w[:5] for w in regex.findall(r"[a-z]{4,}", text.lower())} - _STOP


def restates(phrase: str, context: str) -> bool:
    """The activity phrase shares at least two content words (by 5-letter stem) with a question or title."""
    return len(_stems(phrase) & _stems(context)) >= 2


_STARTS: dict[int, tuple[tuple[Block, ...], list[int]]] = {}


def _block_index(ctx: Context, offset: int) -> int:
    """Index of the block holding ``offset`` (block starts cached per document: called once per sentence)."""
    blocks = ctx.doc.blocks
    cached = _STARTS.get(id(blocks))
    if cached is None or cached[0] is not blocks:
        _STARTS.clear()
        cached = _STARTS[id(blocks)] = (blocks, [b.start for b in blocks])
    return max(0, bisect.bisect_right(cached[1], offset) - 1)


def context_area(ctx: Context, offset: int, phrase: str | None) -> Area | None:
    """The area of the nearest question line, area heading or CDI title above ``offset`` (within 30 blocks,
    not past a page title or front-matter title). With a ``phrase``, only when the phrase restates it."""
    blocks = ctx.doc.blocks
    round_ = ctx.round.round
    for k in range(_block_index(ctx, offset) - 1, max(-1, _block_index(ctx, offset) - _CONTEXT_BLOCKS), -1):
        text = ctx.doc.block_text(blocks[k]).strip()
        low = text.lower().strip(" .:")
        if QUESTION.match(text):
            area = area_for_question(text, round_)
        elif _CDI_TITLE.search(text):
            area = AREAS_BY_KEY["crime-data-integrity"]
        elif blocks[k].kind == "heading" and area_for_title(text, round_) is not None:
            area = area_for_title(text, round_)
        elif _PAGE_TITLE.match(text) or low in FRONT_TITLES:
            return None
        else:
            continue
        if area is None or (phrase and not GENERIC_PILLAR_PHRASE.match(phrase) and not restates(phrase, text)):
            return None
        return area
    return None


def _pillar(phrase: str) -> Area | None:
    low = phrase.lower()
    return next((AREAS_BY_KEY[key] for stem, key in _PILLARS if stem in low), None)


def _phrase_areas(ctx: Context, phrase: str, offset: int) -> list[Area]:
    """Areas an activity phrase names: directly, as a pillar phrase, as two coordinated activities, or as a
    restatement of the question it answers."""
    round_ = ctx.round.round
    stripped = _STRIP.sub("", phrase.strip())
    if GENERIC_PILLAR_PHRASE.match(stripped.lower()):
        area = context_area(ctx, offset, None)
        pillar = area if area is not None and area.key in _PILLAR_KEYS else AREAS_BY_KEY["effectiveness"]
        return [a for a in (in_round(pillar, round_),) if a is not None]
    area = area_for_phrase(phrase, round_) or area_for_phrase(stripped, round_)
    if area is not None:
        return [area]
    m = _COORDINATED.match(stripped)
    if m:
        crime = " crime" if "crime" in m.group("rest").lower() else m.group("rest")
        parts = [
            area_for_phrase(m.group(w) + m.group("rest"), round_) or area_for_phrase(m.group(w) + crime, round_)
            for w in ("a", "b")
        ]
        if all(parts) and len({p.key for p in parts if p}) == 2:
            return [p for p in parts if p is not None]
    area = context_area(ctx, offset, stripped)
    return [area] if area is not None else []


def _areas_for(ctx: Context, j: Judgment, offset: int, previous: Area | None) -> list[Area]:
    """The area(s) of one judgment; ``previous`` is the area of the judgment before it in the same paragraph."""
    low = j.phrase.lower()
    if j.family in ("extent", "with-which"):
        pillar = _pillar(low)
        return [pillar] if pillar else []
    if j.family == "overall":
        return [AREAS_BY_KEY["crime-data-integrity"]]
    if not j.phrase:
        area = previous or context_area(ctx, offset, None)
        return [area] if area else []
    # "… has been assessed as outstanding in respect of the efficiency with which …"; the 2018/19 body
    # sentence "<Force> requires improvement in the efficiency with which it keeps people safe …"
    if low.startswith(
        (
            "respect of",
            "the efficiency",
            "the effectiveness",
            "the legitimacy",
            "efficiency",
            "effectiveness",
            "legitimacy",
        )
    ):
        pillar = _pillar(low)
        if pillar:
            return [pillar]
    return _phrase_areas(ctx, j.phrase, offset)


def _inspection_year(ctx: Context, offset: int) -> int | None:
    """ "In November 2017, HMICFRS conducted a crime data integrity inspection" in this or the 3 blocks above."""
    i = _block_index(ctx, offset)
    for k in range(i, max(-1, i - 4), -1):
        m = _INSPECTED_IN.search(ctx.doc.block_text(ctx.doc.blocks[k]))
        if m:
            return int(m.group("year"))
    return None


def _year_of(ctx: Context, j: Judgment, offset: int) -> int | None:
    """Carried-over year of a judgment, or None when it is the inspection's own (current) judgment."""
    own = round_year(ctx)
    year: int | None = None
    if j.family in ("carried", "carried-bare"):
        year = j.year if j.year is not None else (own - 1 if j.last_year and own else None)
    elif j.family == "overall":
        year = _inspection_year(ctx, offset)
    return None if year is None or year == own else year


def _sentence_candidates(ctx: Context) -> list[_Candidate]:
    out: list[_Candidate] = []
    text = ctx.doc.text
    previous: tuple[int, Area] | None = None
    for s_start, s_end in ctx.sentences:
        if ctx.in_back_matter(s_start):
            continue
        block = _block_index(ctx, s_start)
        for j in find_judgments(text[s_start:s_end], ctx.force):
            before = previous[1] if previous is not None and previous[0] == block else None
            areas = _areas_for(ctx, j, s_start, before)
            if not areas:
                ctx.warn("grade_without_area", f"judgment '{j.phrase}' names no known area", s_start, s_end)
                continue
            year = _year_of(ctx, j, s_start)
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
    if section_area and round_ in NEW_ROUNDS:
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
        areas = [area_for_title(t, ctx.round.round) for t in texts]
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
    grouped: dict[Key, list[_Candidate]] = {}
    for c in _sentence_candidates(ctx):
        grouped.setdefault((c.area.key, c.grade, c.year), []).append(c)
    grades: dict[Key, Grade] = {}
    for key, cands in grouped.items():
        c = _pick(cands)
        grades[key] = _grade(ctx, c.area, c.grade, c.section, sentence=c.sentence, year=c.year)
    current = {k[0]: k for k in grades if k[2] is None}
    for area, grade, ev in _badge_candidates(ctx):
        found = current.get(area.key)
        if found is None:
            current[area.key] = (area.key, grade, None)
            grades[(area.key, grade, None)] = _grade(ctx, area, grade, ctx.section_id(ev.start), badge=ev)
            continue
        if grades[found].badge is None:
            grades[found] = grades[found].model_copy(update={"badge": ev})
            _reconcile(ctx, grades[found], grade, ev, "badge")
    for area_key, (grade, ev) in _table_grades(ctx).items():
        area = AREAS_BY_KEY[area_key]
        found = current.get(area_key)
        if found is None:
            current[area_key] = (area_key, grade, None)
            grades[(area_key, grade, None)] = _grade(ctx, area, grade, ctx.section_id(ev.start), table=ev)
            continue
        grades[found] = grades[found].model_copy(update={"table": ev})
        _reconcile(ctx, grades[found], grade, ev, "table")
    _apply_carried_notes(ctx, grades)
    _apply_changes(ctx, grades)
    return sorted(grades.values(), key=lambda g: (g.evidence.start, g.area))


def _note_target(ctx: Context, s_start: int) -> Area | None:
    """The area a carried-over note is about: the judgment earlier in its paragraph, else its question's."""
    block = ctx.doc.blocks[_block_index(ctx, s_start)]
    head = ctx.doc.text[block.start : s_start]
    for j in reversed(find_judgments(head, ctx.force)):
        areas = _areas_for(ctx, j, block.start, None)
        if areas:
            return areas[-1]
    return context_area(ctx, s_start, None)


def _apply_carried_notes(ctx: Context, grades: dict[Key, Grade]) -> None:
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
            if key[0] == area.key and key[2] is None:
                del grades[key]
                new_key = (key[0], key[1], year)
                kept = grades.get(new_key)
                if kept is None:
                    grades[new_key] = g.model_copy(update={"carried_over_year": year})
                else:  # the carried-over sentence's grade keeps this one's badge and table row
                    grades[new_key] = kept.model_copy(
                        update={"badge": kept.badge or g.badge, "table": kept.table or g.table}
                    )
                log.debug("%s %s carried over from %d", area.key, g.grade, year)


def _apply_changes(ctx: Context, grades: dict[Key, Grade]) -> None:
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
            if g.grade == new and key[2] is None and named:
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
            out[area.key] = UngradedArea(
                area=area.key, area_title=area.title_in(ctx.round.round), evidence=ctx.doc.evidence(s_start, s_end)
            )
    for section in ctx.sections.sections:
        if section.area and section.area not in graded and section.area not in out:
            area = AREAS_BY_KEY[section.area]
            if area.ungraded or section.badge is None:
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
