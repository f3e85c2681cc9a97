"""Sources kept for review (``OUT/.state/sources/<sha256>.<ext>``): written when a report is published, found
by the review site with no flag, pruned when no report refers to them; HTML values link to their passage."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest

from peelextract.cli import main
from peelextract.ingest import read_path
from peelextract.orchestrate.summary import RunSummary, publish_outputs
from peelextract.orchestrate.work import discover, process_item
from peelextract.pipeline import path_to_report
from peelextract.publish.report_json import read_report, write_report
from peelextract.publish.review import build_site
from peelextract.publish.review_marks import value_evidence
from peelextract.publish.review_pages import text_fragment
from peelextract.publish.sources import SOURCES_DIR, keep_source, prune_sources
from tests.conftest import REPORTS, ROOT
from tests.terminal import run_on_terminal, terminal_env

SAMPLE_PDF = REPORTS / "cleveland-police_peel-2021-22.pdf"
SAMPLE_HTML = REPORTS / "cleveland-police_peel-2021-22.html"
INBOX = ROOT / "samples" / "inbox"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def page_images(html: str) -> dict[int, int]:
    """Page number → number of value boxes drawn on it, for every page image of a review page."""
    figures = re.findall(r'<figure class="page" id="page-(\d+)".*?</figure>', html)
    bodies = re.split(r'<figure class="page" id="page-\d+"', html)[1:]
    assert len(figures) == len(bodies)
    return {
        int(n): body.split("</figure>", 1)[0].count('<a class="box ')
        for n, body in zip(figures, bodies, strict=True)
        if "data:image/png;base64," in body
    }


def test_extract_keeps_the_source_and_review_finds_it_by_sha256(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLE_PDF), "--out", str(out), "--no-dataset", "-q"]) == 0
    kept = out / SOURCES_DIR / f"{sha(SAMPLE_PDF)}.pdf"
    assert kept.read_bytes() == SAMPLE_PDF.read_bytes()
    build_site(out)  # no --sources, and no PDF beside the JSON
    html = (out / "review" / "cleveland-police-2021-22.html").read_text("utf-8")
    assert "not found" not in html
    shown = page_images(html)
    report = read_report(out / "cleveland-police-2021-22.json")
    pages = {b.page for _, _, ev in value_evidence(report) if ev is not None for b in ev.boxes}
    assert set(shown) == pages and all(n > 0 for n in shown.values())


def test_keeping_the_same_bytes_twice_keeps_one_file(tmp_path: Path) -> None:
    src = read_path(SAMPLE_PDF)
    first = keep_source(tmp_path, src)
    assert first is not None
    os.utime(first, (1, 1))
    second = keep_source(tmp_path, src)
    assert first == second and first.name == f"{src.sha256}.pdf"
    assert first.stat().st_mtime > 1  # touched, so a rebuild that started before does not prune it
    assert [p.name for p in first.parent.iterdir()] == [first.name]


def test_a_source_that_cannot_be_kept_does_not_fail_its_report(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / ".state").mkdir()
    (tmp_path / SOURCES_DIR).write_text("not a folder", "utf-8")  # the kept file cannot be written
    assert keep_source(tmp_path, read_path(SAMPLE_PDF)) is None
    assert "source not kept for the review site" in caplog.text
    assert main(["extract", str(SAMPLE_PDF), "--out", str(tmp_path), "--no-dataset", "-q"]) == 0
    assert (tmp_path / "cleveland-police-2021-22.json").is_file()


def test_unreferenced_sources_are_pruned_when_the_review_site_is_rebuilt(tmp_path: Path) -> None:
    report, doc = path_to_report(SAMPLE_PDF)
    write_report(report, doc, tmp_path)
    kept = keep_source(tmp_path, read_path(SAMPLE_PDF))
    assert kept is not None
    folder = kept.parent
    stale = folder / f"{'0' * 64}.pdf"  # a source no report refers to any more
    stale.write_bytes(b"%PDF-1.4 old edition")
    os.utime(stale, (1, 1))
    fresh = folder / f"{'1' * 64}.html"  # kept by a publish that is still running: too new to prune
    fresh.write_bytes(b"<html></html>")
    record = folder / f"{'2' * 32}.json"  # the ingestion cache's per-location record: never touched
    record.write_text("{}", "utf-8")
    os.utime(record, (1, 1))
    started = time.time()
    os.utime(fresh, (started + 5, started + 5))
    build_site(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted([kept.name, fresh.name, record.name])
    assert prune_sources(tmp_path, [], older_than=started + 10) == sorted([kept, fresh])
    assert [p.name for p in folder.iterdir()] == [record.name]


def test_html_values_link_to_their_highlighted_passage(tmp_path: Path) -> None:
    assert main(["extract", str(SAMPLE_HTML), "--out", str(tmp_path), "--no-dataset", "-q"]) == 0
    report = read_report(tmp_path / "cleveland-police-2021-22.json")
    build_site(tmp_path)
    html = (tmp_path / "review" / "cleveland-police-2021-22.html").read_text("utf-8")
    hrefs = re.findall(
        r'<mark [^>]*id="v-([a-z]+-\d+)"[^>]*>.*?</mark>(?:<a class="back"[^>]*></a>)?'
        r'<a class="src" href="([^"]+)"',
        html,
    )
    values = {f"{k}-{i}": ev for k, i, ev in value_evidence(report) if ev is not None}
    assert len(hrefs) >= 30
    assert not re.search(r'<a class="src"[^>]*></a><a class="src"', html)  # one link a place, not "↗↗"
    for key, href in hrefs:
        path, fragment = unescape(href).split("#:~:text=", 1)
        target = (tmp_path / "review" / unquote(path)).resolve()
        assert target == (tmp_path / SOURCES_DIR / f"{sha(SAMPLE_HTML)}.html").resolve()
        words = " ".join(unquote(part) for part in fragment.split(","))
        ev_words = set(values[key].text.replace("\u2019", "'").split())
        assert {w.replace("\u2019", "'") for w in words.split()} <= ev_words, (key, words)


def test_text_fragment_encodes_its_separators() -> None:
    assert text_fragment("anti-social behaviour, and more") == "#:~:text=anti%2Dsocial%20behaviour%2C%20and%20more"
    long = "one two three four five six seven eight nine ten"
    assert text_fragment(long) == "#:~:text=one%20two%20three%20four,seven%20eight%20nine%20ten"


def test_the_sample_ingest_review_shows_page_images_for_every_pdf_report(tmp_path: Path) -> None:
    """What ``bash scripts/run-sample.sh`` (``peelextract ingest samples/inbox --out out``) runs, without
    Prefect: the same task function per input, then the same publishing step (dataset and review site)."""
    out = tmp_path / "out"
    items = discover(str(INBOX))
    results = [process_item(item, out) for item in items]
    assert [r.status for r in results] == ["extracted"] * 3
    summary = RunSummary(source=str(INBOX), out_dir=str(out), results=results)
    publish_outputs(summary)
    assert summary.site == str(out / "review" / "index.html")
    assert not (out / ".peel.duckdb.lock").exists()
    for r in results:
        html = (out / "review" / f"{r.report_id}.html").read_text("utf-8")
        shown = page_images(html)
        assert shown and sum(shown.values()) >= 10, r.report_id
        assert "not found" not in html


@pytest.mark.slow
def test_main_job_review_site_shows_page_images(tmp_path: Path) -> None:
    """The main job itself (Prefect's temporary server included): every PDF report's review page has page
    images with boxes, and OUT holds no stray lock file."""
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "peelextract.cli", "ingest", str(INBOX), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"},
    )
    assert res.returncode == 0, res.stderr[-2000:]
    reports = sorted(out.glob("*.json"))
    assert len(reports) == 3
    for path in reports:
        html = (out / "review" / f"{path.stem}.html").read_text("utf-8")
        assert page_images(html), path.stem
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".state"]


def test_review_from_pdfs_shows_its_progress_on_a_terminal_only(tmp_path: Path) -> None:
    """On a terminal (stderr a pseudo-terminal) ``peelextract review`` draws a bar counting the reports; with
    stderr a pipe it prints only the index path, as it always did."""
    out = tmp_path / "out"
    assert main(["extract", *map(str, sorted(INBOX.glob("*.pdf"))), "--out", str(out), "--no-dataset", "-q"]) == 0
    command = [sys.executable, "-m", "peelextract.cli", "review", str(out)]
    env = terminal_env()
    plain = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert plain.returncode == 0 and plain.stderr == ""
    assert plain.stdout == f"{out / 'review' / 'index.html'}\n"
    status, stdout, terminal = run_on_terminal(command, env)
    assert status == 0 and stdout == plain.stdout
    assert re.search(r"review\s.*3/3\s+\d+\.\d reports/s\s+0:00:00 left", terminal), terminal[-500:]
