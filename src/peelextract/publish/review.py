"""The review site: one static page per report showing each extracted value in its place, and an overview.

``build_site(OUT)`` reads every ``OUT/<id>.json`` (a Report) with its ``OUT/<id>.txt`` and writes
``OUT/review/<id>.html`` and ``OUT/review/index.html``. Pages are self-contained (CSS, JS and page images
inlined; a Content-Security-Policy forbids any network load), readable with JavaScript disabled (marks,
panel and grids are server-rendered; JS only adds focusing, filtering, sorting and the round selector)
and deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from peelextract.errors import ContractError, InputError
from peelextract.models import Report
from peelextract.progress import Progress
from peelextract.publish.files import atomic_write_text
from peelextract.publish.report_json import read_report_data, report_from_data
from peelextract.publish.review_marks import KINDS, MarkState, collect_spans
from peelextract.publish.review_pages import pages_section, passage_links, sha256_file, value_boxes
from peelextract.publish.review_text import text_html
from peelextract.publish.review_values import panel_entries
from peelextract.publish.sources import find_source, kept_path, prune_sources
from peelextract.text_utils import plural

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


def page_shell(title: str, body: str, scripts: tuple[str, ...], body_class: str = "", key: str = "") -> str:
    script = "".join(f"<script>{asset(s)}</script>" for s in scripts)
    cls = f' class="{body_class}"' if body_class else ""
    stamp = f'<meta name="{KEY_META}" content="{key}">' if key else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en" class="no-js"><head><meta charset="utf-8">{stamp}'
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
    loaded, skipped = _load_paths(sorted(out_dir.glob("*.json")))
    loaded.sort(key=lambda item: (item.report.report.id, item.path.name))
    return loaded, skipped


def _load_paths(paths: list[Path]) -> tuple[list[Loaded], list[str]]:
    loaded: list[Loaded] = []
    skipped: list[str] = []
    for path in paths:
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
    return loaded, skipped


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


def _found_source(item: Loaded, sources: Path | None) -> Path | None:
    """The report's source file: kept in OUT by its sha256, then in ``sources``, then beside the JSON
    (``publish.sources.find_source``)."""
    return find_source(item.path.parent, item.report.report.source, sources, item.path.parent)


def _source_view(item: Loaded, found: Path | None, site: Path) -> tuple[str, list[str], MarkState]:
    """The report's source as the page shows it: PDF page images (HTML), or each value's link into its
    HTML source ``found`` (in the returned mark state); and problems to show."""
    src = item.report.report.source
    state = MarkState()
    if src.format == "pdf":
        pages, problems = pages_section(item.report, found)
        return pages, problems, state
    if src.format == "html" and found is not None:
        href = quote(Path(os.path.relpath(found, site)).as_posix())
        state.source_links.update(passage_links(item.report, found, href))
    return "", [], state


def report_page(item: Loaded, found: Path | None, site: Path | None = None, key: str = "") -> str:
    """The review page of one report whose source file is ``found`` (``_found_source``), written into
    ``site``, by default ``OUT/review``."""
    report = item.report
    text = item.text or ""
    spans, problems = collect_spans(report, text)
    if item.text is None:
        problems.insert(0, f"{item.path.with_suffix('.txt').name} is missing: the text cannot be shown")
    pages, page_problems, state = _source_view(item, found, site or item.path.parent / "review")
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
        f"{text_html(report, text, spans, state)}{pages}</article>"
    )
    body = f'{_header(report)}<main class="review">{article}{panel}</main>'
    title = f"Review: {report.report.force} PEEL {report.report.round}"
    return page_shell(title, body, ("review.js",), "report", key)


# A report's page carries the key of what it was made from (``page_key``): a page whose key still holds is
# not made again. Rendering a PDF report's page images is most of the site's cost (3.0 s of a 130-report
# ingest run), so a run that adds one report to a large OUT writes that report's page and the index, not
# every report's page again. An ingestion run has its extraction workers make the new reports' pages once
# they are all extracted (``orchestrate.site``), in parallel with the dataset update, so the site build
# that ends it writes only the index. (Making each page as the report is extracted was slower: 1.2× the
# run, since rendering then sits on the workers' path.)
KEY_META = "peelextract-review-key"
_KEY_PREFIX = f'<meta name="{KEY_META}" content="'


@cache
def _site_code() -> bytes:
    """This peelextract's code and the site's assets: a page made by another version is made again (what a
    page shows also comes from the value kinds, the vocabulary and the models, so all of it counts)."""
    package = resources.files("peelextract")
    files = sorted(
        (str(f), f) for f in Path(str(package)).rglob("*") if f.suffix in (".py", ".js", ".css") and f.is_file()
    )
    h = hashlib.sha256()
    for name, f in files:
        h.update(Path(name).relative_to(str(package)).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.digest()


def page_key(item: Loaded, found: Path | None, site: Path) -> str:
    """What a report's page is made from: the code, the report file, its text, and its source as found
    (where, relative to the site: an HTML page links to it; and its bytes, which decide the page images and
    whether they match: a kept source is named by its sha256, any other file is hashed)."""
    if found is None:
        source = b"none"
    else:
        where = Path(os.path.relpath(found, site)).as_posix()
        kept = found == kept_path(item.path.parent, item.report.report.source)
        source = f"{where}:{'kept' if kept else sha256_file(found)}".encode()
    h = hashlib.sha256(_site_code())
    for part in (item.path.read_bytes(), (item.text or "").encode("utf-8"), source):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def write_report_page(item: Loaded, sources: Path | None, site: Path) -> bool:
    """Write the report's page into ``site`` unless the page there was made from the same inputs; True when
    written."""
    path = site / f"{item.report.report.id}.html"
    found = _found_source(item, sources)
    key = page_key(item, found, site)
    if _page_key_of(path) == key:
        return False
    atomic_write_text(path, report_page(item, found, site, key))
    log.info("wrote %s", path)
    return True


def _page_key_of(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            head = fh.read(512).decode("utf-8", "replace")
    except OSError:
        return None
    at = head.find(_KEY_PREFIX)
    return head[at + len(_KEY_PREFIX) :].split('"', 1)[0] if at >= 0 else None


def write_review_page(report_json: Path) -> bool:
    """The page of one report in ``OUT/review`` (unless its key holds): what ``build_site`` writes for it,
    so that ingestion can make new reports' pages in parallel before the site build. False when the page
    was already current or the file is not a report (``build_site`` notes that)."""
    loaded, _ = _load_paths([report_json])
    return any(write_report_page(item, None, report_json.parent / "review") for item in loaded)


def build_site(out_dir: Path, sources: Path | None = None, *, quiet: bool = False) -> Path:
    """Write ``out_dir/review/index.html`` and one page per report; return the index path.

    On a terminal a progress bar counts the reports (rendering PDF pages takes a while); ``quiet`` hides
    it. Afterwards the kept sources no report refers to any more are pruned (``publish.sources``)."""
    from peelextract.publish.review_overview import overview_page

    started = time.time()
    loaded, skipped = load_reports(out_dir)
    site = out_dir / "review"
    with Progress(len(loaded), description="review", unit="report", quiet=quiet) as progress:
        for item in loaded:
            rid = item.report.report.id
            progress.start(rid)
            write_report_page(item, sources, site)
            progress.advance(rid)
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
    log.info("wrote %s (%s)", index, plural(len(loaded), "report"))
    prune_sources(out_dir, {i.report.report.source.sha256 for i in loaded}, older_than=started)
    return index
