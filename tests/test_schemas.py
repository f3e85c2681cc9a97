"""Published schemas are generated from code and committed; these tests fail when they drift."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest

from peelextract.document import Document
from peelextract.models import SCHEMA_VERSION, Report
from peelextract.publish.dataset import build_dataset
from peelextract.publish.report_json import report_to_json, write_report
from peelextract.publish.schemas import (
    DOC_BEGIN,
    DOC_END,
    REPORT_SCHEMA,
    TABLES_DIR,
    generated_schemas,
    tables_markdown,
    write_schemas,
)
from peelextract.publish.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
REGENERATE = "run `peelextract schema --out schemas` and commit the result (and record it in CHANGELOG.md)"


def test_committed_schemas_match_the_code() -> None:
    for rel, text in generated_schemas().items():
        path = SCHEMAS / rel
        assert path.is_file(), f"{path} is missing: {REGENERATE}"
        assert path.read_text("utf-8") == text, f"{path} differs from the code: {REGENERATE}"
    committed = {f"{TABLES_DIR}/{p.name}" for p in (SCHEMAS / TABLES_DIR).glob("*.schema.json")}
    assert committed == {rel for rel in generated_schemas() if rel.startswith(TABLES_DIR)}, REGENERATE


def test_write_schemas_is_deterministic_and_removes_stale_tables(tmp_path: Path) -> None:
    (tmp_path / TABLES_DIR).mkdir()
    stale = tmp_path / TABLES_DIR / "gone.schema.json"
    stale.write_text("{}")
    first = write_schemas(tmp_path)
    blobs = {p: p.read_bytes() for p in first}
    assert write_schemas(tmp_path) == first
    assert {p: p.read_bytes() for p in first} == blobs
    assert not stale.exists()
    assert {p.relative_to(tmp_path).as_posix() for p in first} == {REPORT_SCHEMA} | {
        f"{TABLES_DIR}/{t.name}.schema.json" for t in TABLES
    }


def test_report_schema_validates_the_sample(sample: tuple[Report, Document]) -> None:
    schema = json.loads((SCHEMAS / REPORT_SCHEMA).read_text("utf-8"))
    assert SCHEMA_VERSION in schema["$comment"]
    jsonschema.validate(json.loads(report_to_json(sample[0])), schema)


def test_table_schemas_describe_the_parquet_files(tmp_path: Path, sample: tuple[Report, Document]) -> None:
    out = tmp_path / "out"
    write_report(sample[0], sample[1], out)
    build_dataset(out)
    arrow_types = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool"}
    for table in TABLES:
        schema = json.loads((SCHEMAS / TABLES_DIR / f"{table.name}.schema.json").read_text("utf-8"))
        assert schema["schema_version"] == SCHEMA_VERSION
        parquet = pq.read_schema(
            out / "dataset" / "parquet" / table.name / "2021-22" / f"{sample[0].report.id}.parquet"
        )
        assert parquet.names == [c["name"] for c in schema["columns"]], table.name
        for col in schema["columns"]:
            field = parquet.field(col["name"])
            assert str(field.type) == arrow_types[col["type"]], (table.name, col["name"])
            assert field.nullable == col["nullable"], (table.name, col["name"])
            assert col["description"], (table.name, col["name"])


def test_docs_table_reference_matches_the_code() -> None:
    text = (ROOT / "docs" / "dataset.md").read_text("utf-8")
    block = text.split(DOC_BEGIN, 1)[1].split(DOC_END, 1)[0]
    assert block.strip() == tables_markdown().strip(), (
        "docs/dataset.md table reference is stale: run `python -m peelextract.publish.schemas docs/dataset.md`"
    )


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_every_column_is_documented(table: str) -> None:
    schema = json.loads((SCHEMAS / TABLES_DIR / f"{table}.schema.json").read_text("utf-8"))
    names = [c["name"] for c in schema["columns"]]
    assert names[0] == "id" and "report_id" in names
    assert len(names) == len(set(names))
