"""The document model: one normalised text per report, and a map from every character back to its source.

Normalisation (``normalise_char``) turns typographic variants into one form so rules can be simple:
curly quotes become straight, U+2011 and other hyphens become "-", ligatures are expanded, soft hyphens
dropped and every run of whitespace becomes one space. Each output character remembers the source
character it came from (an offset in the original text for text/HTML, a page and box for PDF), so
normalisation never shifts provenance: an expanded ligature's two letters both point at the ligature.

Blocks (heading, paragraph, list item, badge, caption, table cell, footnote) are joined with "\\n" into
``Document.text``; the separators point nowhere (offset -1, page 0).
"""

from __future__ import annotations

import logging
import struct
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal

import regex

from peelextract.models import BBox, Evidence, PageBox, Source

log = logging.getLogger(__name__)

BlockKind = Literal["heading", "paragraph", "list_item", "badge", "caption", "table_cell", "footnote"]

_REPLACE: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2212": "-",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u2026": "...",
}
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe")
_NO_BOX: BBox = (0.0, 0.0, 0.0, 0.0)
_SPECIAL = regex.compile(r"[^\x21-\x7e ]|  ")


def normalise_char(ch: str) -> str:
    """The normalised form of one source character: "" to drop it, " " for any whitespace."""
    if ch in _DROP:
        return ""
    if ch.isspace():
        return " "
    return _REPLACE.get(ch, ch)


def one_for_one(text: str) -> str | None:
    """``text`` normalised, when that maps each character to one character in place (no whitespace to
    collapse or strip, nothing dropped or expanded): printable ASCII and single spaces, curly quotes, a
    non-breaking hyphen, "£" or "é" (half of a PDF report's characters, plus nine in ten of the rest).
    None otherwise: the caller's per-character loop gives the same text for these and handles the rest."""
    if not text or text != text.strip():
        return None
    table: dict[int, str] = {}
    for m in _SPECIAL.finditer(text):
        ch = m.group(0)
        rep = normalise_char(ch) if len(ch) == 1 else ""
        if len(rep) != 1 or rep == " ":
            return None
        table[ord(ch)] = rep
    return text.translate(table) if table else text


def normalise_chars(
    items: Iterable[tuple[str, int, int, BBox | None]],
) -> tuple[str, list[int], list[int], list[BBox]]:
    """(char, source offset, page, box) tuples normalised one character at a time: the text and, per output
    character, its source offset, page and box. Whitespace runs become one space (carrying the first
    whitespace character's place), leading and trailing whitespace goes."""
    out: list[str] = []
    offs: list[int] = []
    pages: list[int] = []
    boxes: list[BBox] = []
    # Bound methods: this loop runs once per character of a block that is not normalised one for one.
    put, put_off, put_page, put_box = out.append, offs.append, pages.append, boxes.append
    pending: tuple[int, int, BBox] | None = None
    for ch, off, pg, box in items:
        # Printable ASCII is already normal: skip the lookup for the common case.
        rep = ch if "!" <= ch <= "~" else normalise_char(ch)
        if rep == " ":
            if out and pending is None:
                pending = (off, pg, box or _NO_BOX)
            continue
        if pending is not None:
            put(" ")
            put_off(pending[0])
            put_page(pending[1])
            put_box(pending[2])
            pending = None
        for r in rep:
            put(r)
            put_off(off)
            put_page(pg)
            put_box(box or _NO_BOX)
    return "".join(out), offs, pages, boxes


def normalise_text(raw: str) -> str:
    """Normalise a whole string the way blocks are normalised (used by eval to compare sentences)."""
    return " ".join("".join(normalise_char(c) for c in raw).split())


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    start: int
    end: int
    level: int = 0
    page: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class Document:
    """A normalised report. ``src_offsets[i]`` is the source offset of ``text[i]`` (-1 for separators);
    for PDF, ``char_pages[i]`` (1-based, 0 for none) and ``char_boxes[4i:4i+4]`` give page and box."""

    source: Source
    text: str
    blocks: tuple[Block, ...]
    src_offsets: array  # type: ignore[type-arg]
    char_pages: array | None = None  # type: ignore[type-arg]
    char_boxes: array | None = None  # type: ignore[type-arg]
    page_labels: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    layout_warnings: tuple[tuple[str, str], ...] = ()
    # What the source looks like when it is not a report (an HTML error or sign-in page): said in the
    # "not a PEEL report" error, so the user learns the server sent a 404 page rather than a report.
    page_kind: str | None = None
    # The page's own title and address when the source gives them (HTML ``<title>``, canonical link): not part
    # of ``text``, read only where the body does not name the force (``rounds.force``).
    title: str | None = None
    url: str | None = None

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for ``text[start:end]`` with its source offsets, pages and boxes."""
        src_start, src_end = self._source_span(start, end)
        boxes = self._boxes(start, end)
        return Evidence(
            text=self.text[start:end],
            start=start,
            end=end,
            page=boxes[0].page if boxes else None,
            bbox=self.first_page_bbox(boxes),
            boxes=boxes,
            source_start=src_start,
            source_end=src_end,
        )

    def _source_span(self, start: int, end: int) -> tuple[int | None, int | None]:
        if self.char_pages is not None:
            return None, None
        offs = [o for o in self.src_offsets[start:end] if o >= 0]
        return (min(offs), max(offs) + 1) if offs else (None, None)

    def _boxes(self, start: int, end: int) -> list[PageBox]:
        """One box per line of the evidence (a new box starts on a new page or a lower line)."""
        if self.char_pages is None or self.char_boxes is None:
            return []
        out: list[tuple[int, list[float]]] = []
        boxes = self.char_boxes[4 * start : 4 * end].tolist()  # one slice, not one per character
        for i, page in enumerate(self.char_pages[start:end].tolist()):
            if page == 0:
                continue
            x0, top, x1, bottom = boxes[4 * i : 4 * i + 4]
            if x1 <= x0 and bottom <= top:
                continue  # a character pdfium gave no box (generated)
            cur = out[-1][1] if out and out[-1][0] == page else None
            if cur is None or top >= cur[3] - (bottom - top) * 0.3:
                out.append((page, [x0, top, x1, bottom]))
                continue
            cur[0], cur[1], cur[2], cur[3] = min(cur[0], x0), min(cur[1], top), max(cur[2], x1), max(cur[3], bottom)
        return [PageBox(page=p, bbox=(round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))) for p, b in out]

    def first_page_bbox(self, boxes: list[PageBox]) -> BBox | None:
        """The union of the evidence's boxes on its first page."""
        first = [b.bbox for b in boxes if b.page == boxes[0].page] if boxes else []
        if not first:
            return None
        return (min(b[0] for b in first), min(b[1] for b in first), max(b[2] for b in first), max(b[3] for b in first))


@dataclass
class DocumentBuilder:
    """Accumulates normalised blocks and their character maps; ``build`` freezes them into a Document."""

    source: Source
    with_boxes: bool = False
    parts: list[str] = field(default_factory=list)
    length: int = 0
    blocks: list[Block] = field(default_factory=list)
    offsets: array[int] = field(default_factory=lambda: array("i"))
    pages: array[int] = field(default_factory=lambda: array("h"))
    boxes: array[float] = field(default_factory=lambda: array("f"))

    def add_text(self, kind: BlockKind, raw: str, base: int, *, level: int = 0, row: int | None = None) -> None:
        """Add a block from a contiguous source string starting at source offset ``base``."""
        if not _SPECIAL.search(raw) and raw == raw.strip():
            if raw:
                self._append(kind, raw, array("i", range(base, base + len(raw))), level, None, row)
            return
        self.add_chars(kind, ((c, base + i, 0, None) for i, c in enumerate(raw)), level=level, row=row)

    def add_chars(
        self,
        kind: BlockKind,
        chars: Iterable[tuple[str, int, int, BBox | None]],
        *,
        level: int = 0,
        page: int | None = None,
        row: int | None = None,
    ) -> None:
        """Add a block from (char, source offset, page, box) tuples, normalising as it goes."""
        items = list(chars)
        text = "".join([c for c, _, _, _ in items])
        normal = one_for_one(text)
        if normal is not None:
            _, where, pgs, bxs = zip(*items, strict=True)
            if None in bxs:
                bxs = tuple(b or _NO_BOX for b in bxs)
            flat = array("f", chain.from_iterable(bxs))
            self._append(kind, normal, array("i", where), level, page, row, array("h", pgs), flat)
            return
        text, offs, pages, boxes = normalise_chars(items)
        if text:
            flat = array("f", chain.from_iterable(boxes))
            self._append(kind, text, array("i", offs), level, page, row, array("h", pages), flat)

    def add_runs(
        self,
        kind: BlockKind,
        runs: Sequence[tuple[str, bytes, int]],
        *,
        level: int = 0,
        page: int | None = None,
        row: int | None = None,
    ) -> None:
        """Add a block from runs of (text, its boxes as float32 x0, top, x1, bottom, page) without a source
        offset (a PDF's lines): what ``add_chars`` makes of the same characters, with no Python step per
        character when the text normalises one for one (nine blocks in ten of a report)."""
        text = "".join([t for t, _, _ in runs])
        normal = one_for_one(text)
        if normal is None:
            chars = (
                (c, -1, pg, box)
                for t, packed, pg in runs
                for c, box in zip(t, struct.iter_unpack("4f", packed), strict=True)
            )
            self.add_chars(kind, chars, level=level, page=page, row=row)
            return
        flat = array("f")
        flat.frombytes(b"".join([packed for _, packed, _ in runs]))
        first = runs[0][2]
        if all(pg == first for _, _, pg in runs):  # a block on one page, the common case
            pages = array("h", (first,)) * len(text)
        else:
            pages = array("h")
            for t, _, pg in runs:
                pages.extend(array("h", (pg,)) * len(t))
        self._append(kind, normal, array("i", (-1,)) * len(normal), level, page, row, pages, flat)

    def _append(
        self,
        kind: BlockKind,
        text: str,
        offs: array[int],
        level: int,
        page: int | None,
        row: int | None,
        pages: array[int] | None = None,
        boxes: array[float] | None = None,
    ) -> None:
        if self.parts:
            self.parts.append("\n")
            self.offsets.append(-1)
            if self.with_boxes:
                self.pages.append(0)
                self.boxes.extend((0.0, 0.0, 0.0, 0.0))
            self.length += 1
        start = self.length
        self.parts.append(text)
        self.offsets.extend(offs)
        if self.with_boxes:
            self.pages.extend(pages if pages is not None else array("h", [0] * len(text)))
            self.boxes.extend(boxes if boxes is not None else array("f", [0.0] * (4 * len(text))))
        self.length += len(text)
        self.blocks.append(Block(kind=kind, start=start, end=self.length, level=level, page=page, row=row))

    def build(
        self,
        *,
        page_labels: Sequence[str] = (),
        notes: Sequence[str] = (),
        warnings: Sequence[tuple[str, str]] = (),
        page_kind: str | None = None,
        title: str | None = None,
        url: str | None = None,
    ) -> Document:
        return Document(
            source=self.source,
            text="".join(self.parts),
            blocks=tuple(self.blocks),
            src_offsets=self.offsets,
            char_pages=self.pages if self.with_boxes else None,
            char_boxes=self.boxes if self.with_boxes else None,
            page_labels=tuple(page_labels),
            notes=tuple(notes),
            layout_warnings=tuple(warnings),
            page_kind=page_kind,
            title=title,
            url=url,
        )
