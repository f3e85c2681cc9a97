"""Guards run on a PDF's bytes before pdfium opens it: a truncated file, a decompression bomb."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import regex

from peelextract.errors import LimitExceededError, PdfError
from peelextract.pages import SourceBytes
from peelextract.settings import Limits

_STREAM = regex.compile(rb"(?<!end)stream\r?\n")
_CHUNK = 1 << 20


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
    for keyword, start, stop in _streams(src.data):
        head = src.data[max(0, keyword - 1024) : keyword]
        head = head[head.rfind(b"obj") + 1 :]
        if b"/FlateDecode" not in head or b"/Image" in head:
            continue
        end = src.data.find(b"endstream", start, stop)
        total += _inflated_size(data[start : end if end >= 0 else stop], limits.max_inflated_bytes - total)
        if total > limits.max_inflated_bytes:
            raise LimitExceededError(
                src.name,
                f"compressed streams inflate to more than {limits.max_inflated_bytes} "
                "bytes (a decompression bomb?); the limit is PEELEXTRACT_MAX_INFLATED_BYTES",
            )
    return total


def _streams(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(keyword, data start, next keyword or end of file) for each "stream" keyword. A stream's data is
    looked for only up to the next keyword: a file of many keywords and one or no "endstream" would
    otherwise be searched and inflated once per keyword to its end (quadratic: 2 MB took 59 s)."""
    previous = None
    for match in _STREAM.finditer(data):
        if previous is not None:
            yield previous.start(), previous.end(), match.start()
        previous = match
    if previous is not None:
        yield previous.start(), previous.end(), len(data)


def _inflated_size(compressed: memoryview, budget: int) -> int:
    """How many bytes ``compressed`` inflates to, counting no further than just past ``budget``."""
    inflater = zlib.decompressobj()
    try:
        size = len(inflater.decompress(compressed, _CHUNK))
        # Stop at the end of the zlib stream: the bytes after it (the end-of-line before "endstream") stay in
        # unconsumed_tail, and each further call returns nothing and consumes nothing. Stop too on a call
        # that neither consumes nor produces anything, whatever zlib's reason.
        while inflater.unconsumed_tail and not inflater.eof and size <= budget:
            tail = inflater.unconsumed_tail
            out = len(inflater.decompress(tail, _CHUNK))
            if not out and len(inflater.unconsumed_tail) == len(tail):
                break
            size += out
    except zlib.error:
        return 0
    return size
