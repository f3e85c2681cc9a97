"""``peelextract sql OUT "SELECT …" [--format table|csv|json]``: query the dataset with DuckDB's Python API.

No ``duckdb`` command-line program is installed with peelextract, so this is how a user queries
``OUT/peel.duckdb`` right after set-up. DuckDB file locks are per process: even a read-only connection makes
a writer in another process (``publish_reports``' upsert) fail to open the file. So the query runs on a
snapshot: the database is copied to a temp folder while holding a *shared* lock on the writers' lock file
(a writer in progress is waited for, never blocked for longer than the copy), and the copy is opened
read-only. DuckDB and rich are imported inside the command function, so ``peelextract extract`` stays fast.

Output (stdout): ``table`` (default) a table, drawn by rich when it is installed, else plain aligned
columns; ``csv`` a header row then one row per result row (NULL is an empty field); ``json`` JSON Lines, one
object per row with the columns in query order (NULL is ``null``), the same shape as
``OUT/dataset/jsonl/<table>/<round>/<report-id>.jsonl``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import decimal
import fcntl
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from peelextract.errors import PeelError
from peelextract.settings import Settings

NULL_TEXT = "NULL"


@contextlib.contextmanager
def _snapshot(out: Path) -> Iterator[Path]:
    """A private copy of ``OUT/peel.duckdb`` (and its WAL, if a crash left one), deleted on exit."""
    from peelextract.publish.dataset_db import DB_NAME, LOCK_NAME

    db = out / DB_NAME
    if not db.is_file():
        raise PeelError(
            str(db), f"no dataset in {out}: run peelextract extract/ingest or peelextract dataset build first"
        )
    with tempfile.TemporaryDirectory(prefix="peelextract-sql-") as tmp:
        copy = Path(tmp) / DB_NAME
        with _shared_lock(out / LOCK_NAME):
            try:
                shutil.copyfile(db, copy)
                wal = Path(f"{db}.wal")
                if wal.is_file():
                    shutil.copyfile(wal, Path(f"{copy}.wal"))
            except OSError as exc:
                raise PeelError(str(db), f"cannot read the dataset: {exc.strerror or exc}") from exc
        yield copy


@contextlib.contextmanager
def _shared_lock(lock: Path) -> Iterator[None]:
    """Wait for a writer holding ``lock`` (writers take it exclusively). Never creates the file: a query
    writes nothing into OUT, and without a lock file no writer has ever run there."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def run_query(out: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of ``sql`` on a snapshot of ``OUT/peel.duckdb``; a DuckDB error is a
    ``PeelError`` naming the database. A statement that returns no rows (``SET …``) gives ``([], [])``."""
    import duckdb

    with _snapshot(out) as copy:
        try:
            with duckdb.connect(str(copy), read_only=True) as con:
                cur = con.execute(sql)
                if cur.description is None:
                    return [], []
                return [d[0] for d in cur.description], cur.fetchall()
        except duckdb.Error as exc:
            raise PeelError(str(out / copy.name), f"query failed: {exc}") from exc


# --- output ----------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return str(value)  # UUID, interval and the like: their DuckDB text form


def write_json_lines(columns: Sequence[str], rows: Sequence[Sequence[Any]], stream: TextIO) -> None:
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        stream.write(json.dumps(record, ensure_ascii=False, default=_json_value) + "\n")


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)


def _cell(value: Any) -> str:
    return NULL_TEXT if value is None else str(value)


def plain_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to their widest cell, a dashed rule under the header, numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [
        bool(rows) and all(isinstance(r[i], int | float | decimal.Decimal) for r in rows) for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(list(columns)), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def write_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], stream: TextIO) -> None:
    """A rich table when rich is installed (wrapped to the terminal's width on a terminal, never wrapped
    when written to a file or pipe), else ``plain_table``; then the row count."""
    from peelextract.text_utils import plural

    try:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table
    except ImportError:
        stream.write(plain_table(columns, rows) + "\n")
    else:
        table = Table(*(escape(c) for c in columns), header_style="bold")
        for row in rows:
            table.add_row(*(f"[dim]{NULL_TEXT}[/dim]" if v is None else escape(str(v)) for v in row))
        terminal = stream.isatty()
        console = Console(file=stream, width=None if terminal else 100_000, soft_wrap=False, highlight=False)
        console.print(table)
    stream.write(f"({plural(len(rows), 'row')})\n")


FORMATS = {"table": write_table, "csv": write_csv, "json": write_json_lines}


def _sql(args: argparse.Namespace, settings: Settings) -> int:
    columns, rows = run_query(Path(args.out), args.query)
    if columns:
        FORMATS[args.format](columns, rows, sys.stdout)
    return 0


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    q = sub.add_parser(
        "sql",
        help="run a SQL query on the dataset (OUT/peel.duckdb, read from a snapshot: never blocks a writer)",
        description="Run one SQL query (DuckDB dialect) on OUT/peel.duckdb and print the result.",
    )
    q.add_argument("out", metavar="OUT", help="folder holding peel.duckdb (the --out of extract or ingest)")
    q.add_argument("query", metavar="SQL", help='the query, e.g. "SELECT force, grade FROM grades"')
    q.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="table",
        help="table (default), csv (with a header row) or json (JSON Lines: one object per row)",
    )
    q.set_defaults(func=_sql)
