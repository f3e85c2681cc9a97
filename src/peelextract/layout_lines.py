"""Characters of one PDF page → lines, with footnote markers (small raised digits) taken out.

pdfium emits "\\r\\n" between lines and turns a line-end hyphen into U+FFFE with no line break after
it; both end a line here (the hyphen stays as the line's last character for the layout to judge). On a
tagged page a change of structure tag (artifact to content, one element to the next) ends a line too, so
each line carries one tag: a page number drawn beside body text, or two table cells on one baseline,
become lines of their own.
"""

from __future__ import annotations

import logging
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from peelextract.models import BBox
from peelextract.pages import PdfPage

log = logging.getLogger(__name__)

_BREAKS = frozenset("\r\n")
_SOFT = frozenset("\ufffe\x02")


@dataclass(frozen=True)
class Line:
    page: int
    chars: list[tuple[str, BBox]]
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool
    tag: int = 0  # the structure tag of its characters (see PdfPage.tags); 0 when untagged


def _make_line(page: int, idx: list[int], p: PdfPage, tag: int = 0) -> Line | None:
    text, sizes_of, boxes = p.text, p.sizes, p.boxes
    sizes = Counter(sizes_of[i] for i in idx if text[i] != " ")
    if not sizes:
        return None
    size = sizes.most_common(1)[0][0]
    base = max(boxes[4 * i + 3] for i in idx if abs(sizes_of[i] - size) < 0.2)
    kept: list[tuple[str, BBox]] = []
    last = len(idx) - 1
    for pos, i in enumerate(idx):
        ch = text[i]
        k = 4 * i
        if ch in _SOFT and pos < last:
            ch = "-"  # a hyphen inside a line (U+2011 in the source), not a line-end break
        # A footnote marker: a digit in markedly smaller type whose bottom sits above the baseline.
        elif ch.isdigit() and sizes_of[i] <= size * 0.85 and boxes[k + 3] < base - size * 0.15:
            continue
        kept.append((ch, (boxes[k], boxes[k + 1], boxes[k + 2], boxes[k + 3])))
    while kept and kept[-1][0].isspace():
        kept.pop()
    while kept and kept[0][0].isspace():
        kept.pop(0)
    if not kept:
        return None
    heavy = sum(1 for i in idx if p.weights[i] >= 600 and not p.text[i].isspace())
    return Line(
        page=page,
        chars=kept,
        text="".join(c for c, _ in kept),
        top=min(b[1] for _, b in kept),
        bottom=max(b[3] for _, b in kept),
        x0=min(b[0] for _, b in kept),
        x1=max(b[2] for _, b in kept),
        size=size,
        bold=heavy * 2 > sum(1 for c, _ in kept if not c.isspace()),
        tag=tag,
    )


def _breaks_line(p: PdfPage, i: int) -> bool:
    """pdfium's U+FFFE ends a line only when the next character sits lower; mid-line it stands for a
    non-breaking hyphen (U+2011) of the source."""
    n = len(p.text)
    j = i + 1
    while j < n and p.text[j] in _BREAKS:
        j += 1
    if j >= n:
        return True
    return bool(p.boxes[4 * j + 1] - p.boxes[4 * i + 1] > p.sizes[i] * 0.5)


def page_to_lines(p: PdfPage) -> list[Line]:
    if p.tags is not None:
        return [line for idx, tag in _tagged_runs(p, p.tags) if (line := _make_line(p.number, idx, p, tag))]
    lines: list[Line] = []
    current: list[int] = []
    for i, ch in enumerate(p.text):
        if ch in _BREAKS:
            if current:
                line = _make_line(p.number, current, p)
                if line:
                    lines.append(line)
                current = []
            continue
        current.append(i)
        if ch in _SOFT and _breaks_line(p, i):
            line = _make_line(p.number, current, p)
            if line:
                lines.append(line)
            current = []
    if current:
        line = _make_line(p.number, current, p)
        if line:
            lines.append(line)
    return lines


def _tagged_runs(p: PdfPage, tags: array) -> Iterator[tuple[list[int], int]]:  # type: ignore[type-arg]
    """The character indices of each line of a tagged page, with the tag of the line's characters: as
    ``page_to_lines`` splits them, and also where the tag of the next non-space character changes."""
    current: list[int] = []
    tag: int | None = None
    for i, ch in enumerate(p.text):
        if ch in _BREAKS:
            if current:
                yield current, tag or 0
            current, tag = [], None
            continue
        if ch != " ":
            if tag is not None and tags[i] != tag:
                yield current, tag
                current = []
            tag = tags[i]
        current.append(i)
        if ch in _SOFT and _breaks_line(p, i):
            yield current, tag or 0
            current, tag = [], None
    if current:
        yield current, tag or 0
