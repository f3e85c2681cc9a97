"""One report reader for every consumer: the dataset, the review site and the batch summary all read a
newer MINOR contract version (dropping fields they do not know) and all refuse a newer MAJOR version with
a message naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from peelextract.document import Document
from peelextract.errors import SchemaVersionError
from peelextract.models import SCHEMA_VERSION, Report
from peelextract.orchestrate.summary import RunSummary, _load_reports, publish_outputs
from peelextract.orchestrate.work import ItemResult
from peelextract.publish.dataset import build_dataset, load_reports
from peelextract.publish.report_json import read_report, write_report
from peelextract.publish.review import build_site
from peelextract.publish.review import load_reports as review_reports


def _written(tmp_path: Path, sample: tuple[Report, Document], version: str) -> tuple[Path, Path]:
    """The sample report in ``tmp_path``, rewritten with ``version`` and fields this reader does not know."""
    report, doc = sample
    path = write_report(report, doc, tmp_path)
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    data["schema_version"] = version
    data["added_in_a_later_minor"] = {"x": 1}
    data["case_counts"][0]["new_optional_field"] = "x"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return tmp_path, path


def _newer(part: str) -> str:
    major, minor, _ = (int(n) for n in SCHEMA_VERSION.split("."))
    return f"{major}.{minor + 3}.0" if part == "minor" else f"{major + 1}.0.0"


def _summary(out: Path, rid: str) -> RunSummary:
    return RunSummary("test", str(out), [ItemResult(name="x.txt", location="x.txt", status="extracted", report_id=rid)])


def test_a_newer_minor_version_with_unknown_fields_is_read_by_every_consumer(
    tmp_path: Path, sample: tuple[Report, Document], caplog: pytest.LogCaptureFixture
) -> None:
    out, path = _written(tmp_path, sample, _newer("minor"))
    rid = sample[0].report.id
    report = read_report(path)
    assert report.schema_version == _newer("minor")
    assert report.model_copy(update={"schema_version": SCHEMA_VERSION}) == sample[0]
    assert "$.case_counts[0].new_optional_field" in caplog.text and "$.added_in_a_later_minor" in caplog.text

    assert [r.report.id for r in load_reports(out)] == [rid]  # the dataset
    loaded, skipped = review_reports(out)  # the review site
    assert [item.report.report.id for item in loaded] == [rid] and skipped == []
    assert [r.report.id for r in _load_reports(out, [rid])] == [rid]  # the batch summary

    summary = _summary(out, rid)
    publish_outputs(summary)
    assert summary.notes == [] and summary.site is not None
    assert (out / "peel.duckdb").is_file() and (out / "review" / f"{rid}.html").is_file()


def test_a_newer_major_version_is_refused_by_every_consumer_naming_the_file(
    tmp_path: Path, sample: tuple[Report, Document]
) -> None:
    out, path = _written(tmp_path, sample, _newer("major"))
    rid = sample[0].report.id
    for read in (
        lambda: read_report(path),
        lambda: build_dataset(out),
        lambda: build_site(out),
        lambda: _load_reports(out, [rid]),
    ):
        with pytest.raises(SchemaVersionError) as info:
            read()
        assert str(path) in str(info.value) and "newer major version" in str(info.value)
    assert not (out / "review" / "index.html").exists()

    summary = _summary(out, rid)
    publish_outputs(summary)  # a batch notes the refusal instead of failing after the reports are out
    assert len(summary.notes) == 2 and summary.site is None
    assert all(str(path) in note and _newer("major") in note for note in summary.notes)


def test_a_json_file_that_is_not_a_report_is_skipped_by_the_review_site(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"tables": []}', "utf-8")
    (tmp_path / "broken.json").write_text("{not json", "utf-8")
    (tmp_path / "bad.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION}), "utf-8")
    assert review_reports(tmp_path) == ([], ["bad.json", "broken.json", "manifest.json"])
