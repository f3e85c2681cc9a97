"""Grades stated as lists: "<Area>: <grade>" pairs in a line, a list item, a caption or an infographic's text
alternative, and "<Area> | <grade>" rows of summary tables and definition lists.

Shapes (each pair is one statement; a text alternative holds several in one block):
  "Infographic showing the grades awarded to <Force> in these areas: Preventing crime and anti-social behaviour:
  good Investigating crime: adequate …" (three), "Treatment of the public: Adequate" (one per line), "Good use of
  resources: outstanding." (one), "Investigating crime – adequate; Managing offenders and suspects – good" (two),
  the summary table row "Investigating crime | Requires improvement" (one).
A label names an area when it is a title or short label of the round (``rounds.similarity.area_for_label``), or,
in a round whose vocabulary is unknown, an area the report's structure names; the longest tail of the text before
the colon that does ("… in these areas: Preventing crime" → "Preventing crime"). A grade followed by another grade
("on a five-point scale: Outstanding, Good, …") is a list of grades, not a pair; a label that names no area ("Grade:
good") gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from peelextract.document import Block
from peelextract.extract.context import Context
from peelextract.models import Evidence, GradeName
from peelextract.rounds.scales import grade_named, grade_pattern
from peelextract.rounds.similarity import area_for_label
from peelextract.rounds.vocab import AREAS_BY_KEY, Area, area_for_title

# "<label>: <grade>" (or "<label> – <grade>", "<label> - <grade>") followed by the end, "." / ";" or the next label
# (a capital, after a comma or not): not by a lower-case word or a comma and a grade (a list of grades).
PAIR = regex.compile(
    rf"(?P<label>[A-Z][A-Za-z ,'-]{{2,100}}?)(?:\s*:|\s+[–-])\s*['\"]?(?P<grade>(?i:{grade_pattern()}))['\"]?"
    rf"(?=\s*$|\s*[.;]|,?\s+(?!(?i:{grade_pattern()})(?:\s*[,.;]|\s*$|\s+(?:and|or)\b))[A-Z(])"
)
_CDI_OVERALL = regex.compile(r"^(?:revised |published )?overall (?:graded )?judg(?:e)?ment$")
_WORD_START = regex.compile(r"(?<![A-Za-z'-])[A-Za-z]")


@dataclass(frozen=True)
class Listed:
    """One "<Area>: <grade>" pair or table row: its area, grade and evidence (the pair or the row)."""

    area: Area
    grade: GradeName
    evidence: Evidence
    source: str  # "list" or "table"


def label_area(ctx: Context, label: str) -> Area | None:
    """The area a list label or table cell names in this report's round ("Overall judgment" in a crime data
    integrity report is its overall grade)."""
    label = label.strip(" ,.-")
    low = label.lower()
    if ctx.round.round == "cdi" and _CDI_OVERALL.match(low):
        return AREAS_BY_KEY["crime-data-integrity"]
    for area in ctx.report_areas:
        if low in (area.title.lower(), *area.titles):
            return area
    return area_for_title(label, ctx.round.round) or area_for_label(label, ctx.round.round)


def _tail_area(ctx: Context, label: str) -> tuple[int, Area] | None:
    """The longest tail of ``label``, from a word start, that names an area, with its offset in ``label``."""
    for m in _WORD_START.finditer(label):
        area = label_area(ctx, label[m.start() :])
        if area is not None:
            return m.start(), area
    return None


def listed_pairs(ctx: Context) -> list[Listed]:
    """Every "<Area>: <grade>" pair in a block of text (not in back matter, not in table cells)."""
    out: list[Listed] = []
    for b in ctx.doc.blocks:
        if b.kind == "table_cell" or ctx.in_back_matter(b.start):
            continue
        text = ctx.doc.block_text(b)
        if ":" not in text and "–" not in text and " - " not in text:
            continue
        for m in PAIR.finditer(text):
            found = _tail_area(ctx, m.group("label"))
            grade = grade_named(m.group("grade"))
            if found is None or grade is None:
                continue
            start = b.start + m.start("label") + found[0]
            out.append(Listed(found[1], grade, ctx.doc.evidence(start, b.start + m.end()), "list"))
    return out


def table_rows(ctx: Context) -> list[Listed]:
    """Summary table rows "<area title> | <grade>" (HTML and PDF editions, HTML definition lists)."""
    rows: dict[int, list[Block]] = {}
    for b in ctx.doc.blocks:
        if b.kind == "table_cell" and b.row is not None:
            rows.setdefault(b.row, []).append(b)
    out: list[Listed] = []
    for cells in rows.values():
        texts = [ctx.doc.block_text(c) for c in cells]
        area = next((a for a in map(lambda t: label_area(ctx, t), texts) if a is not None), None)
        grade = next((g for g in map(grade_named, texts) if g is not None), None)
        if area is not None and grade is not None:
            out.append(Listed(area, grade, ctx.doc.evidence(cells[0].start, cells[-1].end), "table"))
    return out
