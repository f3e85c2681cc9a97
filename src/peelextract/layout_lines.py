"""Characters of one PDF page → lines, with footnote markers (small raised digits) taken out.

pdfium emits "\\r\\n" between lines and turns a line-end hyphen into U+FFFE with no line break after
it; both end a line here (the hyphen stays as the line's last character for the layout to judge). On a
tagged page a change of structure tag (artifact to content, one element to the next) ends a line too, so
each line carries one tag: a page number drawn beside body text, or two table cells on one baseline,
become lines of their own.
"""

from __future__ import annotations

import logging
import struct
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from peelextract.models import BBox
from peelextract.pages import PdfPage

log = logging.getLogger(__name__)

_BREAKS = frozenset("\r\n")
_SOFT = frozenset("\ufffe\x02")


@dataclass(frozen=True)
class Line:
    page: int
    packed: bytes  # a box per character of ``text``, as float32 x0, top, x1, bottom (16 bytes a character)
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool
    tag: int = 0  # the structure tag of its characters (see PdfPage.tags); 0 when untagged

    @property
    def boxes(self) -> list[BBox]:
        return list(struct.iter_unpack("4f", self.packed))

    @property
    def chars(self) -> list[tuple[str, BBox]]:
        """(character, box) pairs: for the few lines read cell by cell (the grade table)."""
        return list(zip(self.text, self.boxes, strict=True))


@dataclass(frozen=True)
class _PageChars:
    """One page's per-character values as Python lists, converted once per page (C loops) rather than
    indexed out of the arrays several times per character: a line is then made of slices of these."""

    text: str
    x0: list[float]
    top: list[float]
    x1: list[float]
    bottom: list[float]
    sizes: list[float]
    heavy: list[bool]
    packed: bytes  # the boxes as float32 x0, top, x1, bottom: 16 bytes a character

    @classmethod
    def of(cls, p: PdfPage) -> _PageChars:
        import numpy as np

        grid = np.frombuffer(p.boxes, dtype=np.float32).reshape(-1, 4)
        x0, top, x1, bottom = (grid[:, k].tolist() for k in range(4))
        heavy = (np.frombuffer(p.weights, dtype=np.int16) >= 600).tolist()
        return cls(p.text, x0, top, x1, bottom, p.sizes.tolist(), heavy, p.boxes.tobytes())


_ASCII_DIGIT = regex.compile(r"[0-9]")
_SOFT_CHAR = regex.compile("[\ufffe\x02]")
_RUN = regex.compile(r"[^\r\n]+")


def _make_line(page: int, start: int, end: int, pc: _PageChars, tag: int = 0) -> Line | None:
    """The line of characters ``start:end`` (a run without line breaks), or None when it is blank."""
    seg = pc.text[start:end]
    sizes_of = pc.sizes[start:end]
    bottoms = pc.bottom[start:end]
    if sizes_of.count(sizes_of[0]) == len(sizes_of):  # one size throughout, the common case
        if not seg.strip(" "):
            return None
        size, base = sizes_of[0], max(bottoms)
    else:  # the most common size of the non-space characters, the first seen on a tie
        sizes = Counter([s for c, s in zip(seg, sizes_of, strict=True) if c != " "])
        if not sizes:
            return None
        size = sizes.most_common(1)[0][0]
        base = max([b for s, b in zip(sizes_of, bottoms, strict=True) if abs(s - size) < 0.2])
    # A footnote marker: a digit in markedly smaller type whose bottom sits above the baseline (none when no
    # character is that small: most lines are in one size).
    small, low = size * 0.85, base - size * 0.15
    drop: set[int] = set()
    if min(sizes_of) <= small:
        digits = (m.start() for m in _ASCII_DIGIT.finditer(seg)) if seg.isascii() else _digit_positions(seg)
        drop = {k for k in digits if sizes_of[k] <= small and bottoms[k] < low}
    # A soft hyphen before the line's last character is a hyphen inside a line (U+2011 in the source).
    has_soft = "\ufffe" in seg or "\x02" in seg
    soft = [m.start() for m in _SOFT_CHAR.finditer(seg, 0, len(seg) - 1)] if has_soft else []
    chars = seg
    if drop or soft:
        listed = list(seg)
        for k in soft:
            listed[k] = "-"
        keep = [k for k in range(len(seg)) if k not in drop]
        chars = "".join([listed[k] for k in keep])
    stripped = chars.lstrip()
    lead = len(chars) - len(stripped)
    stripped = stripped.rstrip()
    if not stripped:
        return None
    if drop or soft:  # the page indices of the characters kept
        kept = [start + k for k in keep[lead : lead + len(stripped)]]
        packed = b"".join([pc.packed[16 * i : 16 * i + 16] for i in kept])
        x0, top = min([pc.x0[i] for i in kept]), min([pc.top[i] for i in kept])
        x1, bottom = max([pc.x1[i] for i in kept]), max([pc.bottom[i] for i in kept])
    else:
        a, b = start + lead, start + lead + len(stripped)
        packed = pc.packed[16 * a : 16 * b]
        x0, top, x1, bottom = min(pc.x0[a:b]), min(pc.top[a:b]), max(pc.x1[a:b]), max(pc.bottom[a:b])
    heavy_of = pc.heavy[start:end]
    heavy = sum([1 for c, h in zip(seg, heavy_of, strict=True) if h and not c.isspace()]) if any(heavy_of) else 0
    return Line(
        page=page,
        packed=packed,
        text=stripped,
        top=top,
        bottom=bottom,
        x0=x0,
        x1=x1,
        size=size,
        bold=heavy > 0 and heavy * 2 > sum([1 for c in stripped if not c.isspace()]),
        tag=tag,
    )


def _digit_positions(seg: str) -> list[int]:
    return [k for k, c in enumerate(seg) if c.isdigit()]


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
    pc = _PageChars.of(p)
    runs = _tagged_runs(p, p.tags) if p.tags is not None else _runs(p)
    return [line for start, end, tag in runs if (line := _make_line(p.number, start, end, pc, tag))]


def _runs(p: PdfPage) -> Iterator[tuple[int, int, int]]:
    """(start, end, 0) of each line of an untagged page: the runs between pdfium's line breaks, split
    after a soft hyphen that ends a line."""
    for m in _RUN.finditer(p.text):
        start, end = m.span()
        for soft in _SOFT_CHAR.finditer(p.text, start, end):
            if _breaks_line(p, soft.start()):
                yield start, soft.end(), 0
                start = soft.end()
        if start < end:
            yield start, end, 0


def _tagged_runs(p: PdfPage, tags: array) -> Iterator[tuple[int, int, int]]:  # type: ignore[type-arg]
    """(start, end, tag) of each line of a tagged page, with the tag of the line's characters: as
    ``_runs`` splits them, and also where the tag of the next non-space character changes."""
    start = -1  # no line open
    tag: int | None = None
    for i, ch in enumerate(p.text):
        if ch in _BREAKS:
            if start >= 0:
                yield start, i, tag or 0
            start, tag = -1, None
            continue
        if ch != " ":
            if tag is not None and tags[i] != tag:
                yield start, i, tag
                start = -1
            tag = tags[i]
        if start < 0:
            start = i
        if ch in _SOFT and _breaks_line(p, i):
            yield start, i + 1, tag or 0
            start, tag = -1, None
    if start >= 0:
        yield start, len(p.text), tag or 0
