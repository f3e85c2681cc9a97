"""The dataset's files, written from the database: ``OUT/dataset/<table>.parquet`` and ``.jsonl`` (always),
``OUT/export/<table>.csv`` and ``OUT/export/peel.xlsx`` (on request).

Each file is written atomically (temp file + rename). Rows are ordered by ``(report_id, ordinal)`` and
nothing time-dependent is written, so the same reports give byte-identical Parquet and JSON Lines files.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peelextract.publish.dataset_db import DB_NAME, VIEWS, arrow_schema, connect, quote
from peelextract.publish.files import atomic_write_bytes
from peelextract.publish.table_rows import Table
from peelextract.publish.tables import TABLES

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

log = logging.getLogger(__name__)

DATASET_DIR = "dataset"
EXPORT_DIR = "export"


def _order_by(table: Table) -> str:
    keys = ["report_id", "ordinal", "id"] if "ordinal" in table.column_names else ["report_id", "id"]
    return ", ".join(quote(k) for k in keys)


def read_table(con: duckdb.DuckDBPyConnection, table: Table) -> pa.Table:
    """A table in its published order and types."""
    result = con.sql(f"SELECT * FROM {quote(table.name)} ORDER BY {_order_by(table)}").to_arrow_table()
    return result.cast(arrow_schema(table))


def parquet_bytes(data: pa.Table) -> bytes:
    """Parquet with fixed options and no time-dependent metadata: same rows, same bytes."""
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(
        data,
        sink,
        compression="zstd",
        compression_level=3,
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


def export_dataset(out_dir: Path) -> list[Path]:
    """Rewrite ``OUT/dataset/<table>.parquet`` and ``.jsonl`` from the database, each atomically."""
    con = connect(out_dir / DB_NAME, read_only=True)
    written: list[Path] = []
    try:
        for table in TABLES:
            data = read_table(con, table)
            for suffix, blob in ((".parquet", parquet_bytes(data)), (".jsonl", jsonl_bytes(data))):
                path = out_dir / DATASET_DIR / f"{table.name}{suffix}"
                atomic_write_bytes(path, blob)
                written.append(path)
    finally:
        con.close()
    return written


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
