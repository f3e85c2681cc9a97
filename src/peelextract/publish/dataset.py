"""The queryable dataset: ``OUT/peel.duckdb`` plus ``OUT/dataset/<table>.parquet`` and ``.jsonl``.

The report JSON files are the source of truth; the dataset is derived from them and can always be rebuilt.

* ``build_dataset(out)`` reads every ``OUT/*.json`` report, builds a fresh DuckDB file beside the old one
  (``OUT/.peel.duckdb.<random>.tmp``) and renames it over ``OUT/peel.duckdb``: a reader sees the old
  database or the new one, never a half-built one, and reports whose JSON was removed disappear.
* ``publish_reports(out, reports)`` upserts: in ONE DuckDB transaction it deletes every row of those
  reports (``DELETE … WHERE report_id IN …``) and inserts their new rows, so a re-extracted report never
  leaves stale rows and a failure leaves the database as it was. When the database is missing, unreadable
  or was built with a different table layout, it falls back to a full rebuild.

Both then rewrite the Parquet and JSON Lines exports from the database, each atomically (temp file +
rename). Writers are serialised by an exclusive ``flock`` on ``OUT/.peel.duckdb.lock`` (threads and
processes alike), since DuckDB allows one writing process per file. Rows are ordered by
``(report_id, ordinal)`` and nothing time-dependent is written, so the same reports give byte-identical
Parquet and JSON Lines files.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import os
import re
import secrets
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from peelextract.errors import ContractError, InputError, PublishError, SchemaVersionError
from peelextract.models import SCHEMA_VERSION, Report
from peelextract.publish.files import atomic_write_bytes
from peelextract.publish.tables import DUCKDB_TYPES, GRADED_AREA_KEYS, TABLES, Row, Table, report_rows, table_schema

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

log = logging.getLogger(__name__)

DB_NAME = "peel.duckdb"
DATASET_DIR = "dataset"
LOCK_NAME = ".peel.duckdb.lock"
VIEWS = ("grades_wide", "grade_changes", "latest_grades")
_SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?")


# --- reading report JSON -------------------------------------------------------------------------


def _version_tuple(version: str, source: str) -> tuple[int, int, int]:
    m = _SEMVER.fullmatch(version)
    if m is None:
        raise SchemaVersionError(source, f"schema_version {version!r} is not semantic versioning (MAJOR.MINOR.PATCH)")
    return int(m[1]), int(m[2]), int(m[3])


def check_schema_version(version: object, source: str) -> bool:
    """Raise ``SchemaVersionError`` unless this reader understands ``version``.

    Returns True when the data is a newer MINOR of our major (it may carry optional fields we do not know).
    """
    if not isinstance(version, str):
        raise SchemaVersionError(
            source,
            f"schema_version missing or not a string (found {version!r}); expected a version like {SCHEMA_VERSION!r}",
        )
    theirs, ours = _version_tuple(version, source), _version_tuple(SCHEMA_VERSION, "peelextract")
    if theirs[0] > ours[0]:
        raise SchemaVersionError(
            source,
            f"written with contract version {version}, a newer major version than "
            f"this peelextract reads ({SCHEMA_VERSION}); upgrade peelextract to read it",
        )
    if theirs[0] < ours[0]:
        raise SchemaVersionError(
            source,
            f"written with contract version {version}, an older major version than "
            f"this peelextract reads ({SCHEMA_VERSION}); re-extract the report",
        )
    return theirs[:2] > ours[:2]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _strip_unknown(model: type[BaseModel], data: Any, where: str, dropped: list[str]) -> Any:
    """Drop fields ``model`` does not define (recursively): optional fields added by a newer minor version."""
    if isinstance(data, list):
        return [_strip_unknown(model, item, f"{where}[{i}]", dropped) for i, item in enumerate(data)]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is None:
            dropped.append(f"{where}.{key}")
            continue
        inner = _model_in(field.annotation)
        out[key] = _strip_unknown(inner, value, f"{where}.{key}", dropped) if inner else value
    return out


def read_report_json(path: Path) -> Report:
    """Read ``OUT/<id>.json`` as a Report, checking its ``schema_version`` first.

    A newer MAJOR (or an older one) raises ``SchemaVersionError``; a newer MINOR is read, ignoring the
    optional fields this version does not know (logged). Bad JSON is an ``InputError``, JSON that does not
    match the contract a ``ContractError``; each names the file and the reason.
    """
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(str(path), f"cannot read report JSON: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ContractError(str(path), f"expected a JSON object (a report), found {type(data).__name__}")
    if check_schema_version(data.get("schema_version"), str(path)):
        dropped: list[str] = []
        data = _strip_unknown(Report, data, "$", dropped)
        if dropped:
            log.warning(
                "%s: contract %s is newer than %s; ignoring fields %s",
                path,
                data["schema_version"],
                SCHEMA_VERSION,
                ", ".join(dropped[:10]) + (" …" if len(dropped) > 10 else ""),
            )
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        raise ContractError(
            str(path), f"does not match the report contract ({exc.error_count()} errors): {first}"
        ) from exc


def report_json_paths(out_dir: Path) -> list[Path]:
    """The report files of a folder: ``OUT/*.json`` (not hidden files), sorted by name."""
    return sorted(p for p in out_dir.glob("*.json") if not p.name.startswith(".") and p.is_file())


def load_reports(out_dir: Path) -> list[Report]:
    reports: list[Report] = []
    seen: dict[str, Path] = {}
    for path in report_json_paths(out_dir):
        report = read_report_json(path)
        rid = report.report.id
        if rid in seen:
            raise PublishError(str(path), f"report id {rid!r} is also in {seen[rid].name}; remove one of them")
        if path.stem != rid:
            log.warning("%s holds report %r (expected file name %s.json)", path, rid, rid)
        seen[rid] = path
        reports.append(report)
    return reports


# --- table layout ----------------------------------------------------------------------------------


def _q(name: str) -> str:
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


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        cols = ", ".join(
            f"{_q(c.name)} {DUCKDB_TYPES[c.type]}{'' if c.nullable else ' NOT NULL'}" for c in table.columns
        )
        con.execute(f"CREATE TABLE {_q(table.name)} ({cols})")
    con.execute("CREATE TABLE _meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    con.execute("INSERT INTO _meta VALUES ('layout', ?), ('schema_version', ?)", [layout_fingerprint(), SCHEMA_VERSION])


_ONE_GRADE_PER_AREA = """
    SELECT * FROM grades {where}
    QUALIFY row_number() OVER (PARTITION BY report_id, area
                               ORDER BY carried_over_year IS NOT NULL, ordinal) = 1"""


def view_sql(area_keys: Sequence[str]) -> dict[str, str]:
    """The CREATE VIEW statements. ``grades_wide`` has one column per area key (vocabulary + data)."""
    pivot = ",\n  ".join(f"max(g.grade) FILTER (WHERE g.area = {_lit(k)}) AS {_q(k)}" for k in area_keys)
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


def _insert(con: duckdb.DuckDBPyConnection, rows: dict[str, list[Row]]) -> None:
    import pyarrow as pa

    for table in TABLES:
        if not rows[table.name]:
            continue
        incoming = pa.Table.from_pylist(rows[table.name], schema=arrow_schema(table))
        con.register("_incoming", incoming)
        try:
            con.execute(f"INSERT INTO {_q(table.name)} SELECT * FROM _incoming")
        finally:
            con.unregister("_incoming")


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
def _writer_lock(out_dir: Path) -> Iterator[None]:
    """One writer at a time per OUT folder (processes and threads): DuckDB allows one writing process."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PublishError(str(out_dir), f"cannot create the dataset lock: {exc.strerror or exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise PublishError(
            str(path),
            f"cannot open the DuckDB database ({exc}); if another program has it "
            "open for writing, close it (readers should connect with read_only=True)",
        ) from exc


def _db_is_current(db: Path) -> bool:
    """True when ``db`` exists, opens, and was built with this table layout."""
    import duckdb

    if not db.exists():
        return False
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise PublishError(str(db), f"the database is open in another program ({exc}); close it") from exc
        log.warning("%s cannot be opened (%s); rebuilding it from the report files", db, exc)
        return False
    try:
        row = con.execute("SELECT value FROM _meta WHERE key = 'layout'").fetchone()
    except duckdb.Error:
        row = None
    finally:
        con.close()
    if row is None or row[0] != layout_fingerprint():
        log.info("%s has another table layout; rebuilding it from the report files", db)
        return False
    return True


# --- building and upserting ------------------------------------------------------------------------


def _build_db(out_dir: Path, reports: Sequence[Report]) -> None:
    """Build a complete database in a temp file and rename it over ``OUT/peel.duckdb``."""
    import duckdb

    rows = _collect_rows(reports)
    db = out_dir / DB_NAME
    tmp = out_dir / f".{DB_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        con = duckdb.connect(str(tmp))
        try:
            _create_tables(con)
            _insert(con, rows)
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
    log.info("built %s: %d reports", db, len(reports))


def _upsert_db(db: Path, reports: Sequence[Report]) -> None:
    """Replace the rows of ``reports`` in one transaction: DELETE by report_id, then INSERT."""
    import duckdb

    rows = _collect_rows(reports)
    ids = [r.report.id for r in reports]
    con = _connect(db)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            for table in TABLES:
                con.execute(f"DELETE FROM {_q(table.name)} WHERE report_id IN (SELECT unnest(?))", [ids])
            _insert(con, rows)
            _create_views(con)
            con.execute("COMMIT")
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.Error):  # COMMIT itself may have failed and ended the transaction
                con.execute("ROLLBACK")
            raise PublishError(str(db), f"cannot update reports {', '.join(ids)}: {exc}") from exc
        con.execute("CHECKPOINT")
    finally:
        con.close()
    log.info("upserted %d reports into %s", len(reports), db)


def publish_reports(out_dir: Path, reports: list[Report]) -> None:
    """Replace these reports' rows in the dataset (insert them if new), then rewrite the exports.

    Other reports' rows are untouched. If ``OUT/peel.duckdb`` is missing, unreadable or has another table
    layout, the whole dataset is rebuilt from ``OUT/*.json`` plus ``reports`` (``reports`` win).
    """
    ids = [r.report.id for r in reports]
    if len(ids) != len(set(ids)):
        raise PublishError(str(out_dir), f"the same report id is given twice: {sorted(ids)}")
    with _writer_lock(out_dir):
        db = out_dir / DB_NAME
        if _db_is_current(db):
            if reports:
                _upsert_db(db, reports)
        else:
            given = set(ids)
            on_disk = [r for r in load_reports(out_dir) if r.report.id not in given]
            _build_db(out_dir, [*on_disk, *reports])
        export_dataset(out_dir)


def build_dataset(out_dir: Path) -> None:
    """Rebuild the database and the exports from every report JSON in ``out_dir``."""
    with _writer_lock(out_dir):
        _build_db(out_dir, load_reports(out_dir))
        export_dataset(out_dir)


# --- exports ---------------------------------------------------------------------------------------


def _order_by(table: Table) -> str:
    keys = ["report_id", "ordinal", "id"] if "ordinal" in table.column_names else ["report_id", "id"]
    return ", ".join(_q(k) for k in keys)


def read_table(con: duckdb.DuckDBPyConnection, table: Table) -> pa.Table:
    """A table in its published order and types."""
    result = con.sql(f"SELECT * FROM {_q(table.name)} ORDER BY {_order_by(table)}").to_arrow_table()
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
    con = _connect(out_dir / DB_NAME, read_only=True)
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

EXPORT_DIR = "export"


def _ensure_db(out_dir: Path) -> Path:
    db = out_dir / DB_NAME
    if not db.exists():
        log.info("%s does not exist yet; building it", db)
        build_dataset(out_dir)
    return db


def _tables_and_views(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """(name, column names, rows) for every table then every view, in published order."""
    for table in TABLES:
        data = read_table(con, table)
        yield table.name, data.column_names, [tuple(r.values()) for r in data.to_pylist()]
    for view in VIEWS:
        cur = con.execute(f"SELECT * FROM {_q(view)}")
        names = [d[0] for d in cur.description]
        yield view, names, cur.fetchall()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def export_csv(out_dir: Path) -> list[Path]:
    """``OUT/export/<table>.csv`` for every table and view (UTF-8, header row, empty cell for null)."""
    import csv

    con = _connect(_ensure_db(out_dir), read_only=True)
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


def export_xlsx(out_dir: Path) -> Path:
    """``OUT/export/peel.xlsx``: one sheet per table and view."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    con = _connect(_ensure_db(out_dir), read_only=True)
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
