"""Batches nothing can break (issue 13), through real commands in subprocesses with real signals: a hanging,
crashing or buggy input fails alone with its documented code; the tool's own JSON is refused and the good
report left as it was; a batch killed with SIGKILL and run again ends with every report exactly once; two
commands into one OUT at once both succeed, the second after waiting for OUT's lock.

The misbehaving inputs are made by a ``sitecustomize`` module put first on the subprocesses' PYTHONPATH
(nothing in the package knows of it): it wraps ``pipeline.source_to_document`` so that an input holding
TEST-HANG sleeps, TEST-SLOW sleeps 4 s, TEST-CRASH kills its process with SIGSEGV and TEST-BUG raises an
IndexError; every interpreter the command starts (its workers, a fork server) runs it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from peelextract.rounds.vocab import slug
from tests.conftest import REPORTS, ROOT, SAMPLE_TXT

HOOK = textwrap.dedent(
    """
    import os, signal, time
    from peelextract import pipeline

    _real = pipeline.source_to_document

    def _misbehaving(src, limits=None):
        if b"TEST-HANG" in src.data:
            time.sleep(600)
        if b"TEST-SLOW" in src.data:
            time.sleep(4)
        if b"TEST-CRASH" in src.data:
            os.kill(os.getpid(), signal.SIGSEGV)
        if b"TEST-BUG" in src.data:
            raise IndexError("string index out of range")
        return _real(src, limits)

    pipeline.source_to_document = _misbehaving
    """
)
FORCES = ("Durham Constabulary", "Kent Police", "Dorset Police", "Essex Police")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    path = os.pathsep.join([str(hook), str(ROOT / "src"), str(ROOT)])
    return {**os.environ, "PYTHONPATH": path, "PYTHONFAULTHANDLER": ""}


def report_for(folder: Path, force: str, marker: str = "") -> Path:
    """The sample report as ``force``'s (its own report id), with ``marker`` appended."""
    text = SAMPLE_TXT.read_text(encoding="utf-8").replace("Cleveland Police", force)
    path = folder / f"{slug(force)}_peel-2021-22.txt"
    if marker:
        path = folder / f"{marker.lower()}.txt"
        text += f"\n{marker}\n"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def report_id(force: str) -> str:
    return f"{slug(force)}-2021-22"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "peelextract.cli", *args]


def json_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("*.json"))


def no_partial_files(out: Path) -> None:
    assert [str(p) for p in out.rglob("*.tmp")] == []


def no_partial_outputs(out: Path) -> None:
    """Right after a SIGKILL: every report file is whole. A write the kill cut short leaves only its hidden
    temp file (a rename never happened), which the next run's writer removes (``outlock``)."""
    for path in out.glob("*.json"):
        json.loads(path.read_text("utf-8"))
    assert all(p.name.startswith(".") for p in out.rglob("*.tmp"))


def test_hang_crash_and_bug_fail_alone_with_their_codes(tmp_path: Path, env: dict[str, str]) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    good = [report_for(inbox, f) for f in FORCES[:2]]
    bad = {m: report_for(inbox, FORCES[3], m) for m in ("TEST-HANG", "TEST-CRASH", "TEST-BUG")}
    inputs = [good[0], bad["TEST-HANG"], bad["TEST-CRASH"], bad["TEST-BUG"], good[1]]
    started = time.monotonic()
    res = subprocess.run(
        cli("extract", *map(str, inputs), "--out", str(out), "--no-dataset"),
        capture_output=True, text=True, timeout=300, env={**env, "PEELEXTRACT_MAX_SECONDS": "10"},
    )  # fmt: skip
    assert res.returncode == 1, res.stderr
    assert time.monotonic() - started < 120  # the hang cost its bound, not 600 s
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("peelextract: error")]
    assert errors[0] == (
        f"peelextract: error [timeout]: {bad['TEST-HANG']}: took more than 10 s; "
        "the limit is PEELEXTRACT_MAX_SECONDS (killed)"
    )
    assert errors[1].startswith(
        f"peelextract: error [worker_crashed]: {bad['TEST-CRASH']}: the worker process was killed by SIGSEGV"
    )
    prefix = (
        f"peelextract: error [internal_error]: {bad['TEST-BUG']}: "
        "unexpected IndexError: string index out of range in worker_tasks.py:"
    )
    assert errors[2].startswith(prefix) and "(extract_to); traceback in " in errors[2]
    assert len(errors) == 3
    [log] = (out / ".state" / "logs").iterdir()
    assert errors[2].endswith(f"traceback in {log}")
    assert "IndexError: string index out of range" in log.read_text(encoding="utf-8")
    assert json_files(out) == sorted(f"{report_id(f)}.json" for f in FORCES[:2])  # the inputs after them too
    assert [ln.split(":")[0] for ln in res.stdout.splitlines()] == [str(good[0]), str(good[1])]


def test_own_json_is_refused_and_the_report_kept(tmp_path: Path, env: dict[str, str]) -> None:
    out = tmp_path / "out"
    assert subprocess.run(cli("extract", str(SAMPLE_TXT), "--out", str(out), "--no-dataset"), env=env).returncode == 0
    written = out / "cleveland-police-2021-22.json"
    before = (written.read_bytes(), written.stat().st_mtime_ns)
    res = subprocess.run(
        cli("extract", str(written), "--out", str(out), "--no-dataset"), capture_output=True, text=True, env=env
    )
    assert res.returncode == 1
    assert res.stderr.strip() == (
        f"peelextract: error [unsupported_format]: {written}: expected PDF, HTML or text; "
        "found JSON: a report this tool wrote (extract its source document instead)"
    )
    assert (written.read_bytes(), written.stat().st_mtime_ns) == before


def test_another_edition_says_what_it_replaces(tmp_path: Path, env: dict[str, str]) -> None:
    out = tmp_path / "out"
    html = REPORTS / "cleveland-police_peel-2021-22.html"

    def extract(path: Path) -> str:
        res = subprocess.run(
            cli("extract", str(path), "--out", str(out), "--no-dataset"), capture_output=True, text=True, env=env
        )
        assert res.returncode == 0, res.stderr
        return res.stderr

    assert extract(SAMPLE_TXT) == ""
    assert extract(html).strip() == (
        f"peelextract: {html}: replaces cleveland-police-2021-22 extracted from cleveland-police_peel-2021-22.txt"
    )
    assert extract(html) == ""  # the same edition again replaces nothing
    assert json.loads((out / "cleveland-police-2021-22.json").read_text())["report"]["source"]["format"] == "html"


def test_a_batch_killed_mid_way_and_run_again_has_every_report_once(tmp_path: Path, env: dict[str, str]) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    good = [report_for(inbox, f) for f in FORCES]
    hang = report_for(tmp_path / "hang", FORCES[0], "TEST-HANG")
    proc = subprocess.Popen(
        cli("extract", str(good[0]), str(hang), *map(str, good[1:]), "--out", str(out), "--no-dataset"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(str(good[0]))  # the first is written; the worker is in the hang
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert json_files(out) == [f"{report_id(FORCES[0])}.json"]
    no_partial_files(out)
    res = subprocess.run(
        cli("extract", *map(str, good), "--out", str(out)), capture_output=True, text=True, env=env, timeout=300
    )
    assert res.returncode == 0, res.stderr
    assert json_files(out) == sorted(f"{report_id(f)}.json" for f in FORCES)
    no_partial_files(out)
    import duckdb

    with duckdb.connect(str(out / "peel.duckdb"), read_only=True) as db:
        rows = db.execute("select report_id, count(*) from reports group by report_id order by 1").fetchall()
    assert rows == sorted((report_id(f), 1) for f in FORCES)


def test_two_commands_into_one_out_both_succeed(tmp_path: Path, env: dict[str, str]) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    good = [report_for(inbox, f) for f in FORCES]
    slow = report_for(tmp_path / "slow", FORCES[3], "TEST-SLOW")
    first = subprocess.Popen(
        cli("extract", str(good[0]), str(slow), str(good[1]), "--out", str(out), "--no-dataset"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert first.stdout is not None
    assert first.stdout.readline().startswith(str(good[0]))  # it holds the lock and is in the slow input
    second = subprocess.run(
        cli("extract", str(good[2]), str(good[0]), "--out", str(out), "--no-dataset"),
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    _, errors = first.communicate(timeout=300)
    assert first.returncode == 0, errors
    assert second.returncode == 0, second.stderr
    assert f"{out} is locked by another peelextract command writing to it; waiting" in second.stderr
    assert first.poll() is not None
    assert json_files(out) == sorted(f"{report_id(f)}.json" for f in (*FORCES[:3], FORCES[3]))
    no_partial_files(out)


# --- ingest: real `peelextract ingest` processes, each with its temporary Prefect server ---------------------

INGEST_FORCES = (*FORCES, "Gwent Police")


def ingest_inbox(tmp_path: Path) -> Path:
    """Four reports and one that takes 4 s more (another force: every input its own report id)."""
    inbox = tmp_path / "in"
    for force in FORCES:
        report_for(inbox, force)
    report_for(inbox, INGEST_FORCES[4], "TEST-SLOW")
    return inbox


def consistent(inbox: Path, out: Path) -> None:
    """Every report exactly once, in the outputs, the dataset and the cache; nothing partial or quarantined."""
    import duckdb

    from peelextract.orchestrate.cache import StateStore
    from peelextract.settings import EXTRACTOR_VERSION

    assert json_files(out) == sorted(f"{report_id(f)}.json" for f in INGEST_FORCES)
    no_partial_files(out)
    assert not any((out / "quarantine").glob("*")) if (out / "quarantine").exists() else True
    with duckdb.connect(str(out / "peel.duckdb"), read_only=True) as db:
        rows = db.execute("select report_id, count(*) from reports group by report_id order by 1").fetchall()
    assert rows == sorted((report_id(f), 1) for f in INGEST_FORCES)
    store = StateStore(out)
    import hashlib

    for path in inbox.iterdir():
        hit = store.lookup(hashlib.sha256(path.read_bytes()).hexdigest(), EXTRACTOR_VERSION)
        assert hit is not None and hit.ok, path


@pytest.mark.slow
def test_an_ingest_killed_mid_batch_and_run_again_has_every_report_once(tmp_path: Path, env: dict[str, str]) -> None:
    inbox, out = ingest_inbox(tmp_path), tmp_path / "out"
    proc = subprocess.Popen(
        cli("ingest", str(inbox), "--out", str(out)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not list(out.glob("*.json")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None and list(out.glob("*.json")), "no report was written before the kill"
        proc.send_signal(signal.SIGKILL)  # the ingest process only: its workers must die with it
        proc.wait(timeout=30)
        assert len(list(out.glob("*.json"))) < len(INGEST_FORCES)  # killed mid-batch
        no_partial_outputs(out)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the orphaned temporary Prefect server
    again = subprocess.run(cli("ingest", str(inbox), "--out", str(out)), capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    consistent(inbox, out)


@pytest.mark.slow
def test_two_ingests_into_one_out_at_once_both_succeed(tmp_path: Path, env: dict[str, str]) -> None:
    inbox, out = ingest_inbox(tmp_path), tmp_path / "out"
    runs = [
        subprocess.Popen(
            cli("ingest", str(inbox), "--out", str(out)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in results]
    lines = sorted(next(ln for ln in stdout.splitlines() if " inputs: " in ln) for stdout, _ in results)
    n = len(INGEST_FORCES)
    # one run extracted every report, the other found them all done (it waited for OUT's lock, or came after)
    assert lines[0].startswith(f"{n} inputs: 0 extracted, {n} unchanged (cached), 0 failed"), lines
    assert lines[1].startswith(f"{n} inputs: {n} extracted, 0 unchanged (cached), 0 failed"), lines
    consistent(inbox, out)


def test_eval_isolates_a_document_that_hangs_or_has_a_bug(tmp_path: Path, env: dict[str, str]) -> None:
    """A gold document whose extraction hangs or raises an unexpected exception is that document's error
    (all missed, its code named); the others are scored."""
    gold = tmp_path / "gold"
    gold.mkdir()
    empty: dict[str, list[object]] = {
        "grades": [],
        "case_counts": [],
        "ci_percentages": [],
        "areas_for_improvement": [],
    }
    docs = {
        "good": report_for(tmp_path / "docs", FORCES[0]),
        "bug": report_for(tmp_path / "docs", FORCES[1], "TEST-BUG"),
        "hang": report_for(tmp_path / "docs", FORCES[2], "TEST-HANG"),
    }
    for name, path in docs.items():
        body = {"document": f"docs/{path.name}", "kind": "report", "force": FORCES[0], "round": "2021/22", **empty}
        (gold / f"{name}.json").write_text(json.dumps(body), encoding="utf-8")
    res = subprocess.run(
        cli("eval", str(gold), "--json"),
        capture_output=True, text=True, timeout=300, env={**env, "PEELEXTRACT_MAX_SECONDS": "10"},
    )  # fmt: skip
    result = json.loads(res.stdout)
    errors = {d["gold"]: d["error"] for d in result["documents"]}
    assert errors["good.json"] is None and errors["hang.json"].startswith("timeout: ")
    assert errors["bug.json"].startswith("internal_error: ") and "IndexError" in errors["bug.json"]
    assert {d["gold"]: d["force_ok"] for d in result["documents"]} == {
        "bug.json": False,
        "good.json": True,
        "hang.json": False,
    }
