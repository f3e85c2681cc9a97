"""Ingestion benchmark: N distinct copies of the sample report, as published-style PDFs (default; rendered
once by fixtures/make_pdf.py and cached under benchmarks/.cache/, like bench_pipeline.py) or as text
(``--text``). Force names come from FORCES, so report ids differ for the first 42 copies; every copy has
different bytes, so every copy is really extracted.

    .venv/bin/python benchmarks/bench_ingest.py [-n 130] [--round 43] [--text] [--skip-processes]

Prints one table: one-by-one library loop, Prefect flow on threads and on processes, an unchanged re-run
(flow and plain library), one more report into the OUT of N (its dataset rows and review page), a whole round
(the first ``--round`` PDFs, a new OUT) once the temporary server is
up, and Prefect's overhead per run (empty batch) and per task (a flow of N no-op tasks: wall, and CPU of this
process and of the server), and the CPU of the threads flow by process (flow, Prefect server, extraction
workers) against what the cores give. Then the issue-15 ratios: each flow ÷
(N × the in-process time per report ÷ cores), the in-process time per report being the library loop's
(target ≤ 1.3, plus Prefect's fixed start); and peak memory (this process's VmHWM, which ran every case,
and the largest child: extraction workers, the temporary Prefect server).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"
sys.path.insert(0, str(ROOT))


def make_pdf_inbox(folder: Path, n: int) -> None:
    """Links to N distinct rendered PDFs (bench_pipeline's corpus, rendered on first use)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_pipeline import make_corpus

    folder.mkdir(parents=True)
    for i, pdf in enumerate(make_corpus(n)):
        (folder / f"copy-{i:04d}.pdf").symlink_to(pdf)


def make_inbox(folder: Path, n: int) -> None:
    from peelextract.rounds.vocab import FORCES

    text = SAMPLE.read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    for i in range(n):
        force = FORCES[i % len(FORCES)]
        body = text.replace("Cleveland Police", force).replace("Cleveland", force.rsplit(" ", 1)[0])
        (folder / f"copy-{i:04d}.txt").write_text(f"{body}\nBenchmark copy {i}.\n", encoding="utf-8")


def make_one_more(folder: Path, inbox: Path) -> Path:
    """The inbox plus one copy whose bytes (not its report id) are new: one report to extract and publish."""
    folder.mkdir()
    for path in inbox.iterdir():
        (folder / path.name).symlink_to(path.resolve())
    first = sorted(inbox.iterdir())[0]
    (folder / "one-more.pdf").write_bytes(first.read_bytes() + b"\n%one more\n")
    return folder


def library_loop(inbox: Path, out: Path) -> tuple[float, int]:
    from peelextract.orchestrate.sources import discover_inbox
    from peelextract.orchestrate.work import process_item

    t0 = time.perf_counter()
    results = [process_item(item, out) for item in discover_inbox(inbox)]
    return time.perf_counter() - t0, sum(r.status == "extracted" for r in results)


def flow_run(inbox: Path, out: Path, runner: str) -> tuple[float, int]:
    os.environ["PEELEXTRACT_TASK_RUNNER"] = runner
    from peelextract.flows.ingest import run_ingest

    t0 = time.perf_counter()
    summary = run_ingest(str(inbox), str(out))
    return time.perf_counter() - t0, summary.count("extracted")


def tree_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) of this process and of each descendant alive now, by pid, with its role:
    "flow process", "Prefect server" (uvicorn) or "extraction workers" (with their fork server). From /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    procs: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        procs[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    mine = {os.getpid()}
    while True:
        more = {pid for pid, (ppid, _) in procs.items() if ppid in mine} - mine
        if not more:
            break
        mine |= more
    out: dict[int, tuple[str, float]] = {}
    for pid in mine:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        role = "flow process" if pid == os.getpid() else "Prefect server" if b"uvicorn" in cmd else "extraction workers"
        out[pid] = (role, procs[pid][1])
    return out


def cpu_by_role(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds spent between two ``tree_cpu`` readings, summed by role."""
    spent: dict[str, float] = {}
    for pid, (role, cpu) in after.items():
        spent[role] = spent.get(role, 0.0) + cpu - before.get(pid, (role, 0.0))[1]
    return spent


def noop_flow(n: int) -> tuple[float, dict[str, float]]:
    """A flow of ``n`` tasks that do nothing, on the threads runner and the run's API (as ``run_ingest``):
    Prefect's own cost per task, wall and CPU by role."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect.futures import wait

    from peelextract.flows.ingest import heartbeats_only_for_a_server
    from peelextract.settings import Settings

    @task(name="noop", cache_policy=NO_CACHE)
    def noop(i: int) -> int:
        return i

    @flow(name="noop-tasks")
    def noops(count: int) -> None:
        wait([noop.submit(i) for i in range(count)])

    with heartbeats_only_for_a_server(Settings()):
        before, t0 = tree_cpu(), time.perf_counter()
        noops(n)
        wall = time.perf_counter() - t0
        time.sleep(1.0)  # the server records the last events after the flow returns
        return wall, cpu_by_role(before, tree_cpu())


def vm_hwm_mb() -> float:
    return int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]) / 1024


def children_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=130)
    ap.add_argument("--skip-processes", action="store_true")
    ap.add_argument("--text", action="store_true", help="text copies instead of PDFs")
    ap.add_argument("--round", type=int, default=43, help="PDFs in the whole-round case (0: skip it)")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    from peelextract.orchestrate_cli import PREFECT_DEFAULTS  # the settings `peelextract ingest` runs with

    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        inbox, empty = tmp / "inbox", tmp / "empty"
        (make_inbox if args.text else make_pdf_inbox)(inbox, args.n)
        empty.mkdir()
        import peelextract.pipeline  # noqa: F401  (imports and spaCy load outside the timings)
        from peelextract.orchestrate.work import discover

        process_one = __import__("peelextract.orchestrate.work", fromlist=["process_item"]).process_item
        process_one(discover(str(inbox))[0], tmp / "warm")  # warm-up: spaCy pipeline, regexes
        rows: list[tuple[str, float, int]] = []
        t, n = flow_run(empty, tmp / "o0", "threads")
        rows.append(("first flow run, empty batch (starts temporary server)", t, n))
        t, n = flow_run(empty, tmp / "o0", "threads")
        rows.append(("flow run, empty batch (Prefect overhead per run)", t, n))
        t_lib, n = library_loop(inbox, tmp / "o-lib")
        rows.append(("one-by-one library loop, no Prefect", t_lib, n))
        before = tree_cpu()
        t_thr, n = flow_run(inbox, tmp / "o-thr", "threads")
        time.sleep(1.0)  # the server records the last events after the flow returns
        cpu_thr = cpu_by_role(before, tree_cpu())
        rows.append(("Prefect flow, threads runner", t_thr, n))
        if not args.skip_processes:
            t, n = flow_run(inbox, tmp / "o-proc", "processes")
            rows.append((f"Prefect flow, processes runner ({os.cpu_count()} workers)", t, n))
        workers = os.cpu_count() or 2
        os.environ["PEELEXTRACT_EXTRACT_PROCESSES"] = str(workers)
        t_pool, n = flow_run(inbox, tmp / "o-pool", "threads")
        rows.append((f"Prefect flow, threads + {workers} extraction processes", t_pool, n))
        t, n = flow_run(inbox, tmp / "o-pool", "threads")
        rows.append((f"unchanged re-run, threads + {workers} extraction processes", t, n))
        one_more = make_one_more(tmp / "one", inbox)
        t, n = flow_run(one_more, tmp / "o-pool", "threads")
        rows.append((f"one more report into that OUT of {args.n} (dataset + review site)", t, n))
        del os.environ["PEELEXTRACT_EXTRACT_PROCESSES"]
        t_re, n = flow_run(inbox, tmp / "o-thr", "threads")
        rows.append(("unchanged re-run, Prefect flow (threads)", t_re, n))
        t_relib, n = library_loop(inbox, tmp / "o-thr")
        rows.append(("unchanged re-run, library loop", t_relib, n))
        if args.round:
            round_inbox = tmp / "round"
            round_inbox.mkdir()
            for path in sorted(inbox.iterdir())[: args.round]:
                (round_inbox / path.name).symlink_to(path.resolve())
            os.environ["PEELEXTRACT_EXTRACT_PROCESSES"] = str(workers)
            t_round, n = flow_run(round_inbox, tmp / "o-round", "threads")
            del os.environ["PEELEXTRACT_EXTRACT_PROCESSES"]
            rows.append((f"a whole round: {args.round} PDFs, new OUT, server up, {workers} processes", t_round, n))
        empty_run = rows[1][1]
        kind = "text" if args.text else "PDF"
        print(f"\nIngestion of {args.n} {kind} report copies ({os.cpu_count()} CPUs)\n")
        print(f"{'case':62} {'seconds':>8} {'extracted':>9} {'s/report':>9}")
        for name, secs, extracted in rows:
            count = args.round if name.startswith("a whole round") else 1 if name.startswith("one more") else args.n
            per = secs / count if "empty" not in name else float("nan")
            print(f"{name:62} {secs:8.2f} {extracted:9d} {per:9.3f}")
        print(f"\nPrefect overhead per run (empty batch): {empty_run:.2f} s")
        t_noop, cpu_noop = noop_flow(args.n)
        print(
            f"Prefect per task ({args.n} no-op tasks): {t_noop / args.n * 1000:.1f} ms wall, CPU "
            + ", ".join(f"{role} {cpu / args.n * 1000:.1f} ms" for role, cpu in sorted(cpu_noop.items()))
        )
        print(f"Prefect overhead per report, unchanged run: {(t_re - t_relib - empty_run) / args.n * 1000:.1f} ms")
        ideal = t_lib / workers  # N × in-process time per report ÷ cores
        print(f"\nN × in-process time ÷ {workers} cores = {ideal:.2f} s (in-process: {t_lib / args.n:.3f} s/report)")
        for name, secs in (
            ("threads flow", t_thr),
            (f"threads + {workers} extraction processes", t_pool),
            (f"threads + {workers} processes, less Prefect's per-run cost", t_pool - empty_run),
        ):
            print(f"  {name:58} ÷ that = {secs / ideal:5.2f}")
        used = sum(cpu_thr.values())
        print(
            f"CPU of the threads flow ({t_thr:.2f} s): "
            + ", ".join(f"{role} {cpu:.2f} s" for role, cpu in sorted(cpu_thr.items()))
            + f"; {used:.1f} s of the {t_thr * workers:.1f} s that {workers} cores give"
            f" ({100 * used / (t_thr * workers):.0f} %); library loop {t_lib:.2f} s"
        )
        print(f"Peak RSS: this process {vm_hwm_mb():.0f} MB; largest child {children_maxrss_mb():.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
