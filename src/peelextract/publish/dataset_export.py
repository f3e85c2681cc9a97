"""The dataset's files, written from the database: ``OUT/dataset/parquet/<table>/<round>/<report-id>.parquet``
and ``OUT/dataset/jsonl/<table>/<round>/<report-id>.jsonl`` (always), ``OUT/export/<table>.csv`` and
``OUT/export/peel.xlsx`` (on request).

Parquet and JSON Lines are partitioned by round and report: one file per report and table, so adding or
re-extracting a report rewrites that report's files only, whatever the dataset's size (one table as one
file made every ``extract`` rewrite every report's rows). A report without rows in a table still gets its
(empty) files, so every table's folder holds its schema. Consumers read a table's folder (pyarrow,
pandas, Polars read a folder of Parquet files as one table, which is why JSON Lines has a tree of its own)
or a glob (``read_parquet('OUT/dataset/parquet/grades/*/*.parquet')``).

Each file is written atomically (temp file + rename). Rows are ordered by ``(report_id, ordinal)`` within
a file and nothing time-dependent is written, so the same reports give byte-identical files.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peelextract.errors import PublishError
from peelextract.publish.dataset_db import DB_NAME, VIEWS, arrow_schema, connect, order_keys, quote
from peelextract.publish.files import atomic_write_bytes
from peelextract.publish.table_rows import Table
from peelextract.publish.tables import TABLES
from peelextract.rounds.vocab import slug

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

log = logging.getLogger(__name__)

DATASET_DIR = "dataset"
EXPORT_DIR = "export"


def _order_by(table: Table) -> str:
    return ", ".join(quote(k) for k in order_keys(table))


def read_table(con: duckdb.DuckDBPyConnection, table: Table) -> pa.Table:
    """A table in its published order and types."""
    result = con.sql(f"SELECT * FROM {quote(table.name)} ORDER BY {_order_by(table)}").to_arrow_table()
    return result.cast(arrow_schema(table))


def parquet_bytes(data: pa.Table) -> bytes:
    """Parquet with fixed options and no time-dependent metadata: same rows, same bytes. Snappy (Parquet's
    default codec): on one report's small files it compresses as well as zstd level 3 (5.55 MB against
    5.59 MB for 43 reports) in 0.75× the time of the whole export."""
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(
        data,
        sink,
        compression="snappy",
        use_dictionary=True,
        write_statistics=True,
        version="2.6",
        data_page_version="1.0",
    )
    return sink.getvalue()


def jsonl_bytes(data: pa.Table) -> bytes:
    lines = [
        json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n" for row in data.to_pylist()
    ]
    return "".join(lines).encode("utf-8")


def partition(out_dir: Path, table: str, round_: str, report_id: str, suffix: str) -> Path:
    """``OUT/dataset/<format>/<table>/<round slug>/<report id>.<format>``: one report's rows of one table."""
    return out_dir / DATASET_DIR / suffix.lstrip(".") / table / slug(round_) / f"{report_id}{suffix}"


def export_reports(out_dir: Path, rounds: Mapping[str, str], rows: Mapping[str, pa.Table] | None = None) -> list[Path]:
    """Rewrite the Parquet and JSON Lines files of the reports in ``rounds`` (report id → round), each
    atomically: from ``rows`` (table name → those reports' rows in published order, as ``upsert_db``
    returns them), else from the database. Other reports' files are not read or written."""
    ids = sorted(rounds)
    tables = dict(rows) if rows is not None else _query_reports(out_dir, ids)
    written: list[Path] = []
    for table in TABLES:
        for rid, part in _split_by_report(tables[table.name], ids):
            for suffix, blob in ((".parquet", parquet_bytes(part)), (".jsonl", jsonl_bytes(part))):
                path = partition(out_dir, table.name, rounds[rid], rid, suffix)
                replace_derived(path, blob)
                written.append(path)
    _remove_flat_files(out_dir)
    return written


def _query_reports(out_dir: Path, ids: list[str]) -> dict[str, pa.Table]:
    """Every table's rows of the reports ``ids``, in published order, from ``OUT/peel.duckdb``."""
    con = connect(out_dir / DB_NAME, read_only=True)
    try:
        return {
            table.name: con.sql(
                f"SELECT * FROM {quote(table.name)} WHERE report_id IN (SELECT unnest(?)) ORDER BY {_order_by(table)}",
                params=[ids],
            )
            .to_arrow_table()
            .cast(arrow_schema(table))
            for table in TABLES
        }
    finally:
        con.close()


def replace_derived(path: Path, data: bytes) -> None:
    """Write a dataset file atomically (temp file + rename: a reader sees the old file or the new one)
    but without fsync. These files are derived from the report JSON files (written durably) and from
    the database (DuckDB syncs its checkpoints); after a power cut ``dataset build`` rewrites them. An
    fsync per file was a third of a one-report update (20 files) and most of a 1,000-report build."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise PublishError(str(path), f"cannot write {path.name} in {path.parent}: {exc.strerror or exc}") from exc


def _split_by_report(data: pa.Table, ids: list[str]) -> Iterator[tuple[str, pa.Table]]:
    """(report id, its rows) for every id in ``ids`` (sorted), from ``data`` sorted by report id; an id
    without rows gets an empty table of the same schema."""
    column = data.column("report_id").to_pylist()
    start = 0
    for rid in ids:
        end = start
        while end < len(column) and column[end] == rid:
            end += 1
        yield rid, data.slice(start, end - start)
        start = end


def remove_stale(out_dir: Path, keep: Iterable[Path]) -> None:
    """Delete dataset files not in ``keep`` (reports whose JSON was removed), then empty folders."""
    kept = {p.resolve() for p in keep}
    for fmt in ("parquet", "jsonl"):
        root = out_dir / DATASET_DIR / fmt
        for path in root.glob(f"*/*/*.{fmt}"):
            if path.is_file() and path.resolve() not in kept:
                path.unlink()
        for folder in sorted(root.glob("*/*"), reverse=True) + sorted(root.glob("*"), reverse=True):
            if folder.is_dir():
                with contextlib.suppress(OSError):  # not empty: keep it
                    os.rmdir(folder)


def _remove_flat_files(out_dir: Path) -> None:
    """``OUT/dataset/<table>.parquet`` and ``.jsonl``, the earlier one-file-per-table layout: stale now."""
    for path in (out_dir / DATASET_DIR).glob("*.*"):
        if path.is_file() and path.suffix in (".parquet", ".jsonl"):
            path.unlink()


# --- CSV and Excel -----------------------------------------------------------------------------------


def _tables_and_views(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """(name, column names, rows) for every table then every view, in published order."""
    for table in TABLES:
        data = read_table(con, table)
        yield table.name, data.column_names, [tuple(r.values()) for r in data.to_pylist()]
    for view in VIEWS:
        cur = con.execute(f"SELECT * FROM {quote(view)}")
        names = [d[0] for d in cur.description]
        yield view, names, cur.fetchall()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_csv(out_dir: Path, db: Path) -> list[Path]:
    """``OUT/export/<table>.csv`` for every table and view (UTF-8, header row, empty cell for null)."""
    import csv

    con = connect(db, read_only=True)
    written: list[Path] = []
    try:
        for name, columns, rows in _tables_and_views(con):
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([_csv_cell(v) for v in row] for row in rows)
            path = out_dir / EXPORT_DIR / f"{name}.csv"
            atomic_write_bytes(path, buf.getvalue().encode("utf-8"))
            written.append(path)
    finally:
        con.close()
    return written


def write_xlsx(out_dir: Path, db: Path) -> Path:
    """``OUT/export/peel.xlsx``: one sheet per table and view."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    con = connect(db, read_only=True)
    wb = Workbook(write_only=True)
    try:
        for name, columns, rows in _tables_and_views(con):
            ws = wb.create_sheet(title=name[:31])
            ws.append(columns)
            for row in rows:
                ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    finally:
        con.close()
    buf = io.BytesIO()
    wb.save(buf)
    path = out_dir / EXPORT_DIR / "peel.xlsx"
    atomic_write_bytes(path, buf.getvalue())
    return path
