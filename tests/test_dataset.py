"""The dataset: tables, views, idempotent rebuilds, upserts without stale rows, the versioned contract,
exports, and the worked queries of docs/dataset.md.

The database and the Parquet files are read with ``duckdb`` and ``pyarrow`` directly, not through the
project's code, so these tests check what a consumer sees.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from peelextract.cli import main
from peelextract.document import Document
from peelextract.errors import ContractError, InputError, PublishError, SchemaVersionError
from peelextract.models import Report
from peelextract.publish.dataset import build_dataset, publish_reports
from peelextract.publish.report_json import read_report, report_to_json, write_report
from peelextract.publish.tables import TABLES
from peelextract.rounds.vocab import slug
from tests.conftest import REPORTS, SAMPLE_GRADES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ID = "cleveland-police-2021-22"
TABLE_NAMES = [t.name for t in TABLES]


# --- helpers -------------------------------------------------------------------------------------------


def variant(
    report: Report, force: str, round_: str, grades: dict[str, str] | None = None, drop_case_counts: int = 0
) -> Report:
    """A copy of ``report`` for another force/round, with some grades changed and case counts dropped."""
    grades = grades or {}
    info = report.report.model_copy(
        update={
            "id": f"{slug(force)}-{slug(round_)}",
            "force": force,
            "round": round_,
            "round_decision": report.report.round_decision.model_copy(update={"round": round_}),
        }
    )
    new_grades = [g.model_copy(update={"grade": grades[g.area]}) if g.area in grades else g for g in report.grades]
    return report.model_copy(
        update={"report": info, "grades": new_grades, "case_counts": report.case_counts[drop_case_counts:]}
    )


def save(out: Path, report: Report, doc: Document) -> None:
    """Write a report file and its text, as ``peelextract extract`` does."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{report.report.id}.json").write_text(report_to_json(report), encoding="utf-8")
    (out / f"{report.report.id}.txt").write_text(doc.text, encoding="utf-8")


def db_rows(out: Path, table: str, where: str = "") -> list[tuple[Any, ...]]:
    with duckdb.connect(str(out / "peel.duckdb"), read_only=True) as con:
        return con.execute(f"SELECT * FROM {table} {where} ORDER BY ALL").fetchall()


def db_dicts(out: Path, sql: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(out / "peel.duckdb"), read_only=True) as con:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def all_db_contents(out: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {name: db_rows(out, name) for name in [*TABLE_NAMES, "grades_wide", "grade_changes", "latest_grades"]}


def export_bytes(out: Path) -> dict[str, bytes]:
    root = out / "dataset"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def jsonl(out: Path, table: str) -> list[dict[str, Any]]:
    """A table's rows from its JSON Lines files (one per report, a folder per round), in file order."""
    files = sorted((out / "dataset" / "jsonl" / table).glob("*/*.jsonl"))
    return [json.loads(line) for path in files for line in path.read_text("utf-8").splitlines()]


@pytest.fixture()
def one(tmp_path: Path, sample: tuple[Report, Document]) -> Path:
    """OUT with the sample report, extracted and built as ``peelextract extract`` does."""
    out = tmp_path / "out"
    write_report(sample[0], sample[1], out)
    build_dataset(out)
    return out


def build_three(out: Path, sample: tuple[Report, Document]) -> Path:
    """OUT with the sample, a second 2021/22 force, and the sample force in 2023-25 with changed grades."""
    report, doc = sample
    save(out, report, doc)
    save(out, variant(report, "Eastshire Police", "2021/22", {"investigating-crime": "Inadequate"}), doc)
    save(
        out,
        variant(
            report,
            "Cleveland Police",
            "2023-25",
            {"investigating-crime": "Good", "preventing-crime": "Requires improvement"},
        ),
        doc,
    )
    build_dataset(out)
    return out


@pytest.fixture()
def three(tmp_path: Path, sample: tuple[Report, Document]) -> Path:
    return build_three(tmp_path / "out", sample)


@pytest.fixture(scope="module")
def three_shared(tmp_path_factory: pytest.TempPathFactory, sample: tuple[Report, Document]) -> Path:
    """Like ``three``, built once for the read-only tests (the docs queries)."""
    return build_three(tmp_path_factory.mktemp("docs") / "out", sample)


# --- tables and views ----------------------------------------------------------------------------------


def test_files_are_written(one: Path) -> None:
    assert (one / "peel.duckdb").is_file()
    for name in TABLE_NAMES:  # every table has its files for every report, rows or none
        assert (one / "dataset" / "parquet" / name / "2021-22" / f"{SAMPLE_ID}.parquet").is_file()
        assert (one / "dataset" / "jsonl" / name / "2021-22" / f"{SAMPLE_ID}.jsonl").is_file()
    assert not list(one.glob("*.tmp")) and not list((one / "dataset").glob(".*"))


def test_duckdb_rows_match_the_sample(one: Path, sample: tuple[Report, Document]) -> None:
    report = sample[0]
    counts = {
        t: db_dicts(one, f"SELECT count(*) AS n FROM {t} WHERE report_id = '{SAMPLE_ID}'")[0]["n"]
        for t in ("reports", "grades", "case_counts", "ci_percentages")
    }
    assert counts == {"reports": 1, "grades": 10, "case_counts": 12, "ci_percentages": 8}
    grades = db_dicts(one, "SELECT * FROM grades ORDER BY ordinal")
    assert {g["area"]: g["grade"] for g in grades} == SAMPLE_GRADES
    for row, grade in zip(grades, report.grades, strict=True):
        assert (row["evidence_text"], row["evidence_start"], row["evidence_end"]) == (
            grade.evidence.text,
            grade.evidence.start,
            grade.evidence.end,
        )
        assert row["force"] == "Cleveland Police" and row["round"] == "2021/22" and row["round_order"] == 6
    text = (one / f"{SAMPLE_ID}.txt").read_text("utf-8")
    for table in ("grades", "case_counts", "ci_percentages", "percentages", "rates", "areas_for_improvement"):
        for row in db_dicts(one, f"SELECT evidence_text, evidence_start, evidence_end FROM {table}"):
            assert text[row["evidence_start"] : row["evidence_end"]] == row["evidence_text"]
    cases = db_dicts(one, "SELECT x, y, polarity, share, met_share FROM case_counts ORDER BY ordinal")
    assert [(c["x"], c["y"], c["polarity"]) for c in cases] == [(c.x, c.y, c.polarity) for c in report.case_counts]
    for c in cases:
        expected = c["share"] if c["polarity"] == "success" else round(100 * (c["y"] - c["x"]) / c["y"], 1)
        assert c["met_share"] == expected
    cis = db_dicts(one, "SELECT value, ci, lower, upper, period FROM ci_percentages ORDER BY ordinal")
    expected_cis = [(c.value, c.ci, c.period) for c in report.ci_percentages]
    assert [(c["value"], c["ci"], c["period"]) for c in cis] == expected_cis


def test_grades_wide_has_one_row_with_every_grade(one: Path) -> None:
    rows = db_dicts(one, "SELECT * FROM grades_wide")
    assert len(rows) == 1
    row = rows[0]
    assert (row["report_id"], row["force"], row["round"]) == (SAMPLE_ID, "Cleveland Police", "2021/22")
    for area, grade in SAMPLE_GRADES.items():
        assert row[area] == grade
    assert row["effectiveness"] is None  # a 2014–2018/19 pillar: not graded in 2021/22


def test_parquet_read_with_pyarrow_matches_duckdb(one: Path) -> None:
    for name in TABLE_NAMES:
        table = pq.read_table(one / "dataset" / "parquet" / name)  # the folder: every report's file as one table
        with duckdb.connect(str(one / "peel.duckdb"), read_only=True) as con:
            cur = con.execute(f"SELECT * FROM {name}")
            db_names = [d[0] for d in cur.description]
            db_set = sorted(cur.fetchall())
        assert table.column_names == db_names
        assert sorted(tuple(r.values()) for r in table.to_pylist()) == db_set
        assert jsonl(one, name) == table.to_pylist()
    grades = pq.read_table(one / "dataset" / "parquet" / "grades")
    assert grades.num_rows == 10
    assert grades.schema.field("id").nullable is False
    assert str(grades.schema.field("evidence_start").type) == "int64"
    assert pq.read_table(one / "dataset" / "parquet" / "case_counts").num_rows == 12
    assert pq.read_table(one / "dataset" / "parquet" / "ci_percentages").num_rows == 8
    meta = pq.read_metadata(one / "dataset" / "parquet" / "grades" / "2021-22" / f"{SAMPLE_ID}.parquet")
    assert meta.schema.to_arrow_schema().metadata[b"peelextract.table"] == b"grades"


def test_ids_are_unique_and_content_derived(one: Path, tmp_path: Path, sample: tuple[Report, Document]) -> None:
    ids = {}
    for name in TABLE_NAMES:
        rows = db_dicts(one, f"SELECT id FROM {name}")
        ids[name] = [r["id"] for r in rows]
        assert len(ids[name]) == len(set(ids[name])), name
    other = tmp_path / "elsewhere"
    write_report(sample[0], sample[1], other)
    build_dataset(other)
    for name in TABLE_NAMES:
        assert sorted(r["id"] for r in db_dicts(other, f"SELECT id FROM {name}")) == sorted(ids[name])


def test_views_compare_rounds(three: Path) -> None:
    wide = db_dicts(three, "SELECT * FROM grades_wide ORDER BY force_id, round_order")
    assert [(r["force"], r["round"]) for r in wide] == [
        ("Cleveland Police", "2021/22"),
        ("Cleveland Police", "2023-25"),
        ("Eastshire Police", "2021/22"),
    ]
    changes = db_dicts(three, "SELECT * FROM grade_changes WHERE force_id = 'cleveland-police'")
    assert len(changes) == 10
    by_area = {c["area"]: c for c in changes}
    assert (
        by_area["investigating-crime"]["previous_grade"],
        by_area["investigating-crime"]["grade"],
        by_area["investigating-crime"]["change"],
    ) == ("Requires improvement", "Good", "better")
    assert by_area["recording-data"]["change"] == "same"
    assert by_area["preventing-crime"]["previous_round"] == "2021/22"
    assert not db_dicts(three, "SELECT * FROM grade_changes WHERE force_id = 'eastshire-police'")
    latest = {r["area"]: r for r in db_dicts(three, "SELECT * FROM latest_grades WHERE force_id = 'cleveland-police'")}
    assert latest["investigating-crime"]["grade"] == "Good" and latest["investigating-crime"]["round"] == "2023-25"
    assert len(db_dicts(three, "SELECT * FROM latest_grades")) == 20


# --- idempotence and upserts ---------------------------------------------------------------------------


def test_building_twice_gives_identical_bytes_and_tables(three: Path, tmp_path: Path) -> None:
    before_bytes, before_db = export_bytes(three), all_db_contents(three)
    build_dataset(three)
    assert export_bytes(three) == before_bytes
    assert all_db_contents(three) == before_db
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in three.glob("*.json"):
        (copy / path.name).write_bytes(path.read_bytes())
    build_dataset(copy)  # another folder, another time: still the same bytes
    assert export_bytes(copy) == before_bytes


def test_publishing_the_same_reports_again_changes_nothing(three: Path) -> None:
    reports = [read_report(p) for p in sorted(three.glob("*.json"))]
    before_bytes, before_db = export_bytes(three), all_db_contents(three)
    publish_reports(three, reports)
    publish_reports(three, reports[:1])
    assert export_bytes(three) == before_bytes
    assert all_db_contents(three) == before_db


def test_republishing_one_report_changes_only_its_rows(tmp_path: Path, sample: tuple[Report, Document]) -> None:
    report, doc = sample
    out = tmp_path / "out"
    save(out, report, doc)
    second = variant(report, "Eastshire Police", "2021/22")
    save(out, second, doc)
    build_dataset(out)
    before = {t: db_rows(out, t, f"WHERE report_id = '{SAMPLE_ID}'") for t in TABLE_NAMES}
    before_lines = {t: [r for r in jsonl(out, t) if r["report_id"] == SAMPLE_ID] for t in TABLE_NAMES}
    east = "WHERE report_id = 'eastshire-police-2021-22'"
    old_case_ids = {r["id"] for r in db_dicts(out, f"SELECT id FROM case_counts {east}")}

    changed = variant(report, "Eastshire Police", "2021/22", {"investigating-crime": "Inadequate"}, drop_case_counts=3)
    publish_reports(out, [changed])

    for t in TABLE_NAMES:  # the other report is untouched, in the database and in the exports
        assert db_rows(out, t, f"WHERE report_id = '{SAMPLE_ID}'") == before[t]
        assert [r for r in jsonl(out, t) if r["report_id"] == SAMPLE_ID] == before_lines[t]
    assert db_dicts(out, f"SELECT grade FROM grades {east} AND area = 'investigating-crime'") == [
        {"grade": "Inadequate"}
    ]
    assert len(db_rows(out, "grades", east)) == 10
    new_case_ids = {r["id"] for r in db_dicts(out, f"SELECT id FROM case_counts {east}")}
    assert len(new_case_ids) == 9 and new_case_ids < old_case_ids  # the 3 dropped findings left no stale rows
    assert len(db_rows(out, "reports")) == 2
    assert pq.read_table(out / "dataset" / "parquet" / "case_counts").num_rows == 12 + 9
    wide = {r["report_id"]: r for r in db_dicts(out, "SELECT * FROM grades_wide")}
    assert wide["eastshire-police-2021-22"]["investigating-crime"] == "Inadequate"
    assert wide[SAMPLE_ID]["investigating-crime"] == "Requires improvement"


def test_a_failed_upsert_leaves_the_database_as_it_was(three: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from peelextract.errors import PublishError
    from peelextract.publish import dataset_db as dataset

    before_db, before_bytes = all_db_contents(three), export_bytes(three)

    def fail(*_: object) -> None:
        raise duckdb.ConversionException("injected failure after the DELETE")

    monkeypatch.setattr(dataset, "_insert", fail)
    with pytest.raises(PublishError, match="injected"):
        publish_reports(three, [read_report(three / f"{SAMPLE_ID}.json")])
    assert all_db_contents(three) == before_db
    assert export_bytes(three) == before_bytes


def test_publish_without_a_database_builds_from_the_files(one: Path, sample: tuple[Report, Document]) -> None:
    (one / "peel.duckdb").unlink()
    publish_reports(one, [variant(sample[0], "Eastshire Police", "2021/22")])
    assert sorted(r["report_id"] for r in db_dicts(one, "SELECT report_id FROM reports")) == [
        SAMPLE_ID,
        "eastshire-police-2021-22",
    ]


def test_rebuild_drops_reports_whose_file_is_gone(three: Path) -> None:
    (three / "eastshire-police-2021-22.json").unlink()
    build_dataset(three)
    for name in TABLE_NAMES:
        assert not db_rows(three, name, "WHERE report_id = 'eastshire-police-2021-22'")
        assert all(r["report_id"] != "eastshire-police-2021-22" for r in jsonl(three, name))


def test_concurrent_publishers_queue(one: Path, sample: tuple[Report, Document]) -> None:
    extra = [variant(sample[0], force, "2021/22") for force in ("Eastshire Police", "Westshire Police")]
    errors: list[BaseException] = []

    def run(report: Report) -> None:
        try:
            publish_reports(one, [report])
        except BaseException as exc:  # re-raised below in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in extra]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(db_rows(one, "reports")) == 3
    assert len(jsonl(one, "reports")) == 3


# --- the versioned contract ----------------------------------------------------------------------------


def _sample_json(one: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((one / f"{SAMPLE_ID}.json").read_text("utf-8"))
    return data


def test_newer_major_schema_version_is_refused(one: Path) -> None:
    data = _sample_json(one)
    data["schema_version"] = "2.0.0"
    path = one / f"{SAMPLE_ID}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaVersionError) as info:
        read_report(path)
    assert str(path) in str(info.value) and "2.0.0" in str(info.value) and "newer major" in str(info.value)
    with pytest.raises(SchemaVersionError):
        build_dataset(one)  # the build refuses too, naming the file
    assert main(["dataset", "build", str(one)]) == 1


@pytest.mark.parametrize("version", ["0.9.0", "banana", None])
def test_unreadable_schema_versions_are_refused(one: Path, version: object) -> None:
    data = _sample_json(one)
    data["schema_version"] = version
    path = one / "x.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaVersionError, match=r"x\.json"):
        read_report(path)


def test_newer_minor_version_is_read_ignoring_new_fields(one: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = _sample_json(one)
    data["schema_version"] = "1.7.0"
    data["new_top_level"] = [1, 2]
    data["grades"][0]["new_optional"] = "x"
    path = one / f"{SAMPLE_ID}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = read_report(path)
    assert report.schema_version == "1.7.0" and len(report.grades) == 10
    assert "$.grades[0].new_optional" in caplog.text


def test_same_version_with_unknown_fields_is_a_contract_error(one: Path) -> None:
    data = _sample_json(one)
    data["surprise"] = 1
    path = one / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContractError, match=r"bad\.json"):
        read_report(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        read_report(path)


# --- CLI and exports -----------------------------------------------------------------------------------


def test_cli_dataset_build_and_exports(one: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    assert main(["dataset", "build", str(one), "-q"]) == 0
    assert main(["export", "--format", "csv", str(one), "-q"]) == 0
    header = (one / "export" / "grades.csv").read_text("utf-8").splitlines()
    assert header[0].startswith("id,report_id,force,round,ordinal") and len(header) == 11
    assert (one / "export" / "grades_wide.csv").read_text("utf-8").count("\n") == 2
    assert main(["export", "--format", "xlsx", str(one), "-q"]) == 0
    wb = openpyxl.load_workbook(one / "export" / "peel.xlsx", read_only=True)
    assert wb.sheetnames == [*TABLE_NAMES, "grades_wide", "grade_changes", "latest_grades"]
    assert len(list(wb["case_counts"].iter_rows())) == 13
    assert main(["export", "--format", "pdf", str(one)]) == 2
    assert main(["dataset", "build", str(one / "missing")]) == 2


def test_extract_builds_the_dataset(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        main(
            [
                "extract",
                str(ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"),
                "--out",
                str(out),
                "-q",
            ]
        )
        == 0
    )
    assert len(db_rows(out, "grades")) == 10


# --- docs/dataset.md: every worked query runs --------------------------------------------------------

_BLOCK = re.compile(r"(?:<!-- check: (?P<name>[\w-]+) -->\n)?```(?P<lang>sql|python)\n(?P<code>.*?)```", re.S)


def _check_inadequate(rows: list[dict[str, Any]]) -> None:
    assert [r["force"] for r in rows] == ["Eastshire Police"]


def _check_changes(rows: list[dict[str, Any]]) -> None:
    by_area = {r["area"]: r for r in rows}
    assert len(rows) == 10
    assert (by_area["investigating-crime"]["previous_grade"], by_area["investigating-crime"]["grade"]) == (
        "Requires improvement",
        "Good",
    )
    assert by_area["preventing-crime"]["change"] == "better" and by_area["workforce"]["change"] == "same"


def _check_below_80(rows: list[dict[str, Any]]) -> None:
    sample = sorted(
        (r["x"], r["y"], r["polarity"]) for r in rows if r["force"] == "Cleveland Police" and r["round"] == "2021/22"
    )
    # 14/18 succeeded (77.8%); the failures leave 78.6%, 33.3%, 79.3%, 26.3% and 78.7% meeting the standard.
    # 12 of 90 failed leaves 86.7% met: not below 80 although its share (13.3) is.
    assert sample == [
        (8, 12, "failure"),
        (14, 18, "success"),
        (14, 19, "failure"),
        (15, 70, "failure"),
        (16, 75, "failure"),
        (18, 87, "failure"),
    ]
    assert all(r["met_percent"] < 80 for r in rows)


def _check_crime_recording(rows: list[dict[str, Any]]) -> None:
    sample = {r["measure"]: r for r in rows if r["force"] == "Cleveland Police"}
    assert set(sample) == {
        "crime-recording-all",
        "crime-recording-violence",
        "crime-recording-sexual",
        "stop-search-grounds",
    }
    assert all(r["previous_value"] is not None and r["previous_year"] for r in sample.values())
    everything = sample["crime-recording-all"]
    assert (everything["value"], everything["previous_value"], everything["change"]) == (
        96.4,
        89.9,
        "significant-improvement",
    )
    assert (everything["unrecorded_estimate"], everything["additional_recorded_estimate"]) == (2600, 4700)


def _check_nonempty(rows: list[dict[str, Any]]) -> None:
    assert rows


CHECKS = {
    "inadequate-investigating": _check_inadequate,
    "force-changes": _check_changes,
    "below-80": _check_below_80,
    "crime-recording": _check_crime_recording,
    "force-wide": _check_nonempty,
    "latest": _check_nonempty,
    "evidence": _check_nonempty,
    "warnings": _check_nonempty,
}


def _doc_blocks() -> list[tuple[str, str, str]]:
    text = (ROOT / "docs" / "dataset.md").read_text("utf-8")
    return [(m["name"] or "", m["lang"], m["code"]) for m in _BLOCK.finditer(text)]


def test_docs_have_the_worked_queries() -> None:
    names = {(name, lang) for name, lang, _ in _doc_blocks()}
    for name in ("inadequate-investigating", "force-changes", "below-80"):
        assert (name, "sql") in names and (name, "python") in names


@pytest.mark.parametrize(("name", "lang", "code"), _doc_blocks(), ids=lambda v: v if len(v) < 30 else "code")
def test_docs_query_runs(three_shared: Path, monkeypatch: pytest.MonkeyPatch, name: str, lang: str, code: str) -> None:
    monkeypatch.chdir(three_shared.parent)  # the docs refer to the dataset as out/
    if lang == "sql":
        with duckdb.connect("out/peel.duckdb", read_only=True) as con:
            cur = con.execute(code)
            cols = [d[0] for d in cur.description]
            rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    else:
        namespace: dict[str, Any] = {}
        exec(compile(code, "docs/dataset.md", "exec"), namespace)
        result = namespace["result"]
        rows = result if isinstance(result, list) else result.to_dict("records")
    assert name in CHECKS, f"every worked query needs a <!-- check: name --> marker ({code[:40]!r})"
    CHECKS[name](rows)


# --- partitioned files ---------------------------------------------------------------------------------


def test_publishing_one_report_writes_only_its_files(three: Path) -> None:
    """An upsert rewrites the files of its reports only: the others keep their inode and bytes."""
    files = {p: (p.stat().st_ino, p.read_bytes()) for p in (three / "dataset").rglob("*") if p.is_file()}
    publish_reports(three, [read_report(three / f"{SAMPLE_ID}.json")])
    after = {p: (p.stat().st_ino, p.read_bytes()) for p in (three / "dataset").rglob("*") if p.is_file()}
    assert after.keys() == files.keys()
    rewritten = {p for p in files if after[p][0] != files[p][0]}
    assert rewritten == {p for p in files if p.stem == SAMPLE_ID} and len(rewritten) == 2 * len(TABLE_NAMES)
    assert all(after[p][1] == files[p][1] for p in files)


def test_a_build_removes_the_files_of_removed_reports_and_the_flat_layout(three: Path) -> None:
    (three / "dataset" / "grades.parquet").write_bytes(b"left by the one-file-per-table layout")
    (three / "eastshire-police-2021-22.json").unlink()
    build_dataset(three)
    assert not list((three / "dataset").rglob("eastshire-police-2021-22.*"))
    assert not list((three / "dataset").glob("*.*"))
    assert {r["report_id"] for r in jsonl(three, "reports")} == {SAMPLE_ID, "cleveland-police-2023-25"}
    assert sorted(p.name for p in (three / "dataset" / "parquet" / "grades").iterdir()) == ["2021-22", "2023-25"]


def test_extract_updates_the_dataset_without_rebuilding_it(tmp_path: Path) -> None:
    """`extract` upserts the reports it extracted: the other reports' files are not rewritten."""
    out = tmp_path / "out"
    assert main(["extract", str(REPORTS / "cleveland-police_peel-2021-22.txt"), "--out", str(out), "-q"]) == 0
    first = {p: p.stat().st_ino for p in (out / "dataset").rglob("*") if p.is_file()}
    second = REPORTS / "southvale-constabulary_peel-2023-25-synthetic.txt"
    assert main(["extract", str(second), "--out", str(out), "-q"]) == 0
    assert {p: p.stat().st_ino for p in first} == first
    ids = {r["report_id"] for r in db_dicts(out, "SELECT report_id FROM reports")}
    assert ids == {SAMPLE_ID, "southvale-constabulary-2023-25"}
    assert {r["report_id"] for r in jsonl(out, "reports")} == ids


def test_a_dataset_file_that_cannot_be_written_is_a_publish_error(tmp_path: Path) -> None:
    from peelextract.publish.dataset_export import replace_derived

    (tmp_path / "grades").write_text("a file where the table's folder should be", encoding="utf-8")
    with pytest.raises(PublishError, match="cannot write"):
        replace_derived(tmp_path / "grades" / "2021-22" / "x.parquet", b"rows")
    replace_derived(tmp_path / "cases" / "2021-22" / "x.parquet", b"rows")
    assert (tmp_path / "cases" / "2021-22" / "x.parquet").read_bytes() == b"rows"
    assert [p.name for p in (tmp_path / "cases" / "2021-22").iterdir()] == ["x.parquet"]  # no temp file left
