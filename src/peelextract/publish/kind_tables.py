"""Each value kind's dataset table: its description, its columns and how one value becomes a row.

A table starts with the shared key columns (id, report, force, round, ordinal) and ends with the evidence
columns; ``table_rows.kind_rows`` fills both, with row ids from the kind's ``identity`` in the registry
(``peelextract.kinds``), and ``body`` fills the rest. The columns are the published contract of the
dataset (``schemas/tables/``), so they are written by hand.
This dict is in the order the tables were first published (DuckDB layout, CSV/Excel sheets, docs); a new
kind's table goes at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peelextract.models import (
    AreaForImprovement,
    CaseCount,
    CIPercentage,
    Grade,
    Percentage,
    Rate,
    Report,
    UngradedArea,
    Warning,
)
from peelextract.publish.table_rows import (
    EVIDENCE_COLUMNS,
    KEY_COLUMNS,
    PLACE_COLUMNS,
    Column,
    Row,
    col,
    evidence_columns,
    evidence_values,
    grade_rank,
    round_order,
)
from peelextract.rounds.vocab import slug


@dataclass(frozen=True)
class KindTable:
    description: str
    columns: tuple[Column, ...]
    body: Callable[[Report, Any], Row]


def _grade_body(r: Report, g: Grade) -> Row:
    found_in = ",".join(n for n, ev in (("sentence", g.sentence), ("badge", g.badge), ("table", g.table)) if ev)
    return {
        "force_id": slug(r.report.force),
        "round_order": round_order(r.report.round),
        "area": g.area,
        "area_title": g.area_title,
        "grade": g.grade,
        "grade_rank": grade_rank(g.grade),
        "scale": g.scale,
        "section": g.section,
        "carried_over_year": g.carried_over_year,
        "changed_from": g.changed_from,
        "found_in": found_in,
    }


def _case_body(_: Report, c: CaseCount) -> Row:
    met = c.share if c.polarity == "success" else round(100 * (c.y - c.x) / c.y, 1)
    return {
        "x": c.x,
        "y": c.y,
        "polarity": c.polarity,
        "qualifier": c.qualifier,
        "share": c.share,
        "met_share": met,
        "section": c.section,
        "area": c.area,
    }


def _ci_body(_: Report, c: CIPercentage) -> Row:
    return {
        "value": c.value,
        "ci": c.ci,
        "lower": c.lower,
        "upper": c.upper,
        "period": c.period,
        "year": c.year,
        "section": c.section,
        "area": c.area,
    }


def _pct_body(_: Report, p: Percentage) -> Row:
    return {"value": p.value, "section": p.section, "area": p.area}


def _rate_body(_: Report, x: Rate) -> Row:
    return {
        "value": x.value,
        "unit": x.unit,
        "per": x.per,
        "denominator": x.denominator,
        "england_wales_average": x.england_wales_average,
        "section": x.section,
        "area": x.area,
        **evidence_values(x.average_evidence, "average_evidence"),
    }


def _warning_body(_: Report, w: Warning) -> Row:
    return {"code": w.code, "message": w.message, "stage": w.stage}


def _ungraded_body(_: Report, u: UngradedArea) -> Row:
    return {"area": u.area, "area_title": u.area_title}


def _afi_body(_: Report, a: AreaForImprovement) -> Row:
    return {"kind": a.kind, "text": a.text, "section": a.section, "area": a.area}


KIND_TABLES: dict[str, KindTable] = {
    "grades": KindTable(
        "One row per graded judgment: the force's grade for one area in one report.",
        (
            *KEY_COLUMNS,
            col("force_id", "string", "Force slug, e.g. 'cleveland-police'.", False),
            col("round_order", "integer", "Chronological rank of the round (1 = 2014 … 7 = 2023-25); null for cdi."),
            col("area", "string", "Stable area key, e.g. 'investigating-crime' (same key in every round).", False),
            col("area_title", "string", "The area's title in this round.", False),
            col("grade", "string", "Outstanding, Good, Adequate, Requires improvement or Inadequate.", False),
            col(
                "grade_rank",
                "integer",
                "1 Outstanding, 2 Good, 3 Adequate, 4 Requires improvement, 5 Inadequate.",
                False,
            ),
            col("scale", "string", "'four-tier' or 'five-tier' (Adequate exists only in five-tier rounds).", False),
            col("section", "string", "Section id the judgment was found in (sections.section)."),
            col(
                "carried_over_year",
                "integer",
                "Year of an earlier judgment the report repeats ('In 2017, we judged …'); null for this round's grade.",
            ),
            col("changed_from", "string", "Earlier grade the report says this one changed from, if stated."),
            col("found_in", "string", "Where the grade was read, comma-separated: sentence, badge, table.", False),
            *EVIDENCE_COLUMNS,
        ),
        _grade_body,
    ),
    "case_counts": KindTable(
        "One row per 'X of Y cases' case-review finding.",
        (
            *KEY_COLUMNS,
            col(
                "x",
                "integer",
                "X: the cases counted (met the standard when polarity is success, failed when failure).",
                False,
            ),
            col("y", "integer", "Y: the cases reviewed.", False),
            col("polarity", "string", "success: X met the standard; failure: X fell short of it.", False),
            col("qualifier", "string", "Qualifier printed with the count, e.g. 'nearly all', 'most', 'just'."),
            col("share", "number", "100 * x / y, rounded to 1 decimal (the share of X, whatever its polarity).", False),
            col(
                "met_share",
                "number",
                "Share of cases that met the standard: share for success, 100 * (y - x) / y for failure (1 decimal).",
                False,
            ),
            *PLACE_COLUMNS,
            *EVIDENCE_COLUMNS,
        ),
        _case_body,
    ),
    "ci_percentages": KindTable(
        "One row per percentage given with a confidence interval (victim satisfaction, crime recording accuracy).",
        (
            *KEY_COLUMNS,
            col("value", "number", "The percentage.", False),
            col("ci", "number", "Half-width of the confidence interval (the '+/-' figure), percentage points.", False),
            col("lower", "number", "value - ci.", False),
            col("upper", "number", "value + ci.", False),
            col(
                "period",
                "string",
                "current (this inspection) or previous (an earlier figure quoted for comparison).",
                False,
            ),
            col("year", "integer", "Year the figure refers to, when stated."),
            *PLACE_COLUMNS,
            *EVIDENCE_COLUMNS,
        ),
        _ci_body,
    ),
    "percentages": KindTable(
        "One row per other percentage stated in an area's text (no confidence interval).",
        (*KEY_COLUMNS, col("value", "number", "The percentage.", False), *PLACE_COLUMNS, *EVIDENCE_COLUMNS),
        _pct_body,
    ),
    "rates": KindTable(
        "One row per rate ('1.8 applications per 1,000 population'), with the England and Wales average when stated.",
        (
            *KEY_COLUMNS,
            col("value", "number", "The rate.", False),
            col("unit", "string", "What is counted, e.g. 'applications'.", False),
            col("per", "integer", "The base, e.g. 1000.", False),
            col("denominator", "string", "What the base counts, e.g. 'population'.", False),
            col("england_wales_average", "number", "England and Wales average stated beside it, if any."),
            *PLACE_COLUMNS,
            *EVIDENCE_COLUMNS,
            *evidence_columns("average_evidence", "Evidence of the England and Wales average"),
        ),
        _rate_body,
    ),
    "warnings": KindTable(
        "One row per warning: a failed check, a disagreement or a skipped value a reader should know of.",
        (
            *KEY_COLUMNS,
            col("code", "string", "Machine-readable warning code, e.g. 'graded_count_mismatch'.", False),
            col("message", "string", "What is wrong, in words.", False),
            col("stage", "string", "Pipeline stage that raised it: layout, sections, extract or validate.", False),
            *EVIDENCE_COLUMNS,
        ),
        _warning_body,
    ),
    "ungraded_areas": KindTable(
        "One row per inspected area the report covers without a grade.",
        (
            *KEY_COLUMNS,
            col("area", "string", "Area key.", False),
            col("area_title", "string", "The area's title in this round.", False),
            *EVIDENCE_COLUMNS,
        ),
        _ungraded_body,
    ),
    "areas_for_improvement": KindTable(
        "One row per area for improvement or cause of concern the report lists.",
        (
            *KEY_COLUMNS,
            col("kind", "string", "area_for_improvement or cause_of_concern.", False),
            col("text", "string", "The item's text as printed.", False),
            *PLACE_COLUMNS,
            *EVIDENCE_COLUMNS,
        ),
        _afi_body,
    ),
}
