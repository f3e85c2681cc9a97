"""The review site without a browser: marks match evidence, the grid holds the grades, escaping,
well-formed nesting, determinism, PDF page images and the CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import struct
import zlib
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peelextract.cli import main
from peelextract.models import Evidence, PageBox, Report, Warning
from peelextract.pipeline import path_to_report
from peelextract.publish.report_json import report_to_json, write_report
from peelextract.publish.review import build_site
from peelextract.publish.review_marks import MarkState, Span, render_line, value_evidence
from peelextract.publish.review_pages import RENDER_SCALE, png_gray16
from peelextract.publish.review_values import _items
from peelextract.rounds.measures import MEASURE_NAMES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.txt"
SAMPLE_PDF = ROOT / "fixtures" / "reports" / "cleveland-police_peel-2021-22.pdf"
VOID = {"meta", "img", "input", "br", "hr", "link", "col", "wbr", "source", "area", "base", "embed"}


class Tree(HTMLParser):
    """Collects element nesting errors, mark texts (by id and key), hrefs and table cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.errors: list[str] = []
        self.mark_text: dict[str, str] = {}
        self.mark_attrs: dict[str, dict[str, str]] = {}
        self.hrefs: list[tuple[dict[str, str], str]] = []
        self.cells: dict[str, list[str]] = {}
        self.scripts = 0
        self._open_marks: list[str] = []
        self._cell: list[str] | None = None
        self._row: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script":
            self.scripts += 1
        if tag in VOID:
            return
        outer = [dict(x[1]) for x in self.stack if x[0] == "a"]
        if tag == "a" and outer:
            self.errors.append("nested <a>")
        self.stack.append((tag, a))
        if tag == "mark" and "id" in a:
            self.mark_text[a["id"]] = ""
            self.mark_attrs[a["id"]] = a
            self._open_marks.append(a["id"])
        elif tag == "mark":
            self._open_marks.append("")
        if tag == "a" and "href" in a:
            self.hrefs.append((a, a["href"]))
        if tag == "tr" and "data-report" in a:
            self._row = a["data-report"]
            self.cells[self._row] = []
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1][0] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "mark":
            self._open_marks.pop()
        if tag == "td" and self._cell is not None and self._row is not None:
            self.cells[self._row].append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        for mid in self._open_marks:
            if mid:
                self.mark_text[mid] += data
        if self._cell is not None:
            self._cell.append(data)


def parse(path: Path) -> Tree:
    tree = Tree()
    tree.feed(path.read_text("utf-8"))
    tree.close()
    assert tree.errors == [], tree.errors[:5]
    assert tree.stack == [], f"unclosed: {[t for t, _ in tree.stack]}"
    return tree


@pytest.fixture(scope="module")
def sample() -> tuple[Report, str]:
    report, doc = path_to_report(SAMPLE)
    return report, doc.text


def write_out(out: Path, report: Report, text: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{report.report.id}.txt").write_text(text, "utf-8")
    (out / f"{report.report.id}.json").write_text(report_to_json(report), "utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    report, doc = path_to_report(SAMPLE)
    write_report(report, doc, out)
    build_site(out)
    return out


def test_every_value_has_a_mark_whose_text_is_its_evidence(site: Path, sample: tuple[Report, str]) -> None:
    report, _ = sample
    tree = parse(site / "review" / f"{report.report.id}.html")
    values = [(k, i, ev) for k, i, ev in value_evidence(report) if ev is not None]
    assert len(values) >= 10 + 12 + 8
    for kind, index, ev in values:
        mid = f"v-{kind}-{index}"
        assert mid in tree.mark_text, f"no mark for {mid}"
        assert tree.mark_text[mid] == ev.text
        assert tree.mark_attrs[mid]["data-kind"] == kind and tree.mark_attrs[mid]["data-index"] == str(index)
    assert len(tree.mark_text) == len(values)


def test_panel_entries_and_marks_link_to_each_other(site: Path, sample: tuple[Report, str]) -> None:
    report, _ = sample
    tree = parse(site / "review" / f"{report.report.id}.html")
    hrefs = {h for _, h in tree.hrefs}
    for mid in tree.mark_text:
        key = mid[2:]
        assert f"#v-{key}" in hrefs, f"panel entry does not link to {mid}"
        assert f"#p-{key}" in hrefs, f"mark {mid} does not link back"
    html = (site / "review" / f"{report.report.id}.html").read_text("utf-8")
    assert 'id="p-grade-0"' in html and "graded_count_mismatch" in html
    assert re.search(r'<aside class="warn"[^>]*data-key="warning-0"', html), "warning not shown by its text"


def test_overview_grid_has_the_ten_grades_as_text(site: Path, sample: tuple[Report, str]) -> None:
    report, _ = sample
    tree = parse(site / "review" / "index.html")
    cells = tree.cells[report.report.id]
    shown = [c for c in cells if c in {"Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"}]
    assert len(report.grades) == 10
    assert sorted(shown) == sorted(g.grade for g in report.grades)
    assert "not graded" in cells  # the ungraded victim service assessment
    hrefs = {h for _, h in tree.hrefs}
    assert all(f"{report.report.id}.html#v-grade-{i}" in hrefs for i in range(10))
    assert f"{report.report.id}.html#v-case-0" in hrefs  # the case chart links to evidence too


def test_pages_are_self_contained(site: Path) -> None:
    for page in (site / "review").glob("*.html"):
        html = page.read_text("utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', html), page.name
        assert "Content-Security-Policy" in html and "<style>" in html
        assert parse(page).scripts == 1


def test_hostile_text_is_escaped(tmp_path: Path, sample: tuple[Report, str]) -> None:
    report, text = sample
    evil = "<script>alert('x')</script> & \"quoted\" <img src=x onerror=alert(1)>"
    start = len(text) + 1
    text2 = f"{text}\n{evil}"
    ev = Evidence(text=evil, start=start, end=start + len(evil))
    warning = Warning(code="evil", message="</pre><script>alert(2)</script>", stage="extract", evidence=ev)
    info = report.report.model_copy(update={"force": 'Evil "<b>Force</b>'})
    hostile = report.model_copy(update={"report": info, "warnings": [*report.warnings, warning]})
    write_out(tmp_path, hostile, text2)
    build_site(tmp_path)
    for name in (f"{report.report.id}.html", "index.html"):
        page = tmp_path / "review" / name
        html = page.read_text("utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Force" not in html
        assert parse(page).scripts == 1
    html = (tmp_path / "review" / f"{report.report.id}.html").read_text("utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    tree = parse(tmp_path / "review" / f"{report.report.id}.html")
    assert tree.mark_text[f"v-warning-{len(report.warnings)}"] == evil


def test_output_is_deterministic(tmp_path: Path, site: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in site.glob("*.*"):
        shutil.copy(f, copy / f.name)
    build_site(copy)
    build_site(copy)  # again over its own output
    first = {p.name: p.read_bytes() for p in (site / "review").iterdir()}
    second = {p.name: p.read_bytes() for p in (copy / "review").iterdir()}
    assert first == second


def test_value_json_is_what_the_standard_encoder_writes(sample: tuple[Report, str]) -> None:
    """The panel shows each value's fields with pydantic's serializer; it must write what
    ``json.dumps(model_dump(mode="json"), indent=2, ensure_ascii=False)`` writes (float forms, non-ASCII)."""
    report, _ = sample
    models = [model for _, _, _, model in _items(report)]
    assert len(models) > 30
    for model in models:
        standard = json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False)
        assert model.model_dump_json(indent=2) == standard


def test_non_reports_and_missing_text_are_reported_not_fatal(tmp_path: Path, sample: tuple[Report, str]) -> None:
    report, text = sample
    write_out(tmp_path, report, text)
    (tmp_path / f"{report.report.id}.txt").unlink()
    (tmp_path / "manifest.json").write_text('{"tables": []}', "utf-8")
    build_site(tmp_path)
    index = (tmp_path / "review" / "index.html").read_text("utf-8")
    assert "manifest.json" in index
    page = (tmp_path / "review" / f"{report.report.id}.html").read_text("utf-8")
    assert "is missing" in page and "evidence not found in the text" in page
    parse(tmp_path / "review" / f"{report.report.id}.html")


def test_overlapping_values_nest_without_breaking_markup() -> None:
    text = "abcdefghijklmnopqrst"
    spans = [Span(0, 10, "case", 0), Span(5, 15, "ci", 0), Span(5, 15, "warning", 0), Span(2, 4, "pct", 0)]
    html = render_line(text, 0, len(text), spans, MarkState())
    tree = Tree()
    tree.feed(f"<p>{html}</p>")
    assert tree.errors == [] and tree.stack == []
    assert tree.mark_text == {"v-case-0": "abcdefghij", "v-ci-0": "fghij", "v-warning-0": "fghij", "v-pct-0": "cd"}
    assert html.count('data-part="cont"') == 2  # the rest of ci-0 and warning-0, after case-0 closes
    assert re.sub(r"<[^>]+>", "", html) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=8), st.text(max_size=30))
def test_any_spans_give_valid_nesting_and_keep_the_text(pairs: list[tuple[int, int]], raw: str) -> None:
    text = (raw + "x<&>\"'" * 6)[:30]
    spans = [Span(min(a, b), max(a, b), "case", i) for i, (a, b) in enumerate(pairs)]
    html = render_line(text, 0, len(text), spans, MarkState())
    tree = Tree()
    tree.feed(f"<p>{html}</p>")
    tree.close()
    assert tree.errors == [] and tree.stack == []
    assert unescape(re.sub(r"<[^>]+>", "", html)) == text
    for i, (a, b) in enumerate(pairs):
        if a != b:
            assert f'id="v-case-{i}"' in html


def _png_rows(png: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, bit depth, the filtered rows) of a one-IDAT greyscale PNG."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert colour == 0
    idat = png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8]
    return width, height, depth, zlib.decompress(idat)


def test_png_encoder_packs_16_grey_levels_two_pixels_a_byte() -> None:
    buf = bytes([0, 255, 9, 9, 128, 64, 9, 9])  # 2x2 grey, stride 4: the padding (9) is not a pixel
    assert _png_rows(png_gray16(2, 2, 4, buf)) == (2, 2, 4, b"\x00\x0f\x00\x84")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9), st.integers(1, 5), st.integers(0, 3), st.data())
def test_png_encoder_shows_each_pixel_at_its_nearest_level(
    width: int, height: int, pad: int, data: st.DataObject
) -> None:
    stride = width + pad
    buf = data.draw(st.binary(min_size=stride * height, max_size=stride * height))
    w, h, depth, rows = _png_rows(png_gray16(width, height, stride, buf))
    assert (w, h, depth) == (width, height, 4)
    row_bytes = 1 + (width + 1) // 2
    assert len(rows) == height * row_bytes
    for y in range(height):
        row = rows[y * row_bytes : (y + 1) * row_bytes]
        assert row[0] == 0  # filter: None
        nibbles = [n for b in row[1:] for n in (b >> 4, b & 15)]
        shown = [n * 17 for n in nibbles[:width]]
        assert shown == [min(255, round(v / 17) * 17) for v in buf[y * stride : y * stride + width]]
        assert nibbles[width:] in ([], [0])  # an odd width's last nibble is padding


def _pdf_report(report: Report, pdf: Path) -> Report:
    box = PageBox(page=1, bbox=(72.0, 100.0, 300.0, 120.0))
    cases = list(report.case_counts)
    ev = cases[0].evidence.model_copy(update={"page": 1, "bbox": box.bbox, "boxes": [box]})
    cases[0] = cases[0].model_copy(update={"evidence": ev})
    data = pdf.read_bytes()
    source = report.report.source.model_copy(
        update={
            "name": pdf.name,
            "format": "pdf",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "pages": 1,
        }
    )
    return report.model_copy(
        update={"case_counts": cases, "report": report.report.model_copy(update={"source": source})}
    )


@pytest.mark.skipif(not SAMPLE_PDF.exists(), reason="fixtures/reports/*.pdf not generated yet")
def test_pdf_source_gets_page_image_with_the_value_box(tmp_path: Path, sample: tuple[Report, str]) -> None:
    import pypdfium2

    report, text = sample
    pdf = tmp_path / "src" / SAMPLE_PDF.name
    pdf.parent.mkdir()
    shutil.copy(SAMPLE_PDF, pdf)
    write_out(tmp_path / "out", _pdf_report(report, pdf), text)
    build_site(tmp_path / "out", sources=pdf.parent)
    html = (tmp_path / "out" / "review" / f"{report.report.id}.html").read_text("utf-8")
    m = re.search(r'<figure class="page" id="page-1".*?src="data:image/png;base64,([^"]+)"', html)
    assert m, "no page image for page 1"
    png = base64.b64decode(m.group(1))
    doc = pypdfium2.PdfDocument(str(pdf))
    w, h = doc[0].get_size()
    doc.close()
    assert png.startswith(b"\x89PNG") and abs(struct.unpack(">I", png[16:20])[0] - w * RENDER_SCALE) <= 1
    box = re.search(r'<a class="box k-case" data-kind="case" data-key="case-0" href="#p-case-0" style="([^"]+)"', html)
    assert box, "no box for case-0"
    assert f"left:{100 * 72 / w:.3f}%;top:{100 * 100 / h:.3f}%" in box.group(1)
    assert 'href="#page-1"' in html  # the panel entry points at the page
    parse(tmp_path / "out" / "review" / f"{report.report.id}.html")
    # without the PDF beside the JSON or in --sources: a note, no images, no crash
    build_site(tmp_path / "out")
    html = (tmp_path / "out" / "review" / f"{report.report.id}.html").read_text("utf-8")
    assert "not found" in html and "data:image/png" not in html


@pytest.mark.skipif(not SAMPLE_PDF.exists(), reason="fixtures/reports/*.pdf not generated yet")
def test_extracted_pdf_has_a_box_for_every_boxed_value(tmp_path: Path) -> None:
    pytest.importorskip("peelextract.ingest.pdf", reason="the PDF reader has not landed yet")
    report, doc = path_to_report(SAMPLE_PDF)
    write_report(report, doc, tmp_path)
    build_site(tmp_path, sources=SAMPLE_PDF.parent)
    page = tmp_path / "review" / f"{report.report.id}.html"
    html = page.read_text("utf-8")
    boxed = [(f"{k}-{i}", ev) for k, i, ev in value_evidence(report) if ev is not None and ev.boxes]
    assert len(boxed) >= 20
    for key, ev in boxed:
        assert html.count(f'data-key="{key}" href="#p-{key}" style=') == len(ev.boxes), key
        for pb in ev.boxes:
            assert f'<figure class="page" id="page-{pb.page}"' in html
    tree = parse(page)
    assert all(tree.mark_text[f"v-{key}"] == ev.text for key, ev in boxed)


def test_cli_review_writes_the_site(
    tmp_path: Path, sample: tuple[Report, str], capsys: pytest.CaptureFixture[str]
) -> None:
    report, text = sample
    write_out(tmp_path, report, text)
    assert main(["review", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "review" / "index.html")
    assert (tmp_path / "review" / f"{report.report.id}.html").is_file()
    assert main(["review", str(tmp_path / "nope")]) == 2


def test_no_doubled_footnote_marker_after_of_these_12(site: Path, sample: tuple[Report, str]) -> None:
    """ "graded judgments in 11 of these 12" is both the graded-area count and the evidence of the
    graded_count_mismatch warning: one back link ("[1]") follows it, not "[1][1]"; the warning's own link is
    its note beside the line."""
    report, _ = sample
    html = (site / "review" / f"{report.report.id}.html").read_text("utf-8")
    after = html.split("graded judgments in 11 of these 12", 1)[1].split(" as follows", 1)[0]
    assert re.findall(r'<a class="back" href="([^"]+)"', after) == ["#p-count-0"]
    assert after.count("<a ") == 1
    assert re.search(r'<aside class="warn"[^>]*data-key="warning-0".*?href="#p-warning-0"', html)


@pytest.mark.parametrize("ext", ["pdf", "html"])
def test_summary_grade_table_is_shown_as_a_table(tmp_path: Path, ext: str) -> None:
    """The summary grade table (one cell a line in the text) is drawn as a table: the two column heads,
    then one row per area with its grade, each cell keeping its marks."""
    report, doc = path_to_report(SAMPLE.with_suffix(f".{ext}"))
    write_report(report, doc, tmp_path)
    build_site(tmp_path)
    page = tmp_path / "review" / f"{report.report.id}.html"
    html = page.read_text("utf-8")

    def texts(cells: list[str]) -> list[str]:
        return [" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells]

    tables = re.findall(r'<table class="ln-table">(.*?)</table>', html)
    assert len(tables) == 1
    head = re.search(r"<thead>(.*?)</thead>", tables[0])
    assert head and texts(re.findall(r"<th[^>]*>(.*?)</th>", head.group(1))) == ["Area of policing", "Grade"]
    rows = [texts(re.findall(r"<td[^>]*>(.*?)</td>", tr)) for tr in re.findall(r"<tr>(.*?)</tr>", tables[0])[1:]]
    by_area = {g.area_title: g.grade for g in report.grades}
    assert len(rows) == len(report.grades) == 10
    assert all(len(r) == 2 and by_area.get(r[0]) == r[1] for r in rows), rows
    assert 'data-role="table"' in tables[0]  # each grade's table witness is still marked
    assert '<p class="ln table-cell"' not in html  # no longer a list of lines
    parse(page)


def test_review_messages_agree_in_number(tmp_path: Path, sample: tuple[Report, str]) -> None:
    """One report, one round, one warning: "1 report in 1 round", "(1 report)", "1 warning"."""
    report, text = sample
    assert len(report.warnings) == 1
    write_out(tmp_path, report, text)
    build_site(tmp_path)
    index = (tmp_path / "review" / "index.html").read_text("utf-8")
    assert "1 report in 1 round." in index
    assert "(1 report)" in index and "1 reports" not in index
    assert "1 warning)" in index and "1 warnings" not in index
    assert "10 grades, 12 case counts" in index


def test_overview_offers_every_round_and_all_rounds_in_one_click(site: Path, tmp_path: Path) -> None:
    """A button per round present and one for all of them (the page's JS shows the round clicked)."""
    for name in ("northshire-police_peel-2018-19-synthetic.txt", "southvale-constabulary_peel-2023-25-synthetic.txt"):
        other, doc = path_to_report(SAMPLE.parent / name)
        write_report(other, doc, tmp_path)
    for f in site.glob("*.*"):
        shutil.copy(f, tmp_path / f.name)
    build_site(tmp_path)
    index = (tmp_path / "review" / "index.html").read_text("utf-8")
    tabs = re.findall(r'<button type="button" class="round-tab" data-round="([^"]+)"', index)
    assert tabs == ["round-2023-25", "round-2021-22", "round-2018-19", "all"]
    assert all(f'<section class="round" id="{t}"' in index for t in tabs[:-1])


def test_the_panel_names_what_each_number_measures(site: Path, sample: tuple[Report, str]) -> None:
    """Issue 12: each CI value's entry names its measure, each case count its population, each percentage its
    kind and what it is of — beside the value, without opening its JSON."""
    report, _ = sample
    html = (site / "review" / f"{report.report.id}.html").read_text("utf-8")

    def entry(key: str) -> str:
        found = re.search(rf'<li [^>]*id="p-{key}"[^>]*>(.*?)<details>', html, flags=re.S)
        assert found, f"no panel entry p-{key}"
        return unescape(re.sub(r"<[^>]+>", "", found[1]))

    for i, ci in enumerate(report.ci_percentages):
        assert MEASURE_NAMES[ci.measure] in entry(f"ci-{i}")
    assert "statistically significant improvement" in entry("ci-0")
    for i, case in enumerate(report.case_counts):
        assert f"{case.x} of {case.y} {case.population_text}" in entry(f"case-{i}")
    assert "share of PIP2 investigator posts" in " ".join(entry(f"pct-{i}") for i in range(len(report.percentages)))
