"""The side panel of the review page: every extracted value, a one-line label, and its JSON fields.

Each entry (``li#p-<kind>-<index>``) links to its mark in the text (``#v-<kind>-<index>``); the mark
links back. Values whose evidence is not in the text are listed with a note instead of a link.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from html import escape

from pydantic import BaseModel

from peelextract.models import AreaForImprovement, CaseCount, CIPercentage, Grade, Rate, Report
from peelextract.publish.review_marks import KINDS

log = logging.getLogger(__name__)


def _num(v: float) -> str:
    return f"{v:g}"


def grade_label(g: Grade) -> str:
    extra = f" (carried over from {g.carried_over_year})" if g.carried_over_year else ""
    changed = f", was {g.changed_from}" if g.changed_from else ""
    return f"{g.grade}: {g.area_title}{extra}{changed}"


def case_label(c: CaseCount) -> str:
    qual = f" {c.qualifier}" if c.qualifier else ""
    mark = "✓" if c.polarity == "success" else "✗"
    return f"{qual.strip() + ' ' if qual else ''}{c.x} of {c.y} ({_num(c.share)}%) {mark} {c.polarity}"


def ci_label(c: CIPercentage) -> str:
    year = f" {c.year}" if c.year else ""
    return f"{_num(c.value)}% ± {_num(c.ci)} ({_num(c.lower)}–{_num(c.upper)}) · {c.period}{year}"


def rate_label(r: Rate) -> str:
    avg = f" (England and Wales {_num(r.england_wales_average)})" if r.england_wales_average is not None else ""
    return f"{_num(r.value)} {r.unit} per {r.per:,} {r.denominator}{avg}"


def afi_label(a: AreaForImprovement) -> str:
    name = "Cause of concern" if a.kind == "cause_of_concern" else "Area for improvement"
    short = a.text if len(a.text) <= 110 else a.text[:107].rstrip() + "…"
    return f"{name}: {short}"


def _where(value: BaseModel) -> str:
    area = getattr(value, "area", None)
    section = getattr(value, "section", None)
    return str(area or section or "")


def _items(report: Report) -> Iterable[tuple[str, int, str, BaseModel]]:
    """(kind, index, label, model) for every value, in panel order."""
    labels: dict[str, list[tuple[str, BaseModel]]] = {
        "grade": [(grade_label(g), g) for g in report.grades],
        "ungraded": [(f"{u.area_title} (not graded)", u) for u in report.ungraded_areas],
        "count": [],
        "case": [(case_label(c), c) for c in report.case_counts],
        "ci": [(ci_label(c), c) for c in report.ci_percentages],
        "pct": [(f"{_num(p.value)}%", p) for p in report.percentages],
        "rate": [(rate_label(r), r) for r in report.rates],
        "afi": [(afi_label(a), a) for a in report.areas_for_improvement],
        "warning": [(f"{w.code}: {w.message}", w) for w in report.warnings],
    }
    gac = report.graded_area_count
    if gac is not None:
        labels["count"].append((f"Graded {gac.graded} of {gac.total} areas; {gac.found} grades found", gac))
    for kind, _ in KINDS:
        for index, (label, model) in enumerate(labels[kind]):
            yield kind, index, label, model


def _entry(kind: str, index: int, label: str, model: BaseModel, marked: set[str], pages: list[int]) -> str:
    key = f"{kind}-{index}"
    if key in marked:
        head = f'<a class="go" href="#v-{key}" data-key="{key}">{escape(label)}</a>'
    else:
        ev = getattr(model, "evidence", None)
        why = "no evidence" if ev is None else "evidence not found in the text"
        head = f'<span class="go nolink">{escape(label)}</span> <em class="miss">({why})</em>'
    where = _where(model)
    where_html = f' <span class="where">{escape(where)}</span>' if where else ""
    page_links = "".join(f' <a class="pg" href="#page-{p}" data-page="{p}">p.{p}</a>' for p in sorted(set(pages)))
    fields = json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False)
    return (
        f'<li class="entry k-{kind}" id="p-{key}" data-kind="{kind}" data-index="{index}" data-key="{key}" '
        f'tabindex="-1">{head}{where_html}{page_links}'
        f"<details><summary>JSON</summary><pre>{escape(fields)}</pre></details></li>"
    )


def panel_entries(report: Report, marked: set[str], box_pages: dict[str, list[int]]) -> tuple[str, dict[str, int]]:
    """The panel's groups of entries (HTML) and the number of values of each kind."""
    groups: dict[str, list[str]] = {}
    for kind, index, label, model in _items(report):
        key = f"{kind}-{index}"
        groups.setdefault(kind, []).append(_entry(kind, index, label, model, marked, box_pages.get(key, [])))
    parts = [
        f'<section class="group" data-kind="{kind}"><h2>{escape(name)} ({len(groups[kind])})</h2>'
        f'<ol class="entries">{"".join(groups[kind])}</ol></section>'
        for kind, name in KINDS
        if groups.get(kind)
    ]
    return "".join(parts), {k: len(v) for k, v in groups.items()}
