"""Graded judgments: every statement of a grade (``extract.grade_sources``, ``extract.grade_lists``), reconciled
into one grade per area with each statement kept as a witness (``Grade.mentions``), and the earlier judgments the
report tells in passing (``EarlierJudgment``).

Authority for a grade's reported ``evidence``: the judgment sentence, then the bare grade line (badge), then the
summary-table row, then a list pair. Where a badge or table row disagrees with the sentence, the sentence wins and
a ``grade_badge_disagree`` / ``grade_table_disagree`` warning is written (the disagreeing statement is no witness).
A sentence repeated in another section (the 2021/22 victim service section repeats "<Force> is good at recording
crime.") is a second witness; the reported ``sentence`` is the occurrence in the area's own section.

Earlier judgments (a statement with a year, "last year, when …"): ``carried_over`` when the report says the
judgment stands ("… has been carried over", "we have carried forward our 2017 judgment", "We have carried that
judgment over to this year." in the same paragraph, "… so we did not inspect it again": the previous round's), or,
on a 2018/19 page, when "In 2017, we judged the constabulary to be good at …" names an area this inspection did not
grade; otherwise ``previous`` (history this
inspection replaced: never a grade). A carried-over judgment is also a grade with ``carried_over_year``.

Notes change grades afterwards: "This judgment has been carried over from our last inspection in 2017/18." and
"our judgment from the 2017 legitimacy inspection has been carried over" make the current grade of the area
they are about (the judgment before the note in its paragraph, or the question's area) a carried-over one with
that year; "On 1 June 2022 the grade for this area was changed from 'adequate' to 'requires improvement'." sets
``changed_from`` and warns ``grade_changed``. Expected: one grade per graded area (10 in the sample), plus
carried-over judgments with their year.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import NamedTuple

import regex

from peelextract.extract.context import Context, context_area
from peelextract.extract.grade_lists import Listed, listed_pairs, table_rows
from peelextract.extract.grade_sources import Statement, badge_statements, judgments_before, sentence_statements
from peelextract.extract.judgment_areas import round_year
from peelextract.extract.judgments import display_grade
from peelextract.models import EarlierJudgment, EarlierKind, Evidence, Grade, GradeName, Mention, Warning
from peelextract.rounds.scales import grade_pattern, previous_round_year
from peelextract.rounds.vocab import Area

log = logging.getLogger(__name__)

_GRADE_ALT = grade_pattern()
# "On 1 June 2022 the grade for this area was changed from 'adequate' to 'requires improvement'."
_CHANGED = regex.compile(
    rf"changed from [\"']?(?P<from>{_GRADE_ALT})[\"']? to [\"']?(?P<to>{_GRADE_ALT})\b", regex.IGNORECASE
)
# "This judgment has been carried over from our last inspection in 2017/18."  "… and our judgment from the 2017
# legitimacy inspection has been carried over."  "… and have carried forward our 2017 judgment."  "We have carried
# that judgment over to this year."
_CARRIED_NOTE = regex.compile(
    r"\bjudg(?:e)?ments?\b[^.]{0,80}?\b(?:has|have) been carried (?:over|forward)\b|"
    r"\bcarried (?:over|forward) (?:our |the |that |this |its )?(?:(?:19|20)\d\d )?(?:[a-z]+ )?judg(?:e)?ments?\b|"
    r"\bcarried (?:our |the |that |this |its )(?:(?:19|20)\d\d )?judg(?:e)?ments? (?:over|forward)\b",
    regex.IGNORECASE,
)
# "… so we did not inspect it further."  "… and so we did not inspect this question again.": the judgment stands from
# the previous round.
_NOT_REINSPECTED = regex.compile(
    r"\bdid(?: not|n't) (?:re-?)?inspect (?:it|this|that|the force|(?:this|that|the) (?:area|question|pillar))"
    r"(?: [a-z]+){0,3}? (?:again|further)\b",
    regex.IGNORECASE,
)
_NOTE_YEAR = regex.compile(
    r"\bfrom (?:our |the )?(?:last |previous )?(?:[a-z]+ )?(?:inspection |assessment )?"
    r"(?:in )?(?P<year>(?:19|20)\d\d)\b",
    regex.IGNORECASE,
)
_ANY_YEAR = regex.compile(r"\b(?P<year>(?:19|20)\d\d)\b")
_DATED_OPENING = regex.compile(r"^\s*In (?:19|20)\d\d\b")
# PEEL 2018/19 carried earlier judgments of the questions it did not inspect again: on its pages "In 2017, we judged
# the constabulary to be good at …" of an area it did not grade tells the judgment that stands.
_CARRYING_ROUND = "2018/19"
_AUTHORITY = {"sentence": 0, "badge": 1, "table": 2, "list": 3}


class GradeKey(NamedTuple):
    """One grade per area, grade and carried-over year (None: the inspection's current grade)."""

    area: str
    grade: GradeName
    year: int | None


@dataclass
class _Fact:
    """A grade being assembled: its statements, in the order found, best authority first when reported."""

    area: Area
    grade: GradeName
    year: int | None
    statements: list[Statement] = field(default_factory=list)
    badge: Evidence | None = None
    table: Evidence | None = None
    changed_from: GradeName | None = None


@dataclass(frozen=True)
class _Note:
    """A carried-over note: where it is, the year it names (None: "that judgment"), the area it is about."""

    block: int
    start: int
    end: int
    year: int | None
    area: Area | None


def _listed_statements(ctx: Context, listed: list[Listed]) -> list[Statement]:
    return [Statement(x.area, x.grade, x.source, x.evidence, ctx.section_id(x.evidence.start)) for x in listed]  # type: ignore[arg-type]


def _add_secondary(ctx: Context, facts: dict[GradeKey, _Fact], current: dict[str, GradeKey], st: Statement) -> None:
    """A badge, table row or list pair: a witness of the area's current grade, or the grade when there is none."""
    key = current.get(st.area.key)
    if key is None:
        key = current[st.area.key] = GradeKey(st.area.key, st.grade, None)
        facts[key] = _Fact(st.area, st.grade, None)
    fact = facts[key]
    if st.grade != fact.grade:
        what = "badge" if st.source == "badge" else "table"
        if (st.source == "badge" and fact.badge is None) or (st.source == "table" and fact.table is None):
            _disagree(ctx, fact, st.grade, st.evidence, what)
            _set_field(fact, st)
        return
    fact.statements.append(st)
    _set_field(fact, st)


def _set_field(fact: _Fact, st: Statement) -> None:
    if st.source == "badge" and fact.badge is None:
        fact.badge = st.evidence
    elif st.source == "table" and fact.table is None:
        fact.table = st.evidence


def _disagree(ctx: Context, fact: _Fact, other: GradeName, ev: Evidence, what: str) -> None:
    title = fact.area.title_in(ctx.round.round)
    ctx.warnings.append(
        Warning(
            code=f"grade_{what}_disagree",
            stage="extract",
            evidence=ev,
            message=f"{title}: judgment sentence says {fact.grade!r}, {what} says {other!r}",
        )
    )


def _carried_notes(ctx: Context) -> list[_Note]:
    out: list[_Note] = []
    text = ctx.doc.text
    for s_start, s_end in ctx.sentences:
        sentence = text[s_start:s_end]
        folded = sentence.casefold()  # each pattern holds its word: a cheap check before the search
        carried = _CARRIED_NOTE.search(sentence) if "carried" in folded else None
        not_again = _NOT_REINSPECTED.search(sentence) if "inspect" in folded else None
        if ctx.in_back_matter(s_start) or not (carried or not_again):
            continue
        m = _NOTE_YEAR.search(sentence) or _ANY_YEAR.search(sentence)
        year = int(m.group("year")) if m else (previous_round_year(ctx.round.round) if not carried else None)
        block = ctx.block_index(s_start)
        area = _note_target(ctx, block, s_start, s_end)
        out.append(_Note(block, s_start, s_end, year, area))
    return out


def _earlier_kind(ctx: Context, st: Statement, notes: list[_Note], graded: set[str]) -> EarlierKind:
    """Carried over when a note carries this area's judgment of that year (or "that judgment", in the same
    paragraph); on a 2018/19 page, also "In 2017, we judged …" of an area this inspection did not grade."""
    block = ctx.block_index(st.evidence.start)
    for n in notes:
        same_year = n.year == st.year or (n.year is None and n.block == block)
        if same_year and n.area is not None and n.area.key == st.area.key:
            return "carried_over"
    if (
        st.family == "carried"
        and ctx.round.round == _CARRYING_ROUND
        and st.area.key not in graded
        and _DATED_OPENING.match(st.evidence.text)
    ):
        return "carried_over"
    return "previous"


def extract_grade_facts(ctx: Context) -> tuple[list[Grade], list[EarlierJudgment]]:
    """One grade per (area, grade, carried-over year) with its witnesses, and the earlier judgments told."""
    facts: dict[GradeKey, _Fact] = {}
    earlier: list[tuple[Statement, EarlierKind]] = []
    sentences = sentence_statements(ctx)
    for st in sentences:
        if st.earlier:
            continue
        key = GradeKey(st.area.key, st.grade, None)
        facts.setdefault(key, _Fact(st.area, st.grade, None)).statements.append(st)
    current = {k.area: k for k in facts}
    for st in badge_statements(ctx):
        _add_secondary(ctx, facts, current, st)
    for st in _listed_statements(ctx, table_rows(ctx)) + _listed_statements(ctx, listed_pairs(ctx)):
        _add_secondary(ctx, facts, current, st)
    notes = _carried_notes(ctx)
    graded = {k.area for k in facts}
    for st in (s for s in sentences if s.earlier):
        kind = _earlier_kind(ctx, st, notes, graded)
        earlier.append((st, kind))
        if kind == "carried_over":
            key = GradeKey(st.area.key, st.grade, st.year)
            facts.setdefault(key, _Fact(st.area, st.grade, st.year)).statements.append(st)
    earlier.extend(_apply_carried_notes(ctx, facts, notes))
    _apply_changes(ctx, facts)
    grades = sorted((_grade(ctx, f) for f in facts.values()), key=lambda g: (g.evidence.start, g.area))
    told = [
        EarlierJudgment(
            area=st.area.key,
            area_title=st.area.title_in(ctx.round.round),
            grade=st.grade,
            kind=kind,
            year=st.year,
            evidence=st.evidence,
        )
        for st, kind in earlier
    ]
    return grades, sorted(told, key=lambda e: (e.evidence.start, e.area))


def extract_grades(ctx: Context) -> list[Grade]:
    """The grades alone (``extract_grade_facts`` without the earlier judgments)."""
    return extract_grade_facts(ctx)[0]


def _grade(ctx: Context, fact: _Fact) -> Grade:
    sentences = [s for s in fact.statements if s.source == "sentence"]
    reported = next((s for s in sentences if s.in_own_section), sentences[0] if sentences else None)
    first = min(fact.statements, key=lambda s: _AUTHORITY[s.source]) if fact.statements else None
    evidence = reported.evidence if reported else (fact.badge or fact.table or (first.evidence if first else None))
    assert evidence is not None
    seen: set[tuple[int, int]] = set()
    mentions: list[Mention] = []
    for st in sorted(fact.statements, key=lambda s: s.evidence.start):
        span = (st.evidence.start, st.evidence.end)
        if span not in seen:
            seen.add(span)
            mentions.append(Mention(source=st.source, evidence=st.evidence))
    return Grade(
        area=fact.area.key,
        area_title=fact.area.title_in(ctx.round.round),
        grade=fact.grade,
        scale=ctx.round.scale,
        section=(reported.section if reported else ctx.section_id(evidence.start)),
        evidence=evidence,
        sentence=reported.evidence if reported else None,
        badge=fact.badge,
        table=fact.table,
        carried_over_year=fact.year,
        changed_from=fact.changed_from,
        mentions=mentions,
    )


def _note_target(ctx: Context, block: int, start: int, end: int) -> Area | None:
    """The area a carried-over note is about: the judgment before it in its paragraph (its own sentence
    included), else its question's."""
    before = judgments_before(ctx, ctx.doc.blocks[block].start, end)
    return before[-1] if before else context_area(ctx, start, None)


def _apply_carried_notes(
    ctx: Context, facts: dict[GradeKey, _Fact], notes: list[_Note]
) -> list[tuple[Statement, EarlierKind]]:
    """ "This judgment has been carried over from our last inspection in 2017/18." — the current grade of the
    area the note is about becomes a carried-over grade with that year (merged if one already exists)."""
    own = round_year(ctx)
    told: list[tuple[Statement, EarlierKind]] = []
    for note in notes:
        area = note.area if note.year is not None and note.year != own else None
        if area is None:
            continue
        for key, fact in list(facts.items()):
            if key.area != area.key or key.year is not None:
                continue
            del facts[key]
            new_key = key._replace(year=note.year)
            kept = facts.get(new_key)
            if kept is None:
                fact.year = note.year
                facts[new_key] = fact
            else:  # the carried-over sentence's grade keeps this one's badge, table row and witnesses
                kept.badge, kept.table = kept.badge or fact.badge, kept.table or fact.table
                kept.statements.extend(fact.statements)
            # The judgment sentence the note carries over is told as an earlier judgment (a badge is no telling).
            told.extend(
                (Statement(fact.area, fact.grade, "sentence", s.evidence, s.section, year=note.year), "carried_over")
                for s in fact.statements
                if s.source == "sentence"
            )
            log.debug("%s %s carried over from %d", area.key, fact.grade, note.year)
    return told


def _apply_changes(ctx: Context, facts: dict[GradeKey, _Fact]) -> None:
    """Post-publication changes ("the grade … was changed from 'adequate' to 'requires improvement'")."""
    text = ctx.doc.text
    for s_start, s_end in ctx.sentences:
        m = _CHANGED.search(text[s_start:s_end])
        if not m or "grade" not in text[s_start:s_end].lower():
            continue
        old, new = display_grade(m.group("from")), display_grade(m.group("to"))
        if old is None or new is None:
            continue
        for key, fact in facts.items():
            named = key.area == ctx.area_at(s_start) or key.area in text[s_start:s_end].lower()
            if fact.grade == new and key.year is None and named:
                fact.changed_from = old
        ctx.warn("grade_changed", f"grade changed after publication from {old!r} to {new!r}", s_start, s_end)
