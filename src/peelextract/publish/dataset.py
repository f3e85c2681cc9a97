"""The queryable dataset: ``OUT/peel.duckdb`` plus ``OUT/dataset/{parquet,jsonl}/<table>/<round>/<report-id>.*``.

The report JSON files are the source of truth; the dataset is derived from them and can always be rebuilt.

* ``build_dataset(out)`` reads every ``OUT/*.json`` report, builds a fresh DuckDB file beside the old one
  (``OUT/.peel.duckdb.<random>.tmp``) and renames it over ``OUT/peel.duckdb``: a reader sees the old
  database or the new one, never a half-built one, and reports whose JSON was removed disappear.
* ``publish_reports(out, reports)`` upserts: in ONE DuckDB transaction it deletes every row of those
  reports (``DELETE … WHERE report_id IN …``) and inserts their new rows, so a re-extracted report never
  leaves stale rows and a failure leaves the database as it was. When the database is missing, unreadable
  or was built with a different table layout, it falls back to a full rebuild.

Both then write the Parquet and JSON Lines files of the reports they touched from the database, each
atomically (temp file + rename); the files are partitioned by round and report, so an upsert costs what
its reports cost, not what the dataset holds. A build also deletes the files of reports no longer there.
Writers are serialised by an exclusive ``flock`` on ``OUT/.state/peel.duckdb.lock`` (threads and processes
alike), since DuckDB allows one writing process per file. Rows are ordered by
``(report_id, ordinal)`` and nothing time-dependent is written, so the same reports give byte-identical
Parquet and JSON Lines files.

This module is the entry point; the database work is in ``dataset_db`` and the files in ``dataset_export``.
Reports are read with ``report_json.read_report`` (schema-version checks), like every other consumer.
"""

from __future__ import annotations

import logging
from pathlib import Path

from peelextract.errors import PublishError
from peelextract.models import Report
from peelextract.publish.dataset_db import DB_NAME, build_db, open_current, upsert_db, writer_lock
from peelextract.publish.dataset_export import export_reports, remove_stale, write_csv, write_xlsx
from peelextract.publish.report_json import read_report

log = logging.getLogger(__name__)


def report_json_paths(out_dir: Path) -> list[Path]:
    """The report files of a folder: ``OUT/*.json`` (not hidden files), sorted by name."""
    return sorted(p for p in out_dir.glob("*.json") if not p.name.startswith(".") and p.is_file())


def load_reports(out_dir: Path) -> list[Report]:
    reports: list[Report] = []
    seen: dict[str, Path] = {}
    for path in report_json_paths(out_dir):
        report = read_report(path)
        rid = report.report.id
        if rid in seen:
            raise PublishError(str(path), f"report id {rid!r} is also in {seen[rid].name}; remove one of them")
        if path.stem != rid:
            log.warning("%s holds report %r (expected file name %s.json)", path, rid, rid)
        seen[rid] = path
        reports.append(report)
    return reports


def publish_reports(out_dir: Path, reports: list[Report]) -> None:
    """Replace these reports' rows in the dataset (insert them if new), then rewrite the exports.

    Other reports' rows are untouched. If ``OUT/peel.duckdb`` is missing, unreadable or has another table
    layout, the whole dataset is rebuilt from ``OUT/*.json`` plus ``reports`` (``reports`` win).
    """
    ids = [r.report.id for r in reports]
    if len(ids) != len(set(ids)):
        raise PublishError(str(out_dir), f"the same report id is given twice: {sorted(ids)}")
    with writer_lock(out_dir):
        db = out_dir / DB_NAME
        con = open_current(db)
        if con is not None:
            try:
                if reports:
                    export_reports(out_dir, _rounds(reports), upsert_db(con, db, reports))
            finally:
                con.close()
        else:
            given = set(ids)
            on_disk = [r for r in load_reports(out_dir) if r.report.id not in given]
            _build(out_dir, [*on_disk, *reports])


def build_dataset(out_dir: Path) -> None:
    """Rebuild the database and the exports from every report JSON in ``out_dir``."""
    with writer_lock(out_dir):
        _build(out_dir, load_reports(out_dir))


def _build(out_dir: Path, reports: list[Report]) -> None:
    rows = build_db(out_dir, reports)
    remove_stale(out_dir, export_reports(out_dir, _rounds(reports), rows))


def _rounds(reports: list[Report]) -> dict[str, str]:
    return {r.report.id: r.report.round for r in reports}


# --- CSV and Excel -----------------------------------------------------------------------------------


def _ensure_db(out_dir: Path) -> Path:
    db = out_dir / DB_NAME
    if not db.exists():
        log.info("%s does not exist yet; building it", db)
        build_dataset(out_dir)
    return db


def export_csv(out_dir: Path) -> list[Path]:
    """``OUT/export/<table>.csv`` for every table and view (UTF-8, header row, empty cell for null)."""
    return write_csv(out_dir, _ensure_db(out_dir))


def export_xlsx(out_dir: Path) -> Path:
    """``OUT/export/peel.xlsx``: one sheet per table and view."""
    return write_xlsx(out_dir, _ensure_db(out_dir))
