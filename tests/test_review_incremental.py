"""The review site is made again only where its inputs changed: a report's page carries the key of what it
was made from (site code, report file, text, whether its source was found), and ``build_site`` leaves a
page whose key still holds. Re-rendering every PDF report's page images on every run made a run that adds
one report to a large OUT cost as much as the whole site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peelextract.pipeline import path_to_report
from peelextract.publish.report_json import report_to_json, write_report
from peelextract.publish.review import KEY_META, build_site

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"
OLD = 1_000_000_000  # an mtime long past: a page rewritten gets a new one


@pytest.fixture
def out(tmp_path: Path) -> Path:
    report, doc = path_to_report(SAMPLE)
    write_report(report, doc, tmp_path)
    second = report.model_copy(update={"report": report.report.model_copy(update={"id": "second-2021-22"})})
    (tmp_path / "second-2021-22.json").write_text(report_to_json(second), "utf-8")
    (tmp_path / "second-2021-22.txt").write_text(doc.text, "utf-8")
    build_site(tmp_path, quiet=True)
    for page in (tmp_path / "review").glob("*.html"):
        os.utime(page, (OLD, OLD))
    return tmp_path


def _rewritten(out: Path) -> set[str]:
    return {p.name for p in (out / "review").glob("*.html") if p.stat().st_mtime != OLD}


def test_nothing_changed_nothing_but_the_index_is_written(out: Path) -> None:
    before = {p.name: p.read_bytes() for p in (out / "review").glob("*.html")}
    build_site(out, quiet=True)
    assert _rewritten(out) == {"index.html"}
    assert {p.name: p.read_bytes() for p in (out / "review").glob("*.html")} == before
    assert f'<meta name="{KEY_META}" content="' in before["second-2021-22.html"].decode("utf-8")


def test_a_changed_report_text_or_page_is_made_again(out: Path) -> None:
    txt = out / "second-2021-22.txt"
    txt.write_text(txt.read_text("utf-8") + " ", "utf-8")
    build_site(out, quiet=True)
    assert _rewritten(out) == {"index.html", "second-2021-22.html"}
    page = out / "review" / "cleveland-police-2021-22.html"
    page.write_text(page.read_text("utf-8").replace(f'name="{KEY_META}" content="', f'name="{KEY_META}" content="0'))
    os.utime(page, (OLD, OLD))
    build_site(out, quiet=True)
    assert "cleveland-police-2021-22.html" in _rewritten(out)


def test_a_source_beside_the_json_that_changes_remakes_the_page(tmp_path: Path) -> None:
    """The key holds the source as found, not only whether one was found: a PDF beside the report that is
    replaced by other bytes (the sha256 warning appears or goes) makes the page again."""
    pdf = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.pdf"
    report, doc = path_to_report(pdf)
    write_report(report, doc, tmp_path)
    beside = tmp_path / pdf.name
    beside.write_bytes(pdf.read_bytes() + b"\n%changed\n")
    build_site(tmp_path, quiet=True)
    page = tmp_path / "review" / f"{report.report.id}.html"
    assert "sha256 mismatch" in page.read_text("utf-8")
    beside.write_bytes(pdf.read_bytes())
    build_site(tmp_path, quiet=True)
    assert "sha256 mismatch" not in page.read_text("utf-8")
