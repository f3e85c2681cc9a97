"""Isolation per input: every input is read, extracted and written in a worker process that the caller can
kill, so no input can hang, crash or exhaust a batch.

    pool = WorkerPool(size=1, max_seconds=60, max_memory=2 << 30, preload=("peelextract.pipeline",))
    result = pool.run(name, logs_dir, task, *args)      # task(*args) in a worker; its result or an error

A worker is a persistent process that runs one task at a time and is reused across inputs (start-up,
imports and spaCy's pipeline are paid once). ``run`` waits at most ``max_seconds`` (wall clock) for the
task, measured from outside: on time-out the worker is killed with SIGKILL (whatever C code or loop it is
in) and ``InputTimeoutError`` is raised; a worker that dies (a signal: a pdfium crash, the kernel's OOM
killer, an allocation refused under the memory bound inside C code) gives ``WorkerCrashedError``. Either way
the dead worker is replaced by a new one on next use. Each worker's address space may grow by at most
``max_memory`` bytes over its size at start (``RLIMIT_AS``): a Python allocation beyond it is a
``LimitExceededError`` naming ``PEELEXTRACT_MAX_MEMORY`` (and the worker is replaced, its heap may be in
pieces). A ``PeelError`` raised by the task comes back as itself; any other exception becomes an
``InternalError`` naming the input, the stage (the innermost peelextract module and function of the
traceback) and the file under ``logs_dir`` its traceback was written to.

Workers are forked from the caller when it runs a single thread (the ``extract`` command: fork after the
``preload`` imports costs ~10 ms), else from a fork server that imported ``preload`` once (the ingest flow's
process runs threads: forking it could copy a lock another thread holds). Workers ignore SIGINT (the caller
handles Ctrl-C) and die with their parent (``PR_SET_PDEATHSIG``), so a killed batch leaves no worker writing.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import multiprocessing
import os
import re
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from peelextract.errors import (
    InputTimeoutError,
    InternalError,
    LimitExceededError,
    PeelError,
    WorkerCrashedError,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

LOGS_DIR = Path(".state") / "logs"  # under OUT: tracebacks of internal errors
_PR_SET_PDEATHSIG = 1


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: BaseContext, max_memory: int) -> None:
        parent, child = ctx.Pipe()
        self.proc: BaseProcess = ctx.Process(target=_serve, args=(child, parent, max_memory), daemon=True)  # type: ignore[attr-defined]
        # A Dask worker is a daemonic process, and multiprocessing refuses children to those (they could be
        # orphaned when it is terminated); ours die with their parent (PR_SET_PDEATHSIG), so allow them.
        config: dict[str, Any] = multiprocessing.current_process()._config  # type: ignore[attr-defined]
        daemonic = config.pop("daemon", None)
        try:
            self.proc.start()
        finally:
            if daemonic is not None:
                config["daemon"] = daemonic
        child.close()
        self.conn: Connection = parent

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.proc.kill()
        self.proc.join(timeout=10)
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkerPool:
    """Up to ``size`` workers, started on first use; ``run`` may be called from several threads at once
    (each call takes an idle worker, or waits for one)."""

    def __init__(self, size: int, *, max_seconds: float, max_memory: int, preload: tuple[str, ...] = ()) -> None:
        self.size = max(1, size)
        self.max_seconds = max_seconds
        self.max_memory = max_memory
        self.preload = preload
        self._idle: list[_Worker] = []
        self._started = 0
        self._cond = threading.Condition()
        self._all: set[_Worker] = set()

    def run(self, name: str, logs_dir: Path | None, task: Callable[..., T], *args: Any) -> T:
        """``task(*args)`` in a worker, bounded in time and memory; see the module docstring."""
        worker = self._acquire()
        healthy = False
        try:
            worker.conn.send((task, args))
            if not worker.conn.poll(self.max_seconds):
                raise InputTimeoutError(
                    name, f"took more than {self.max_seconds:g} s; the limit is PEELEXTRACT_MAX_SECONDS (killed)"
                )
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):
                worker.proc.join(timeout=10)
                raise WorkerCrashedError(name, _death(worker.proc.exitcode, self.max_memory)) from None
            healthy = kind in ("ok", "error", "internal")
            if kind == "ok":
                return payload  # type: ignore[no-any-return]
            if kind == "error":
                assert isinstance(payload, PeelError)
                raise payload
            if kind == "memory":
                raise LimitExceededError(
                    name, f"needed more memory than PEELEXTRACT_MAX_MEMORY ({self.max_memory} bytes) allows"
                )
            raise _internal(name, payload, logs_dir)
        except (BrokenPipeError, ConnectionResetError):
            worker.proc.join(timeout=10)
            raise WorkerCrashedError(name, _death(worker.proc.exitcode, self.max_memory)) from None
        finally:
            self._release(worker, healthy)

    def start(self) -> None:
        """Start one worker now (before the caller starts threads, so that it is forked from one thread)."""
        self._release(self._acquire(), True)

    def close(self) -> None:
        """Stop every worker (the next ``run`` starts new ones)."""
        with self._cond:
            workers, self._all, self._idle, self._started = self._all, set(), [], 0
        for w in workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)  # an idle worker exits at once
                w.conn.close()
        for w in workers:
            w.proc.join(timeout=2)
            if w.proc.is_alive():
                w.kill()

    def _acquire(self) -> _Worker:
        """An idle worker, a new one while fewer than ``size`` run, else the next one released."""
        with self._cond:
            while not self._idle and self._started >= self.size:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            self._started += 1
            ctx = self._context()
        try:
            worker = _Worker(ctx, self.max_memory)
        except BaseException:
            with self._cond:
                self._started -= 1
                self._cond.notify()
            raise
        with self._cond:
            self._all.add(worker)
        return worker

    def _release(self, worker: _Worker, healthy: bool) -> None:
        if healthy and worker.proc.is_alive():
            with self._cond:
                self._idle.append(worker)
                self._cond.notify()
            return
        worker.kill()
        with self._cond:
            if worker in self._all:
                self._all.discard(worker)
                self._started -= 1
            self._cond.notify()
        log.info("worker %s replaced", worker.proc.pid)

    def _context(self) -> BaseContext:
        """Fork from this process while it runs one thread; else from the fork server. Decided for each
        worker: a worker forked from a thread would also get its PR_SET_PDEATHSIG signal when that thread
        ends (a task runner's thread), not only when the process does."""
        if threading.active_count() == 1:
            for module in self.preload:
                importlib.import_module(module)
            return multiprocessing.get_context("fork")
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["peelextract.isolation", *self.preload])
        return ctx


def _serve(conn: Connection, parent_end: Connection, max_memory: int) -> None:
    """The worker's loop: run each task sent, send back ("ok", result), ("error", PeelError),
    ("memory", None) or ("internal", details); exit on None or when the parent's end is closed."""
    parent_end.close()  # inherited by a forked worker: closed, so that the parent closing its end is seen
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if max_memory > 0:
        limit = _address_space() + max_memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, args = message
        try:
            reply: tuple[str, Any] = ("ok", task(*args))
        except PeelError as exc:
            reply = ("error", exc)
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:
            reply = ("internal", _details(exc))
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
        except Exception as exc:
            conn.send(("internal", _details(exc)))
        if reply[0] == "memory":
            return  # a fresh worker is started for the next input


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (a killed batch must leave no writer)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _address_space() -> int:
    """This process's address space now (VmSize), in bytes."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _details(exc: BaseException) -> dict[str, str]:
    """What the parent needs to report an unexpected exception: its type and message, the stage (innermost
    frame in peelextract, as ``module.function``) and the formatted traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/peelextract/" in f.filename.replace(os.sep, "/") and f.filename != __file__]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    stage = "unknown"
    if where is not None:
        path = where.filename.replace(os.sep, "/")
        module = path.rsplit("/peelextract/", 1)[-1] if "/peelextract/" in path else Path(path).name
        stage = f"{module}:{where.lineno} ({where.name})"
    return {
        "type": type(exc).__name__,
        "message": str(exc)[:300],
        "stage": stage,
        "traceback": "".join(traceback.format_exception(exc)),
    }


def internal_error(name: str, exc: BaseException, logs_dir: Path | None) -> InternalError:
    """An unexpected exception raised outside a worker (in the caller's own handling of ``name``)."""
    return _internal(name, _details(exc), logs_dir)


def _internal(name: str, details: dict[str, str], logs_dir: Path | None) -> InternalError:
    """The ``InternalError`` for ``details``, its traceback written under ``logs_dir``."""
    written = write_traceback(logs_dir, name, details["traceback"])
    where = f"traceback in {written}" if written else "traceback not written"
    return InternalError(name, f"unexpected {details['type']}: {details['message']} in {details['stage']}; {where}")


def write_traceback(logs_dir: Path | None, name: str, text: str) -> Path | None:
    """``logs_dir/<UTC time>-<name>.txt`` holding ``text``; None when it cannot be written."""
    if logs_dir is None:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name)[:100] or "input"
    path = logs_dir / f"{stamp}-{safe}.txt"
    try:
        logs_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(f"input: {name}\n\n{text}", encoding="utf-8")
    except OSError as exc:
        log.error("cannot write the traceback of %s to %s: %s", name, path, exc)
        return None
    return path


def _death(exitcode: int | None, max_memory: int) -> str:
    """Why a worker died, from its exit code (negative: the signal that killed it)."""
    if exitcode is not None and exitcode < 0:
        try:
            sig = signal.Signals(-exitcode).name
        except ValueError:
            sig = f"signal {-exitcode}"
        cause = (
            "a crash in a library such as pdfium, the kernel's OOM killer, "
            f"or an allocation over PEELEXTRACT_MAX_MEMORY ({max_memory} bytes) inside C code"
        )
        return f"the worker process was killed by {sig} ({cause}); the other inputs go on"
    return f"the worker process exited (status {exitcode}) before answering; the other inputs go on"
