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
    EstimatedCount,
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
    ROUND_ORDER_DOC,
    Column,
    Row,
    col,
    evidence_columns,
    evidence_values,
    grade_rank,
    round_order,
)
from peelextract.rounds.vocab import slug

FROM_DESCRIPTION = "Where {what} was read: 'sentence' (the value's own) or 'previous-sentence'; null when unknown."
MEASURE_KEYS_DOC = (
    "crime-recording-all, crime-recording-violence, crime-recording-sexual, crime-recording-rape, "
    "crime-recording-domestic-abuse, stop-search-grounds, victim-satisfaction, public-perception, other, unknown"
)
MEASURE_COLUMNS = (
    col("measure", "string", f"What the percentage is of, a stable key: {MEASURE_KEYS_DOC}.", False),
    col("measure_text", "string", "The phrase naming the measure as printed; null when unknown."),
    col("measure_from", "string", FROM_DESCRIPTION.format(what="the measure")),
    col(
        "change",
        "string",
        "Current values: the verdict printed against the previous estimate — significant-improvement, improvement, "
        "unchanged, decline, significant-decline, not-stated (compared, no verdict) or none (no comparison); "
        "null on previous values.",
    ),
    col("change_text", "string", "The verdict as printed ('a statistically significant improvement')."),
    col("current_value", "number", "Previous values: the current estimate (value) they are compared with."),
    col("current_ci", "number", "Previous values: that current estimate's interval (ci)."),
)
POPULATION_COLUMNS = (
    col(
        "population",
        "string",
        "What was counted, a stable key: cases-reviewed, relevant-cases, records, investigations, files, calls, "
        "crime-reports, other or unknown.",
        False,
    ),
    col("population_text", "string", "The counted noun phrase as printed ('relevant cases we reviewed')."),
    col("population_from", "string", FROM_DESCRIPTION.format(what="the population")),
    col("finding", "string", "The clause that holds for the X counted, as printed ('took longer than necessary')."),
)
PERCENTAGE_COLUMNS = (
    col("kind", "string", "share (a part of a whole), change (an increase or decrease) or rate.", False),
    col("of", "string", "What it is a percentage of, as printed (the sentence or the one before); null if unnamed."),
    col(
        "of_text", "string", "The pointer printed beside it when 'of' was resolved from it ('these', 'those records')."
    ),
    col("of_from", "string", FROM_DESCRIPTION.format(what="'of'")),
    col("direction", "string", "Changes: increase or decrease."),
    col("base", "string", "Changes: what it is compared with, as printed ('the previous year')."),
    col("period", "string", "Changes: the period printed ('a 6-month period', 'the year ending 31 March 2021')."),
    col("unit", "string", "percent, or points for 'percentage points'.", False),
    col("rate_name", "string", "Rates: the rate's name ('vacancy rate')."),
    col("qualifier", "string", "Qualifier printed before it ('less than half', 'around')."),
)


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
        "population": c.population,
        "population_text": c.population_text,
        "population_from": c.population_from,
        "finding": c.finding,
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
        "measure": c.measure,
        "measure_text": c.measure_text,
        "measure_from": c.measure_from,
        "change": c.change,
        "change_text": c.change_text,
        "current_value": c.current.value if c.current else None,
        "current_ci": c.current.ci if c.current else None,
        "section": c.section,
        "area": c.area,
    }


def _pct_body(_: Report, p: Percentage) -> Row:
    return {
        "value": p.value,
        "kind": p.kind,
        "of": p.of,
        "of_text": p.of_text,
        "of_from": p.of_from,
        "direction": p.direction,
        "base": p.base,
        "period": p.period,
        "unit": p.unit,
        "rate_name": p.rate_name,
        "qualifier": p.qualifier,
        "section": p.section,
        "area": p.area,
    }


def _estimate_body(_: Report, e: EstimatedCount) -> Row:
    return {
        "value": e.value,
        "qualifier": e.qualifier,
        "kind": e.kind,
        "measure": e.measure,
        "measure_text": e.measure_text,
        "period": e.period,
        "section": e.section,
        "area": e.area,
    }


def _rate_body(_: Report, x: Rate) -> Row:
    return {
        "value": x.value,
        "unit": x.unit,
        "per": x.per,
        "denominator": x.denominator,
        "england_wales_average": x.england_wales_average,
        "period": x.period,
        "period_from": x.period_from,
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
            col("round_order", "integer", ROUND_ORDER_DOC),
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
            *POPULATION_COLUMNS,
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
            *MEASURE_COLUMNS,
            *PLACE_COLUMNS,
            *EVIDENCE_COLUMNS,
        ),
        _ci_body,
    ),
    "percentages": KindTable(
        "One row per other percentage stated in an area's text (no confidence interval).",
        (
            *KEY_COLUMNS,
            col("value", "number", "The percentage.", False),
            *PERCENTAGE_COLUMNS,
            *PLACE_COLUMNS,
            *EVIDENCE_COLUMNS,
        ),
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
            col("period", "string", "Period printed for the rate, e.g. 'the year ending 31 March 2022'; null if none."),
            col("period_from", "string", FROM_DESCRIPTION.format(what="the period")),
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
    "estimated_counts": KindTable(
        "One row per count estimated beside a crime-recording rate ('failed to record more than 2,600 crimes').",
        (
            *KEY_COLUMNS,
            col("value", "integer", "The estimated number of crimes.", False),
            col("qualifier", "string", "Qualifier as printed: 'over', 'more than', 'an additional'; null when bare."),
            col(
                "kind",
                "string",
                "unrecorded (crimes the force failed to record) or additional-recorded (more than last time).",
                False,
            ),
            col("measure", "string", "Measure key, as in crime_recording.measure (e.g. crime-recording-all).", False),
            col("measure_text", "string", "The counted noun as printed ('reported crimes')."),
            col("period", "string", "Period as printed: 'each year', 'the year covered by our inspection'."),
            *PLACE_COLUMNS,
            *EVIDENCE_COLUMNS,
        ),
        _estimate_body,
    ),
}
