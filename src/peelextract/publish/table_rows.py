"""The building blocks of the dataset tables: columns, the key and evidence columns every value table
shares, and content-derived row ids.

Every row has a stable, content-derived ``id``: the first 16 hex digits of the SHA-256 of the report id,
the table, the evidence span and the value (the kind's ``identity``, see ``peelextract.kinds``).
Re-extracting an unchanged report gives the same ids; two identical items in one report (same span and
value) get an occurrence number mixed into the hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from peelextract.kinds import ValueKind
from peelextract.models import GRADE_ORDER, Evidence, Report
from peelextract.rounds import ROUNDS
from peelextract.rounds.vocab import AREAS

ColumnType = Literal["string", "integer", "number", "boolean"]
Row = dict[str, Any]
DUCKDB_TYPES: dict[ColumnType, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
}
PEEL_ROUNDS: tuple[str, ...] = tuple(r for r in ROUNDS if r != "cdi")
# The column's description, from the same list, so a new round cannot leave it stale.
ROUND_ORDER_DOC = (
    f"Chronological rank of the round (1 = {PEEL_ROUNDS[0]} … {len(PEEL_ROUNDS)} = {PEEL_ROUNDS[-1]}); "
    "null for cdi and for a round the vocabulary does not know yet (e.g. a later round named in its report)."
)
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


def col(name: str, type_: ColumnType, description: str, nullable: bool = True) -> Column:
    return Column(name, type_, description, nullable)


KEY_COLUMNS = (
    col("id", "string", "Stable content-derived row id (16 hex digits of a SHA-256); unique in the table.", False),
    col("report_id", "string", "The report this row comes from (reports.report_id, OUT/<report_id>.json).", False),
    col("force", "string", "Force name as printed, e.g. 'Cleveland Police'.", False),
    col("round", "string", "Inspection round: 2014, 2015, 2016, 2017, 2018/19, 2021/22, 2023-25 or cdi.", False),
    col("ordinal", "integer", "Position of the item in the report's list (0-based, document order).", False),
)


def evidence_columns(prefix: str, what: str) -> tuple[Column, ...]:
    return (
        col(f"{prefix}_text", "string", f"{what}: the exact text, equal to the normalised text [start:end]."),
        col(f"{prefix}_start", "integer", f"{what}: start offset in the normalised text (OUT/<report_id>.txt)."),
        col(f"{prefix}_end", "integer", f"{what}: end offset (exclusive) in the normalised text."),
        col(f"{prefix}_page", "integer", f"{what}: first PDF page (1-based); null for text and HTML sources."),
        col(f"{prefix}_bbox_x0", "number", f"{what}: left of the first box on that page, PDF points."),
        col(f"{prefix}_bbox_top", "number", f"{what}: top of the first box, PDF points from the page top."),
        col(f"{prefix}_bbox_x1", "number", f"{what}: right of the first box, PDF points."),
        col(f"{prefix}_bbox_bottom", "number", f"{what}: bottom of the first box, PDF points from the page top."),
        col(
            f"{prefix}_boxes",
            "string",
            f"{what}: JSON list of {{page, bbox}}, one per page the text spans; null when there are none.",
        ),
        col(f"{prefix}_source_start", "integer", f"{what}: start offset in the original decoded text/HTML."),
        col(f"{prefix}_source_end", "integer", f"{what}: end offset in the original decoded text/HTML."),
    )


EVIDENCE_COLUMNS = evidence_columns("evidence", "Evidence")


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
    """1 for the first PEEL round (2014) onwards, in ``ROUND_TABLE`` order; null for crime data integrity (cdi)
    and rounds outside the vocabulary."""
    return PEEL_ROUNDS.index(round_) + 1 if round_ in PEEL_ROUNDS else None


def grade_rank(grade: str | None) -> int | None:
    """1 Outstanding, 2 Good, 3 Adequate, 4 Requires improvement, 5 Inadequate."""
    return _GRADE_RANK.get(grade) if grade is not None else None


def row_id(report_id: str, table: str, start: int | None, end: int | None, value: str, occurrence: int = 0) -> str:
    parts = [report_id, table, str(start), str(end), value] + ([str(occurrence)] if occurrence else [])
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def key_values(report: Report, table: str, items: Sequence[tuple[int | None, int | None, str]]) -> list[Row]:
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


def span(ev: Evidence | None) -> tuple[int | None, int | None]:
    return (ev.start, ev.end) if ev is not None else (None, None)


def kind_rows(report: Report, kind: ValueKind, body: Callable[[Report, Any], Row]) -> list[Row]:
    """The rows of one kind's table: key columns (ids from the kind's identity and evidence span), the
    table's own columns from ``body``, then the evidence columns."""
    table, identity = kind.table, kind.identity
    if table is None or identity is None:
        raise ValueError(f"value kind {kind.field!r} has no dataset table")
    items = kind.values(report)
    keys = key_values(report, table, [(*span(i.evidence), identity(i)) for i in items])
    return [{**k, **body(report, i), **evidence_values(i.evidence)} for k, i in zip(keys, items, strict=True)]


PLACE_COLUMNS = (
    col("section", "string", "Section id the value was found in (sections.section)."),
    col("area", "string", "Area key of that section, when it is an inspected area."),
)
