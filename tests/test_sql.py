"""``peelextract sql OUT "SELECT …"``: formats, errors, and reading without getting in a writer's way."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from peelextract.cli import main
from peelextract.publish import sql_cli
from peelextract.publish.dataset_db import LOCK_NAME
from tests.conftest import REPORTS, ROOT

FIXTURE_TEXTS = sorted(REPORTS.glob("*.txt"))
QUERY = "SELECT force, round, area, grade, carried_over_year FROM grades ORDER BY ALL"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT as ``peelextract extract`` leaves it for the three fixture reports (text versions)."""
    out = tmp_path_factory.mktemp("sql") / "out"
    assert main(["extract", *map(str, FIXTURE_TEXTS), "--out", str(out), "-q"]) == 0
    return out


def direct(out: Path, sql: str) -> tuple[list[str], list[tuple[object, ...]]]:
    with duckdb.connect(str(out / "peel.duckdb"), read_only=True) as con:
        cur = con.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["sql", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_shows_every_row_and_the_count(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    columns, rows = direct(out, QUERY)
    assert len(rows) > 10 and any(r[4] is None for r in rows)
    code, stdout, _ = run(capsys, str(out), QUERY)
    assert code == 0
    lines = stdout.splitlines()
    assert all(c in lines[1] for c in columns)  # the header row, under the top border
    for row in rows:
        assert any(all(str(v) in line for v in row[:4]) for line in lines), row
    assert "NULL" in stdout
    assert lines[-1] == f"({len(rows)} rows)"


def test_table_is_not_wrapped_when_written_to_a_file(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, rows = direct(out, "SELECT evidence_text FROM grades ORDER BY length(evidence_text) DESC LIMIT 1")
    longest = str(rows[0][0])
    assert len(longest) > 100
    code, stdout, _ = run(capsys, str(out), "SELECT evidence_text FROM grades ORDER BY length(evidence_text) DESC")
    assert code == 0 and longest in stdout


def test_csv_round_trips(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    columns, rows = direct(out, QUERY)
    code, stdout, _ = run(capsys, str(out), "--format", "csv", QUERY)
    assert code == 0
    parsed = list(csv.reader(io.StringIO(stdout)))
    assert parsed[0] == columns
    expected = [["" if v is None else str(v) for v in row] for row in rows]
    assert parsed[1:] == expected


def test_json_lines_one_object_per_row_in_column_order(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT report_id, x, y, met_share, NULL AS nothing, 1.5 AS dec, DATE '2022-03-31' AS day FROM case_counts"
    columns, rows = direct(out, sql + " ORDER BY ALL")
    code, stdout, _ = run(capsys, str(out), "--format", "json", sql + " ORDER BY ALL")
    assert code == 0
    records = [json.loads(line) for line in stdout.splitlines()]
    assert len(records) == len(rows) > 0
    assert all(list(r) == columns for r in records)
    assert [(r["report_id"], r["x"], r["y"], r["met_share"]) for r in records] == [tuple(row[:4]) for row in rows]
    assert {(r["nothing"], r["dec"], r["day"]) for r in records} == {(None, 1.5, "2022-03-31")}


def test_a_wrong_query_is_an_error_not_a_traceback(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for sql in ("SELEC 1", "SELECT * FROM no_such_table", "SELECT nope FROM grades"):
        code, stdout, stderr = run(capsys, str(out), sql)
        assert code == 1, sql
        assert stdout == ""
        assert stderr.startswith(f"peelextract: error: {out / 'peel.duckdb'}: query failed: "), stderr
        assert "Traceback" not in stderr and "usage" not in stderr


def test_writing_is_refused(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = direct(out, "SELECT count(*) FROM grades")
    code, _, stderr = run(capsys, str(out), "DELETE FROM grades")
    assert code == 1 and "read-only" in stderr
    assert direct(out, "SELECT count(*) FROM grades") == before


def test_a_folder_without_a_dataset_says_what_to_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in (tmp_path, tmp_path / "missing"):
        code, stdout, stderr = run(capsys, str(folder), "SELECT 1")
        assert (code, stdout) == (1, "")
        assert stderr == (
            f"peelextract: error: {folder / 'peel.duckdb'}: no dataset in {folder}: "
            "run peelextract extract/ingest or peelextract dataset build first\n"
        )
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_a_query_writes_nothing_into_out(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in out.iterdir())
    assert run(capsys, str(out), "SELECT count(*) FROM reports")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_writer_can_update_while_a_query_has_the_database_open(out: Path, tmp_path: Path) -> None:
    """The query holds its snapshot open; a writer process still opens OUT/peel.duckdb for writing."""
    writer = (
        "import duckdb, sys\n"
        "with duckdb.connect(sys.argv[1]) as con:\n"
        "    con.execute('CREATE TABLE scratch AS SELECT 1 AS a')\n"
        "    con.execute('DROP TABLE scratch')\n"
    )
    with sql_cli._snapshot(out) as copy, duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (len(FIXTURE_TEXTS),)
        done = subprocess.run([sys.executable, "-c", writer, str(out / "peel.duckdb")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_query_waits_for_a_writer_in_progress(out: Path) -> None:
    """A writer holds the lock exclusively (as publish_reports does): the query copies only after it."""
    lock = out / LOCK_NAME
    lock.parent.mkdir(exist_ok=True)
    lock.touch()
    fd = os.open(lock, os.O_RDWR)
    results: list[object] = []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        reader = threading.Thread(target=lambda: results.append(sql_cli.run_query(out, "SELECT 1 AS one")))
        reader.start()
        time.sleep(0.5)
        assert results == [] and reader.is_alive()
    finally:
        os.close(fd)
    reader.join(timeout=30)
    assert results == [(["one"], [(1,)])]


def test_plain_table_when_rich_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rich.console", None)  # importing it now raises ImportError
    stream = io.StringIO()
    sql_cli.write_table(["force", "x", "note"], [("Cleveland Police", 14, None), ("Eastshire", 7, "b")], stream)
    assert stream.getvalue().splitlines() == [
        "force              x  note",
        "----------------  --  ----",
        "Cleveland Police  14  NULL",
        "Eastshire          7  b",
        "(2 rows)",
    ]


def test_one_row_is_counted_in_the_singular(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, str(out), "SELECT 1 AS one")
    assert code == 0 and stdout.splitlines()[-1] == "(1 row)"


def test_the_command_imports_nothing_heavy_until_it_runs() -> None:
    """Building the parser (what ``peelextract extract`` does first) must not import DuckDB or rich."""
    code = (
        "import sys\nfrom peelextract.cli import build_parser\nbuild_parser()\n"
        "print(sorted(m for m in ('duckdb', 'rich', 'pyarrow') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[]"
