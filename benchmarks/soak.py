"""Soak: every PDF under a folder through ``peelextract extract``, in batches of subprocesses that nothing
can break. Each batch writes to its own temporary OUT and runs with PEELEXTRACT_MAX_SECONDS=BOUND (unless set):
the tool kills an input's worker at BOUND itself (its documented ``timeout`` error). As a net under that, a
batch is killed (its whole process group) when it prints nothing for 2 x BOUND + 15 s (a hang the tool did
not stop) or runs longer than that x its size; a batch that dies
(a traceback, a signal) or is killed gives its in-flight file an outcome and the files after it go on in a
new batch, so one bad input never loses the rest. An in-flight file that stalled before any output of its
process (interpreter start-up counted) is run again alone to be sure it is a timeout.

    .venv/bin/python benchmarks/soak.py DIR [--batch 40] [--bound 30] [--sample N] [--tsv FILE]

Outcomes are read from the CLI's lines ("<input>: <written> (…)" on stdout, "peelextract: error [<code>]:
<input> (page N): <reason>" on stderr): an error's kind is its bracketed code (``internal_error``, ``timeout``
and ``worker_crashed`` included), else an error code named in the reason, else the reason's shape (digits and
quoted names blanked). The soak's own outcomes, for a process it had to kill or that died, are ``hang`` and
``crash``: both must be 0.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ERROR_LINE = re.compile(r"peelextract: error(?: \[([a-z_]+)\])?: ")
KNOWN_CODES = {"internal_error"}  # "hang" and "crash" are the soak's own outcomes, never read from a line
try:  # the codes the package documents today; the soak still runs if the package moves them
    from peelextract import errors as _errors

    KNOWN_CODES |= {c.code for c in vars(_errors).values() if isinstance(c, type) and hasattr(c, "code")}
    KNOWN_CODES.discard("error")
except ImportError:
    pass
CODE_TOKEN = re.compile(r"\b(" + "|".join(sorted(KNOWN_CODES, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class Outcome:
    path: str
    kind: str  # "ok", an error code (internal_error, timeout, worker_crashed…) or reason shape, "hang", "crash"
    seconds: float
    detail: str = ""


@dataclass
class Run:
    lines: list[tuple[float, str, str]] = field(default_factory=list)  # (seconds from start, stream, line)
    returncode: int = 0  # negative: killed by that signal
    seconds: float = 0.0
    max_rss_kb: int = 0
    stalled: bool = False  # killed by the soak: silent for the bound, or over the batch's wall time


def run_cli(cmd: list[str], paths: list[str], bound: float) -> Run:
    """One ``extract`` process on ``paths``, killed with its process group when it stalls or overruns."""
    run = Run()
    with tempfile.TemporaryDirectory(prefix="soak-out-") as out:
        env = {
            "PEELEXTRACT_MAX_SECONDS": f"{bound:g}",
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "PYTHONFAULTHANDLER": "1",
        }
        bound = 2 * bound + 15  # the tool's own bound comes first; this one catches what it does not stop
        args = [*cmd, "extract", "--no-dataset", "--out", out, *paths]
        proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", env=env,
            start_new_session=True,
        )  # fmt: skip
        lines: queue.Queue[tuple[str, str | None]] = queue.Queue()
        for name, stream in (("out", proc.stdout), ("err", proc.stderr)):
            threading.Thread(target=_pump, args=(name, stream, lines), daemon=True).start()
        start = last = time.monotonic()
        open_streams = 2
        while open_streams:
            now = time.monotonic()
            wait = min(last + bound, start + bound * len(paths)) - now
            if wait <= 0 and not run.stalled:
                run.stalled = True
                os.killpg(proc.pid, signal.SIGKILL)
            try:
                name, line = lines.get(timeout=max(wait, 0.05) if not run.stalled else 5.0)
            except queue.Empty:
                continue
            if line is None:
                open_streams -= 1
                continue
            last = time.monotonic()
            run.lines.append((last - start, name, line.rstrip("\n")))
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = run.returncode = os.waitstatus_to_exitcode(status)
        run.seconds, run.max_rss_kb = time.monotonic() - start, usage.ru_maxrss
    return run


def _pump(name: str, stream: object, lines: queue.Queue[tuple[str, str | None]]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put((name, line))
    lines.put((name, None))


def classify(reason: str) -> str:
    """The error code named in a reason, else its shape: numbers, quoted names and paths blanked."""
    if m := CODE_TOKEN.search(reason):
        return m.group(1)
    shape = re.sub(r"'[^']*'|\"[^\"]*\"|/\S+", "…", reason)
    shape = re.sub(r"\d+(\.\d+)?", "N", shape)
    return "error: " + shape.split(";")[0].split(": pdfium said")[0][:70]


def attribute(paths: list[str], run: Run) -> tuple[list[Outcome], list[str], list[str], float]:
    """Outcomes read from the run's lines, the paths without one (in order), the unattributed lines, and
    when the last outcome was printed (seconds from the start of the run)."""
    pending, found, other = list(paths), [], []
    previous = 0.0
    for at, name, line in run.lines:
        m = ERROR_LINE.match(line) if name == "err" else None
        text = line[m.end() :] if m else line
        hit = next((p for p in pending if text.startswith((p + ": ", p + " (page "))), None)
        if hit is None or (name == "err" and m is None):
            other.append(line)
            continue
        reason = text[len(hit) :].split(": ", 1)[-1]
        kind = "ok" if name == "out" else (m.group(1) if m and m.group(1) else classify(reason))
        found.append(Outcome(hit, kind, at - previous, reason[:200]))
        pending.remove(hit)
        previous = at
    return found, pending, other, previous


def failure(path: str, run: Run, other: list[str], since: float) -> Outcome:
    """The outcome of the in-flight file of a run that ended without naming it."""
    seconds = run.seconds - since
    if run.stalled:
        return Outcome(path, "hang", seconds, f"no output for the bound ({seconds:.0f} s)")
    if run.returncode < 0:
        return Outcome(path, "crash", seconds, signal.Signals(-run.returncode).name)
    last = next((line for line in reversed(other) if line and not line.startswith(" ")), "")
    if any(line.startswith("Traceback") for line in other):
        return Outcome(path, "internal_error", seconds, last)
    return Outcome(path, f"no outcome (exit {run.returncode})", seconds, last)


def soak(cmd: list[str], files: list[str], batch: int, bound: float) -> tuple[list[Outcome], list[Run]]:
    todo: list[list[str]] = [files[i : i + batch] for i in range(0, len(files), batch)]
    outcomes: list[Outcome] = []
    runs: list[Run] = []
    while todo:
        paths = todo.pop(0)
        run = run_cli(cmd, paths, bound)
        runs.append(run)
        found, pending, other, since = attribute(paths, run)
        outcomes += found
        if pending[1:]:
            todo.insert(0, pending[1:])  # the files behind the in-flight one go on in a new process
        if pending and run.stalled and not found and len(paths) > 1:
            todo.insert(0, pending[:1])  # stalled before any output: start-up included, so time it alone
        elif pending:
            outcomes.append(failure(pending[0], run, other, since))
            print(f"  {outcomes[-1].kind.upper()}: {pending[0]}: {outcomes[-1].detail}", flush=True)
        bad = sum(o.kind != "ok" for o in found)
        print(
            f"[{len(outcomes)}/{len(files)}] {len(paths)} files: {len(found) - bad} ok, {bad} errors, "
            f"exit {run.returncode}{' (killed: stalled)' if run.stalled else ''}, {run.seconds:.1f} s, "
            f"peak RSS {run.max_rss_kb // 1024} MB",
            flush=True,
        )
    return outcomes, runs


def summary(outcomes: list[Outcome], runs: list[Run], wall: float, slowest: int) -> None:
    kinds = Counter(o.kind for o in outcomes)
    print(f"\n{len(outcomes)} files in {wall:.0f} s ({len(runs)} processes)\n\noutcome counts:")
    for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:5d}  {kind}")
    for title, kind in (
        ("internal errors", "internal_error"),
        ("timeouts (the tool's bound, documented)", "timeout"),
        ("worker crashes (documented)", "worker_crashed"),
        ("hangs (the soak killed the process)", "hang"),
        ("crashes (a process died)", "crash"),
    ):
        hits = [o for o in outcomes if o.kind == kind]
        print(f"\n{title}: {len(hits)}")
        for o in hits:
            print(f"  {o.path}: {o.detail}")
    print(f"\nslowest {slowest} (first file of a process includes interpreter start-up):")
    for o in sorted(outcomes, key=lambda o: -o.seconds)[:slowest]:
        print(f"  {o.seconds:7.1f} s  {o.kind:<30.30}  {o.path}")
    peak = max(runs, key=lambda r: r.max_rss_kb, default=Run())
    print(f"\npeak RSS of one extract process: {peak.max_rss_kb // 1024} MB (a process of {_files(peak)} files)")


def _files(run: Run) -> int:
    return sum(1 for _, name, line in run.lines if name == "out" or ERROR_LINE.match(line)) or 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("folder", type=Path)
    p.add_argument("--batch", type=int, default=40, help="files per extract process (default 40)")
    p.add_argument("--bound", type=float, default=30.0, help="seconds one file may run (default 30)")
    p.add_argument("--sample", type=int, default=0, help="only N files, evenly spaced in name order")
    p.add_argument("--slowest", type=int, default=10)
    p.add_argument("--tsv", type=Path, help="also write path, outcome, seconds, detail to FILE")
    p.add_argument("--cmd", default=None, help="the CLI to run (default: peelextract beside this Python)")
    args = p.parse_args()
    files = sorted(str(f) for f in args.folder.rglob("*") if f.suffix.lower() == ".pdf" and f.is_file())
    if args.sample and args.sample < len(files):
        files = [files[i * len(files) // args.sample] for i in range(args.sample)]
    cli = args.cmd or shutil.which("peelextract", path=str(Path(sys.executable).parent)) or "peelextract"
    print(f"soak: {len(files)} PDFs under {args.folder}, batches of {args.batch}, {args.bound:g} s per file")
    started = time.monotonic()
    outcomes, runs = soak(cli.split(), files, args.batch, args.bound)
    summary(outcomes, runs, time.monotonic() - started, args.slowest)
    if args.tsv:
        rows = (f"{o.path}\t{o.kind}\t{o.seconds:.2f}\t{o.detail}" for o in outcomes)
        args.tsv.write_text("".join(r.replace("\n", " ") + "\n" for r in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
