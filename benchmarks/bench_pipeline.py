"""Speed and memory of the extraction pipeline, per stage and end to end. Prints tables; asserts nothing.

    python benchmarks/bench_pipeline.py [--reports 40] [--repeat 5]
    python benchmarks/bench_pipeline.py --floor PDF      # the floor process alone (used by the benchmark)

Measures, on the sample PDF (fixtures/reports/cleveland-police_peel-2021-22.pdf):
  - the floor: pypdfium2 reading every character's text, loose box and font size, nothing else;
  - each stage: read (pdfium characters), layout, sections, extract, validate, write; and end to end;
  - in process, end to end ÷ the floor loop, the two interleaved (target, issue 15: ≤ 1.6);
  - whole commands, interleaved with the floor process (python + pypdfium2 reading every character):
    `peelextract extract` with --no-dataset and into an empty OUT (dataset built), ÷ the floor process
    (target ≤ 4), with each command's peak RSS (target ≤ 150 MB);
  - where a whole command's time goes: interpreter, imports (pydantic models, the pipeline's modules,
    spaCy), building the sentence pipeline, the report, the dataset (in a fresh process);
and on a batch of N distinct report PDFs (the sample text re-rendered for N forces, cached under
benchmarks/.cache/): in process one by one, and as whole `peelextract extract` commands; peak RSS of
each, measured in a fresh child process. Ratios are medians of the pairwise ratios of interleaved runs,
so the machine's drift hits both sides alike.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PDF = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.pdf"
SAMPLE_TXT = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"
CACHE = ROOT / "benchmarks" / ".cache"
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def pdfium_floor(path: Path) -> None:
    """Read every character's text, loose box and font size with pypdfium2, closing pages as we go."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(path.read_bytes())
    rect = raw.FS_RECTF()
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        n = raw.FPDFText_CountChars(tp)
        buf = ctypes.create_string_buffer((n + 1) * 2)
        raw.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        for k in range(n):
            raw.FPDFText_GetLooseCharBox(tp, k, rect)
            raw.FPDFText_GetFontSize(tp, k)
        tp.close()
        page.close()
    pdf.close()


def stage_times(path: Path, repeat: int) -> dict[str, float]:
    from peelextract.ingest import read_path
    from peelextract.ingest.pdf import pdf_to_pages
    from peelextract.layout import pages_to_document
    from peelextract.nlp import pipeline
    from peelextract.pipeline import extract_report
    from peelextract.publish.report_json import write_report
    from peelextract.sections import document_to_sections
    from peelextract.settings import Limits
    from peelextract.validate import validate_report

    pipeline()  # spaCy's blank pipeline is built once per process; not part of a report's cost
    pages = pdf_to_pages(read_path(path), Limits())
    doc = pages_to_document(pages)
    report = extract_report(doc)
    out = Path(tempfile.mkdtemp())
    t: dict[str, float] = {"floor (pypdfium2 chars)": median_time(lambda: pdfium_floor(path), repeat)}
    t["read"] = median_time(lambda: pdf_to_pages(read_path(path), Limits()), repeat)
    t["layout"] = median_time(lambda: pages_to_document(pages), repeat)
    t["sections"] = median_time(lambda: document_to_sections(doc), repeat)
    t["extract (incl. sections)"] = median_time(lambda: extract_report(doc), repeat)
    t["validate"] = median_time(lambda: validate_report(report, doc), repeat)
    t["write"] = median_time(lambda: write_report(validate_report(report, doc), doc, out), repeat)

    def end_to_end() -> None:
        d = pages_to_document(pdf_to_pages(read_path(path), Limits()))
        write_report(validate_report(extract_report(d), d), d, out)

    t["end to end"] = median_time(end_to_end, repeat)
    ratios = []
    for _ in range(repeat):  # interleaved: floor, end to end, floor, ...
        floor = median_time(lambda: pdfium_floor(path), 1)
        ratios.append(median_time(end_to_end, 1) / floor)
    t["end to end ÷ floor, paired"] = statistics.median(ratios)
    t["pages"] = float(len(pages.pages))
    return t


def make_corpus(n: int) -> list[Path]:
    """N distinct PDFs: the sample text with its force renamed, rendered by fixtures/make_pdf.py (cached)."""
    sys.path.insert(0, str(ROOT))
    from peelextract.rounds.vocab import FORCES, slug

    CACHE.mkdir(parents=True, exist_ok=True)
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    forces = [f for f in FORCES if f != "Cleveland Police"]
    paths: list[Path] = []
    todo: list[tuple[Path, Path]] = []
    for i in range(n):
        force = forces[i % len(forces)]
        suffix = "" if i < len(forces) else f"-{i // len(forces)}"
        short = force.replace(" Police Service", "").replace(" Police", "").replace(" Constabulary", "")
        src = CACHE / f"{slug(force)}{suffix}_peel-2021-22.txt"
        pdf = src.with_suffix(".pdf")
        if not pdf.exists():
            body = text.replace("Cleveland Police", force).replace("Cleveland", short)
            # Past 42 forces the copies repeat a force: a last line keeps their bytes (and sha256) distinct.
            src.write_text(body + (f"\nBenchmark copy {i}." if suffix else ""), encoding="utf-8")
            todo.append((src, pdf))
        paths.append(pdf)
    for src, pdf in todo:
        subprocess.run(
            [sys.executable, str(ROOT / "fixtures" / "make_pdf.py"), str(src), str(pdf)],
            check=True,
            capture_output=True,
        )
    return paths


def child_batch(paths: list[str]) -> None:
    """Run in a fresh process: extract and write each report, print wall time and peak RSS as JSON."""
    from peelextract.pipeline import path_to_report
    from peelextract.publish.report_json import write_report

    out = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    for p in paths:
        report, doc = path_to_report(Path(p))
        write_report(report, doc, out)
    wall = time.perf_counter() - t0
    print(json.dumps({"wall": wall, "peak_mb": vm_hwm_mb()}))


def vm_hwm_mb() -> float:
    """This process's peak RSS. Not ru_maxrss: Linux keeps that across exec, so a child started from this
    benchmark (140 MB by then) would report at least the benchmark's own size."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def in_child(paths: list[Path]) -> dict[str, float]:
    res = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, paths)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def cli_run(paths: list[Path], repeat: int) -> tuple[float, float]:
    """Median wall time of `peelextract extract` as a whole command, and its peak RSS (children's maxrss)."""
    exe = Path(sys.executable).with_name("peelextract")
    times = []
    peak = 0.0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            cmd = [str(exe), "extract", *map(str, paths), "--out", out, "--no-dataset", "-q"]
            t0 = time.perf_counter()
            res = subprocess.run(
                [GNU_TIME, "-f", "%M", *cmd] if GNU_TIME else cmd, check=True, capture_output=True, text=True
            )
            times.append(time.perf_counter() - t0)
            if GNU_TIME:  # its child is forked from `time` (2 MB), so its maxrss is the command's own
                peak = max(peak, int(res.stderr.strip().splitlines()[-1]) / 1024)
    if not GNU_TIME:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # an upper bound (see vm_hwm_mb)
    return statistics.median(times), peak


def timed_command(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB; 0 without GNU time) of one whole command."""
    t0 = time.perf_counter()
    res = subprocess.run([GNU_TIME, "-f", "%M", *cmd] if GNU_TIME else cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak = int(res.stderr.strip().splitlines()[-1]) / 1024 if GNU_TIME else 0.0
    return wall, peak


def whole_commands(path: Path, repeat: int) -> dict[str, tuple[float, float, float]]:
    """name → (median seconds, median ratio to the floor process run just before, max peak RSS MB)."""
    exe = str(Path(sys.executable).with_name("peelextract"))
    floor_cmd = [sys.executable, __file__, "--floor", str(path)]
    runs: dict[str, list[tuple[float, float]]] = {
        "floor process": [],
        "extract --no-dataset": [],
        "extract + dataset": [],
    }
    ratios: dict[str, list[float]] = {k: [] for k in runs}
    timed_command(floor_cmd)  # warm the page cache and the interpreter's .pyc files
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            cmds = {
                "floor process": floor_cmd,
                "extract --no-dataset": [exe, "extract", str(path), "--out", a, "--no-dataset", "-q"],
                "extract + dataset": [exe, "extract", str(path), "--out", b, "-q"],
            }
            for name, cmd in cmds.items():
                floor = runs["floor process"][-1][0] if runs["floor process"] else 0.0
                runs[name].append(timed_command(cmd))
                if name != "floor process":
                    ratios[name].append(runs[name][-1][0] / floor)
    return {
        name: (
            statistics.median(w for w, _ in r),
            statistics.median(ratios[name]) if ratios[name] else 1.0,
            max(m for _, m in r),
        )
        for name, r in runs.items()
    }


_STARTUP = """
import json, sys, time
t = {"interpreter": time.perf_counter()}
marks = []
def mark(name):
    marks.append((name, time.perf_counter()))
import pydantic
mark("pydantic")
import peelextract.models
mark("peelextract.models (the contract)")
import peelextract.pipeline
mark("the pipeline's other modules (rules, regexes)")
from peelextract.nlp import pipeline
pipeline()
mark("spaCy: import + the English tokenizer")
from pathlib import Path
from peelextract.pipeline import path_to_report
from peelextract.publish.report_json import write_report
import tempfile
out = Path(tempfile.mkdtemp())
report, doc = path_to_report(Path(sys.argv[1]))
write_report(report, doc, out)
mark("the report: read, layout, extract, validate, write")
from peelextract.publish.dataset import publish_reports
publish_reports(out, [report])
mark("the dataset (DuckDB + pyarrow imports, build)")
rows = []
for name, at in marks:
    rows.append((name, at - (marks[len(rows) - 1][1] if rows else t["interpreter"])))
loaded = sorted(m for m in ("pandas", "spacy.cli", "duckdb", "pyarrow") if m in sys.modules)
print(json.dumps({"rows": rows, "modules": loaded}))
"""


def startup_breakdown(path: Path, repeat: int) -> tuple[list[tuple[str, float]], list[str]]:
    """Median seconds of each step of a whole `extract`, each in a fresh process (see _STARTUP)."""
    samples: list[list[tuple[str, float]]] = []
    modules: list[str] = []
    for _ in range(repeat):
        res = subprocess.run([sys.executable, "-c", _STARTUP, str(path)], check=True, capture_output=True, text=True)
        data = json.loads(res.stdout.strip().splitlines()[-1])
        samples.append([(n, float(s)) for n, s in data["rows"]])
        modules = data["modules"]
    names = [n for n, _ in samples[0]]
    return [(n, statistics.median(s[i][1] for s in samples)) for i, n in enumerate(names)], modules


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_batch(sys.argv[2:])
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--floor":
        pdfium_floor(Path(sys.argv[2]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    t = stage_times(SAMPLE_PDF, args.repeat)
    pages = int(t.pop("pages"))
    paired = t.pop("end to end ÷ floor, paired")
    floor = t["floor (pypdfium2 chars)"]
    print(f"Sample PDF: {SAMPLE_PDF.name}, {pages} pages; medians of {args.repeat} runs, seconds")
    print(f"{'stage':<28}{'seconds':>10}{'x floor':>10}")
    for name, sec in t.items():
        print(f"{name:<28}{sec:>10.4f}{sec / floor:>10.2f}")
    print(f"{'end to end ÷ floor, paired':<28}{'':>10}{paired:>10.2f}   (interleaved runs; target ≤ 1.6)")
    one = in_child([SAMPLE_PDF])
    print(f"{'one report, fresh process':<28}{one['wall']:>10.4f}   peak RSS {one['peak_mb']:.0f} MB")

    print(f"\nWhole commands on {SAMPLE_PDF.name}, interleaved with the floor process; medians of {args.repeat}")
    print(f"{'command':<28}{'seconds':>10}{'÷ floor':>10}{'peak RSS MB':>14}")
    for name, (sec, ratio, peak) in whole_commands(SAMPLE_PDF, args.repeat).items():
        print(f"{name:<28}{sec:>10.3f}{ratio:>10.2f}{peak:>14.0f}")
    rows, modules = startup_breakdown(SAMPLE_PDF, args.repeat)
    print(f"\nWhere a whole `extract` goes (fresh process, medians of {args.repeat}; seconds)")
    for name, sec in rows:
        print(f"  {name:<52}{sec:>8.3f}")
    print(f"  of pandas, spacy.cli, duckdb, pyarrow, loaded by the end: {', '.join(modules) or 'none'}")

    corpus = make_corpus(args.reports)
    batch = in_child(corpus)
    small = in_child(corpus[: max(1, args.reports // 4)])
    cli_batch, cli_peak = cli_run(corpus, 1)
    n = len(corpus)
    print(f"\nBatch of {n} distinct report PDFs")
    print(
        f"{'in process, one by one':<28}{batch['wall']:>10.2f} s  ({batch['wall'] / n:.3f} s/report)  "
        f"peak RSS {batch['peak_mb']:.0f} MB (vs {small['peak_mb']:.0f} MB for {len(corpus[: max(1, n // 4)])})"
    )
    print(f"{'whole CLI run':<28}{cli_batch:>10.2f} s  peak RSS {cli_peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
