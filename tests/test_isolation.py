"""``isolation.WorkerPool``: a task's result or its documented error; a hang killed at the bound, a crash, a
runaway allocation and a bug each fail that input alone, and the pool goes on with a new worker. Real
processes and real signals; the tasks are the module-level functions below."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from peelextract.errors import (
    InputTimeoutError,
    InternalError,
    LimitExceededError,
    PdfError,
    WorkerCrashedError,
)
from peelextract.isolation import WorkerPool
from tests.conftest import ROOT

MiB = 1024 * 1024


def pid() -> int:
    return os.getpid()


def sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def bug() -> None:
    text = "abc"
    print(text[7])


def bad_pdf() -> None:
    raise PdfError("x.pdf", "cannot open PDF: the file is corrupt", page=3)


def hog() -> int:
    return len(bytearray(1024 * MiB))


@pytest.fixture
def pool() -> object:
    p = WorkerPool(1, max_seconds=20, max_memory=512 * MiB)
    yield p
    p.close()


def test_a_worker_is_reused_across_inputs(pool: WorkerPool) -> None:
    first = pool.run("a", None, pid)
    assert first != os.getpid()
    assert pool.run("b", None, pid) == first


def test_a_documented_error_comes_back_as_itself(pool: WorkerPool) -> None:
    worker = pool.run("a", None, pid)
    with pytest.raises(PdfError) as caught:
        pool.run("x.pdf", None, bad_pdf)
    assert caught.value.code == "bad_pdf" and caught.value.page == 3
    assert pool.run("b", None, pid) == worker  # not replaced: nothing is wrong with it


def test_a_hang_is_killed_at_the_bound_and_the_next_input_runs() -> None:
    pool = WorkerPool(1, max_seconds=1.0, max_memory=0)
    try:
        worker = pool.run("a", None, pid)
        started = time.monotonic()
        with pytest.raises(InputTimeoutError, match="more than 1 s; the limit is PEELEXTRACT_MAX_SECONDS") as caught:
            pool.run("slow.pdf", None, sleep_then_pid, 600)
        assert caught.value.code == "timeout" and caught.value.source == "slow.pdf"
        assert time.monotonic() - started < 15
        assert not _alive(worker)  # killed, not left running
        assert pool.run("b", None, pid) not in (worker, os.getpid())
    finally:
        pool.close()


def test_a_crash_fails_that_input_alone(pool: WorkerPool) -> None:
    worker = pool.run("a", None, pid)
    with pytest.raises(WorkerCrashedError, match="killed by SIGSEGV") as caught:
        pool.run("crash.pdf", None, crash)
    assert caught.value.code == "worker_crashed" and caught.value.source == "crash.pdf"
    assert pool.run("b", None, pid) not in (worker, os.getpid())


def test_memory_over_the_bound_is_a_limit_and_the_next_input_runs(pool: WorkerPool) -> None:
    with pytest.raises(LimitExceededError, match="PEELEXTRACT_MAX_MEMORY") as caught:
        pool.run("big.pdf", None, hog)
    assert caught.value.code == "limit_exceeded"
    assert pool.run("b", None, pid) != os.getpid()
    roomy = WorkerPool(1, max_seconds=20, max_memory=2048 * MiB)
    try:
        assert roomy.run("big.pdf", None, hog) == 1024 * MiB  # the bound, not the machine, refused it
    finally:
        roomy.close()


def test_a_bug_is_an_internal_error_naming_input_stage_and_traceback(pool: WorkerPool, tmp_path: Path) -> None:
    logs = tmp_path / ".state" / "logs"
    worker = pool.run("a", None, pid)
    with pytest.raises(InternalError) as caught:
        pool.run("odd.pdf", logs, bug)
    err = caught.value
    assert err.code == "internal_error" and err.source == "odd.pdf"
    assert "unexpected IndexError: string index out of range in test_isolation.py:" in err.reason
    assert "(bug)" in err.reason
    [written] = logs.iterdir()
    assert f"traceback in {written}" in err.reason
    text = written.read_text(encoding="utf-8")
    assert text.startswith("input: odd.pdf") and "Traceback" in text and "print(text[7])" in text
    assert pool.run("b", None, pid) == worker  # a Python exception leaves the worker usable


def test_threads_share_the_workers_of_a_pool() -> None:
    pool = WorkerPool(2, max_seconds=20, max_memory=0)
    pids: list[int] = []
    try:
        threads = [
            threading.Thread(target=lambda: pids.append(pool.run("x", None, sleep_then_pid, 1.0))) for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        pool.close()
    assert len(pids) == 4 and len(set(pids)) == 2  # two workers, each reused


def test_a_killed_caller_leaves_no_worker_behind(tmp_path: Path) -> None:
    """SIGKILL the process that owns a pool while its worker is busy: the worker dies with it."""
    code = textwrap.dedent(
        """
        import sys
        from peelextract.isolation import WorkerPool
        from tests.test_isolation import pid, sleep_then_pid
        pool = WorkerPool(1, max_seconds=600, max_memory=0)
        print(pool.run("a", None, pid), flush=True)
        pool.run("b", None, sleep_then_pid, 600)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    time.sleep(0.5)  # the worker is now in its 600 s task
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)


def _alive(process_id: int) -> bool:
    try:
        with open(f"/proc/{process_id}/stat", encoding="ascii") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def hang_task(*args: object) -> None:
    """In place of ``extract_and_publish``: never finishes."""
    time.sleep(600)


def bug_task(*args: object) -> None:
    """In place of ``extract_and_publish``: a bug."""
    bug()
