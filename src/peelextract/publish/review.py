"""The review site: one static page per report showing each extracted value in its place, and an overview.

``build_site(OUT)`` reads every ``OUT/<id>.json`` (a Report) with its ``OUT/<id>.txt`` and writes
``OUT/review/<id>.html`` and ``OUT/review/index.html``. Pages are self-contained (CSS, JS and page images
inlined; a Content-Security-Policy forbids any network load), readable with JavaScript disabled (marks,
panel and grids are server-rendered; JS only adds focusing, filtering, sorting and the round selector)
and deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path

from peelextract.errors import ContractError, InputError
from peelextract.models import Report, Section
from peelextract.publish.files import atomic_write_text
from peelextract.publish.report_json import read_report_data, report_from_data
from peelextract.publish.review_marks import KINDS, MarkState, Span, collect_spans, render_line
from peelextract.publish.review_pages import pages_section, value_boxes
from peelextract.publish.review_values import panel_entries

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class Loaded:
    report: Report
    text: str | None
    path: Path


@cache
def asset(name: str) -> str:
    """A shipped CSS/JS file, to be inlined."""
    return resources.files("peelextract.publish").joinpath("assets", name).read_text("utf-8")


def page_shell(title: str, body: str, scripts: tuple[str, ...], body_class: str = "") -> str:
    script = "".join(f"<script>{asset(s)}</script>" for s in scripts)
    cls = f' class="{body_class}"' if body_class else ""
    return (
        '<!DOCTYPE html>\n<html lang="en" class="no-js"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{asset('review.css')}</style></head>"
        f"<body{cls}>{body}{script}</body></html>\n"
    )


def load_reports(out_dir: Path) -> tuple[list[Loaded], list[str]]:
    """Every Report in ``out_dir`` (sorted by id) and a note for each JSON file that is not one.

    A JSON object without ``schema_version`` is not a report and is listed as skipped; a report whose
    version this peelextract cannot read raises ``SchemaVersionError`` naming the file, as the dataset
    does, rather than silently leaving it out of the site.
    """
    loaded: list[Loaded] = []
    skipped: list[str] = []
    for path in sorted(out_dir.glob("*.json")):
        try:
            data = read_report_data(path)
            if "schema_version" not in data:
                raise ContractError(str(path), "no schema_version")
            report = report_from_data(data, path)
        except (InputError, ContractError) as exc:
            log.warning("review: skipping %s: not a report (%s)", path.name, exc.code)
            skipped.append(path.name)
            continue
        txt = path.with_suffix(".txt")
        text = txt.read_text("utf-8") if txt.is_file() else None
        loaded.append(Loaded(report, text, path))
    loaded.sort(key=lambda item: (item.report.report.id, item.path.name))
    return loaded, skipped


# --- the report text ---------------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _warning_asides(report: Report, spans: list[Span]) -> dict[int, list[str]]:
    """Warning notes keyed by the start of the value span they concern (only those with evidence)."""
    starts = {s.key: s.start for s in spans if s.role == "value"}
    out: dict[int, list[str]] = {}
    for i, w in enumerate(report.warnings):
        start = starts.get(f"warning-{i}")
        if start is None:
            continue
        out.setdefault(start, []).append(
            f'<aside class="warn" role="note" data-kind="warning" data-key="warning-{i}">'
            f"<strong>Warning ({escape(w.code)}):</strong> {escape(w.message)} "
            f'<a href="#p-warning-{i}">details</a></aside>'
        )
    return out


def _line_tag(start: int, sections: dict[int, Section], heads: set[int], kinds: dict[int, str]) -> tuple[str, str]:
    if start in sections:
        return "h2", "title"
    if start in heads:
        return "h3", "headline"
    return "p", kinds.get(start, "text").replace("_", "-")


def _section_open(s: Section) -> str:
    badge = f' <span class="chip g-{s.badge.lower().replace(" ", "-")}">{escape(s.badge)}</span>' if s.badge else ""
    area = f' data-area="{escape(s.area)}"' if s.area else ""
    return (
        f'<section class="sec role-{s.role}" id="s-{escape(s.id)}"{area}>'
        f'<div class="sec-meta">{escape(s.role.replace("_", " "))}{badge}</div>'
    )


def text_html(report: Report, text: str, spans: list[Span]) -> str:
    """The report text, line by line, grouped into its sections, with the value spans marked."""
    sections = {s.start: s for s in report.sections}
    heads = {f.start for s in report.sections for f in s.findings if f.headline is not None}
    kinds: dict[int, str] = {p.start: p.kind for s in report.sections for f in s.findings for p in f.paragraphs}
    asides = _warning_asides(report, spans)
    state = MarkState()
    parts: list[str] = []
    open_end: int | None = None
    for start, end in _lines(text):
        if open_end is not None and (start >= open_end or start in sections):
            parts.append("</section>")
            open_end = None
        if start in sections and open_end is None:
            parts.append(_section_open(sections[start]))
            open_end = sections[start].end
        tag, cls = _line_tag(start, sections, heads, kinds)
        line = [s for s in spans if s.start < end and s.end > start] if end > start else []
        parts.append(
            f'<{tag} class="ln {cls}" data-start="{start}">{render_line(text, start, end, line, state)}</{tag}>'
        )
        for s_start in sorted(k for k in asides if start <= k < max(end, start + 1)):
            parts.extend(asides[s_start])
    if open_end is not None:
        parts.append("</section>")
    return "".join(parts)


# --- the page ----------------------------------------------------------------------------------------


def _toc(report: Report) -> str:
    items = "".join(f'<li><a href="#s-{escape(s.id)}">{escape(s.title)}</a></li>' for s in report.sections)
    return (
        f'<nav class="toc" aria-label="Sections"><details><summary>Sections</summary><ol>{items}</ol></details></nav>'
    )


def _header(report: Report) -> str:
    info = report.report
    src = info.source
    pages = f", {src.pages} pages" if src.pages is not None else ""
    clues = "; ".join(info.round_decision.clues)
    return (
        f'<header class="top"><p class="crumb"><a href="index.html">All reports</a></p>'
        f"<h1>{escape(info.force)} · PEEL {escape(info.round)}</h1>"
        f'<dl class="meta"><dt>Report</dt><dd>{escape(info.id)}</dd>'
        f"<dt>Source</dt><dd>{escape(src.name)} ({escape(src.format)}{pages})</dd>"
        f"<dt>Round</dt><dd>{escape(info.round)} ({escape(info.round_decision.scale)}) "
        f'<span class="clues">{escape(clues)}</span></dd>'
        f"<dt>Extractor</dt><dd>{escape(report.extractor_version)}, "
        f"schema {escape(report.schema_version)}</dd></dl>"
        f"{_toc(report)}</header>"
    )


def _problems_html(report: Report, problems: list[str]) -> str:
    notes = [f'<li class="problem">{escape(p)}</li>' for p in problems]
    notes += [
        f'<li class="warn" data-kind="warning" data-key="warning-{i}"><strong>Warning ({escape(w.code)}):'
        f'</strong> {escape(w.message)} <a href="#p-warning-{i}">details</a></li>'
        for i, w in enumerate(report.warnings)
        if w.evidence is None
    ]
    return f'<ul class="notes" aria-label="Notes">{"".join(notes)}</ul>' if notes else ""


def _filters(counts: dict[str, int]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" data-kind="{k}" checked> {escape(name)} ({counts[k]})</label>'
        for k, name in KINDS
        if counts.get(k)
    )
    return (
        f'<fieldset class="filters js-only"><legend>Show</legend>{boxes}'
        '<button type="button" data-all="1">All</button><button type="button" data-all="0">None</button>'
        "</fieldset>"
    )


def report_page(item: Loaded, sources: Path | None) -> str:
    """The review page of one report."""
    report = item.report
    text = item.text or ""
    spans, problems = collect_spans(report, text)
    if item.text is None:
        problems.insert(0, f"{item.path.with_suffix('.txt').name} is missing: the text cannot be shown")
    pdf_dir = sources if sources is not None else item.path.parent
    pages, page_problems = pages_section(report, pdf_dir / Path(report.report.source.name).name)
    problems += page_problems
    marked = {s.key for s in spans if s.role == "value"}
    box_pages: dict[str, list[int]] = {}
    for b in value_boxes(report):
        box_pages.setdefault(b.key, []).append(b.box.page)
    entries, counts = panel_entries(report, marked, box_pages if pages else {})
    panel = (
        f'<aside class="panel" id="panel" aria-label="Extracted values">{_filters(counts)}'
        f'<div class="viewer js-only" id="viewer" aria-live="polite"></div>{entries}</aside>'
    )
    article = (
        f'<article class="text" id="text" aria-label="Report text">{_problems_html(report, problems)}'
        f"{text_html(report, text, spans)}{pages}</article>"
    )
    body = f'{_header(report)}<main class="review">{article}{panel}</main>'
    title = f"Review: {report.report.force} PEEL {report.report.round}"
    return page_shell(title, body, ("review.js",), "report")


def build_site(out_dir: Path, sources: Path | None = None) -> Path:
    """Write ``out_dir/review/index.html`` and one page per report; return the index path."""
    from peelextract.publish.review_overview import overview_page

    loaded, skipped = load_reports(out_dir)
    site = out_dir / "review"
    for item in loaded:
        path = site / f"{item.report.report.id}.html"
        atomic_write_text(path, report_page(item, sources))
        log.info("wrote %s", path)
    index = site / "index.html"
    atomic_write_text(
        index,
        page_shell(
            "PEEL review: grades and case findings",
            overview_page([i.report for i in loaded], skipped),
            ("overview.js",),
            "overview",
        ),
    )
    log.info("wrote %s (%d reports)", index, len(loaded))
    return index
