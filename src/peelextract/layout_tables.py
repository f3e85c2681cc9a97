"""The summary grade table of the PDF editions: "Area of policing | Grade" rows after the opening.

A row's area cell may wrap onto two lines and its grade cell may sit on either line, so left-hand text
is accumulated until it names an area of the vocabulary, and the grade is the right-hand cell (a grade
word separated from the area text by a wide gap) found on any of those lines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import regex

from peelextract.layout_lines import Line
from peelextract.models import BBox
from peelextract.rounds.scales import GRADE_LINE, grade_pattern
from peelextract.rounds.vocab import area_for_title

log = logging.getLogger(__name__)

_TRAILING_GRADE = regex.compile(rf"\s(?:{grade_pattern()})$", regex.IGNORECASE)  # "Investigating crime Good"
_HEADER = regex.compile(r"^(?:area of policing|area|question|pillar)\s+grade$", regex.IGNORECASE)
Cell = list[tuple[str, BBox]]


@dataclass(frozen=True)
class TableRow:
    page: int
    top: float
    cells: list[Cell]


def _split_grade(line: Line) -> tuple[Cell, Cell | None]:
    """Split a line into (left text, grade cell) at the widest gap, when the right part is a grade word."""
    chars = line.chars
    best, at = 0.0, -1
    for k in range(1, len(chars)):
        gap = chars[k][1][0] - chars[k - 1][1][2]
        if gap > best:
            best, at = gap, k
    if at > 0 and best > line.size * 1.2:
        right = chars[at:]
        while right and right[0][0].isspace():
            right = right[1:]
        if GRADE_LINE.match("".join(c for c, _ in right).strip()):
            left = chars[:at]
            while left and left[-1][0].isspace():
                left = left[:-1]
            return left, right
    text = line.text.strip()
    m = _TRAILING_GRADE.search(text)
    if m and area_for_title(text[: m.start()]) is not None:
        return chars[: m.start()], chars[m.start() + 1 :]
    return chars, None


def read_grade_table(pages: list[list[Line]]) -> tuple[list[list[Line]], list[TableRow]]:
    """Find the table under its header line; return the pages without its lines, and its rows."""
    for pi, lines in enumerate(pages):
        for li, line in enumerate(lines):
            if _HEADER.match(line.text.strip()):
                rows, used = _rows(lines[li + 1 :])
                if rows:
                    header = TableRow(line.page, line.top, [line.chars])
                    kept = lines[:li] + lines[li + 1 + used :]
                    return [*pages[:pi], kept, *pages[pi + 1 :]], [header, *rows]
    return pages, []


def _rows(lines: list[Line]) -> tuple[list[TableRow], int]:
    rows: list[TableRow] = []
    pending: Cell = []
    grade: Cell | None = None
    start: Line | None = None
    used = 0
    for k, line in enumerate(lines):
        left, right = _split_grade(line)
        pending = [*pending, (" ", left[0][1])] if pending and left else pending
        pending = pending + left
        grade = grade or right
        start = start or line
        text = "".join(c for c, _ in pending).strip()
        if area_for_title(text) is not None and grade is not None:
            rows.append(TableRow(start.page, start.top, [pending, grade]))
            pending, grade, start, used = [], None, None, k + 1
        elif len(pending) > 160 or k - used >= 3:
            break
    return rows, used
