"""The areas of a round whose vocabulary is unknown (``RoundDecision.inferred``: 2025–27, or a later round such as
"PEEL 2027–29"), read from the report's own structure.

Shapes (each gives one area):
  - a summary list or table row "<Area>: <grade>" / "<Area> | <grade>" ("Answering and attending calls: Adequate");
  - a heading followed, within four blocks, by a judgment sentence whose activity covers the heading's words
    ("Safeguarding people at risk" … "Eastmarch Police is good at safeguarding people at risk.") or by a badge.
A title that is a known area title of any round ("Investigating crime", "Police powers and public treatment")
keeps that area's key; any other gets a key of its own, the slug of its title ("answering-and-attending-calls").
The area's title is the report's. Labels that read as sentences (a verb such as "is", "we", "grade") are not
titles: "We grade forces on a five-point scale: outstanding, …" names no area.
Expected: one area per graded area of the report (six in the 2025–27 fixture, five in the 2027–29 one).
"""

from __future__ import annotations

import dataclasses

import regex

from peelextract.document import Document
from peelextract.extract.grade_lists import PAIR
from peelextract.extract.judgments import find_judgments
from peelextract.models import RoundDecision
from peelextract.rounds.scales import GRADE_LINE
from peelextract.rounds.similarity import content_stems
from peelextract.rounds.vocab import BACK_TITLES, FRONT_TITLES, Area, area_for_title, slug

_SENTENCE_WORDS = regex.compile(r"\b(?:we|our|is|are|was|were|has|have|grade[sd]?|scale|means)\b", regex.IGNORECASE)
_MAX_WORDS = 12
_LOOKAHEAD = 4


def _title_like(label: str) -> bool:
    words = label.split()
    return 0 < len(words) <= _MAX_WORDS and not _SENTENCE_WORDS.search(label) and label.lower() not in FRONT_TITLES


def _area(title: str) -> Area:
    known = area_for_title(title)
    if known is not None:
        return dataclasses.replace(known, title=title, rounds=None, instead=None, round_titles=())
    return Area(slug(title), title, (title.lower(),), (title.lower(),))


def _listed_titles(doc: Document) -> list[str]:
    out: list[str] = []
    for b in doc.blocks:
        text = doc.block_text(b)
        if text.lower() in BACK_TITLES:
            break
        for m in PAIR.finditer(text):
            label = m.group("label").strip(" ,.-")
            if _title_like(label):
                out.append(label)
    return out


def _heading_titles(doc: Document, force: str) -> list[str]:
    out: list[str] = []
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if b.kind != "heading":
            continue
        title = doc.block_text(b).strip()
        if title.lower() in BACK_TITLES:
            break
        words = content_stems(title)
        if not _title_like(title) or len(words) < 2:
            continue
        for nxt in blocks[i + 1 : i + 1 + _LOOKAHEAD]:
            text = doc.block_text(nxt)
            if nxt.kind == "heading" and not GRADE_LINE.match(text):
                break
            if nxt.kind == "badge" or any(words <= content_stems(j.phrase) for j in find_judgments(text, force)):
                out.append(title)
                break
    return out


def document_to_report_areas(doc: Document, decision: RoundDecision, force: str) -> tuple[Area, ...]:
    """The areas the report's structure names, when the round's vocabulary is unknown; () otherwise."""
    if not decision.inferred:
        return ()
    found: dict[str, Area] = {}
    for title in [*_listed_titles(doc), *_heading_titles(doc, force)]:
        area = _area(title)
        found.setdefault(area.key, area)
    return tuple(found.values())
