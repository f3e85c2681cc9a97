"""The dataset tables: their columns (name, type, description) and how a Report becomes rows.

Pure Python, no heavy imports: ``peelextract schema`` writes ``schemas/tables/<table>.schema.json`` from
``TABLES`` and ``dataset.py`` turns the rows into DuckDB, Parquet and JSON Lines.

``reports``, ``sections`` and ``crime_recording`` (a view of the CI percentages: one row per current estimate
with its previous one) are defined here; every value kind of the registry (``peelextract.kinds``)
with a ``table`` adds its table, with its columns from ``kind_tables`` and the shared key and evidence
columns and content-derived row ids of ``table_rows``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from peelextract.kinds import KINDS, ValueKind
from peelextract.models import CIPercentage, EstimatedCount, Report, Section
from peelextract.publish.kind_tables import KIND_TABLES
from peelextract.publish.table_rows import (
    DUCKDB_TYPES,
    EVIDENCE_COLUMNS,
    KEY_COLUMNS,
    PLACE_COLUMNS,
    ROUND_ORDER_DOC,
    Row,
    Table,
    col,
    evidence_columns,
    evidence_values,
    key_values,
    kind_rows,
    round_order,
    span,
)
from peelextract.rounds.measures import CRIME_RECORDING_MEASURES, MEASURE_NAMES
from peelextract.rounds.vocab import slug

log = logging.getLogger(__name__)

# --- reports -----------------------------------------------------------------------------------------

REPORTS = Table(
    "reports",
    "One row per report (OUT/<report_id>.json): force, round, source and counts.",
    (
        col("id", "string", "Same as report_id.", False),
        col("report_id", "string", "Report id, '<force slug>-<round slug>', e.g. 'cleveland-police-2021-22'.", False),
        col("force", "string", "Force name as printed, e.g. 'Cleveland Police'.", False),
        col(
            "force_id",
            "string",
            "Force slug, e.g. 'cleveland-police'; the key to compare a force across rounds.",
            False,
        ),
        col("round", "string", "Inspection round: 2014, 2015, 2016, 2017, 2018/19, 2021/22, 2023-25 or cdi.", False),
        col("round_order", "integer", ROUND_ORDER_DOC),
        col(
            "scale",
            "string",
            "Grade scale of the round: 'four-tier' (to 2018/19) or 'five-tier' (adds Adequate).",
            False,
        ),
        col("round_overridden", "boolean", "True when the round was given on the command line (--round).", False),
        col("round_clues", "string", "JSON list of the clues that decided the round, with their weights.", False),
        col("schema_version", "string", "Contract version the report JSON was written with (semver).", False),
        col("extractor_version", "string", "peelextract extractor version that produced the report.", False),
        col("source_name", "string", "File name of the source document.", False),
        col("source_sha256", "string", "SHA-256 of the source bytes.", False),
        col("source_size", "integer", "Size of the source in bytes.", False),
        col("source_format", "string", "Source format: text, html or pdf.", False),
        col("source_pages", "integer", "Number of PDF pages; null for text and HTML."),
        col("graded_areas_stated", "integer", "N in the opening's 'graded judgments in N of these M'; null if absent."),
        col("areas_stated", "integer", "M in 'graded judgments in N of these M'; null if absent."),
        col("n_sections", "integer", "Rows in sections for this report.", False),
        col("n_grades", "integer", "Rows in grades for this report.", False),
        col("n_case_counts", "integer", "Rows in case_counts for this report.", False),
        col("n_ci_percentages", "integer", "Rows in ci_percentages for this report.", False),
        col("n_warnings", "integer", "Rows in warnings for this report.", False),
        *evidence_columns("evidence", "Evidence of the force name"),
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
        col(
            "section", "string", "Section id within the report (slug of its title); grades.section refers to it.", False
        ),
        col("title", "string", "Section heading as printed.", False),
        col("role", "string", "front_matter, area, back_matter or other.", False),
        col("area", "string", "Area key when the section is an inspected area, else null."),
        col("start", "integer", "Start offset of the section in the normalised text.", False),
        col("end", "integer", "End offset (exclusive) of the section in the normalised text.", False),
        col("page", "integer", "First PDF page of the section; null for text and HTML."),
        col("badge", "string", "Grade shown in the section's badge, if any."),
        col("n_findings", "integer", "Number of finding headlines (and untitled blocks) in the section.", False),
        col("finding_headlines", "string", "JSON list of the finding headlines (null for an untitled block).", False),
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
    keys = key_values(r, "sections", [(s.start, s.end, s.id) for s in r.sections])
    return [{**k, **_section_body(s)} for k, s in zip(keys, r.sections, strict=True)]


# --- crime recording: each current estimate beside its previous one ---------------------------------

CRIME_RECORDING = Table(
    "crime_recording",
    "One row per current crime-recording estimate (and the stop and search grounds estimate printed with them): "
    "force, round, measure, the current value with its interval, the previous estimate it is compared with, "
    "the printed verdict, and the estimated counts of crimes beside it. Built from ci_percentages.",
    (
        *KEY_COLUMNS,
        col("force_id", "string", "Force slug, e.g. 'cleveland-police'.", False),
        col("round_order", "integer", ROUND_ORDER_DOC),
        col(
            "measure",
            "string",
            "crime-recording-all, crime-recording-violence, crime-recording-sexual, crime-recording-rape, "
            "crime-recording-domestic-abuse or stop-search-grounds.",
            False,
        ),
        col("measure_name", "string", "The measure in words, e.g. 'crime recording: all crime'.", False),
        col("measure_text", "string", "The phrase naming the measure as printed."),
        col("value", "number", "Current estimate, percent.", False),
        col("ci", "number", "Its confidence interval half-width, percentage points.", False),
        col("lower", "number", "value - ci.", False),
        col("upper", "number", "value + ci.", False),
        col("change", "string", "Printed verdict key (see ci_percentages.change).", False),
        col("change_text", "string", "The verdict as printed."),
        col("previous_value", "number", "The previous estimate it is compared with; null when none is printed."),
        col("previous_ci", "number", "The previous estimate's interval."),
        col("previous_lower", "number", "previous_value - previous_ci."),
        col("previous_upper", "number", "previous_value + previous_ci."),
        col("previous_year", "integer", "Year of the previous inspection or records, when printed."),
        col("unrecorded_estimate", "integer", "Crimes of this measure the force failed to record (estimated)."),
        col("unrecorded_qualifier", "string", "Its qualifier as printed ('more than', 'over')."),
        col("additional_recorded_estimate", "integer", "Additional crimes recorded since the last inspection."),
        *PLACE_COLUMNS,
        *EVIDENCE_COLUMNS,
        *evidence_columns("previous_evidence", "Evidence of the previous estimate"),
    ),
    lambda r: _crime_recording_rows(r),  # defined below
)


def _estimate(r: Report, c: CIPercentage, kind: str) -> EstimatedCount | None:
    """The first estimated count of this kind and measure in the estimate's section."""
    return next(
        (e for e in r.estimated_counts if e.kind == kind and e.measure == c.measure and e.section == c.section), None
    )


def _crime_recording_rows(r: Report) -> list[Row]:
    currents = [
        (i, c)
        for i, c in enumerate(r.ci_percentages)
        if c.period == "current" and c.measure in CRIME_RECORDING_MEASURES
    ]
    keys = key_values(r, "crime_recording", [(*span(c.evidence), f"{c.measure}|{c.value}|{c.ci}") for _, c in currents])
    rows: list[Row] = []
    for key, (i, c) in zip(keys, currents, strict=True):
        prev = next(
            (
                p
                for p in r.ci_percentages
                if p.current is not None and (p.current.value, p.current.ci) == (c.value, c.ci)
            ),
            None,
        )
        unrecorded, added = _estimate(r, c, "unrecorded"), _estimate(r, c, "additional-recorded")
        rows.append(
            {
                **key,
                "ordinal": i,
                "force_id": slug(r.report.force),
                "round_order": round_order(r.report.round),
                "measure": c.measure,
                "measure_name": MEASURE_NAMES[c.measure],
                "measure_text": c.measure_text,
                "value": c.value,
                "ci": c.ci,
                "lower": c.lower,
                "upper": c.upper,
                "change": c.change or "none",
                "change_text": c.change_text,
                "previous_value": prev.value if prev else None,
                "previous_ci": prev.ci if prev else None,
                "previous_lower": prev.lower if prev else None,
                "previous_upper": prev.upper if prev else None,
                "previous_year": prev.year if prev else None,
                "unrecorded_estimate": unrecorded.value if unrecorded else None,
                "unrecorded_qualifier": unrecorded.qualifier if unrecorded else None,
                "additional_recorded_estimate": added.value if added else None,
                "section": c.section,
                "area": c.area,
                **evidence_values(c.evidence),
                **evidence_values(prev.evidence if prev else None, "previous_evidence"),
            }
        )
    return rows


# --- one table per value kind ------------------------------------------------------------------------


def _kind_table(kind: ValueKind) -> Table:
    spec = KIND_TABLES.get(kind.table or "")
    if spec is None:
        raise LookupError(
            f"value kind {kind.field!r} names table {kind.table!r}, "
            "but publish/kind_tables.py defines no columns for it"
        )
    return Table(
        kind.table or "",
        spec.description,
        spec.columns,
        lambda r: kind_rows(r, kind, spec.body),
    )


def _published_order(kind: ValueKind) -> int:
    names = list(KIND_TABLES)
    return names.index(kind.table) if kind.table in names else len(names)


KIND_TABLE_LIST: tuple[Table, ...] = tuple(
    _kind_table(k) for k in sorted((k for k in KINDS if k.table is not None), key=_published_order)
)
# The crime-recording table is derived from ci_percentages; it came after the kind tables (issue 12).
TABLES: tuple[Table, ...] = (REPORTS, SECTIONS, *KIND_TABLE_LIST, CRIME_RECORDING)
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
        "files": [
            f"dataset/parquet/{table.name}/<round>/<report_id>.parquet",
            f"dataset/jsonl/{table.name}/<round>/<report_id>.jsonl",
            f"peel.duckdb: table {table.name}",
        ],
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
