"""The review site in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no downloaded
browsers): panel → mark focusing, filtering, sorting, the round selector, PDF boxes, and reading with
JavaScript disabled."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from peelextract.models import PageBox, Report
from peelextract.pipeline import path_to_report
from peelextract.publish.report_json import report_to_json
from peelextract.publish.review import build_site
from peelextract.publish.review_marks import value_evidence

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "fixtures" / "reports"
SAMPLE = REPORTS / "cleveland-police_peel-2021-22.txt"
SAMPLE_PDF = REPORTS / "cleveland-police_peel-2021-22.pdf"
GRADES = {"Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"}

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (scripts/setup.sh installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is not installed in .venv")


def _write(out: Path, report: Report, text: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{report.report.id}.txt").write_text(text, "utf-8")
    (out / f"{report.report.id}.json").write_text(report_to_json(report), "utf-8")


def _variant(report: Report, rid: str, force: str, first_grade: str) -> Report:
    grades = list(report.grades)
    grades[0] = grades[0].model_copy(update={"grade": first_grade})
    info = report.report.model_copy(update={"id": rid, "force": force})
    return report.model_copy(update={"report": info, "grades": grades})


@pytest.fixture(scope="module")
def sample() -> tuple[Report, str]:
    report, doc = path_to_report(SAMPLE)
    return report, doc.text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sample: tuple[Report, str]) -> Path:
    """The sample, two variants of it in the same round (for sorting), and the two synthetic reports."""
    out = tmp_path_factory.mktemp("site")
    report, text = sample
    _write(out, report, text)
    _write(out, _variant(report, "alpha-police-2021-22", "Alpha Police", "Outstanding"), text)
    _write(out, _variant(report, "bravo-police-2021-22", "Bravo Police", "Inadequate"), text)
    for name in ("northshire-police_peel-2018-19-synthetic.txt", "southvale-constabulary_peel-2023-25-synthetic.txt"):
        other, doc = path_to_report(REPORTS / name)
        _write(out, other, doc.text)
    build_site(out)
    return out / "review"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ctx.close()
    assert errors == [], f"JavaScript errors: {errors}"


def _url(path: Path) -> str:
    return path.resolve().as_uri()


def test_clicking_a_panel_value_focuses_its_evidence(page: Any, site: Path, sample: tuple[Report, str]) -> None:
    report, _ = sample
    page.goto(_url(site / f"{report.report.id}.html"))
    evidence = {f"{k}-{i}": ev.text for k, i, ev in value_evidence(report) if ev is not None}
    for key in ("grade-0", "case-0", "ci-3", "rate-0", "afi-0", "grade-9", "case-11"):
        page.click(f"#p-{key} a.go")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return [e.tagName, e.dataset.key, e.textContent, e.classList.contains('active')]; }"
        )
        assert focused == ["MARK", key, evidence[key], True]
        assert page.evaluate("() => document.querySelectorAll('mark.v.active').length") == 1
        box = page.locator(f"#v-{key}").bounding_box()
        assert box is not None and 0 <= box["y"] <= 900, f"{key} not scrolled into view"
        assert page.locator(f"#p-{key}").get_attribute("class") == "entry k-" + key.split("-")[0] + " active"
    # and back: clicking a mark in the text highlights its panel entry
    page.click("#v-case-0")
    assert "active" in (page.locator("#p-case-0").get_attribute("class") or "")
    assert page.evaluate("() => document.activeElement.id") == "p-case-0"


def test_filtering_hides_other_kinds(page: Any, site: Path, sample: tuple[Report, str]) -> None:
    report, _ = sample
    page.goto(_url(site / f"{report.report.id}.html"))
    page.click(".filters button[data-all='0']")
    page.check(".filters input[data-kind='case']")
    assert page.locator("#p-case-0").is_visible()
    for key in ("grade-0", "ci-0", "rate-0", "afi-0", "warning-0"):
        assert not page.locator(f"#p-{key}").is_visible(), key
    bg = "(k) => getComputedStyle(document.getElementById('v-' + k)).backgroundColor"
    assert page.evaluate(bg, "grade-0") == "rgba(0, 0, 0, 0)"
    assert page.evaluate(bg, "case-0") != "rgba(0, 0, 0, 0)"
    assert page.locator("#v-grade-0").is_visible()  # the text itself stays
    page.click(".filters button[data-all='1']")
    assert page.locator("#p-grade-0").is_visible()


def test_overview_screenshot_grid_and_sorting(
    page: Any, site: Path, sample: tuple[Report, str], tmp_path: Path
) -> None:
    report, _ = sample
    page.goto(_url(site / "index.html"))
    page.click("button.round-tab[data-round='round-2021-22']")
    shot = tmp_path / "overview.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    cells = page.eval_on_selector_all(f"tr[data-report='{report.report.id}'] td", "tds => tds.map(t => t.innerText)")
    assert sorted(c for c in cells if c in GRADES) == sorted(g.grade for g in report.grades)
    assert len(report.grades) == 10
    grid = page.locator("section#round-2021-22 table.grid")
    grid.get_by_role("button", name="Recording data about crime").click()
    order = "() => [...document.querySelectorAll('#round-2021-22 table.grid tbody tr')].map(r => r.dataset.report)"
    assert page.evaluate(order) == ["alpha-police-2021-22", report.report.id, "bravo-police-2021-22"]
    grid.get_by_role("button", name="Recording data about crime").click()
    assert page.evaluate(order) == ["bravo-police-2021-22", report.report.id, "alpha-police-2021-22"]
    th = grid.locator("thead th").nth(2)
    assert th.get_attribute("aria-sort") == "descending"


def test_round_buttons_show_one_round_or_all(page: Any, site: Path) -> None:
    page.goto(_url(site / "index.html"))
    rounds = page.eval_on_selector_all("section.round", "s => s.map(x => x.id)")
    assert len(rounds) == 3
    visible = "() => [...document.querySelectorAll('section.round')].filter(x => !x.hidden).map(x => x.id)"
    assert page.evaluate(visible) == rounds[:1]  # the newest round first
    for rid in rounds:
        page.click(f"button.round-tab[data-round='{rid}']")
        assert page.evaluate(visible) == [rid]
        assert page.locator(f"button.round-tab[data-round='{rid}']").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="All rounds").click()  # every round, in one click
    assert page.evaluate(visible) == rounds


def test_without_javascript_marks_and_grids_are_there(browser: Any, site: Path, sample: tuple[Report, str]) -> None:
    report, _ = sample
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    try:
        pg.goto(_url(site / f"{report.report.id}.html"))
        values = [(k, i, ev) for k, i, ev in value_evidence(report) if ev is not None]
        assert pg.locator("mark.v[id]").count() == len(values)
        assert pg.locator("#v-case-0").inner_text() == report.case_counts[0].evidence.text
        assert not pg.locator(".filters").is_visible()  # controls that need JS are not offered
        assert pg.locator("#p-grade-0").is_visible()
        pg.click("#p-case-0 a.go")  # plain anchor navigation still reaches the mark
        assert pg.evaluate("() => location.hash") == "#v-case-0"
        pg.goto(_url(site / "index.html"))
        assert pg.locator("section.round").count() == 3
        assert all(pg.locator("section.round").nth(i).is_visible() for i in range(3))
        cells = pg.eval_on_selector_all(f"tr[data-report='{report.report.id}'] td", "tds => tds.map(t => t.innerText)")
        assert sorted(c for c in cells if c in GRADES) == sorted(g.grade for g in report.grades)
    finally:
        ctx.close()


@pytest.mark.skipif(not SAMPLE_PDF.exists(), reason="fixtures/reports/*.pdf not generated yet")
def test_pdf_value_shows_its_box_on_the_page(page: Any, tmp_path: Path, sample: tuple[Report, str]) -> None:
    report, text = sample
    pdf = tmp_path / SAMPLE_PDF.name
    shutil.copy(SAMPLE_PDF, pdf)
    box = PageBox(page=2, bbox=(72.0, 200.0, 300.0, 215.0))
    cases = list(report.case_counts)
    cases[0] = cases[0].model_copy(
        update={"evidence": cases[0].evidence.model_copy(update={"page": 2, "bbox": box.bbox, "boxes": [box]})}
    )
    data = pdf.read_bytes()
    source = report.report.source.model_copy(
        update={"name": pdf.name, "format": "pdf", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    )
    pdf_report = report.model_copy(
        update={"case_counts": cases, "report": report.report.model_copy(update={"source": source})}
    )
    _write(tmp_path, pdf_report, text)
    build_site(tmp_path)  # the PDF sits beside the JSON
    page.goto(_url(tmp_path / "review" / f"{report.report.id}.html"))
    page.click("#p-case-0 a.go")
    shown = page.locator("#viewer a.box.active")
    assert shown.count() == 1
    img = page.locator("#viewer img").bounding_box()
    b = shown.bounding_box()
    assert img and b and img["width"] > 100
    w = page.evaluate("() => document.querySelector('#viewer img').naturalWidth") / 1.25
    assert abs((b["x"] - img["x"]) / img["width"] - 72.0 / w) < 0.01
    page.screenshot(path=str(tmp_path / "pdf-review.png"))


@pytest.fixture(scope="module")
def main_job_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review site of the main job (``peelextract ingest samples/inbox --out OUT``), built by the same
    task function per input and the same publishing step, without Prefect."""
    from peelextract.orchestrate.summary import RunSummary, publish_outputs
    from peelextract.orchestrate.work import discover, process_item

    out = tmp_path_factory.mktemp("main-job")
    inbox = ROOT / "samples" / "inbox"
    results = [process_item(item, out) for item in discover(str(inbox))]
    assert [r.status for r in results] == ["extracted"] * 3
    summary = RunSummary(source=str(inbox), out_dir=str(out), results=results)
    publish_outputs(summary)
    return out / "review"


def test_main_job_grade_in_overview_lands_on_its_value_boxed_on_the_page(
    page: Any, main_job_site: Path, tmp_path: Path
) -> None:
    """From the overview: every round in one click, then a grade cell → the report page focused on that
    grade, with its page image and the grade's box drawn on it. The screenshot is kept in tmp_path."""
    page.goto(_url(main_job_site / "index.html"))
    visible = "() => [...document.querySelectorAll('section.round')].filter(x => !x.hidden).map(x => x.id)"
    assert page.evaluate(visible) == ["round-2023-25"]
    page.get_by_role("button", name="All rounds").click()
    assert page.evaluate(visible) == ["round-2023-25", "round-2021-22", "round-2018-19"]
    cell = page.locator("tr[data-report='cleveland-police-2021-22'] td.g a", has_text="Requires improvement").first
    href = cell.get_attribute("href") or ""
    key = href.split("#v-", 1)[1]
    cell.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"cleveland-police-2021-22.html#v-{key}")
    focused = page.evaluate("() => [document.activeElement.dataset.key, document.activeElement.tagName]")
    assert focused == [key, "MARK"]
    assert page.locator(f"#v-{key}").inner_text().startswith("Cleveland Police requires improvement")
    viewer_img = page.locator("#viewer figure.page img")
    assert viewer_img.count() == 1 and viewer_img.evaluate("img => img.complete && img.naturalWidth > 500")
    box = page.locator(f"#viewer a.box.active[data-key='{key}']")
    assert box.count() >= 1
    img, b = viewer_img.bounding_box(), box.first.bounding_box()
    viewer = page.locator("#viewer").bounding_box()
    assert img and b and viewer and b["width"] > 20 and b["height"] > 5
    assert img["x"] <= b["x"] and b["x"] + b["width"] <= img["x"] + img["width"] + 1
    assert viewer["y"] <= b["y"] and b["y"] + b["height"] <= viewer["y"] + viewer["height"], "box scrolled out"
    assert page.locator("#pages figure.page").count() >= 5  # the source pages, with no --sources flag
    shot = tmp_path / "main-job-grade-on-its-page.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG")
    print(f"screenshot: {shot}")


def test_html_value_links_to_its_passage_highlighted_in_the_source_page(page: Any, tmp_path: Path) -> None:
    """An HTML report's value links (↗) to its kept source page with a text fragment: the browser opens the
    page scrolled to the passage (far down the page), which is on screen."""
    from peelextract.cli import main

    sample_html = REPORTS / "cleveland-police_peel-2021-22.html"
    assert main(["extract", str(sample_html), "--out", str(tmp_path), "--no-dataset", "-q"]) == 0
    build_site(tmp_path, quiet=True)
    page.goto(_url(tmp_path / "review" / "cleveland-police-2021-22.html"))
    link = page.locator("#v-case-0 ~ a.src").first
    href = link.get_attribute("href") or ""
    assert href.startswith("../.state/sources/") and "#:~:text=" in href
    text = page.locator("#v-case-0").inner_text()
    page.goto((tmp_path / "review").resolve().as_uri() + "/" + href)
    page.wait_for_function("() => window.scrollY > 0", timeout=5000)
    where = page.evaluate(
        """(text) => {
             const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
             for (let n = walk.nextNode(); n; n = walk.nextNode()) {
               const i = n.data.indexOf(text);
               if (i < 0) continue;
               const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + text.length);
               const b = r.getBoundingClientRect();
               return [b.top, b.bottom, window.innerHeight, window.scrollY];
             }
             return null;
           }""",
        text,
    )
    assert where is not None, f"{text!r} not in the source page"
    top, bottom, height, scrolled = where
    assert scrolled > 1000 and top >= 0 and bottom <= height, where
