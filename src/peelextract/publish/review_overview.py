"""The overview page: per round, a force × area grid of grades and a chart of case findings per area.

Grid cells carry the grade name as text (colour is only a second cue) and link to the grade's mark on the
report page. Column headers are buttons that JS uses to sort the rows (``data-rank`` holds the grade's
position in ``GRADE_ORDER``). Without JS every round's grid and chart is shown; with JS one button per
round shows that round, and "All rounds" shows them all.
The chart draws each "x of y" finding as a bar filled to x/y, labelled "x/y" so y is readable as text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape

from peelextract.models import GRADE_ORDER, CaseCount, Report
from peelextract.rounds.vocab import AREAS, AREAS_BY_KEY, slug
from peelextract.text_utils import plural

log = logging.getLogger(__name__)

_AREA_ORDER = {a.key: i for i, a in enumerate(AREAS)}
RANK_UNGRADED, RANK_MISSING = len(GRADE_ORDER) + 1, len(GRADE_ORDER) + 2


def grade_class(grade: str) -> str:
    return "g-" + grade.lower().replace(" ", "-")


def _area_key(key: str | None) -> tuple[int, str]:
    return (_AREA_ORDER.get(key, len(_AREA_ORDER)), key or "~") if key else (len(_AREA_ORDER) + 1, "~")


def _area_title(key: str | None, reports: Sequence[Report]) -> str:
    if key is None:
        return "Not in a graded area"
    for r in reports:
        for g in r.grades:
            if g.area == key:
                return g.area_title
    area = AREAS_BY_KEY.get(key)
    return area.title if area else key


def _rounds(reports: Sequence[Report]) -> list[tuple[str, list[Report]]]:
    by_round: dict[str, list[Report]] = {}
    for r in reports:
        by_round.setdefault(r.report.round, []).append(r)
    return [
        (k, sorted(v, key=lambda r: (r.report.force, r.report.id))) for k, v in sorted(by_round.items(), reverse=True)
    ]


def _cell(r: Report, area: str) -> str:
    rid = r.report.id
    for i, g in enumerate(r.grades):
        if g.area == area:
            return (
                f'<td class="g {grade_class(g.grade)}" data-rank="{GRADE_ORDER.index(g.grade)}">'
                f'<a href="{rid}.html#v-grade-{i}">{escape(g.grade)}</a></td>'
            )
    if any(u.area == area for u in r.ungraded_areas):
        return f'<td class="g g-ungraded" data-rank="{RANK_UNGRADED}">not graded</td>'
    return (
        f'<td class="g g-none" data-rank="{RANK_MISSING}"><span aria-hidden="true">—</span>'
        '<span class="sr">no grade found</span></td>'
    )


def grade_grid(round_: str, reports: Sequence[Report]) -> str:
    """The force × area table of grades for one round."""
    areas = sorted(
        {g.area for r in reports for g in r.grades} | {u.area for r in reports for u in r.ungraded_areas}, key=_area_key
    )
    head = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" class="sort" data-col="{i + 1}">'
        f"{escape(_area_title(a, reports))}</button></th>"
        for i, a in enumerate(areas)
    )
    rows = []
    for r in reports:
        cells = "".join(_cell(r, a) for a in areas)
        rows.append(
            f'<tr data-report="{r.report.id}"><th scope="row" data-rank="{escape(r.report.force.lower())}">'
            f'<a href="{r.report.id}.html">{escape(r.report.force)}</a></th>{cells}</tr>'
        )
    return (
        f'<div class="grid-wrap"><table class="grid" data-round="{escape(round_)}">'
        f"<caption>Grades, PEEL {escape(round_)}: one row per report, one column per area</caption>"
        f'<thead><tr><th scope="col" aria-sort="none"><button type="button" class="sort" data-col="0">Force'
        f"</button></th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _bar(rid: str, index: int, c: CaseCount) -> str:
    mark = "✓" if c.polarity == "success" else "✗"
    title = f"{c.evidence.text} ({c.share:g}%, {c.polarity})"
    return (
        f'<a class="bar pol-{c.polarity}" href="{rid}.html#v-case-{index}" title="{escape(title)}">'
        f'<span class="fill" style="width:{c.share:.1f}%"></span>'
        f'<span class="lbl">{c.x}/{c.y} <span aria-label="{c.polarity}">{mark}</span></span></a>'
    )


def case_chart(reports: Sequence[Report]) -> str:
    """Case findings grouped by area: one row per report, one bar per finding."""
    by_area: dict[str | None, list[tuple[Report, list[str]]]] = {}
    for r in reports:
        per_area: dict[str | None, list[str]] = {}
        for i, c in enumerate(r.case_counts):
            per_area.setdefault(c.area, []).append(_bar(r.report.id, i, c))
        for area, bars in per_area.items():
            by_area.setdefault(area, []).append((r, bars))
    if not by_area:
        return '<p class="note">No case findings in these reports.</p>'
    blocks = []
    for area in sorted(by_area, key=_area_key):
        rows = "".join(
            f'<tr><th scope="row"><a href="{r.report.id}.html">{escape(r.report.force)}</a></th>'
            f'<td class="bars">{"".join(bars)}</td></tr>'
            for r, bars in by_area[area]
        )
        blocks.append(
            f'<div class="area-chart"><h4>{escape(_area_title(area, reports))}</h4>'
            f'<table class="cases"><tbody>{rows}</tbody></table></div>'
        )
    return (
        '<p class="note">Each bar is one "x of y" finding, filled to x/y; ✓ counts successes, ✗ failures.</p>'
        + "".join(blocks)
    )


def _legend() -> str:
    items = "".join(f'<li><span class="chip {grade_class(g)}">{escape(g)}</span></li>' for g in GRADE_ORDER)
    return f'<ul class="legend" aria-label="Grades, best first">{items}</ul>'


def _round_tabs(rounds: list[tuple[str, list[Report]]]) -> str:
    """One button per round present (newest first, the one shown at first) and "All rounds": any round,
    or all of them, is one click away. JS only: without it every round is shown."""
    tabs = [
        f'<button type="button" class="round-tab" data-round="round-{slug(r)}" aria-pressed="{str(i == 0).lower()}">'
        f"PEEL {escape(r)} <small>({plural(len(rs), 'report')})</small></button>"
        for i, (r, rs) in enumerate(rounds)
    ]
    if len(rounds) > 1:
        tabs.append(
            '<button type="button" class="round-tab" data-round="all" aria-pressed="false">'
            f"All rounds <small>({plural(sum(len(rs) for _, rs in rounds), 'report')})</small></button>"
        )
    return f'<div class="js-only round-tabs" role="group" aria-label="Round">{"".join(tabs)}</div>'


def overview_page(reports: Sequence[Report], skipped: Sequence[str]) -> str:
    """The body of the overview page."""
    rounds = _rounds(reports)
    sections = []
    for round_, rs in rounds:
        sections.append(
            f'<section class="round" id="round-{slug(round_)}" data-round="{escape(round_)}">'
            f"<h2>PEEL {escape(round_)} ({plural(len(rs), 'report')})</h2><h3>Grades</h3>{grade_grid(round_, rs)}"
            f"<h3>Case findings by area</h3>{case_chart(rs)}</section>"
        )
    links = "".join(
        f'<li><a href="{r.report.id}.html">{escape(r.report.force)} · PEEL {escape(r.report.round)}</a>'
        f" ({plural(len(r.grades), 'grade')}, {plural(len(r.case_counts), 'case count')}, "
        f"{plural(len(r.warnings), 'warning')})</li>"
        for r in sorted(reports, key=lambda r: r.report.id)
    )
    skipped_html = f'<p class="problem">Not reports, skipped: {escape(", ".join(skipped))}</p>' if skipped else ""
    empty = '<p class="note">No reports found.</p>' if not reports else ""
    return (
        f'<header class="top"><h1>PEEL review</h1><p>{plural(len(reports), "report")} in '
        f"{plural(len(rounds), 'round')}. "
        f"Grades per force and area, and case findings; each cell and bar links to its evidence.</p>"
        f"{_round_tabs(rounds)}{_legend()}</header>"
        f'<main class="overview">{empty}{"".join(sections)}<section class="reports"><h2>Reports</h2>'
        f"<ul>{links}</ul>{skipped_html}</section></main>"
    )
