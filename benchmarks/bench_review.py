"""Benchmark: build the review site for 40 reports (the sample copied with different ids and forces).

    .venv/bin/python benchmarks/bench_review.py [N] [--pdf]

Prints the seconds taken by ``build_site`` (target: under 10 s for 40 reports). With ``--pdf`` each copy
claims the sample PDF as its source, with every case count and CI percentage boxed on a page (cycling
through the pages), so the time includes rendering and encoding the page images.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

from peelextract.models import PageBox, Report
from peelextract.pipeline import path_to_report
from peelextract.publish.report_json import report_to_json
from peelextract.publish.review import build_site

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"
SAMPLE_PDF = SAMPLE.with_suffix(".pdf")
TARGET_SECONDS = 10.0


def as_pdf(report: Report, pdf: Path, pages: int) -> Report:
    """The report as if read from ``pdf``: case counts and CI percentages get a box on some page."""

    def boxed(i: int, value: object) -> object:
        box = PageBox(page=i % pages + 1, bbox=(72.0, 100.0 + 20 * (i % 30), 300.0, 114.0 + 20 * (i % 30)))
        ev = value.evidence.model_copy(update={"page": box.page, "bbox": box.bbox, "boxes": [box]})  # type: ignore[attr-defined]
        return value.model_copy(update={"evidence": ev})  # type: ignore[attr-defined]

    data = pdf.read_bytes()
    source = report.report.source.model_copy(
        update={
            "name": pdf.name,
            "format": "pdf",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "pages": pages,
        }
    )
    return report.model_copy(
        update={
            "report": report.report.model_copy(update={"source": source}),
            "case_counts": [boxed(i, c) for i, c in enumerate(report.case_counts)],
            "ci_percentages": [boxed(i + 7, c) for i, c in enumerate(report.ci_percentages)],
        }
    )


def make_copies(out: Path, n: int, pdf: bool) -> None:
    report, doc = path_to_report(SAMPLE)
    if pdf:
        import pypdfium2

        shutil.copy(SAMPLE_PDF, out / SAMPLE_PDF.name)
        pages = len(pypdfium2.PdfDocument(str(SAMPLE_PDF)))
        report = as_pdf(report, SAMPLE_PDF, pages)
    for i in range(n):
        rid = f"force-{i:02d}-2021-22"
        info = report.report.model_copy(update={"id": rid, "force": f"Force {i:02d} Police"})
        (out / f"{rid}.txt").write_text(doc.text, "utf-8")
        (out / f"{rid}.json").write_text(report_to_json(report.model_copy(update={"report": info})), "utf-8")


def main(argv: list[str]) -> int:
    pdf = "--pdf" in argv
    args = [a for a in argv[1:] if a != "--pdf"]
    n = int(args[0]) if args else 40
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        make_copies(out, n, pdf)
        t0 = time.perf_counter()
        index = build_site(out)
        seconds = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in index.parent.iterdir())
    kind = "PDF" if pdf else "text"
    print(
        f"review site for {n} {kind} reports: {seconds:.2f} s ({size / 1e6:.1f} MB of HTML); "
        f"target < {TARGET_SECONDS:.0f} s"
    )
    return 0 if seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
