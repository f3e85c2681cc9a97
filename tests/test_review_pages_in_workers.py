"""An ingestion run has its extraction workers make the new reports' review pages while its own process
updates the dataset (``orchestrate.site``); the site build then finds them current and writes the index."""

from __future__ import annotations

from pathlib import Path

from peelextract.orchestrate.pool import shutdown
from peelextract.orchestrate.site import review_pages_in_workers
from peelextract.pipeline import path_to_report
from peelextract.publish.report_json import write_report
from peelextract.publish.review import KEY_META, build_site
from peelextract.settings import Settings

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"


def test_workers_make_the_pages_and_the_site_build_keeps_them(tmp_path: Path) -> None:
    report, doc = path_to_report(SAMPLE)
    write_report(report, doc, tmp_path)
    rid = report.report.id
    settings = Settings(task_runner="threads", extract_processes=2)
    try:
        with review_pages_in_workers(tmp_path, [rid, "no-such-report"], settings):
            pass  # the dataset update runs here in a run
    finally:
        shutdown()
    page = tmp_path / "review" / f"{rid}.html"
    assert f'<meta name="{KEY_META}"' in page.read_text("utf-8")
    assert not (tmp_path / "review" / "no-such-report.html").exists()  # not a report: the site build notes it
    made = page.stat().st_mtime_ns
    build_site(tmp_path, quiet=True)
    assert page.stat().st_mtime_ns == made  # current: not made again


def test_other_runners_leave_the_pages_to_the_site_build(tmp_path: Path) -> None:
    with review_pages_in_workers(tmp_path, ["x"], Settings(task_runner="processes")):
        pass
    assert not (tmp_path / "review").exists()
