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


def _page_chars(raw: object, textpage: object, height: float) -> tuple[str, array, array, array]:  # type: ignore[type-arg]
    n = raw.FPDFText_CountChars(textpage)  # type: ignore[attr-defined]
    if n <= 0:
        return "", array("f"), array("f"), array("h")
    buf = ctypes.create_string_buffer((n + 1) * 2)
    raw.FPDFText_GetText(textpage, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))  # type: ignore[attr-defined]
    text = _aligned_text(buf.raw[: n * 2], n)
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
