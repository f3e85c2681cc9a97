"""PDF pages → characters with boxes, font size and weight, read with pdfium (pypdfium2's raw API).

Measured on this machine (shared/notes/measured.md): pdfplumber costs ~42 ms/page, pdfium ~3 ms/page for
text + boxes + font size, so the layout stage is built on pdfium's characters. Each page is closed as soon
as its characters are copied out, so memory does not grow with page count. Boxes are pdfium's "loose"
character boxes (font ascent to descent), converted to PDF points with a top-left origin, the convention
pdfplumber uses: (x0, top, x1, bottom).

Tagged PDFs (catalogue MarkInfo /Marked true) also get a structure tag per character (``PdfPage.tags``,
read in ``pdf_tags``). Before pdfium opens a file, ``pdf_guards`` refuses truncated files and
decompression bombs. The page types are in ``peelextract.pages``, the process-wide lock in
``peelextract.pdfium``.
"""

from __future__ import annotations

import ctypes
import logging
import time
from array import array
from collections import deque
from functools import lru_cache
from itertools import repeat
from typing import Any

import regex

from peelextract.errors import EncryptedPdfError, LimitExceededError, NoTextLayerError, PdfError
from peelextract.ingest.pdf_guards import check_complete, check_inflation
from peelextract.ingest.pdf_tags import StructTable, is_tagged, page_tags
from peelextract.pages import PdfPage, PdfPages, SourceBytes
from peelextract.pdfium import PDFIUM_LOCK
from peelextract.settings import Limits

log = logging.getLogger(__name__)

_ASTRAL = regex.compile("[\U00010000-\U0010ffff]")  # a character outside the BMP: two UTF-16 units


def _open(src: SourceBytes) -> object:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(src.data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdfError(src.name, "PDF is encrypted with a password; cannot open it without one") from exc
        raise PdfError(src.name, f"cannot open PDF: the file is corrupt; pdfium said: {msg}") from exc


def _aligned_text(utf16: bytes, n: int) -> str:
    """pdfium's ``n`` characters as a string of length ``n``, ``text[i]`` being pdfium's character ``i``.

    pdfium counts a character outside the Basic Multilingual Plane (U+1D400, what Word and LaTeX write for
    maths) as two, its UTF-16 surrogate halves, each with a box; decoded, the pair is one Python character.
    It is kept at the first half's index and the second half becomes a word joiner, which normalisation
    drops (``document._DROP``); a lone half is U+FFFD (``errors="replace"``)."""
    text = utf16.decode("utf-16-le", errors="replace")
    if len(text) != n:
        text = _ASTRAL.sub("\\g<0>\u2060", text)
    return text if len(text) == n else text[:n].ljust(n, "\ufffd")  # never shorter than pdfium's count


@lru_cache(maxsize=1)
def _char_calls(raw: Any) -> tuple[Any, Any, Any]:
    """pdfium's per-character box and font size functions, called with plain addresses.

    The two calls per character are most of the reading time; through pypdfium2's bindings each converts a
    typed pointer and a ``FS_RECTF`` argument (~300 ns a call), through these prototypes it passes integers
    (~250 ns) and each box lands straight in one array of ``FS_RECTF``: no Python work per character
    beyond the two calls. Same functions, same C signatures (a pointer is a pointer), and ctypes releases
    the GIL during each call as it does for the bindings."""
    box = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    size = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_void_p, ctypes.c_int)
    weight = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
    found = (raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize, raw.FPDFText_GetFontWeight)
    at = [a for a in (ctypes.cast(f, ctypes.c_void_p).value for f in found) if a]
    if len(at) != len(found):
        raise RuntimeError("pdfium's text functions have no address")  # not in any pypdfium2 build
    return box(at[0]), size(at[1]), weight(at[2])


def _page_chars(raw: Any, textpage: Any, height: float) -> tuple[str, array, array, array]:  # type: ignore[type-arg]
    """The page's text, each character's loose box (x0, top, x1, bottom; PDF points, origin top-left),
    font size and weight, as pdfium gives them (float32 boxes and sizes, int16 weights)."""
    import numpy as np

    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return "", array("f"), array("f"), array("h")
    buf = ctypes.create_string_buffer((n + 1) * 2)
    raw.FPDFText_GetText(textpage, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = _aligned_text(buf.raw[: n * 2], n)
    loose, size_of, _ = _char_calls(raw)
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    rects = (raw.FS_RECTF * n)()  # left, top, right, bottom: float32, bottom-left origin
    base = ctypes.addressof(rects)
    # map() runs the per-character loop in C: the calls are all that is left per character (0.7× the time
    # of a Python loop making the same calls). Both functions only read the text page, so their order is free.
    deque(map(loose, repeat(handle, n), range(n), range(base, base + 16 * n, 16)), maxlen=0)
    sizes = array("d", map(size_of, repeat(handle, n), range(n)))
    ltrb = np.frombuffer(rects, dtype=np.float32).reshape(n, 4).astype(np.float64)
    # In double then rounded to float32, as storing ``height - rect.top`` into an array("f") did.
    ltrb[:, 1::2] = height - ltrb[:, 1::2]
    boxes = array("f", ltrb.astype(np.float32).tobytes())
    return text, boxes, array("f", sizes), _weights(raw, handle, text)


def _weights(raw: Any, handle: Any, text: str) -> array:  # type: ignore[type-arg]
    """Each word's font weight, on each of its characters. Weight changes between words, not inside one:
    pdfium is asked at the text's first character and at each character that follows a run of " \r\n", and
    the answer holds until the next such character. A space or line break is not asked: it carries the
    weight of the word before it, and nothing reads it (a line is bold by its non-space characters,
    ``layout_lines``). Asking only at word starts is 3 ms of the 71 ms read of the sample report."""
    import numpy as np

    n = len(text)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    gap = (codes == 32) | (codes == 13) | (codes == 10)
    ask = ~gap
    ask[1:] &= gap[:-1]
    ask[0] = True
    asked = np.flatnonzero(ask)
    weight_of = _char_calls(raw)[2]
    values = np.array(list(map(weight_of, repeat(handle, len(asked)), asked.tolist())), dtype=np.int16)
    # Each character takes the answer at the last character asked at or before it.
    last = np.maximum.accumulate(np.where(ask, np.arange(n), 0))
    return array("h", values[np.searchsorted(asked, last)].tobytes())


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


def _read_pages(src: SourceBytes, limits: Limits) -> tuple[list[PdfPage], bool, StructTable | None]:
    """Open the PDF, copy out every page's characters within the limits, close it (caller holds the lock)."""
    started = time.monotonic()
    pdf = _open(src)
    try:
        count = len(pdf)  # type: ignore[arg-type]
        if count > limits.max_pages:
            raise LimitExceededError(src.name, f"PDF has {count} pages; the limit is {limits.max_pages}")
        pages: list[PdfPage] = []
        total = 0
        tagged = is_tagged(pdf)
        struct = StructTable() if tagged else None
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
    src: SourceBytes, pdf: Any, index: int, struct: StructTable | None
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
            tags = page_tags(raw, page.raw, textpage.raw, text, struct) if struct is not None else None
        finally:
            textpage.close()
    except pdfium.PdfiumError as exc:
        raise PdfError(src.name, f"cannot read the text of page {index + 1}: {exc}", page=index + 1) from exc
    finally:
        page.close()
    return text, boxes, sizes, weights, width, height, tags
