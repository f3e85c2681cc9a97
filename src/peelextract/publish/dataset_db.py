"""The DuckDB side of the dataset: table layout, views, row insertion, the writer lock, full builds and upserts.

``build_db`` builds a complete database in a temp file beside ``OUT/peel.duckdb`` and renames it over
it: a reader sees the old database or the new one, never a half-built one. ``upsert_db`` replaces the
rows of some reports in ONE transaction (``DELETE … WHERE report_id IN …`` then INSERT), so a failure
leaves the database as it was. A database built with another table layout (``layout_fingerprint``) is
rebuilt, not patched. Writers are serialised by an exclusive ``flock`` on ``OUT/.state/peel.duckdb.lock``
(with the other state, not beside the data: a lock file cannot be removed safely after use, since another
writer may already hold it open).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import os
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from peelextract.errors import PublishError
from peelextract.models import SCHEMA_VERSION, Report
from peelextract.publish.table_rows import DUCKDB_TYPES, GRADED_AREA_KEYS, Row, Table
from peelextract.publish.tables import TABLES, report_rows, table_schema
from peelextract.text_utils import plural

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

log = logging.getLogger(__name__)

DB_NAME = "peel.duckdb"
LOCK_NAME = ".state/peel.duckdb.lock"  # relative to OUT
_OLD_LOCK_NAME = ".peel.duckdb.lock"  # where versions before 0.2.5 kept it, in OUT itself
VIEWS = ("grades_wide", "grade_changes", "latest_grades")


# --- table layout ----------------------------------------------------------------------------------


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def layout_fingerprint() -> str:
    """Hash of every table schema: a database built with another layout is rebuilt, not patched."""
    blob = json.dumps([table_schema(t, SCHEMA_VERSION) for t in TABLES], sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def arrow_schema(table: Table) -> pa.Schema:
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    fields = [pa.field(c.name, types[c.type], nullable=c.nullable) for c in table.columns]
    return pa.schema(fields, metadata={"peelextract.table": table.name, "peelextract.schema_version": SCHEMA_VERSION})


def arrow_rows(table: Table, rows: Sequence[Row]) -> pa.Table:
    """``rows`` as an Arrow table of ``table``'s schema, parsed from JSON Lines by Arrow's reader: every
    pyarrow call that converts Python objects (``pa.array``, ``Table.from_pylist``) imports pandas, 0.2 s
    of start-up for a one-report ``extract``. JSON numbers parse to the same doubles (both round exactly)."""
    import pyarrow as pa
    import pyarrow.json as pj

    schema = arrow_schema(table)
    if not rows:
        return pa.Table.from_batches([], schema=schema)  # not schema.empty_table(): it imports pandas
    blob = "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in rows).encode("utf-8")
    options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    parsed = pj.read_json(io.BytesIO(blob), parse_options=options)
    return pa.Table.from_arrays(parsed.columns, schema=schema)


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        cols = ", ".join(
            f"{quote(c.name)} {DUCKDB_TYPES[c.type]}{'' if c.nullable else ' NOT NULL'}" for c in table.columns
        )
        con.execute(f"CREATE TABLE {quote(table.name)} ({cols})")
    con.execute("CREATE TABLE _meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    con.execute("INSERT INTO _meta VALUES ('layout', ?), ('schema_version', ?)", [layout_fingerprint(), SCHEMA_VERSION])


_ONE_GRADE_PER_AREA = """
    SELECT * FROM grades {where}
    QUALIFY row_number() OVER (PARTITION BY report_id, area
                               ORDER BY carried_over_year IS NOT NULL, ordinal) = 1"""


def view_sql(area_keys: Sequence[str]) -> dict[str, str]:
    """The CREATE VIEW statements. ``grades_wide`` has one column per area key (vocabulary + data)."""
    pivot = ",\n  ".join(f"max(g.grade) FILTER (WHERE g.area = {_lit(k)}) AS {quote(k)}" for k in area_keys)
    current = _ONE_GRADE_PER_AREA.format(where="WHERE carried_over_year IS NULL AND round_order IS NOT NULL")
    return {
        "grades_wide": f"""CREATE OR REPLACE VIEW grades_wide AS
WITH g AS ({_ONE_GRADE_PER_AREA.format(where="")})
SELECT r.report_id, r.force, r.force_id, r.round, r.round_order,
  {pivot}
FROM reports r LEFT JOIN g ON g.report_id = r.report_id
GROUP BY r.report_id, r.force, r.force_id, r.round, r.round_order
ORDER BY r.force_id, r.round_order NULLS LAST, r.report_id""",
        "grade_changes": f"""CREATE OR REPLACE VIEW grade_changes AS
WITH g AS ({current}),
s AS (
  SELECT *,
    lag(round) OVER w AS previous_round, lag(grade) OVER w AS previous_grade,
    lag(grade_rank) OVER w AS previous_rank, lag(report_id) OVER w AS previous_report_id
  FROM g WINDOW w AS (PARTITION BY force_id, area ORDER BY round_order))
SELECT force_id, force, area, area_title, previous_round, round, previous_grade, grade,
  CASE WHEN grade_rank < previous_rank THEN 'better' WHEN grade_rank > previous_rank THEN 'worse'
       ELSE 'same' END AS change,
  previous_report_id, report_id, round_order
FROM s WHERE previous_grade IS NOT NULL
ORDER BY force_id, area, round_order""",
        "latest_grades": f"""CREATE OR REPLACE VIEW latest_grades AS
WITH g AS ({current})
SELECT force_id, force, area, area_title, grade, grade_rank, round, round_order, report_id, id AS grade_id
FROM g
QUALIFY row_number() OVER (PARTITION BY force_id, area ORDER BY round_order DESC) = 1
ORDER BY force_id, area""",
    }


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    seen = [row[0] for row in con.execute("SELECT DISTINCT area FROM grades ORDER BY area").fetchall()]
    keys = list(GRADED_AREA_KEYS) + [k for k in seen if k not in GRADED_AREA_KEYS]
    for sql in view_sql(keys).values():
        con.execute(sql)


def _insert(con: duckdb.DuckDBPyConnection, rows: dict[str, list[Row]]) -> dict[str, pa.Table]:
    """Insert the rows of every table; returns them as Arrow tables in published order (empty ones too)."""
    inserted: dict[str, pa.Table] = {}
    for table in TABLES:
        incoming = arrow_rows(table, rows[table.name])
        inserted[table.name] = incoming.sort_by([(k, "ascending") for k in order_keys(table)])
        if not rows[table.name]:
            continue
        con.register("_incoming", incoming)
        try:
            con.execute(f"INSERT INTO {quote(table.name)} SELECT * FROM _incoming")
        finally:
            con.unregister("_incoming")
    return inserted


def order_keys(table: Table) -> list[str]:
    """The published order of a table's rows: by report, then document order (then id, unique)."""
    return ["report_id", "ordinal", "id"] if "ordinal" in table.column_names else ["report_id", "id"]


def _collect_rows(reports: Sequence[Report]) -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    for report in reports:
        for name, table_rows in report_rows(report).items():
            rows[name].extend(table_rows)
    for name, table_rows in rows.items():
        ids = [r["id"] for r in table_rows]
        if len(ids) != len(set(ids)):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise PublishError(name, f"duplicate row id {dup} (two reports with the same id?)")
    return rows


# --- locking and connections -----------------------------------------------------------------------


@contextlib.contextmanager
def writer_lock(out_dir: Path) -> Iterator[None]:
    """One writer at a time per OUT folder (processes and threads): DuckDB allows one writing process."""
    lock = out_dir / LOCK_NAME
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PublishError(str(out_dir), f"cannot create the dataset lock: {exc.strerror or exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):  # the empty file an earlier version left in OUT
            (out_dir / _OLD_LOCK_NAME).unlink()
        yield
    finally:
        os.close(fd)  # closing releases the lock


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise PublishError(
            str(path),
            f"cannot open the DuckDB database ({exc}); if another program has it "
            "open for writing, close it (readers should connect with read_only=True)",
        ) from exc


def open_current(db: Path) -> duckdb.DuckDBPyConnection | None:
    """A read-write connection to ``db`` when it exists, opens, and was built with this table layout;
    None when it must be rebuilt. One connection serves the check, the upsert and the export (opening
    the file costs ~30 ms, a third of a one-report update)."""
    import duckdb

    if not db.exists():
        return None
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise PublishError(str(db), f"the database is open in another program ({exc}); close it") from exc
        log.warning("%s cannot be opened (%s); rebuilding it from the report files", db, exc)
        return None
    try:
        row = con.execute("SELECT value FROM _meta WHERE key = 'layout'").fetchone()
    except duckdb.Error:
        row = None
    if row is None or row[0] != layout_fingerprint():
        con.close()
        log.info("%s has another table layout; rebuilding it from the report files", db)
        return None
    return con


# --- building and upserting ------------------------------------------------------------------------


def build_db(out_dir: Path, reports: Sequence[Report]) -> dict[str, pa.Table]:
    """Build a complete database in a temp file and rename it over ``OUT/peel.duckdb``. Returns the rows
    inserted, table by table in published order, for the export (as ``upsert_db``: reopening the new
    database to query them back was 45 ms of a one-report ``extract`` into an empty OUT)."""
    import duckdb

    rows = _collect_rows(reports)
    db = out_dir / DB_NAME
    tmp = out_dir / f".{DB_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        con = duckdb.connect(str(tmp))
        try:
            _create_tables(con)
            inserted = _insert(con, rows)
            _create_views(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{db}.wal")  # a WAL left by a crash belongs to the old file, never to the new one
        os.replace(tmp, db)
    except (OSError, duckdb.Error) as exc:
        raise PublishError(str(db), f"cannot build the dataset database: {exc}") from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    log.info("built %s: %s", db, plural(len(reports), "report"))
    return inserted


def upsert_db(con: duckdb.DuckDBPyConnection, db: Path, reports: Sequence[Report]) -> dict[str, pa.Table]:
    """Replace the rows of ``reports`` in one transaction: DELETE by report_id, then INSERT. Returns the
    rows inserted, table by table in published order, for the export (no query back needed)."""
    import duckdb

    rows = _collect_rows(reports)
    ids = [r.report.id for r in reports]
    con.execute("BEGIN TRANSACTION")
    try:
        for table in TABLES:
            con.execute(f"DELETE FROM {quote(table.name)} WHERE report_id IN (SELECT unnest(?))", [ids])
        inserted = _insert(con, rows)
        _create_views(con)
        con.execute("COMMIT")
    except duckdb.Error as exc:
        with contextlib.suppress(duckdb.Error):  # COMMIT itself may have failed and ended the transaction
            con.execute("ROLLBACK")
        raise PublishError(str(db), f"cannot update reports {', '.join(ids)}: {exc}") from exc
    con.execute("CHECKPOINT")
    log.info("upserted %s into %s", plural(len(reports), "report"), db)
    return inserted
