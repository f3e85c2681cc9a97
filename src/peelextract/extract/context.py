"""What every rule sees: the document, its sentences and sections, the round and the force, and the area a
place in the document is about (the nearest question or area heading above it).

``context_area`` targets the question lines of 2015–2018/19 pillar pages ("How effective is the force at
protecting those who are vulnerable from harm, and supporting victims?"), area headings of 2021/22+
reports and the CDI titles ("Crime Data Integrity inspection 2019", "Overall judgment"): one area, or None
when a page title ("Cheshire 2017") or front-matter title ("Overall summary") comes first.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex

from peelextract.document import Document
from peelextract.models import RoundDecision, Section, Warning
from peelextract.rounds.vocab import (
    AREAS_BY_KEY,
    FRONT_TITLES,
    GENERIC_PILLAR_PHRASE,
    QUESTION,
    Area,
    area_for_question,
    area_for_title,
)
from peelextract.sections import SectionIndex

_CDI_TITLE = regex.compile(
    r"Crime Data Integrity (?:re-)?inspection(?: (?P<year>\d{4}))?$|"
    r"^(?:Revised )?overall judgment$",
    regex.IGNORECASE,
)
_PAGE_TITLE = regex.compile(r"^(?:[A-Z][\w'-]*(?: of| and)? ){1,4}(?:PEEL )?\d{4}(?:/\d\d)?$")
# Words too common in questions and activity phrases to show that one restates the other.
_STOP = frozenset(
    {
        "force",
        "forc",
        "const",
        "polic",
        "with",
        "that",
        "those",
        "from",
        "their",
        "this",
        "which",
        "does",
        "well",
        "what",
        "exten",
        "there",
        "into",
        "they",
    }
)
_CONTEXT_BLOCKS = 30


@dataclass
class Context:
    doc: Document
    sentences: list[tuple[int, int]]
    sections: SectionIndex
    round: RoundDecision
    force: str
    warnings: list[Warning] = field(default_factory=list)
    # The areas the report's own structure names, when the round's vocabulary is unknown (``report_areas``).
    report_areas: tuple[Area, ...] = ()

    def __post_init__(self) -> None:
        self._sentence_starts = [s for s, _ in self.sentences]
        # Computed once per document: rules look a block up once per sentence.
        self._block_starts = [b.start for b in self.doc.blocks]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i][0] <= offset < self.sentences[i][1]:
            return self.sentences[i]
        return offset, offset

    def block_index(self, offset: int) -> int:
        """Index of the block holding ``offset`` (the first block for an offset before every block)."""
        return max(0, bisect.bisect_right(self._block_starts, offset) - 1)

    def section_at(self, offset: int) -> Section | None:
        return self.sections.at(offset)

    def section_id(self, offset: int) -> str | None:
        s = self.sections.at(offset)
        return s.id if s else None

    def area_at(self, offset: int) -> str | None:
        s = self.sections.at(offset)
        return s.area if s else None

    def area_by_key(self, key: str) -> Area | None:
        """A vocabulary area, or one the report's structure named."""
        return AREAS_BY_KEY.get(key) or next((a for a in self.report_areas if a.key == key), None)

    def in_back_matter(self, offset: int) -> bool:
        return self.sections.is_back_matter(offset)

    def warn(self, code: str, message: str, start: int | None = None, end: int | None = None) -> None:
        ev = self.doc.evidence(start, end) if start is not None and end is not None else None
        self.warnings.append(Warning(code=code, message=message, stage="extract", evidence=ev))


def _stems(text: str) -> set[str]:
    return {w[:5] for w in regex.findall(r"[a-z]{4,}", text.lower())} - _STOP


def restates(phrase: str, context: str) -> bool:
    """The activity phrase shares at least two content words (by 5-letter stem) with a question or title."""
    return len(_stems(phrase) & _stems(context)) >= 2


def context_area(ctx: Context, offset: int, phrase: str | None) -> Area | None:
    """The area of the nearest question line, area heading or CDI title above ``offset`` (within 30 blocks,
    not past a page title or front-matter title). With a ``phrase``, only when the phrase restates it."""
    blocks = ctx.doc.blocks
    round_ = ctx.round.round
    for k in range(ctx.block_index(offset) - 1, max(-1, ctx.block_index(offset) - _CONTEXT_BLOCKS), -1):
        text = ctx.doc.block_text(blocks[k]).strip()
        low = text.lower().strip(" .:")
        if QUESTION.match(text):
            area = area_for_question(text, round_)
        elif _CDI_TITLE.search(text):
            area = AREAS_BY_KEY["crime-data-integrity"]
        elif blocks[k].kind == "heading" and area_for_title(text, round_) is not None:
            area = area_for_title(text, round_)
        elif _PAGE_TITLE.match(text) or low in FRONT_TITLES:
            return None
        else:
            continue
        if area is None or (phrase and not GENERIC_PILLAR_PHRASE.match(phrase) and not restates(phrase, text)):
            return None
        return area
    return None
