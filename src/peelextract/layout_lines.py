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
from typing import Any

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
    """One page's per-character values: text, font sizes and boldness as Python lists (converted once per page,
    read several times per character), the boxes as a float32 array (x0, top, x1, bottom; reduced per line in
    numpy) and as bytes (a line's boxes are a slice of them)."""

    text: str
    grid: Any  # numpy float32 array, one row (x0, top, x1, bottom) per character
    sizes: list[float]
    heavy: list[bool]
    packed: bytes  # the boxes as float32 x0, top, x1, bottom: 16 bytes a character

    @classmethod
    def of(cls, p: PdfPage) -> _PageChars:
        import numpy as np

        grid = np.frombuffer(p.boxes, dtype=np.float32).reshape(-1, 4)
        heavy = (np.frombuffer(p.weights, dtype=np.int16) >= 600).tolist()
        return cls(p.text, grid, p.sizes.tolist(), heavy, p.boxes.tobytes())


@dataclass(frozen=True)
class _Draft:
    """A line before its extent: its characters are ``start:end`` of the page, or the page indices ``kept``
    (a footnote marker dropped, a soft hyphen replaced)."""

    text: str
    start: int
    end: int
    kept: list[int] | None
    size: float
    bold: bool
    tag: int


_ASCII_DIGIT = regex.compile(r"[0-9]")
_SOFT_CHAR = regex.compile("[\ufffe\x02]")
_RUN = regex.compile(r"[^\r\n]+")


def _draft_line(start: int, end: int, pc: _PageChars, base: float, tag: int = 0) -> _Draft | None:
    """The line of characters ``start:end`` (a run without line breaks), or None when it is blank. ``base`` is
    the lowest character bottom of the run."""
    seg = pc.text[start:end]
    sizes_of = pc.sizes[start:end]
    bottoms: list[float] | None = None  # the characters' bottoms, read from the page's boxes when needed
    if sizes_of.count(sizes_of[0]) == len(sizes_of):  # one size throughout, the common case
        if not seg.strip(" "):
            return None
        size = sizes_of[0]
    else:  # the most common size of the non-space characters, the first seen on a tie
        sizes = Counter([s for c, s in zip(seg, sizes_of, strict=True) if c != " "])
        if not sizes:
            return None
        size = sizes.most_common(1)[0][0]
        bottoms = pc.grid[start:end, 3].tolist()
        base = max([b for s, b in zip(sizes_of, bottoms, strict=True) if abs(s - size) < 0.2])
    # A footnote marker: a digit in markedly smaller type whose bottom sits above the baseline (none when no
    # character is that small: most lines are in one size).
    small, low = size * 0.85, base - size * 0.15
    drop: set[int] = set()
    if min(sizes_of) <= small:
        if bottoms is None:
            bottoms = pc.grid[start:end, 3].tolist()
        digits = (m.start() for m in _ASCII_DIGIT.finditer(seg)) if seg.isascii() else _digit_positions(seg)
        drop = {k for k in digits if sizes_of[k] <= small and bottoms[k] < low}
    # A soft hyphen before the line's last character is a hyphen inside a line (U+2011 in the source).
    has_soft = any(c in seg for c in _SOFT)
    soft = [m.start() for m in _SOFT_CHAR.finditer(seg, 0, len(seg) - 1)] if has_soft else []
    chars = seg
    keep: list[int] = []
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
    heavy_of = pc.heavy[start:end]
    heavy = sum([1 for c, h in zip(seg, heavy_of, strict=True) if h and not c.isspace()]) if any(heavy_of) else 0
    bold = heavy > 0 and heavy * 2 > sum([1 for c in stripped if not c.isspace()])
    if drop or soft:  # the page indices of the characters kept
        kept = [start + k for k in keep[lead : lead + len(stripped)]]
        return _Draft(stripped, kept[0], kept[-1] + 1, kept, size, bold, tag)
    return _Draft(stripped, start + lead, start + lead + len(stripped), None, size, bold, tag)


def _reduce_runs(ufunc: Any, values: Any, spans: list[tuple[int, int]]) -> list[float]:
    """``ufunc`` reduced over each of ``spans`` (non-empty, in order, not overlapping) of ``values``, in one
    numpy call: ``reduceat`` over the starts and ends, every other result (the gaps between spans) dropped."""
    import numpy as np

    bounds = [i for span in spans for i in span]
    if bounds[-1] == len(values):
        bounds.pop()  # the last span runs to the end
    return ufunc.reduceat(values, np.array(bounds, dtype=np.intp))[::2].tolist()  # type: ignore[no-any-return]


def _lines(page: int, drafts: list[_Draft], pc: _PageChars) -> list[Line]:
    """The drafts with their extents: the min and max of their characters' boxes (a numpy reduction per
    coordinate for the page's contiguous lines; per line for the few with characters taken out)."""
    import numpy as np

    plain = [d for d in drafts if d.kept is None]
    spans = [(d.start, d.end) for d in plain]
    extents: dict[int, tuple[float, float, float, float]] = {}
    if spans:
        grid = pc.grid
        cols = (
            _reduce_runs(np.minimum, grid[:, 0], spans),
            _reduce_runs(np.minimum, grid[:, 1], spans),
            _reduce_runs(np.maximum, grid[:, 2], spans),
            _reduce_runs(np.maximum, grid[:, 3], spans),
        )
        extents = {id(d): e for d, e in zip(plain, zip(*cols, strict=True), strict=True)}
    out: list[Line] = []
    for d in drafts:
        if d.kept is None:
            x0, top, x1, bottom = extents[id(d)]
            packed = pc.packed[16 * d.start : 16 * d.end]
        else:
            rows = pc.grid[d.kept]
            x0, top = float(rows[:, 0].min()), float(rows[:, 1].min())
            x1, bottom = float(rows[:, 2].max()), float(rows[:, 3].max())
            packed = b"".join([pc.packed[16 * i : 16 * i + 16] for i in d.kept])
        out.append(Line(page, packed, d.text, top, bottom, x0, x1, d.size, d.bold, d.tag))
    return out


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
    import numpy as np

    pc = _PageChars.of(p)
    runs = list(_tagged_runs(p, p.tags) if p.tags is not None else _runs(p))
    if not runs:
        return []
    bases = _reduce_runs(np.maximum, pc.grid[:, 3], [(start, end) for start, end, _ in runs])
    drafts = [
        draft
        for (start, end, tag), base in zip(runs, bases, strict=True)
        if (draft := _draft_line(start, end, pc, base, tag))
    ]
    return _lines(p.number, drafts, pc)


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
