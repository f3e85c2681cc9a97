"""PDF pages → characters with boxes, font size and weight, read with pdfium (pypdfium2's raw API).

Measured on this machine (shared/notes/measured.md): pdfplumber costs ~42 ms/page, pdfium ~3 ms/page for
text + boxes + font size, so the layout stage is built on pdfium's characters. Each page is closed as soon
as its characters are copied out, so memory does not grow with page count. Boxes are pdfium's "loose"
character boxes (font ascent to descent), converted to PDF points with a top-left origin, the convention
pdfplumber uses: (x0, top, x1, bottom).

Tagged PDFs (catalogue MarkInfo /Marked true) also get a structure tag per character (``PdfPage.tags``):
whether it is /Artifact marked content (running header, footer, page number, decoration), or which block
element of the structure tree holds it (H1–H6, P, LI, Caption, Note, TD/TH, Figure; ``PdfPages.struct``).
The tags are read in a second pass over a tagged page's characters, so untagged files pay nothing: the
text object is asked at both ends of a line (once a word where they differ), its marks once per object,
and the page's structure tree is walked only until every marked-content ID found on the page is placed.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import threading
import time
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import regex

from peelextract.errors import EncryptedPdfError, LimitExceededError, NoTextLayerError, PdfError
from peelextract.ingest import SourceBytes
from peelextract.settings import Limits

log = logging.getLogger(__name__)

# pdfium is not thread-safe: two threads in it at once crash the process (a segmentation fault, seen with the
# ingestion flow's thread runner on a batch of PDFs). Every use of pdfium in the process holds this lock;
# processes (the processes or Dask runner) each have their own pdfium and read in parallel.
PDFIUM_LOCK = threading.RLock()

_STREAM = regex.compile(rb"(?<!end)stream\r?\n")
_WORD_START = regex.compile(r"(?<![^ \r\n])[^ \r\n]")  # the first character of a word
_LINE = regex.compile(r"[^\r\n]+")
_CHUNK = 1 << 20


# What a structure element makes of the characters it holds (``artifact`` and ``figure`` are dropped).
TagKind = Literal["heading", "paragraph", "list_item", "caption", "footnote", "table_cell", "figure", "artifact"]
ARTIFACT = -1  # the tag of a character in /Artifact marked content
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


@dataclass(frozen=True)
class StructTag:
    """The structure element (identified by its ``path`` of child indices from the root) that a run of
    characters belongs to: the block kind it gives them, a heading's level, a table cell's row ordinal."""

    kind: TagKind
    level: int = 0
    row: int = 0
    path: tuple[int, ...] = ()


@dataclass(frozen=True)
class PdfPage:
    """One page's characters: ``text[i]`` has box ``boxes[4i:4i+4]``, font ``sizes[i]`` and ``weights[i]``;
    on a tagged PDF ``tags[i]`` is 0 (no tag), ``ARTIFACT``, or 1 + an index into ``PdfPages.struct``."""

    number: int
    width: float
    height: float
    text: str
    boxes: array  # type: ignore[type-arg]
    sizes: array  # type: ignore[type-arg]
    weights: array  # type: ignore[type-arg]
    tags: array | None = None  # type: ignore[type-arg]


@dataclass(frozen=True)
class PdfPages:
    source: SourceBytes
    pages: tuple[PdfPage, ...]
    tagged: bool = False
    struct: tuple[StructTag, ...] = ()


def _open(src: SourceBytes) -> object:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(src.data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdfError(src.name, "PDF is encrypted with a password; cannot open it without one") from exc
        raise PdfError(src.name, f"cannot open PDF: the file is corrupt; pdfium said: {msg}") from exc


def _page_chars(raw: object, textpage: object, height: float) -> tuple[str, array, array, array]:  # type: ignore[type-arg]
    n = raw.FPDFText_CountChars(textpage)  # type: ignore[attr-defined]
    if n <= 0:
        return "", array("f"), array("f"), array("h")
    buf = ctypes.create_string_buffer((n + 1) * 2)
    raw.FPDFText_GetText(textpage, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))  # type: ignore[attr-defined]
    text = buf.raw[: n * 2].decode("utf-16-le", errors="replace")
    rect = raw.FS_RECTF()  # type: ignore[attr-defined]
    handle = textpage.raw  # type: ignore[attr-defined]  # the raw handle: no wrapper conversion per call
    loose, size_of, weight_of = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize, raw.FPDFText_GetFontWeight  # type: ignore[attr-defined]
    boxes, sizes, weights = array("f", bytes(16 * n)), array("f", bytes(4 * n)), array("h", bytes(2 * n))
    weight = 400
    prev = " "
    for i in range(n):
        loose(handle, i, rect)
        k = 4 * i
        boxes[k], boxes[k + 1] = rect.left, height - rect.top
        boxes[k + 2], boxes[k + 3] = rect.right, height - rect.bottom
        sizes[i] = size_of(handle, i)
        ch = text[i]
        if prev in " \r\n" or ch in " \r\n":
            weight = weight_of(handle, i)  # weight changes between words, not inside one: ask once a word
        weights[i] = weight
        prev = ch
    return text, boxes, sizes, weights


def check_complete(src: SourceBytes) -> None:
    """Refuse a truncated file: its last ``%%EOF`` must come after its last object and stream.

    pdfium opens some truncated files (the page tree first, the last pages cut off) and would give a
    partial report; a file cut in mid-stream has objects or stream data after its last end marker."""
    data = src.data
    last_eof = data.rfind(b"%%EOF")
    if last_eof < max(data.rfind(b"obj"), data.rfind(b"stream")):
        raise PdfError(
            src.name,
            f"the PDF is truncated: it ends after {len(data)} bytes without the %%EOF marker "
            "that closes its last object (an interrupted download or copy?)",
        )


def check_inflation(src: SourceBytes, limits: Limits) -> int:
    """Refuse a decompression bomb before pdfium inflates it; return the bytes the streams inflate to.

    pdfium inflates a page's content stream whole when it loads the page: a 1.4 MB file whose stream
    inflates to 400 MB of text operators took 54 s and 5.7 GB here. So every FlateDecode stream that is
    not an image is inflated first, a megabyte at a time and thrown away, counting the bytes, until the
    total passes ``max_inflated_bytes``. Streams that do not inflate (encrypted, corrupt) count as nothing:
    pdfium reports those itself."""
    data = memoryview(src.data)
    total = 0
    for match in _STREAM.finditer(src.data):
        head = src.data[max(0, match.start() - 1024) : match.start()]
        head = head[head.rfind(b"obj") + 1 :]
        if b"/FlateDecode" not in head or b"/Image" in head:
            continue
        end = src.data.find(b"endstream", match.end())
        total += _inflated_size(data[match.end() : end if end > 0 else len(data)], limits.max_inflated_bytes - total)
        if total > limits.max_inflated_bytes:
            raise LimitExceededError(
                src.name,
                f"compressed streams inflate to more than {limits.max_inflated_bytes} "
                "bytes (a decompression bomb?); the limit is PEELEXTRACT_MAX_INFLATED_BYTES",
            )
    return total


def _inflated_size(compressed: memoryview, budget: int) -> int:
    """How many bytes ``compressed`` inflates to, counting no further than just past ``budget``."""
    inflater = zlib.decompressobj()
    try:
        size = len(inflater.decompress(compressed, _CHUNK))
        while inflater.unconsumed_tail and size <= budget:
            size += len(inflater.decompress(inflater.unconsumed_tail, _CHUNK))
    except zlib.error:
        return 0
    return size


def pdf_to_pages(src: SourceBytes, limits: Limits) -> PdfPages:
    """Every page's characters. Raises PdfError subclasses naming the file (and page) on bad input."""
    check_complete(src)
    check_inflation(src, limits)
    with PDFIUM_LOCK:
        pages, tagged, struct = _read_pages(src, limits)
    if not any(p.text.strip() for p in pages):
        raise NoTextLayerError(
            src.name, f"no text layer on any of {len(pages)} pages: scanned (image-only) PDFs are not supported"
        )
    elements = tuple(struct.tags) if struct is not None else ()
    return PdfPages(source=src, pages=tuple(pages), tagged=tagged, struct=elements)


def _read_pages(src: SourceBytes, limits: Limits) -> tuple[list[PdfPage], bool, _StructTable | None]:
    """Open the PDF, copy out every page's characters within the limits, close it (caller holds the lock)."""
    started = time.monotonic()
    pdf = _open(src)
    try:
        count = len(pdf)  # type: ignore[arg-type]
        if count > limits.max_pages:
            raise LimitExceededError(src.name, f"PDF has {count} pages; the limit is {limits.max_pages}")
        pages: list[PdfPage] = []
        total = 0
        tagged = _is_tagged(pdf)
        struct = _StructTable() if tagged else None
        for index in range(count):
            if time.monotonic() - started > limits.max_seconds:
                raise LimitExceededError(
                    src.name,
                    f"reading pages took more than {limits.max_seconds:g} s; the limit is PEELEXTRACT_MAX_SECONDS",
                    page=index + 1,
                )
            text, boxes, sizes, weights, width, height, tags = _read_page(src, pdf, index, struct)
            if len(text) > limits.max_chars_per_page:
                raise LimitExceededError(
                    src.name,
                    f"{len(text)} characters on one page; the limit is {limits.max_chars_per_page}",
                    page=index + 1,
                )
            total += len(text)
            if total > limits.max_chars:
                raise LimitExceededError(src.name, f"more than {limits.max_chars} characters in all", page=index + 1)
            pages.append(PdfPage(index + 1, width, height, text, boxes, sizes, weights, tags))
    finally:
        pdf.close()  # type: ignore[attr-defined]
    return pages, tagged, struct


def _read_page(
    src: SourceBytes, pdf: Any, index: int, struct: _StructTable | None
) -> tuple[str, array, array, array, float, float, array | None]:  # type: ignore[type-arg]
    """One page's characters (and tags), the page closed before returning. A page pdfium cannot load (a
    damaged page tree, a "/Count" larger than the pages there are) is a PdfError naming the page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise PdfError(
            src.name, f"cannot load page {index + 1} of {len(pdf)}: {exc} (damaged page tree?)", page=index + 1
        ) from exc
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text, boxes, sizes, weights = _page_chars(raw, textpage, height)
            tags = _page_tags(raw, page.raw, textpage.raw, text, struct) if struct is not None else None
        finally:
            textpage.close()
    except pdfium.PdfiumError as exc:
        raise PdfError(src.name, f"cannot read the text of page {index + 1}: {exc}", page=index + 1) from exc
    finally:
        page.close()
    return text, boxes, sizes, weights, width, height, tags


def _is_tagged(pdf: object) -> bool:
    """True when the catalogue says the PDF is tagged (MarkInfo /Marked true)."""
    import pypdfium2.raw as raw

    try:
        return bool(raw.FPDFCatalog_IsTagged(pdf.raw))  # type: ignore[attr-defined]
    except AttributeError:
        return False


# --- structure tags (tagged PDFs only) --------------------------------------------------------------------


@dataclass
class _StructTable:
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
    between words, not inside one, as ``_page_chars`` assumes of the weight). Spaces follow their word."""
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


def _page_tags(raw: Any, page: Any, textpage: Any, text: str, table: _StructTable) -> array:  # type: ignore[type-arg]
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


def _place_mcids(raw: Any, tree: Any, table: _StructTable, wanted: set[int]) -> dict[int, int]:
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


def _order(table: _StructTable, path: tuple[int, ...], count: int) -> Iterator[int]:
    """Child indices from where the previous page's content began, wrapping round to the start."""
    start = min(table.starts.get(path, 0), max(count, 0))
    return itertools.chain(range(start, count), range(start))
