"""End to end against a real ``prefect server start`` (scripts/prefect-server.sh): ``peelextract serve``
with a short interval schedule in a subprocess; a report dropped into the inbox appears as JSON within the
next scheduled runs. Everything started here is stopped here."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "prefect-server.sh"
GOOD = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"
SERVER_START_TIMEOUT = 90
JSON_TIMEOUT = 120

pytestmark = pytest.mark.slow


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PREFECT_SERVER_START_TIMEOUT": str(SERVER_START_TIMEOUT), "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    try:
        started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True,
                                 timeout=SERVER_START_TIMEOUT + 30, check=False)
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


def test_served_deployment_picks_up_a_dropped_report(prefect_server: dict[str, str], tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    log_path = tmp_path / "serve.log"
    env = {**prefect_server, "PREFECT_RUNNER_POLL_FREQUENCY": "2", "PYTHONPATH": str(ROOT)}
    with log_path.open("wb") as log:
        proc = subprocess.Popen([str(ROOT / ".venv/bin/peelextract"), "serve", str(inbox), "--out", str(out),
                                 "--interval", "5", "--name", "e2e"], env=env, cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            time.sleep(5)
            assert proc.poll() is None, f"serve exited early:\n{log_path.read_text()[-3000:]}"
            (inbox / GOOD.name).write_bytes(GOOD.read_bytes())
            target = out / "cleveland-police-2021-22.json"
            deadline = time.monotonic() + JSON_TIMEOUT
            while not target.is_file() and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(1)
            assert target.is_file(), (f"no {target.name} within {JSON_TIMEOUT}s of scheduled runs; serve log:\n"
                                      f"{log_path.read_text()[-3000:]}")
        finally:
            stop(proc)
