"""The dataset tables: their columns (name, type, description) and how a Report becomes rows.

Pure Python, no heavy imports: ``peelextract schema`` writes ``schemas/tables/<table>.schema.json`` from
``TABLES`` and ``dataset.py`` turns the rows into DuckDB, Parquet and JSON Lines.

Every row has a stable, content-derived ``id``: the first 16 hex digits of the SHA-256 of the report id,
the table, the evidence span and the value. Re-extracting an unchanged report gives the same ids; two
identical items in one report (same span and value) get an occurrence number mixed into the hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from peelextract.models import (
    GRADE_ORDER,
    AreaForImprovement,
    CaseCount,
    CIPercentage,
    Evidence,
    Grade,
    Percentage,
    Rate,
    Report,
    Section,
    UngradedArea,
    Warning,
)
from peelextract.rounds import ROUNDS
from peelextract.rounds.vocab import AREAS, slug

log = logging.getLogger(__name__)

ColumnType = Literal["string", "integer", "number", "boolean"]
Row = dict[str, Any]
DUCKDB_TYPES: dict[ColumnType, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
}
PEEL_ROUNDS: tuple[str, ...] = tuple(r for r in ROUNDS if r != "cdi")
GRADED_AREA_KEYS: tuple[str, ...] = tuple(a.key for a in AREAS if not a.ungraded)
_GRADE_RANK: dict[str, int] = {g: i + 1 for i, g in enumerate(GRADE_ORDER)}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Report], list[Row]]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: ColumnType, description: str, nullable: bool = True) -> Column:
    return Column(name, type_, description, nullable)


KEY_COLUMNS = (
    _c("id", "string", "Stable content-derived row id (16 hex digits of a SHA-256); unique in the table.", False),
    _c("report_id", "string", "The report this row comes from (reports.report_id, OUT/<report_id>.json).", False),
    _c("force", "string", "Force name as printed, e.g. 'Cleveland Police'.", False),
    _c("round", "string", "Inspection round: 2014, 2015, 2016, 2017, 2018/19, 2021/22, 2023-25 or cdi.", False),
    _c("ordinal", "integer", "Position of the item in the report's list (0-based, document order).", False),
)


def _evidence_columns(prefix: str, what: str) -> tuple[Column, ...]:
    return (
        _c(f"{prefix}_text", "string", f"{what}: the exact text, equal to the normalised text [start:end]."),
        _c(f"{prefix}_start", "integer", f"{what}: start offset in the normalised text (OUT/<report_id>.txt)."),
        _c(f"{prefix}_end", "integer", f"{what}: end offset (exclusive) in the normalised text."),
        _c(f"{prefix}_page", "integer", f"{what}: first PDF page (1-based); null for text and HTML sources."),
        _c(f"{prefix}_bbox_x0", "number", f"{what}: left of the first box on that page, PDF points."),
        _c(f"{prefix}_bbox_top", "number", f"{what}: top of the first box, PDF points from the page top."),
        _c(f"{prefix}_bbox_x1", "number", f"{what}: right of the first box, PDF points."),
        _c(f"{prefix}_bbox_bottom", "number", f"{what}: bottom of the first box, PDF points from the page top."),
        _c(
            f"{prefix}_boxes",
            "string",
            f"{what}: JSON list of {{page, bbox}}, one per page the text spans; null when there are none.",
        ),
        _c(f"{prefix}_source_start", "integer", f"{what}: start offset in the original decoded text/HTML."),
        _c(f"{prefix}_source_end", "integer", f"{what}: end offset in the original decoded text/HTML."),
    )


EVIDENCE_COLUMNS = _evidence_columns("evidence", "Evidence")


def evidence_values(ev: Evidence | None, prefix: str = "evidence") -> Row:
    """The evidence columns of one row (all null when there is no evidence)."""
    bbox: Sequence[float | None] = ev.bbox if ev is not None and ev.bbox is not None else (None,) * 4
    boxes = None
    if ev is not None and ev.boxes:
        boxes = json.dumps([{"page": b.page, "bbox": list(b.bbox)} for b in ev.boxes], separators=(",", ":"))
    return {
        f"{prefix}_text": ev.text if ev else None,
        f"{prefix}_start": ev.start if ev else None,
        f"{prefix}_end": ev.end if ev else None,
        f"{prefix}_page": ev.page if ev else None,
        f"{prefix}_bbox_x0": bbox[0],
        f"{prefix}_bbox_top": bbox[1],
        f"{prefix}_bbox_x1": bbox[2],
        f"{prefix}_bbox_bottom": bbox[3],
        f"{prefix}_boxes": boxes,
        f"{prefix}_source_start": ev.source_start if ev else None,
        f"{prefix}_source_end": ev.source_end if ev else None,
    }


def round_order(round_: str) -> int | None:
    """1 for 2014 … 7 for 2023-25; null for crime data integrity (cdi) and unknown rounds."""
    return PEEL_ROUNDS.index(round_) + 1 if round_ in PEEL_ROUNDS else None


def grade_rank(grade: str | None) -> int | None:
    """1 Outstanding, 2 Good, 3 Adequate, 4 Requires improvement, 5 Inadequate."""
    return _GRADE_RANK.get(grade) if grade is not None else None


def row_id(report_id: str, table: str, start: int | None, end: int | None, value: str, occurrence: int = 0) -> str:
    parts = [report_id, table, str(start), str(end), value] + ([str(occurrence)] if occurrence else [])
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _key_values(report: Report, table: str, items: Sequence[tuple[int | None, int | None, str]]) -> list[Row]:
    """id/report_id/force/round/ordinal for each (start, end, value) item, ids unique within the report."""
    seen: dict[tuple[int | None, int | None, str], int] = {}
    out: list[Row] = []
    info = report.report
    for ordinal, key in enumerate(items):
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        out.append(
            {
                "id": row_id(info.id, table, key[0], key[1], key[2], occurrence),
                "report_id": info.id,
                "force": info.force,
                "round": info.round,
                "ordinal": ordinal,
            }
        )
    return out


def _span(ev: Evidence | None) -> tuple[int | None, int | None]:
    return (ev.start, ev.end) if ev is not None else (None, None)


def _rows(
    report: Report,
    table: str,
    items: Sequence[Any],
    value: Callable[[Any], str],
    evidence: Callable[[Any], Evidence | None],
    body: Callable[[Any], Row],
) -> list[Row]:
    keys = _key_values(report, table, [(*_span(evidence(i)), value(i)) for i in items])
    return [{**k, **body(i), **evidence_values(evidence(i))} for k, i in zip(keys, items, strict=True)]


# --- reports -----------------------------------------------------------------------------------------

REPORTS = Table(
    "reports",
    "One row per report (OUT/<report_id>.json): force, round, source and counts.",
    (
        _c("id", "string", "Same as report_id.", False),
        _c("report_id", "string", "Report id, '<force slug>-<round slug>', e.g. 'cleveland-police-2021-22'.", False),
        _c("force", "string", "Force name as printed, e.g. 'Cleveland Police'.", False),
        _c(
            "force_id",
            "string",
            "Force slug, e.g. 'cleveland-police'; the key to compare a force across rounds.",
            False,
        ),
        _c("round", "string", "Inspection round: 2014, 2015, 2016, 2017, 2018/19, 2021/22, 2023-25 or cdi.", False),
        _c("round_order", "integer", "Chronological rank of the round: 1 = 2014 … 7 = 2023-25; null for cdi."),
        _c(
            "scale",
            "string",
            "Grade scale of the round: 'four-tier' (to 2018/19) or 'five-tier' (adds Adequate).",
            False,
        ),
        _c("round_overridden", "boolean", "True when the round was given on the command line (--round).", False),
        _c("round_clues", "string", "JSON list of the clues that decided the round, with their weights.", False),
        _c("schema_version", "string", "Contract version the report JSON was written with (semver).", False),
        _c("extractor_version", "string", "peelextract extractor version that produced the report.", False),
        _c("source_name", "string", "File name of the source document.", False),
        _c("source_sha256", "string", "SHA-256 of the source bytes.", False),
        _c("source_size", "integer", "Size of the source in bytes.", False),
        _c("source_format", "string", "Source format: text, html or pdf.", False),
        _c("source_pages", "integer", "Number of PDF pages; null for text and HTML."),
        _c("graded_areas_stated", "integer", "N in the opening's 'graded judgments in N of these M'; null if absent."),
        _c("areas_stated", "integer", "M in 'graded judgments in N of these M'; null if absent."),
        _c("n_sections", "integer", "Rows in sections for this report.", False),
        _c("n_grades", "integer", "Rows in grades for this report.", False),
        _c("n_case_counts", "integer", "Rows in case_counts for this report.", False),
        _c("n_ci_percentages", "integer", "Rows in ci_percentages for this report.", False),
        _c("n_warnings", "integer", "Rows in warnings for this report.", False),
        *_evidence_columns("evidence", "Evidence of the force name"),
    ),
    lambda r: [_report_row(r)],
)


def _report_row(r: Report) -> Row:
    info, gac = r.report, r.graded_area_count
    return {
        "id": info.id,
        "report_id": info.id,
        "force": info.force,
        "force_id": slug(info.force),
        "round": info.round,
        "round_order": round_order(info.round),
        "scale": info.round_decision.scale,
        "round_overridden": info.round_decision.overridden,
        "round_clues": json.dumps(info.round_decision.clues, ensure_ascii=False),
        "schema_version": r.schema_version,
        "extractor_version": r.extractor_version,
        "source_name": info.source.name,
        "source_sha256": info.source.sha256,
        "source_size": info.source.size,
        "source_format": info.source.format,
        "source_pages": info.source.pages,
        "graded_areas_stated": gac.graded if gac else None,
        "areas_stated": gac.total if gac else None,
        "n_sections": len(r.sections),
        "n_grades": len(r.grades),
        "n_case_counts": len(r.case_counts),
        "n_ci_percentages": len(r.ci_percentages),
        "n_warnings": len(r.warnings),
        **evidence_values(info.force_evidence),
    }


# --- sections ----------------------------------------------------------------------------------------

SECTIONS = Table(
    "sections",
    "One row per section of a report (front matter, inspected areas, back matter).",
    (
        *KEY_COLUMNS,
        _c(
            "section", "string", "Section id within the report (slug of its title); grades.section refers to it.", False
        ),
        _c("title", "string", "Section heading as printed.", False),
        _c("role", "string", "front_matter, area, back_matter or other.", False),
        _c("area", "string", "Area key when the section is an inspected area, else null."),
        _c("start", "integer", "Start offset of the section in the normalised text.", False),
        _c("end", "integer", "End offset (exclusive) of the section in the normalised text.", False),
        _c("page", "integer", "First PDF page of the section; null for text and HTML."),
        _c("badge", "string", "Grade shown in the section's badge, if any."),
        _c("n_findings", "integer", "Number of finding headlines (and untitled blocks) in the section.", False),
        _c("finding_headlines", "string", "JSON list of the finding headlines (null for an untitled block).", False),
    ),
    lambda r: _section_rows(r),  # defined below
)


def _section_body(s: Section) -> Row:
    return {
        "section": s.id,
        "title": s.title,
        "role": s.role,
        "area": s.area,
        "start": s.start,
        "end": s.end,
        "page": s.page,
        "badge": s.badge,
        "n_findings": len(s.findings),
        "finding_headlines": json.dumps([f.headline for f in s.findings], ensure_ascii=False),
    }


def _section_rows(r: Report) -> list[Row]:
    keys = _key_values(r, "sections", [(s.start, s.end, s.id) for s in r.sections])
    return [{**k, **_section_body(s)} for k, s in zip(keys, r.sections, strict=True)]


# --- grades ------------------------------------------------------------------------------------------

GRADES = Table(
    "grades",
    "One row per graded judgment: the force's grade for one area in one report.",
    (
        *KEY_COLUMNS,
        _c("force_id", "string", "Force slug, e.g. 'cleveland-police'.", False),
        _c("round_order", "integer", "Chronological rank of the round (1 = 2014 … 7 = 2023-25); null for cdi."),
        _c("area", "string", "Stable area key, e.g. 'investigating-crime' (same key in every round).", False),
        _c("area_title", "string", "The area's title in this round.", False),
        _c("grade", "string", "Outstanding, Good, Adequate, Requires improvement or Inadequate.", False),
        _c("grade_rank", "integer", "1 Outstanding, 2 Good, 3 Adequate, 4 Requires improvement, 5 Inadequate.", False),
        _c("scale", "string", "'four-tier' or 'five-tier' (Adequate exists only in five-tier rounds).", False),
        _c("section", "string", "Section id the judgment was found in (sections.section)."),
        _c(
            "carried_over_year",
            "integer",
            "Year of an earlier judgment the report repeats ('In 2017, we judged …'); null for this round's grade.",
        ),
        _c("changed_from", "string", "Earlier grade the report says this one changed from, if stated."),
        _c("found_in", "string", "Where the grade was read, comma-separated: sentence, badge, table.", False),
        *EVIDENCE_COLUMNS,
    ),
    lambda r: _grade_rows(r),
)


def _grade_value(g: Grade) -> str:
    return f"{g.area}|{g.grade}|{g.carried_over_year}"


def _grade_body(g: Grade) -> Row:
    found_in = ",".join(n for n, ev in (("sentence", g.sentence), ("badge", g.badge), ("table", g.table)) if ev)
    return {
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


def _grade_rows(r: Report) -> list[Row]:
    extra = {"force_id": slug(r.report.force), "round_order": round_order(r.report.round)}
    return _rows(r, "grades", r.grades, _grade_value, lambda g: g.evidence, lambda g: {**extra, **_grade_body(g)})


# --- case counts, CI percentages, percentages, rates -------------------------------------------------

_PLACE = (
    _c("section", "string", "Section id the value was found in (sections.section)."),
    _c("area", "string", "Area key of that section, when it is an inspected area."),
)

CASE_COUNTS = Table(
    "case_counts",
    "One row per 'X of Y cases' case-review finding.",
    (
        *KEY_COLUMNS,
        _c(
            "x",
            "integer",
            "X: the cases counted (met the standard when polarity is success, failed when failure).",
            False,
        ),
        _c("y", "integer", "Y: the cases reviewed.", False),
        _c("polarity", "string", "success: X met the standard; failure: X fell short of it.", False),
        _c("qualifier", "string", "Qualifier printed with the count, e.g. 'nearly all', 'most', 'just'."),
        _c("share", "number", "100 * x / y, rounded to 1 decimal (the share of X, whatever its polarity).", False),
        _c(
            "met_share",
            "number",
            "Share of cases that met the standard: share for success, 100 * (y - x) / y for failure (1 decimal).",
            False,
        ),
        *_PLACE,
        *EVIDENCE_COLUMNS,
    ),
    lambda r: _rows(
        r, "case_counts", r.case_counts, lambda c: f"{c.x}|{c.y}|{c.polarity}", lambda c: c.evidence, _case_body
    ),
)


def _case_body(c: CaseCount) -> Row:
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


CI_PERCENTAGES = Table(
    "ci_percentages",
    "One row per percentage given with a confidence interval (victim satisfaction, crime recording accuracy).",
    (
        *KEY_COLUMNS,
        _c("value", "number", "The percentage.", False),
        _c("ci", "number", "Half-width of the confidence interval (the '+/-' figure), percentage points.", False),
        _c("lower", "number", "value - ci.", False),
        _c("upper", "number", "value + ci.", False),
        _c(
            "period",
            "string",
            "current (this inspection) or previous (an earlier figure quoted for comparison).",
            False,
        ),
        _c("year", "integer", "Year the figure refers to, when stated."),
        *_PLACE,
        *EVIDENCE_COLUMNS,
    ),
    lambda r: _rows(
        r, "ci_percentages", r.ci_percentages, lambda c: f"{c.value}|{c.ci}|{c.period}", lambda c: c.evidence, _ci_body
    ),
)


def _ci_body(c: CIPercentage) -> Row:
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


PERCENTAGES = Table(
    "percentages",
    "One row per other percentage stated in an area's text (no confidence interval).",
    (*KEY_COLUMNS, _c("value", "number", "The percentage.", False), *_PLACE, *EVIDENCE_COLUMNS),
    lambda r: _rows(r, "percentages", r.percentages, lambda p: f"{p.value}", lambda p: p.evidence, _pct_body),
)


def _pct_body(p: Percentage) -> Row:
    return {"value": p.value, "section": p.section, "area": p.area}


RATES = Table(
    "rates",
    "One row per rate ('1.8 applications per 1,000 population'), with the England and Wales average when stated.",
    (
        *KEY_COLUMNS,
        _c("value", "number", "The rate.", False),
        _c("unit", "string", "What is counted, e.g. 'applications'.", False),
        _c("per", "integer", "The base, e.g. 1000.", False),
        _c("denominator", "string", "What the base counts, e.g. 'population'.", False),
        _c("england_wales_average", "number", "England and Wales average stated beside it, if any."),
        *_PLACE,
        *EVIDENCE_COLUMNS,
        *_evidence_columns("average_evidence", "Evidence of the England and Wales average"),
    ),
    lambda r: _rows(
        r, "rates", r.rates, lambda x: f"{x.value}|{x.unit}|{x.per}|{x.denominator}", lambda x: x.evidence, _rate_body
    ),
)


def _rate_body(x: Rate) -> Row:
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


# --- warnings, ungraded areas, areas for improvement -------------------------------------------------

WARNINGS = Table(
    "warnings",
    "One row per warning: a failed check, a disagreement or a skipped value a reader should know of.",
    (
        *KEY_COLUMNS,
        _c("code", "string", "Machine-readable warning code, e.g. 'graded_count_mismatch'.", False),
        _c("message", "string", "What is wrong, in words.", False),
        _c("stage", "string", "Pipeline stage that raised it: layout, sections, extract or validate.", False),
        *EVIDENCE_COLUMNS,
    ),
    lambda r: _rows(r, "warnings", r.warnings, lambda w: f"{w.code}|{w.message}", lambda w: w.evidence, _warning_body),
)


def _warning_body(w: Warning) -> Row:
    return {"code": w.code, "message": w.message, "stage": w.stage}


UNGRADED_AREAS = Table(
    "ungraded_areas",
    "One row per inspected area the report covers without a grade.",
    (
        *KEY_COLUMNS,
        _c("area", "string", "Area key.", False),
        _c("area_title", "string", "The area's title in this round.", False),
        *EVIDENCE_COLUMNS,
    ),
    lambda r: _rows(r, "ungraded_areas", r.ungraded_areas, lambda u: u.area, lambda u: u.evidence, _ungraded_body),
)


def _ungraded_body(u: UngradedArea) -> Row:
    return {"area": u.area, "area_title": u.area_title}


AREAS_FOR_IMPROVEMENT = Table(
    "areas_for_improvement",
    "One row per area for improvement or cause of concern the report lists.",
    (
        *KEY_COLUMNS,
        _c("kind", "string", "area_for_improvement or cause_of_concern.", False),
        _c("text", "string", "The item's text as printed.", False),
        *_PLACE,
        *EVIDENCE_COLUMNS,
    ),
    lambda r: _rows(
        r,
        "areas_for_improvement",
        r.areas_for_improvement,
        lambda a: f"{a.kind}|{a.text}",
        lambda a: a.evidence,
        _afi_body,
    ),
)


def _afi_body(a: AreaForImprovement) -> Row:
    return {"kind": a.kind, "text": a.text, "section": a.section, "area": a.area}


TABLES: tuple[Table, ...] = (
    REPORTS,
    SECTIONS,
    GRADES,
    CASE_COUNTS,
    CI_PERCENTAGES,
    PERCENTAGES,
    RATES,
    WARNINGS,
    UNGRADED_AREAS,
    AREAS_FOR_IMPROVEMENT,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}


def report_rows(report: Report) -> dict[str, list[Row]]:
    """Every table's rows for one report, columns in table order."""
    out: dict[str, list[Row]] = {}
    for table in TABLES:
        rows = table.rows(report)
        names = table.column_names
        out[table.name] = [{n: row[n] for n in names} for row in rows]
    return out


def table_schema(table: Table, version: str) -> dict[str, Any]:
    """The published description of one table (``schemas/tables/<table>.schema.json``)."""
    return {
        "$comment": "Generated by `peelextract schema` from peelextract/publish/tables.py; do not edit.",
        "name": table.name,
        "description": table.description,
        "schema_version": version,
        "primary_key": "id",
        "files": [f"dataset/{table.name}.parquet", f"dataset/{table.name}.jsonl", f"peel.duckdb: table {table.name}"],
        "columns": [
            {
                "name": c.name,
                "type": c.type,
                "duckdb_type": DUCKDB_TYPES[c.type],
                "nullable": c.nullable,
                "description": c.description,
            }
            for c in table.columns
        ],
    }
