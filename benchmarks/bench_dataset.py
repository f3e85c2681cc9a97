"""Dataset growth: what one more report costs in a dataset that already holds N reports. Prints a table;
asserts nothing.

    .venv/bin/python benchmarks/bench_dataset.py [--sizes 100 1000] [--repeat 5]

For each size N, a folder OUT holds N distinct reports (copies of the sample report under made-up force
names, written as ``peelextract extract`` writes them) and their dataset (``build_dataset``, timed once).
Then, in turn for each size (N=100, N=1000, N=100, ... so a drift of the machine's speed hits both alike),
one new report goes in two ways:
  - ``publish_reports(OUT, [report])`` in process: the dataset update alone (DuckDB upsert + that report's
    Parquet and JSON Lines files);
  - ``peelextract extract REPORT.txt --out OUT`` as a whole command: start-up, extraction and the update.
Medians of ``--repeat`` runs, and the ratio largest N ÷ smallest N (1.0 = independent of the dataset's size).
Target (issue 15): one more report into a dataset of 1,000 in ≤ 0.3 s, independent of the size.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TXT = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"
sys.path.insert(0, str(ROOT / "src"))

from peelextract.document import Document  # noqa: E402
from peelextract.models import Report  # noqa: E402
from peelextract.rounds.vocab import FORCES, slug  # noqa: E402


def variant(report: Report, force: str) -> Report:
    """The sample report as another force's: another report id, so other row ids."""
    info = report.report.model_copy(update={"id": f"{slug(force)}-{slug(report.report.round)}", "force": force})
    return report.model_copy(update={"report": info})


def fill(out: Path, report: Report, doc: Document, n: int) -> float:
    """OUT with ``n`` reports and their dataset; returns the seconds ``build_dataset`` took."""
    from peelextract.publish.dataset import build_dataset
    from peelextract.publish.report_json import report_to_json

    out.mkdir(parents=True)
    for i in range(n):
        r = variant(report, f"Benchmark {i:05d} Police")
        (out / f"{r.report.id}.json").write_text(report_to_json(r), encoding="utf-8")
        (out / f"{r.report.id}.txt").write_text(doc.text, encoding="utf-8")
    t0 = time.perf_counter()
    build_dataset(out)
    return time.perf_counter() - t0


def text_copy(folder: Path, force: str) -> Path:
    """The sample report's text as ``force``'s report, for a whole `peelextract extract` command."""
    body = SAMPLE_TXT.read_text(encoding="utf-8").replace("Cleveland Police", force)
    path = folder / f"{slug(force)}_peel-2021-22.txt"
    path.write_text(body.replace("Cleveland", force.rsplit(" ", 1)[0]), encoding="utf-8")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from peelextract.pipeline import path_to_report
    from peelextract.publish.dataset import publish_reports

    exe = Path(sys.executable).with_name("peelextract")
    report, doc = path_to_report(SAMPLE_TXT)
    tmp = Path(tempfile.mkdtemp(prefix="bench-dataset-"))
    try:
        sizes = sorted(args.sizes)
        outs = {n: tmp / f"out-{n}" for n in sizes}
        builds = {n: fill(outs[n], report, doc, n) for n in sizes}
        publish: dict[int, list[float]] = {n: [] for n in sizes}
        command: dict[int, list[float]] = {n: [] for n in sizes}
        inputs = tmp / "inputs"
        inputs.mkdir()
        forces = [f for f in FORCES if f != "Cleveland Police"]
        for r in range(args.repeat):
            new = variant(report, f"Added {r:03d} Police")
            source = text_copy(inputs, forces[r % len(forces)])
            for n in sizes:
                t0 = time.perf_counter()
                publish_reports(outs[n], [new])
                publish[n].append(time.perf_counter() - t0)
                cmd = [str(exe), "extract", str(source), "--out", str(outs[n]), "-q"]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True)
                command[n].append(time.perf_counter() - t0)
        print(f"One more report into a dataset of N reports; medians of {args.repeat} runs, seconds\n")
        print(f"{'N reports':>10}{'full build':>12}{'publish 1 report':>18}{'whole extract command':>23}")
        for n in sizes:
            pub, cmd_s = statistics.median(publish[n]), statistics.median(command[n])
            print(f"{n:>10}{builds[n]:>12.2f}{pub:>18.3f}{cmd_s:>23.3f}")
        small, large = sizes[0], sizes[-1]
        pairs = [b / a for a, b in zip(publish[small], publish[large], strict=True)]
        cmd_pairs = [b / a for a, b in zip(command[small], command[large], strict=True)]
        print(
            f"\nN={large} ÷ N={small} (median of pairwise ratios): publish {statistics.median(pairs):.2f}, "
            f"whole command {statistics.median(cmd_pairs):.2f}"
        )
        print(f"dataset files for N={large}: {sum(1 for p in (outs[large] / 'dataset').rglob('*') if p.is_file())}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
