"""Sections: blocks → area → finding headline → paragraphs, with front and back matter marked.

A top-level section starts at a heading that names an area of the round's vocabulary, a front-matter
title ("Overall summary", "HM Inspector's observations") or a back-matter title ("About the data",
after which everything is back matter). Other headings are finding headlines inside the current
section. A grade badge belongs to the section it stands in, wherever in the section it stands: the
text edition puts it at the end, the HTML edition right after the title.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass

from peelextract.document import Block, Document
from peelextract.models import Finding, Paragraph, Section, SectionRole
from peelextract.rounds.scales import grade_named
from peelextract.rounds.vocab import BACK_TITLES, FRONT_TITLES, area_for_title, slug

log = logging.getLogger(__name__)

# Sub-sections that repeat an area title inside another area (2021/22 reports put "Crime data integrity"
# and "Victim service assessment" inside "Providing a service to the victims of crime").
_SUBORDINATE = {"victim-service": frozenset({"victim-service", "crime-data-integrity"})}


@dataclass(frozen=True)
class _Top:
    title: str
    role: SectionRole
    area: str | None
    block_index: int


def _top_heading(doc: Document, block: Block, current: _Top | None, own: dict[str, str] | None = None) -> _Top | None:
    if block.kind != "heading":
        return None
    title = doc.block_text(block)
    low = title.lower().strip(" .:")
    if current is not None and current.role == "back_matter":
        return None
    if low in BACK_TITLES[:1]:
        return _Top(title, "back_matter", None, -1)
    if low in FRONT_TITLES:
        return _Top(title, "front_matter", None, -1)
    own_key = (own or {}).get(low)
    if own_key is not None:
        return _Top(title, "area", own_key, -1)
    area = area_for_title(title)
    if area is None:
        return None
    if current is not None and current.area is not None and area.key in _SUBORDINATE.get(current.area, ()):
        return None
    return _Top(title, "area", area.key, -1)


def _findings(doc: Document, blocks: list[Block]) -> list[Finding]:
    findings: list[Finding] = []
    headline: Block | None = None
    paras: list[Paragraph] = []

    def close() -> None:
        if headline is None and not paras:
            return
        start = headline.start if headline else paras[0].start
        end = paras[-1].end if paras else headline.end  # type: ignore[union-attr]
        findings.append(
            Finding(
                headline=doc.block_text(headline) if headline else None, start=start, end=end, paragraphs=list(paras)
            )
        )

    for b in blocks:
        if b.kind == "heading":
            close()
            headline, paras = b, []
        else:
            paras.append(Paragraph(kind=b.kind, start=b.start, end=b.end))
    close()
    return findings


def _section(doc: Document, top: _Top, blocks: list[Block], used: set[str]) -> Section:
    sid = slug(top.title)
    n = 2
    while sid in used:
        sid, n = f"{slug(top.title)}-{n}", n + 1
    used.add(sid)
    body = blocks[1:] if blocks and blocks[0].kind == "heading" and doc.block_text(blocks[0]) == top.title else blocks
    badges = [grade_named(doc.block_text(b)) for b in body if b.kind == "badge"]
    return Section(
        id=sid,
        title=top.title,
        role=top.role,
        area=top.area,
        start=blocks[0].start,
        end=blocks[-1].end,
        page=blocks[0].page,
        badge=badges[-1] if badges and top.role == "area" else None,
        findings=_findings(doc, body),
    )


def document_to_sections(doc: Document, own_areas: dict[str, str] | None = None) -> list[Section]:
    """Split a document's blocks into top-level sections, in order, covering every block. ``own_areas`` maps the
    lower-cased titles of areas the report's structure names (a round whose vocabulary is unknown) to their keys."""
    groups: list[tuple[_Top, list[Block]]] = []
    current: _Top | None = None
    for block in doc.blocks:
        top = _top_heading(doc, block, current, own_areas)
        if top is not None:
            current = top
            groups.append((top, [block]))
        elif not groups:
            current = _Top("Preamble", "other", None, -1)
            groups.append((current, [block]))
        else:
            groups[-1][1].append(block)
    used: set[str] = set()
    return [_section(doc, top, blocks, used) for top, blocks in groups]


class SectionIndex:
    """Find the section that holds a character offset."""

    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self._starts = [s.start for s in sections]

    def at(self, offset: int) -> Section | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        s = self.sections[i]
        return s if offset <= s.end else None

    def is_back_matter(self, offset: int) -> bool:
        s = self.at(offset)
        return s is not None and s.role == "back_matter"
