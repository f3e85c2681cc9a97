"""The Prefect flows on a real (temporary, SQLite) Prefect API: ``prefect_test_harness`` starts the actual
server in a subprocess; nothing is mocked. Extractions are counted by wrapping pipeline.document_to_report
(the default thread runner runs tasks in this process)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from peelextract.isolation import WorkerPool
from tests.conftest import REPORTS
from tests.test_fetch import GOOD, ReportSite

CORRUPT_PDF = b"%PDF-1.7\n garbage"
MINUTES = b"Minutes of the parish council meeting held on 3 May. Present: the chair, the clerk and six members.\n"


@pytest.fixture(scope="module", autouse=True)
def prefect_api() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The inputs handed to an extraction worker (read, extract, validate, write), by source name: counted
    where the flow's process hands them off, since the work itself runs in another process."""
    calls: list[str] = []
    real = WorkerPool.run

    def counting(pool: WorkerPool, name: str, logs: Any, task: Callable[..., Any], *args: Any) -> Any:
        calls.append(args[0].name)
        return real(pool, name, logs, task, *args)

    monkeypatch.setattr(WorkerPool, "run", counting)
    return calls


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "inbox"
    box.mkdir()
    (box / "cleveland-police_peel-2021-22.txt").write_bytes(GOOD)
    (box / "corrupt.pdf").write_bytes(CORRUPT_PDF)
    (box / "minutes.txt").write_bytes(MINUTES)
    return box


def artifact(key: str) -> Any:
    from prefect.artifacts import Artifact

    found = Artifact.get(key)
    assert found is not None, f"no artifact {key}"
    return found


def test_batch_with_bad_inputs_completes_with_failures_and_artifacts(inbox: Path, tmp_path: Path) -> None:
    from peelextract.flows.ingest import run_ingest

    out = tmp_path / "out"
    summary = run_ingest(str(inbox), str(out))
    assert (summary.count("extracted"), summary.count("cached"), len(summary.failed)) == (1, 0, 2)
    assert (out / "cleveland-police-2021-22.json").is_file()
    codes = {r.name: (r.error or {}).get("code") for r in summary.failed}
    assert codes == {"corrupt.pdf": "bad_pdf", "minutes.txt": "not_a_peel_report"}
    for name, code in codes.items():
        reason = json.loads((out / "quarantine" / f"{name}.reason.json").read_text())
        assert reason["error"]["code"] == code
    table = artifact("peel-ingest-summary")
    assert table.type == "table"
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert {r["input"]: r["status"] for r in rows} == {
        "cleveland-police_peel-2021-22.txt": "extracted",
        "corrupt.pdf": "failed",
        "minutes.txt": "failed",
    }
    assert any(r["force"] == "Cleveland Police" and r["grades"] > 0 for r in rows)
    md = artifact("peel-ingest-report")
    assert md.type == "markdown" and "not_a_peel_report" in md.data and "bad_pdf" in md.data
    progress = artifact("peel-ingest-progress")
    assert progress.type == "progress" and float(progress.data) == 100.0


def test_second_run_does_no_extraction_and_version_bump_re_extracts(
    inbox: Path, tmp_path: Path, extractions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from peelextract.flows.ingest import run_ingest

    out = str(tmp_path / "out")
    first = run_ingest(str(inbox), out)
    assert first.extractions == 3 and len(extractions) == 3  # the corrupt PDF fails in its worker
    extractions.clear()
    second = run_ingest(str(inbox), out)
    assert extractions == [] and second.extractions == 0 and second.count("cached") == 1
    monkeypatch.setenv("PEELEXTRACT_EXTRACTOR_VERSION_OVERRIDE", "0.1.0+bump")
    third = run_ingest(str(inbox), out)
    assert third.count("extracted") == 1
    assert sorted(extractions) == ["cleveland-police_peel-2021-22.txt", "corrupt.pdf", "minutes.txt"]


def test_flow_fails_only_when_every_input_fails(tmp_path: Path) -> None:
    from peelextract.errors import IngestFailed
    from peelextract.flows.ingest import ingest_reports, run_ingest

    box = tmp_path / "bad"
    box.mkdir()
    (box / "corrupt.pdf").write_bytes(CORRUPT_PDF)
    (box / "minutes.txt").write_bytes(MINUTES)
    with pytest.raises(IngestFailed, match="every input failed"):
        run_ingest(str(box), str(tmp_path / "out"))
    state = ingest_reports(str(box), str(tmp_path / "out"), return_state=True)
    assert state.is_failed()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_ingest(str(empty), str(tmp_path / "out2")).results == []


def test_listing_url_is_ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from peelextract.flows.ingest import run_ingest

    monkeypatch.setenv("PEELEXTRACT_FETCH_BACKOFF", "0.01")
    with ReportSite() as site:
        out = tmp_path / "out"
        summary = run_ingest(f"{site.base}/listing.html", str(out))
        by_url = {r.location.rsplit("/", 1)[1]: r for r in summary.results}
        assert by_url["cleveland-police_peel-2021-22.txt"].report_id == "cleveland-police-2021-22"
        assert by_url["flaky.txt"].status == "extracted" and site.hits["/flaky.txt"] == 2
        wrong_type = by_url["wrong-type.txt"].error
        assert wrong_type is not None and wrong_type["code"] == "fetch_failed"
        assert (out / "cleveland-police-2021-22.json").is_file()
        again = run_ingest(f"{site.base}/listing.html", str(out))
        assert again.extractions == 1  # only the failed fetch is tried again
        assert {r.location.rsplit("/", 1)[1]: r.not_modified for r in again.results if r.ok} == {
            "cleveland-police_peel-2021-22.txt": True,
            "flaky.txt": False,
        }


def test_cli_ingest_and_reextract(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extractions: list[str]
) -> None:
    from peelextract.cli import main

    out = tmp_path / "out"
    assert main(["ingest", str(inbox), "--out", str(out)]) == 1  # two inputs failed
    captured = capsys.readouterr()
    assert "1 extracted" in captured.out and "[not_a_peel_report]: minutes.txt" in captured.err
    extractions.clear()
    assert main(["reextract", "cleveland-police-2021-22", "--out", str(out)]) == 0
    assert extractions == ["cleveland-police_peel-2021-22.txt"]
    assert main(["reextract", "nope", "--out", str(out)]) == 1
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .startswith("peelextract: error [bad_input]: nope: expected a report id")
    )
    (inbox / "cleveland-police_peel-2021-22.txt").write_bytes(b'{"this": "is JSON"}')
    assert main(["reextract", "cleveland-police-2021-22", "--out", str(out)]) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("peelextract: error [unsupported_format]: ") and "found JSON data" in last


def test_cli_ingest_honours_the_limits_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """PEELEXTRACT_MAX_PAGES=5 refuses a 30-page report (quarantined, exit 1); a limit failure is not cached,
    so the same file is extracted once the limit is lifted."""
    from peelextract.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(REPORTS / "cleveland-police_peel-2021-22.pdf", inbox)
    out = tmp_path / "out"
    monkeypatch.setenv("PEELEXTRACT_MAX_PAGES", "5")
    assert main(["ingest", str(inbox), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert (
        "error [limit_exceeded]: cleveland-police_peel-2021-22.pdf: PDF has 30 pages; the limit is 5 (quarantined)"
        in err
    )
    reason = json.loads((out / "quarantine" / "cleveland-police_peel-2021-22.pdf.reason.json").read_text())
    assert reason["error"]["code"] == "limit_exceeded"
    monkeypatch.delenv("PEELEXTRACT_MAX_PAGES")
    assert main(["ingest", str(inbox), "--out", str(out)]) == 0
    assert (out / "cleveland-police-2021-22.json").is_file()


@pytest.mark.slow
def test_dask_runner_on_a_local_cluster(inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from peelextract.flows.ingest import run_ingest

    monkeypatch.setenv("PEELEXTRACT_TASK_RUNNER", "dask")
    monkeypatch.setenv("PEELEXTRACT_WORKERS", "2")
    (inbox / "corrupt.pdf").unlink()
    summary = run_ingest(str(inbox), str(tmp_path / "out"))
    assert summary.count("extracted") == 1 and len(summary.failed) == 1
    assert (tmp_path / "out" / "cleveland-police-2021-22.json").is_file()


def test_extraction_processes_give_the_same_outputs_and_errors(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PEELEXTRACT_EXTRACT_PROCESSES=1 or 2: reports are extracted in worker processes; the outputs are the
    same bytes as the pipeline's in this process, and the errors raised there come back as the same
    documented errors."""
    from peelextract.flows.ingest import run_ingest
    from peelextract.orchestrate import pool
    from peelextract.pipeline import path_to_report
    from peelextract.publish.report_json import write_report

    report, doc = path_to_report(inbox / "cleveland-police_peel-2021-22.txt")
    write_report(report, doc, tmp_path / "here")
    runs = {}
    for n in ("1", "2"):
        monkeypatch.setenv("PEELEXTRACT_EXTRACT_PROCESSES", n)
        try:
            runs[n] = run_ingest(str(inbox), str(tmp_path / f"there{n}"))
            assert pool._pool is not None and pool._pool.size == int(n)  # the reports really went to the pool
        finally:
            pool.shutdown()
    assert [(r.name, r.status, r.report_id, (r.error or {}).get("code")) for r in runs["2"].results] == [
        (r.name, r.status, r.report_id, (r.error or {}).get("code")) for r in runs["1"].results
    ]
    for name in ("cleveland-police-2021-22.json", "cleveland-police-2021-22.txt"):
        for n in runs:
            assert (tmp_path / f"there{n}" / name).read_bytes() == (tmp_path / "here" / name).read_bytes()
