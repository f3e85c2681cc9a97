"""Guards run on a PDF's bytes before pdfium opens it: a truncated file, a decompression bomb."""

from __future__ import annotations

import zlib

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
