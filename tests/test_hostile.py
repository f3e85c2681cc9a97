"""Hostile and broken input (README "What happens to bad input"): each case ends in a documented outcome,
driven through the CLI (``peelextract extract``, in process and as a whole command) and through the
ingestion flow (``run_ingest`` on a real temporary Prefect API, and ``peelextract ingest``).

For every case: the error names the input and the reason, the exit status is the documented one, nothing
partial or temporary is left in the output, the other reports of a batch are published and the bad one is
quarantined with a JSON reason, and an existing good output is never overwritten by a failed re-extraction.
The inputs come from ``fixtures/make_hostile.py`` (deterministic bytes, written at test time).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from peelextract.cli import main
from peelextract.orchestrate import fetch
from tests.conftest import FIXTURES, REPORTS, SAMPLE_TXT
from tests.test_fetch import ReportSite

_spec = importlib.util.spec_from_file_location("make_hostile", FIXTURES / "make_hostile.py")
assert _spec is not None and _spec.loader is not None
make_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_hostile)

# case -> (error code, words the reason must contain). Codes are the ``code`` of the error classes.
FAILS: dict[str, tuple[str, str]] = {
    "empty.pdf": ("empty_input", "empty file (0 bytes)"),
    "truncated.pdf": ("bad_pdf", "truncated"),
    "truncated-pages-first.pdf": ("bad_pdf", "truncated"),
    "garbage.pdf": ("bad_pdf", "corrupt"),
    "encrypted-secret.pdf": ("encrypted_pdf", "password"),
    "image-only.pdf": ("no_text_layer", "scanned (image-only) PDFs are not supported"),
    "not-peel.pdf": ("not_a_peel_report", "found no force and no round"),
    "bomb.pdf": ("limit_exceeded", "decompression bomb"),
    "bomb-spaces.pdf": ("limit_exceeded", "decompression bomb"),
    "many-pages.pdf": ("limit_exceeded", "2000 pages; the limit is 500"),
    "error-404.html": ("not_a_peel_report", "HTTP error page (title '404 Not Found')"),
    "error-500.html": ("not_a_peel_report", "HTTP error page (title '500 Internal Server Error')"),
    "soft-404.html": ("not_a_peel_report", "HTTP error page"),
    "login.html": ("not_a_peel_report", "sign-in page"),
}
# Cases that are not errors: they read, and give the sample report's ten grades.
READS: dict[str, str | None] = {
    "corrupt-xref.pdf": None,  # pdfium rebuilds the cross-reference table by scanning the objects
    "encrypted-empty-password.pdf": None,  # an empty user password opens it
    "cp1252.txt": "decoded as cp1252",
    "latin1.txt": "decoded as latin-1",
}
SAMPLE_ID = "cleveland-police-2021-22"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths: dict[str, Path] = make_hostile.write_all(tmp_path_factory.mktemp("hostile"))
    assert set(paths) == set(FAILS) | set(READS), "every case of make_hostile.py has an expected outcome here"
    return paths


def kept(data: bytes, ext: str) -> str:
    """Where a published report's source is kept for the review site, relative to OUT."""
    return f".state/sources/{hashlib.sha256(data).hexdigest()}.{ext}"


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder`` (relative, sorted); [] when it does not exist."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def no_temp_files(folder: Path) -> None:
    leftovers = [f for f in files_under(folder) if f.endswith(".tmp")]
    assert leftovers == [], leftovers


# --- through the CLI ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(FAILS))
def test_cli_names_the_input_and_the_reason_and_writes_nothing(
    case: str, hostile: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(hostile[case]), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    code, words = FAILS[case]
    assert f"peelextract: error [{code}]: {hostile[case]}" in err and words in err, err
    assert files_under(out) == []


@pytest.mark.parametrize("case", sorted(READS))
def test_cli_reads_what_can_be_read(case: str, hostile: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(hostile[case]), "--out", str(out), "--no-dataset", "-q"]) == 0
    report = json.loads((out / f"{SAMPLE_ID}.json").read_text(encoding="utf-8"))
    assert len(report["grades"]) == 10
    warnings = [w["message"] for w in report["warnings"] if w["code"] == "decoded_fallback"]
    expected = READS[case]
    assert (warnings == []) if expected is None else (len(warnings) == 1 and expected in warnings[0])


def test_cli_batch_as_a_whole_command_publishes_the_good_report(hostile: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    bad = [str(hostile[c]) for c in sorted(FAILS)]
    res = subprocess.run(
        [sys.executable, "-m", "peelextract.cli", "extract", *bad, str(SAMPLE_TXT), "--out", str(out), "--no-dataset"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 1
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("peelextract: error [")]
    assert len(lines) == len(FAILS), res.stderr
    for case, (code, words) in FAILS.items():
        assert any(f"[{code}]: {hostile[case]}" in ln and words in ln for ln in lines), case
    assert files_under(out) == [kept(SAMPLE_TXT.read_bytes(), "txt"), f"{SAMPLE_ID}.json", f"{SAMPLE_ID}.txt"]


def test_bomb_is_refused_in_bounded_memory(hostile: dict[str, Path], tmp_path: Path) -> None:
    """Before the inflation check, this 1.4 MB file cost 54 s and 5.7 GB of memory; now it is refused first."""
    # VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would report this (large) pytest process's size.
    code = (
        "import re; from peelextract.cli import main; "
        f"rc = main(['extract', {str(hostile['bomb.pdf'])!r}, '--out', {str(tmp_path)!r}, '-q']); "
        "status = open('/proc/self/status').read(); "
        "print(rc, int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    rc, peak_mb = res.stdout.split()
    assert rc == "1" and "decompression bomb" in res.stderr
    assert int(peak_mb) < 400, f"peak RSS {peak_mb} MB"


def test_unsafe_force_name_gives_a_safe_file_name(tmp_path: Path) -> None:
    text = (
        "PEEL 2021/22: An inspection of O'Brien-Shire Police\nOverall summary\n"
        "O'Brien-Shire Police is good at recording crime.\n"
    )
    src = tmp_path / "in" / "weird name; rm -rf ..txt"
    src.parent.mkdir()
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(src), "--out", str(out), "--no-dataset", "-q"]) == 0
    assert files_under(out) == [
        kept(text.encode("utf-8"), "txt"),
        "o-brien-shire-police-2021-22.json",
        "o-brien-shire-police-2021-22.txt",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


# --- output folder read-only or full ----------------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A real tmpfs mounted at ``folder`` (root only); skips the test where mounting is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({res.stderr.strip()}): needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_read_only_output_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "ro", "ro,size=1m") as out:
        assert main(["extract", str(SAMPLE_TXT), "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert str(SAMPLE_TXT) in err and "read-only or not writable" in err
        assert files_under(out) == []


def test_full_output_folder_keeps_the_old_good_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "full", "size=400k") as out:
        assert main(["extract", str(SAMPLE_TXT), "--out", str(out), "--no-dataset", "-q"]) == 0
        before = {f: (out / f).read_bytes() for f in files_under(out)}
        with contextlib.suppress(OSError), (out / "filler").open("wb") as fh:  # fill the disk to its last byte
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        updated = tmp_path / "cleveland-police_peel-2021-22.txt"
        updated.write_bytes(SAMPLE_TXT.read_bytes().replace(b"(89 of 90 cases)", b"(88 of 90 cases)"))
        assert main(["extract", str(updated), "--out", str(out), "--no-dataset"]) == 1
        assert "no space left on device" in capsys.readouterr().err
        (out / "filler").unlink()
        assert {f: (out / f).read_bytes() for f in files_under(out)} == before


# --- through the ingestion flow -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prefect_api() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def reason_file(out: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "quarantine" / f"{name}.reason.json").read_text(encoding="utf-8"))
    return data


def test_flow_quarantines_each_bad_file_and_publishes_the_rest(
    prefect_api: None, hostile: dict[str, Path], tmp_path: Path
) -> None:
    from peelextract.flows.ingest import run_ingest

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for case in FAILS:
        (inbox / case).write_bytes(hostile[case].read_bytes())
    (inbox / "northshire.txt").write_bytes((REPORTS / "northshire-police_peel-2018-19-synthetic.txt").read_bytes())
    out = tmp_path / "out"
    summary = run_ingest(str(inbox), str(out))
    assert [r.report_id for r in summary.results if r.ok] == ["northshire-police-2018-19"]
    assert {r.name: (r.error or {}).get("code") for r in summary.failed} == {c: FAILS[c][0] for c in FAILS}
    for case, (code, words) in FAILS.items():
        reason = reason_file(out, case)
        assert reason["error"]["code"] == code and words in reason["error"]["reason"], case
        assert reason["location"] == str((inbox / case).resolve())
        assert (out / "quarantine" / case).read_bytes() == hostile[case].read_bytes()
    assert (out / "northshire-police-2018-19.json").is_file()
    no_temp_files(out)


def test_flow_reads_the_readable_variants(prefect_api: None, hostile: dict[str, Path], tmp_path: Path) -> None:
    from peelextract.flows.ingest import run_ingest

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for case in READS:
        (inbox / case).write_bytes(hostile[case].read_bytes())
    summary = run_ingest(str(inbox), str(tmp_path / "out"))
    assert [(r.name, r.status, r.report_id, r.grades) for r in summary.results] == [
        (c, "extracted", SAMPLE_ID, 10) for c in sorted(READS)
    ]
    assert summary.duplicate_ids() == {SAMPLE_ID: sorted(READS)}  # reported in the run's markdown
    assert SAMPLE_ID in summary.markdown()


class HostileSite(ReportSite):
    """The test_fetch site plus a link whose name tries to climb out of the output folder, a report that
    always answers 500, and the listing of every failing fetch."""

    def route(self, h: BaseHTTPRequestHandler) -> None:
        if h.path == "/reports/..%2F..%2Fescape.txt":
            return self.send(h, 200, make_hostile.NOT_PEEL_LINES[0].encode(), "text/plain")
        if h.path == "/always-500.txt":
            return self.send(h, 500, b"oops", "text/plain")
        return super().route(h)


def test_cli_ingest_of_a_listing_reports_every_fetch_failure(
    prefect_api: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEELEXTRACT_FETCH_BACKOFF", "0.01")
    monkeypatch.setenv("PEELEXTRACT_FETCH_TIMEOUT", "0.5")
    monkeypatch.setenv("PEELEXTRACT_FETCH_RETRIES", "1")
    monkeypatch.setattr(fetch, "_defaults", {})  # fresh process-wide fetchers (one per policy) for this test
    out = tmp_path / "out"
    with HostileSite() as site:
        site.listed = [
            "/reports/cleveland-police_peel-2021-22.txt",
            "/missing.txt",
            "/always-500.txt",
            "/wrong-type.txt",
            "/slow.txt",
            "/reports/..%2F..%2Fescape.txt",
        ]
        assert main(["ingest", f"{site.base}/listing.html", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    expected = {
        "missing": "HTTP 404",
        "always-500": "HTTP 500 Internal Server Error (gave up after 2 attempts)",
        "wrong-type": "the server sent 'application/octet-stream'",
        "slow": "timed out after 0.5s",
        "escape": "not a PEEL report",
    }
    quarantined = [f for f in files_under(out / "quarantine") if f.endswith(".reason.json")]
    assert len(quarantined) == len(expected)
    for stem, words in expected.items():
        line = next(ln for ln in err.splitlines() if f"{stem}-" in ln)
        assert words in line, line
    for name in quarantined:
        assert (
            "/" not in name
            and ".." not in name
            and name.replace(".reason.json", "").replace(".", "").replace("_", "").replace("-", "").isalnum()
        )
    assert f"{SAMPLE_ID}.json" in files_under(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing escaped the output folder


def test_flow_into_a_read_only_folder_fails_clearly(
    prefect_api: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "cleveland.txt").write_bytes(SAMPLE_TXT.read_bytes())
    with tmpfs(tmp_path / "ro", "ro,size=1m") as out:
        assert main(["ingest", str(inbox), "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert "[publish_failed]: cleveland.txt" in err and "read-only or not writable" in err
        assert files_under(out) == []


def test_report_updated_between_runs(prefect_api: None, tmp_path: Path) -> None:
    """A changed report is extracted again; a report that turns bad keeps its last good output."""
    from peelextract.errors import IngestFailed
    from peelextract.flows.ingest import run_ingest

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    src = inbox / "cleveland.txt"
    src.write_bytes(SAMPLE_TXT.read_bytes())
    out = tmp_path / "out"
    assert run_ingest(str(inbox), str(out)).count("extracted") == 1
    src.write_bytes(SAMPLE_TXT.read_bytes().replace(b"(89 of 90 cases)", b"(88 of 90 cases)"))
    second = run_ingest(str(inbox), str(out))
    assert second.count("extracted") == 1
    report = json.loads((out / f"{SAMPLE_ID}.json").read_text(encoding="utf-8"))
    assert (88, 90) in {(c["x"], c["y"]) for c in report["case_counts"]}
    good = {f: (out / f).read_bytes() for f in (f"{SAMPLE_ID}.json", f"{SAMPLE_ID}.txt")}
    src.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    with pytest.raises(IngestFailed) as failed:  # its only input failed: the run is Failed
        run_ingest(str(inbox), str(out))
    assert [r.status for r in failed.value.summary.results] == ["failed"]
    assert reason_file(out, "cleveland.txt")["error"]["code"] == "bad_pdf"
    assert {f: (out / f).read_bytes() for f in good} == good
    # and through the CLI: a failed re-extraction of the same file leaves the output as it was
    assert main(["extract", str(src), "--out", str(out), "--no-dataset", "-q"]) == 1
    assert {f: (out / f).read_bytes() for f in good} == good


def test_output_is_byte_identical_across_hash_seeds_for_every_edition(tmp_path: Path) -> None:
    inputs = [str(REPORTS / f"cleveland-police_peel-2021-22.{ext}") for ext in ("pdf", "html")]
    inputs.append(str(REPORTS / "southvale-constabulary_peel-2023-25-synthetic.pdf"))
    outputs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"out-{seed}"
        for path in inputs:  # one folder per input: the Cleveland editions share a report id
            res = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "peelextract.cli",
                    "extract",
                    path,
                    "--out",
                    str(out / Path(path).name),
                    "--no-dataset",
                    "-q",
                ],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "PYTHONHASHSEED": seed},
            )
            assert res.returncode == 0, res.stderr
        outputs.append({f: (out / f).read_bytes() for f in files_under(out)})
    assert len(outputs[0]) == 3 * len(inputs) and outputs[0] == outputs[1]  # JSON, text, kept source
