"""Orchestration library without Prefect: the unit of work, the cache, quarantine, discovery, reextract."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from peelextract.errors import InputError
from peelextract.isolation import WorkerPool
from peelextract.orchestrate import pool, work
from peelextract.orchestrate.cache import StateStore
from peelextract.orchestrate.fetch import Fetcher
from peelextract.orchestrate.reextract import resolve_report
from peelextract.orchestrate.sources import discover_inbox, safe_name, url_name
from peelextract.orchestrate.work import discover, process_item
from peelextract.settings import EXTRACTOR_VERSION, FetchPolicy, Limits, Settings, from_env
from tests.test_fetch import GOOD, ReportSite

CORRUPT_PDF = b"%PDF-1.7\n garbage"
MINUTES = b"Minutes of the parish council meeting held on 3 May. Present: the chair, the clerk and six members.\n"


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
    (box / "broken.pdf").write_bytes(CORRUPT_PDF)
    (box / "minutes.txt").write_bytes(MINUTES)
    (box / ".hidden").write_text("ignored")
    return box


@pytest.fixture
def site() -> Iterator[ReportSite]:
    with ReportSite() as s:
        yield s


def fetcher() -> Fetcher:
    return Fetcher(policy=FetchPolicy(timeout=5, retries=2, backoff=0.01))


def run_all(inbox: Path, out: Path, **kw: Any) -> dict[str, Any]:
    return {item.name: process_item(item, out, **kw) for item in discover_inbox(inbox)}


def test_batch_publishes_good_and_quarantines_bad(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    results = run_all(inbox, out)
    assert sorted(results) == ["broken.pdf", "cleveland-police_peel-2021-22.txt", "minutes.txt"]
    good = results["cleveland-police_peel-2021-22.txt"]
    assert good.status == "extracted" and good.report_id == "cleveland-police-2021-22" and good.grades > 0
    assert (out / "cleveland-police-2021-22.json").is_file()
    for name, code in (("broken.pdf", "bad_pdf"), ("minutes.txt", "not_a_peel_report")):
        assert results[name].status == "failed" and results[name].error["code"] == code
        assert (out / "quarantine" / name).read_bytes() == (inbox / name).read_bytes()
        reason = json.loads((out / "quarantine" / f"{name}.reason.json").read_text())
        assert reason["error"]["code"] == code and reason["error"]["reason"] and reason["sha256"]


def test_unchanged_inputs_are_not_extracted_again(inbox: Path, tmp_path: Path, extractions: list[str]) -> None:
    out = tmp_path / "out"
    run_all(inbox, out)
    assert len(extractions) == 3  # the corrupt PDF fails in its worker
    extractions.clear()
    again = run_all(inbox, out)
    assert extractions == []
    assert {r.status for r in again.values()} == {"cached", "failed"}
    assert all(r.from_cache for r in again.values())


def test_changed_report_or_new_version_re_extracts(
    inbox: Path, tmp_path: Path, extractions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run_all(inbox, out)
    extractions.clear()
    (inbox / "cleveland-police_peel-2021-22.txt").write_bytes(GOOD + b"\nA new closing paragraph.\n")
    run_all(inbox, out)
    assert extractions == ["cleveland-police_peel-2021-22.txt"]
    extractions.clear()
    monkeypatch.setenv("PEELEXTRACT_EXTRACTOR_VERSION_OVERRIDE", "0.1.0-bumped")
    settings = from_env()
    assert settings.extractor_version == "0.1.0-bumped"
    results = run_all(inbox, out, settings=settings)
    assert sorted(extractions) == ["broken.pdf", "cleveland-police_peel-2021-22.txt", "minutes.txt"]
    assert results["cleveland-police_peel-2021-22.txt"].status == "extracted"


def test_deleted_output_is_rebuilt(inbox: Path, tmp_path: Path, extractions: list[str]) -> None:
    out = tmp_path / "out"
    run_all(inbox, out)
    (out / "cleveland-police-2021-22.json").unlink()
    extractions.clear()
    run_all(inbox, out)
    assert extractions == ["cleveland-police_peel-2021-22.txt"]


def test_fixed_input_leaves_quarantine(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_all(inbox, out)
    (inbox / "minutes.txt").write_bytes(GOOD.replace(b"Cleveland", b"Durham"))
    results = run_all(inbox, out)
    assert results["minutes.txt"].ok
    assert not (out / "quarantine" / "minutes.txt").exists()
    assert not (out / "quarantine" / "minutes.txt.reason.json").exists()


def test_url_ingest_uses_etag_and_cache(site: ReportSite, tmp_path: Path, extractions: list[str]) -> None:
    out = tmp_path / "out"
    f = fetcher()
    items = discover(f"{site.base}/listing.html", f)
    assert [i.location for i in items] == [site.base + p for p in site.listed]
    first = {i.location.rsplit("/", 1)[1]: process_item(i, out, fetcher=f) for i in items}
    assert first["cleveland-police_peel-2021-22.txt"].status == "extracted"
    assert first["flaky.txt"].status == "extracted"  # after one 500
    wrong_type = first["wrong-type.txt"].error
    assert wrong_type is not None and wrong_type["code"] == "fetch_failed"
    assert "application/octet-stream" in wrong_type["reason"]
    assert (out / "quarantine" / f"{items[2].name}.reason.json").is_file()
    extractions.clear()
    again = process_item(items[0], out, fetcher=f)
    assert again.status == "cached" and again.not_modified and extractions == []


def test_reextract_resolves_report_id_to_its_source(inbox: Path, tmp_path: Path, extractions: list[str]) -> None:
    out = tmp_path / "out"
    run_all(inbox, out)
    item = resolve_report("cleveland-police-2021-22", out)
    assert item.location == str((inbox / "cleveland-police_peel-2021-22.txt").resolve())
    extractions.clear()
    assert process_item(item, out, use_cache=False).status == "extracted"
    assert extractions == ["cleveland-police_peel-2021-22.txt"]
    with pytest.raises(InputError, match="expected a report id"):
        resolve_report("no-such-report", out)


def test_state_survives_a_new_store(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run_all(inbox, out)["cleveland-police_peel-2021-22.txt"]
    hit = StateStore(out).lookup(res.sha256, EXTRACTOR_VERSION)
    assert hit is not None and hit.report_id == "cleveland-police-2021-22"


def test_names_are_safe() -> None:
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert url_name("https://x.org/a/peel-2021.pdf").endswith(".pdf")
    assert url_name("https://x.org/a/") != url_name("https://x.org/b/")


@pytest.mark.parametrize(("task", "code"), [("hang_task", "timeout"), ("bug_task", "internal_error")])
def test_ingest_isolates_a_hang_or_a_bug_and_quarantines_the_bytes(
    task: str, code: str, inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extraction of one input, in its worker, never finishes (killed at PEELEXTRACT_MAX_SECONDS) or
    raises an unexpected exception: that input is quarantined with its bytes and its code, not cached (a later
    run tries again), and the others go on."""
    from tests import test_isolation

    out = tmp_path / "out"
    settings = replace(Settings(), limits=Limits(max_seconds=2))
    good = inbox / "cleveland-police_peel-2021-22.txt"
    pool.shutdown()  # workers forked from now on see the replaced task
    monkeypatch.setattr(work, "extract_and_publish", getattr(test_isolation, task))
    [item] = [i for i in discover_inbox(inbox) if i.name == good.name]
    result = process_item(item, out, settings=settings)
    assert result.status == "failed" and result.error is not None and result.error["code"] == code
    assert (out / "quarantine" / good.name).read_bytes() == good.read_bytes()
    if code == "internal_error":
        [log] = (out / ".state" / "logs").iterdir()
        assert result.error["reason"].endswith(f"traceback in {log}") and "IndexError" in log.read_text()
    monkeypatch.undo()
    pool.shutdown()  # a worker forked while the task was replaced keeps the replacement
    assert process_item(item, out).status == "extracted"  # not cached: tried again
    assert not (out / "quarantine" / good.name).exists()
