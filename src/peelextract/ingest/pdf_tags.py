"""Structure tags of a tagged PDF's characters (catalogue MarkInfo /Marked true), read with pdfium's raw API.

Each character gets a tag (``PdfPage.tags``): whether it is /Artifact marked content (running header,
footer, page number, decoration), or which block element of the structure tree holds it (H1–H6, P, LI,
Caption, Note, TD/TH, Figure; ``PdfPages.struct``). The tags are read in a second pass over a tagged page's
characters, so untagged files pay nothing: the text object is asked at both ends of a line (once a word
where they differ), its marks once per object, and the page's structure tree is walked only until every
marked-content ID found on the page is placed. The caller holds the pdfium lock.
"""

from __future__ import annotations

import ctypes
import itertools
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import regex

from peelextract.pages import ARTIFACT, StructTag, TagKind

_WORD_START = regex.compile(r"(?<![^ \r\n])[^ \r\n]")  # the first character of a word
_LINE = regex.compile(r"[^\r\n]+")
_KINDS: dict[str, TagKind] = {
    "H": "heading",
    "Title": "heading",
    "P": "paragraph",
    "LI": "list_item",
    "LBody": "list_item",
    "Caption": "caption",
    "Note": "footnote",
    "FENote": "footnote",
    "TD": "table_cell",
    "TH": "table_cell",
    "Figure": "figure",
    "Artifact": "artifact",
    **{f"H{n}": "heading" for n in range(1, 7)},
}
_MAX_STRUCT_VISITS = 50_000  # structure-tree children looked at per page (a hostile tree stops here)


def is_tagged(pdf: object) -> bool:
    """True when the catalogue says the PDF is tagged (MarkInfo /Marked true)."""
    import pypdfium2.raw as raw

    try:
        return bool(raw.FPDFCatalog_IsTagged(pdf.raw))  # type: ignore[attr-defined]
    except AttributeError:
        return False


@dataclass
class StructTable:
    """The document's block elements, numbered as first met; an element on several pages (a paragraph
    across a page break) is one entry, because its path of child indices is the same in every page's tree."""

    tags: list[StructTag] = field(default_factory=list)
    codes: dict[tuple[int, ...], int] = field(default_factory=dict)
    rows: dict[tuple[int, ...], int] = field(default_factory=dict)
    # Per element path, the child index where the last page's content began: the next page's walk starts
    # there, so a report tagged in reading order finds each page's elements without scanning from the top.
    starts: dict[tuple[int, ...], int] = field(default_factory=dict)

    def code(self, tag: StructTag | None) -> int:
        """0 for no block, else 1 + the tag's index (added when new)."""
        if tag is None:
            return 0
        if tag.path not in self.codes:
            self.tags.append(tag)
            self.codes[tag.path] = len(self.tags)
        return self.codes[tag.path]

    def enter(self, outer: StructTag | None, stype: str, path: tuple[int, ...]) -> StructTag | None:
        """The block that content of element ``stype`` at ``path`` belongs to, inside block ``outer``."""
        kind = _KINDS.get(stype)
        if kind is None or not _starts_block(outer, kind, stype):
            return outer
        level = 0
        if kind == "heading":
            level = int(stype[1]) if stype[1:].isdigit() else (1 if stype == "Title" else 2)
        row = self.rows.setdefault(path[:-1], len(self.rows) + 1) if kind == "table_cell" else 0
        return StructTag(kind, level, row, path)


def _starts_block(outer: StructTag | None, kind: TagKind, stype: str) -> bool:
    """Whether an element of ``kind`` inside block ``outer`` is a block of its own. Inside a figure only a
    caption is (chart labels stay figure); an LBody continues its LI; a P or heading inside a list item,
    cell, caption or note is part of it; notes, captions, cells, figures and artifacts always are."""
    if outer is None:
        return True
    if outer.kind == "figure":
        return kind in ("caption", "artifact")
    if kind == "list_item":
        return not (stype == "LBody" and outer.kind == "list_item")
    return kind not in ("heading", "paragraph")


@cache
def _text_object_at(raw: Any) -> Callable[[Any, int], int | None]:
    """pdfium's FPDFText_GetTextObject declared to return a plain address: the same C function, without a
    ctypes pointer object built per call (half the cost on this path)."""
    address = ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value
    if not address:
        raise RuntimeError("pypdfium2 has no FPDFText_GetTextObject")
    return ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(address)


_ARTIFACT_NAME = "Artifact\0".encode("utf-16-le")


def _object_code(raw: Any, address: int) -> int:
    """ARTIFACT when a text object is inside /Artifact marked content, else 1 + its MCID, else 0."""
    obj = ctypes.cast(address, raw.FPDF_PAGEOBJECT)
    name = (ctypes.c_ushort * 16)()
    length = ctypes.c_ulong()
    for m in range(min(raw.FPDFPageObj_CountMarks(obj), 64)):
        mark = raw.FPDFPageObj_GetMark(obj, m)
        if (
            mark
            and raw.FPDFPageObjMark_GetName(mark, name, ctypes.sizeof(name), ctypes.byref(length))
            and bytes(name)[: length.value] == _ARTIFACT_NAME
        ):
            return ARTIFACT
    mcid: int = raw.FPDFPageObj_GetMarkedContentID(obj)
    return mcid + 1 if mcid >= 0 else 0


class _Marks:
    """The marked-content code of the text object under a character; each object's marks are read once."""

    def __init__(self, raw: Any, textpage: Any) -> None:
        self.raw, self.textpage, self.object_at = raw, textpage, _text_object_at(raw)
        self.codes: dict[int | None, int] = {None: 0}  # None: a character pdfium generated (space, break)

    def at(self, i: int) -> tuple[int | None, int]:
        """The address of character ``i``'s text object and its code (ARTIFACT, 1 + MCID, or 0)."""
        address = self.object_at(self.textpage, i)
        code = self.codes.get(address)
        if code is None:
            code = self.codes[address] = _object_code(self.raw, address)  # type: ignore[arg-type]
        return address, code


def _char_runs(raw: Any, textpage: Any, text: str) -> list[tuple[int, int]]:
    """(start, code) where each run of characters with one marked-content code begins, a run lasting to
    the next. pdfium keeps a text object's characters together, so a line whose first and last words come
    from one object is that object's; on other lines each word's object is asked (marked content changes
    between words, not inside one, as ``pdf._page_chars`` assumes of the weight). Spaces follow their word."""
    marks = _Marks(raw, textpage)
    runs = [(0, 0)]
    for line in _LINE.finditer(text):
        start, end = line.span()
        body = line.group()
        first = start + len(body) - len(body.lstrip(" "))
        if first >= end:
            continue
        last = start + body.rstrip(" ").rfind(" ") + 1
        head, code = marks.at(first)
        if last > first and marks.at(last)[0] != head:
            for word in _WORD_START.finditer(text, first, end):
                _extend(runs, word.start(), marks.at(word.start())[1])
        else:
            _extend(runs, first, code)
    return runs


def _extend(runs: list[tuple[int, int]], start: int, code: int) -> None:
    if code != runs[-1][1]:
        runs.append((start, code))


def page_tags(raw: Any, page: Any, textpage: Any, text: str, table: StructTable) -> array:  # type: ignore[type-arg]
    """Each character's tag on one page of a tagged PDF (see ``PdfPage.tags``)."""
    runs = _char_runs(raw, textpage, text)
    mcids = {code - 1 for _, code in runs if code > 0}
    placed: dict[int, int] = {}
    if mcids:
        tree = raw.FPDF_StructTree_GetForPage(page)
        if tree:
            try:
                placed = _place_mcids(raw, tree, table, mcids)
            finally:
                raw.FPDF_StructTree_Close(tree)
    tags = array("i", bytes(4 * len(text)))
    for (start, code), (end, _) in itertools.pairwise([*runs, (len(text), 0)]):
        tag = code if code <= 0 else placed.get(code - 1, 0)
        if tag:
            tags[start:end] = array("i", (tag,)) * (end - start)
    return tags


@dataclass
class _Frame:
    element: Any  # None for the tree itself
    path: tuple[int, ...]
    tag: StructTag | None
    code: int
    order: Iterator[int]
    first: bool = True


def _struct_type(raw: Any, element: Any, buf: Any) -> str:
    n = raw.FPDF_StructElement_GetType(element, buf, len(buf))
    return bytes(buf[: n - 2]).decode("utf-16-le", errors="replace") if 2 < n <= len(buf) else ""


def _place_mcids(raw: Any, tree: Any, table: StructTable, wanted: set[int]) -> dict[int, int]:
    """MCID → tag code for one page: walk the page's structure tree depth first until every wanted MCID
    is placed, or ``_MAX_STRUCT_VISITS`` children were looked at (a hostile tree: the rest stays untagged)."""
    placed: dict[int, int] = {}
    missing = set(wanted)
    buf = ctypes.create_string_buffer(128)
    stack = [_Frame(None, (), None, 0, _order(table, (), raw.FPDF_StructTree_CountChildren(tree)))]
    visits = 0
    while stack and missing and visits < _MAX_STRUCT_VISITS:
        frame = stack[-1]
        k = next(frame.order, -1)
        if k < 0:
            stack.pop()
            continue
        visits += 1
        mcid, child = -1, None
        if frame.element is None:
            child = raw.FPDF_StructTree_GetChildAtIndex(tree, k)
        else:
            mcid = raw.FPDF_StructElement_GetChildMarkedContentID(frame.element, k)
            child = raw.FPDF_StructElement_GetChildAtIndex(frame.element, k) if mcid < 0 else None
        if mcid >= 0:
            placed.setdefault(mcid, frame.code)  # an MCID claimed twice (a malformed tree): the first claim
            missing.discard(mcid)
        elif child:
            path = (*frame.path, k)
            tag = table.enter(frame.tag, _struct_type(raw, child, buf), path)
            count = raw.FPDF_StructElement_CountChildren(child)
            stack.append(_Frame(child, path, tag, table.code(tag), _order(table, path, count)))
        else:
            continue  # a kid on another page
        if frame.first:
            frame.first = False
            table.starts[frame.path] = k
    return placed


def _order(table: StructTable, path: tuple[int, ...], count: int) -> Iterator[int]:
    """Child indices from where the previous page's content began, wrapping round to the start."""
    start = min(table.starts.get(path, 0), max(count, 0))
    return itertools.chain(range(start, count), range(start))
