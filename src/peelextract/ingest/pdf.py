"""PDF pages → characters with boxes, font size and weight, read with pdfium (pypdfium2's raw API).

Measured on this machine (shared/notes/measured.md): pdfplumber costs ~42 ms/page, pdfium ~3 ms/page for
text + boxes + font size, so the layout stage is built on pdfium's characters. Each page is closed as soon
as its characters are copied out, so memory does not grow with page count. Boxes are pdfium's "loose"
character boxes (font ascent to descent), converted to PDF points with a top-left origin, the convention
pdfplumber uses: (x0, top, x1, bottom).
"""

from __future__ import annotations

import ctypes
import logging
import time
import zlib
from array import array
from dataclasses import dataclass

import regex

from peelextract.errors import EncryptedPdfError, LimitExceededError, NoTextLayerError, PdfError
from peelextract.ingest import SourceBytes
from peelextract.settings import Limits

log = logging.getLogger(__name__)

_STREAM = regex.compile(rb"(?<!end)stream\r?\n")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PdfPage:
    """One page's characters: ``text[i]`` has box ``boxes[4i:4i+4]``, font ``sizes[i]`` and ``weights[i]``."""

    number: int
    width: float
    height: float
    text: str
    boxes: array  # type: ignore[type-arg]
    sizes: array  # type: ignore[type-arg]
    weights: array  # type: ignore[type-arg]


@dataclass(frozen=True)
class PdfPages:
    source: SourceBytes
    pages: tuple[PdfPage, ...]
    tagged: bool = False


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
        raise PdfError(src.name, f"the PDF is truncated: it ends after {len(data)} bytes without the %%EOF marker "
                       "that closes its last object (an interrupted download or copy?)")


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
            raise LimitExceededError(src.name, f"compressed streams inflate to more than {limits.max_inflated_bytes} "
                                     "bytes (a decompression bomb?); the limit is PEELEXTRACT_MAX_INFLATED_BYTES")
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
    import pypdfium2.raw as raw

    check_complete(src)
    check_inflation(src, limits)
    started = time.monotonic()
    pdf = _open(src)
    try:
        count = len(pdf)  # type: ignore[arg-type]
        if count > limits.max_pages:
            raise LimitExceededError(src.name, f"PDF has {count} pages; the limit is {limits.max_pages}")
        pages: list[PdfPage] = []
        total = 0
        for index in range(count):
            if time.monotonic() - started > limits.max_seconds:
                raise LimitExceededError(src.name, f"reading pages took more than {limits.max_seconds:g} s; "
                                         "the limit is PEELEXTRACT_MAX_SECONDS", page=index + 1)
            page = pdf[index]  # type: ignore[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    text, boxes, sizes, weights = _page_chars(raw, textpage, height)
                finally:
                    textpage.close()
            finally:
                page.close()
            if len(text) > limits.max_chars_per_page:
                raise LimitExceededError(src.name, f"{len(text)} characters on one page; the limit is "
                                         f"{limits.max_chars_per_page}", page=index + 1)
            total += len(text)
            if total > limits.max_chars:
                raise LimitExceededError(src.name, f"more than {limits.max_chars} characters in all", page=index + 1)
            pages.append(PdfPage(index + 1, width, height, text, boxes, sizes, weights))
        tagged = _is_tagged(pdf)
    finally:
        pdf.close()  # type: ignore[attr-defined]
    if not any(p.text.strip() for p in pages):
        raise NoTextLayerError(src.name, f"no text layer on any of {len(pages)} pages: scanned (image-only) PDFs "
                               "are not supported")
    return PdfPages(source=src, pages=tuple(pages), tagged=tagged)


def _is_tagged(pdf: object) -> bool:
    """True when the catalogue says the PDF is tagged (MarkInfo /Marked true)."""
    import pypdfium2.raw as raw

    try:
        return bool(raw.FPDFCatalog_IsTagged(pdf.raw))  # type: ignore[attr-defined]
    except AttributeError:
        return False
