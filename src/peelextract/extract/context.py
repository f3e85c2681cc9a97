"""What every rule sees: the document, its sentences and sections, the round and the force."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from peelextract.document import Document
from peelextract.models import RoundDecision, Section, Warning
from peelextract.sections import SectionIndex


@dataclass
class Context:
    doc: Document
    sentences: list[tuple[int, int]]
    sections: SectionIndex
    round: RoundDecision
    force: str
    warnings: list[Warning] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sentence_starts = [s for s, _ in self.sentences]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i][0] <= offset < self.sentences[i][1]:
            return self.sentences[i]
        return offset, offset

    def section_at(self, offset: int) -> Section | None:
        return self.sections.at(offset)

    def section_id(self, offset: int) -> str | None:
        s = self.sections.at(offset)
        return s.id if s else None

    def area_at(self, offset: int) -> str | None:
        s = self.sections.at(offset)
        return s.area if s else None

    def in_back_matter(self, offset: int) -> bool:
        return self.sections.is_back_matter(offset)

    def warn(self, code: str, message: str, start: int | None = None, end: int | None = None) -> None:
        ev = self.doc.evidence(start, end) if start is not None and end is not None else None
        self.warnings.append(Warning(code=code, message=message, stage="extract", evidence=ev))
