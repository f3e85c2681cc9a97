"""Areas for improvement and causes of concern, as items with their area.

Targets:
    a heading "Areas for improvement" / "Area for improvement 1" / "Cause of concern" followed by the
    items (paragraphs or list items) up to the next heading;
    "In our 2018 PEEL inspection of Cleveland Police, we established an area for improvement:" followed
    by the quoted item on the next line.
Expected: one item per paragraph or list item under such a heading, one per introduced quotation.
"""

from __future__ import annotations

import logging

import regex

from peelextract.extract.context import Context
from peelextract.models import AreaForImprovement

log = logging.getLogger(__name__)

_HEADING = regex.compile(r"^(?P<kind>areas? for improvement|causes? of concern)(?:\s+\d+)?\b(?::\s*(?P<rest>.+))?$",
                         regex.IGNORECASE)
_INTRO = regex.compile(r"\b(?:established|identified|raised) (?:an?|the following) "
                       r"(?P<kind>area for improvement|cause of concern)s?:\s*$", regex.IGNORECASE)


def _kind(word: str) -> str:
    return "cause_of_concern" if "concern" in word.lower() else "area_for_improvement"


def extract_improvements(ctx: Context) -> list[AreaForImprovement]:
    out: list[AreaForImprovement] = []
    blocks = ctx.doc.blocks
    active: str | None = None
    for i, b in enumerate(blocks):
        text = ctx.doc.block_text(b)
        if ctx.in_back_matter(b.start):
            break
        if b.kind == "heading":
            m = _HEADING.match(text)
            active = _kind(m.group("kind")) if m else None
            continue
        intro = _INTRO.search(text)
        if active is None and intro and i + 1 < len(blocks) and blocks[i + 1].kind != "heading":
            nxt = blocks[i + 1]
            out.append(_item(ctx, _kind(intro.group("kind")), nxt.start, nxt.end))
            continue
        if active is not None and b.kind in ("paragraph", "list_item"):
            out.append(_item(ctx, active, b.start, b.end))
    return out


def _item(ctx: Context, kind: str, start: int, end: int) -> AreaForImprovement:
    text = ctx.doc.text[start:end]
    return AreaForImprovement(
        kind="cause_of_concern" if kind == "cause_of_concern" else "area_for_improvement", text=text,
        area=ctx.area_at(start), section=ctx.section_id(start), evidence=ctx.doc.evidence(start, end))
