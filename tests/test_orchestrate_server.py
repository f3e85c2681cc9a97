"""End to end against a real ``prefect server start`` (scripts/prefect-server.sh): ``peelextract serve``
with a short interval schedule in a subprocess; a report dropped into the inbox, or published on a local
HTTP server's listing page, appears as JSON within the next scheduled runs. One server for the module;
everything started here is stopped here."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.test_fetch import ReportSite

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "prefect-server.sh"
GOOD = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"
SERVER_START_TIMEOUT = 90
JSON_TIMEOUT = 120

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home")),
        "PREFECT_SERVER_START_TIMEOUT": str(SERVER_START_TIMEOUT),
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    try:
        started = subprocess.run(
            ["bash", str(SCRIPT), "start"],
            env=env,
            capture_output=True,
            text=True,
            timeout=SERVER_START_TIMEOUT + 30,
            check=False,
        )
        assert started.returncode == 0, f"server did not start: {started.stderr}"
        url = started.stdout.strip().splitlines()[-1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api")
        yield {**env, "PREFECT_API_URL": url}
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, timeout=60, check=False)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@contextmanager
def serving(
    env: dict[str, str], source: str, out: Path, name: str, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``peelextract serve SOURCE`` every 5 s in its own process group, stopped on exit."""
    env = {**env, "PREFECT_RUNNER_POLL_FREQUENCY": "2", "PYTHONPATH": str(ROOT)}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/peelextract"),
                "serve",
                source,
                "--out",
                str(out),
                "--interval",
                "5",
                "--name",
                name,
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            time.sleep(5)
            assert proc.poll() is None, f"serve exited early:\n{log_path.read_text()[-3000:]}"
            yield proc
        finally:
            stop(proc)


def wait_for(target: Path, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + JSON_TIMEOUT
    while not target.is_file() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(1)
    assert target.is_file(), (
        f"no {target.name} within {JSON_TIMEOUT}s of scheduled runs; serve log:\n{log_path.read_text()[-3000:]}"
    )


def test_served_deployment_picks_up_a_dropped_report(prefect_server: dict[str, str], tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    log_path = tmp_path / "serve.log"
    with serving(prefect_server, str(inbox), out, "e2e-inbox", log_path) as proc:
        (inbox / GOOD.name).write_bytes(GOOD.read_bytes())
        wait_for(out / "cleveland-police-2021-22.json", proc, log_path)


def test_served_deployment_picks_up_a_report_published_on_a_listing_page(
    prefect_server: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    log_path = tmp_path / "serve.log"
    with ReportSite() as site:
        site.listed = []  # nothing published yet: the first scheduled runs find an empty listing
        with serving(prefect_server, f"{site.base}/listing.html", out, "e2e-listing", log_path) as proc:
            deadline = time.monotonic() + JSON_TIMEOUT
            while site.hits["/listing.html"] == 0 and time.monotonic() < deadline:
                time.sleep(1)
            assert site.hits["/listing.html"] > 0, f"the listing was never read:\n{log_path.read_text()[-3000:]}"
            site.listed = ["/reports/cleveland-police_peel-2021-22.txt"]
            wait_for(out / "cleveland-police-2021-22.json", proc, log_path)
        assert site.hits["/reports/cleveland-police_peel-2021-22.txt"] >= 1
