"""The input formats and their readers, one entry each: what identifies a format (magic bytes or markers in
its first bytes, file extensions, HTTP content types) and the function that reads it.

``detect_format``, the pipeline's choice of reader, the fetcher's accepted content types and the listing's
report-link extensions all ask this registry. Adding a format is a reader module in ingest/, its name in
``models.SourceFormat`` and one entry in ``FORMATS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from peelextract.document import Document
from peelextract.errors import LimitExceededError
from peelextract.ingest.html import html_to_document
from peelextract.ingest.pdf import pdf_to_pages
from peelextract.ingest.text import text_to_document
from peelextract.models import SourceFormat
from peelextract.pages import PdfPages, SourceBytes
from peelextract.settings import Limits

# A reader turns bytes into a Document, or (a PDF) into pages that the layout stage makes a Document of.
Reader = Callable[[SourceBytes, Limits], Document | PdfPages]

PDF_MAGIC = b"%PDF-"  # anywhere in the first KiB: some files carry junk before it, as PDF readers allow
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<div", b"<p>", b"<h1")


@dataclass(frozen=True)
class InputFormat:
    """One input format. ``sniff`` says from the first bytes alone that a file is this format; ``hint`` is
    the weaker evidence that suffices when the file name has one of the ``extensions`` (None: the name
    decides nothing). A format with neither is the fallback."""

    name: SourceFormat
    read: Reader
    extensions: tuple[str, ...]
    content_types: tuple[str, ...]
    sniff: Callable[[bytes], bool] | None = None
    hint: Callable[[bytes], bool] | None = None


def _head(data: bytes) -> bytes:
    """The first KiB without a UTF-8 byte-order mark or leading white space."""
    return data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")


def _is_pdf(data: bytes) -> bool:
    return data[:1024].find(PDF_MAGIC) != -1


def _is_html(data: bytes) -> bool:
    lower = _head(data)[:512].lower()
    return any(lower.startswith(m) for m in HTML_MARKERS) or b"<html" in lower


def _has_tag(data: bytes) -> bool:
    return b"<" in _head(data)


def _within_chars(to_document: Callable[[SourceBytes], Document]) -> Reader:
    """A reader of decoded text that refuses more characters than ``limits.max_chars``."""

    def read(src: SourceBytes, limits: Limits) -> Document:
        # UTF-8 takes at most 4 bytes a character: more bytes than that cannot fit the character limit.
        if len(src.data) > 4 * limits.max_chars:
            raise LimitExceededError(
                src.name, f"{len(src.data)} bytes is more than the limit of {limits.max_chars} characters"
            )
        doc = to_document(src)
        if len(doc.text) > limits.max_chars:
            raise LimitExceededError(src.name, f"{len(doc.text)} characters of text; the limit is {limits.max_chars}")
        return doc

    return read


# In detection order: the first whose sniff matches wins, then (for text that is not binary) the first whose
# extension and hint match, then the fallback (text).
FORMATS: tuple[InputFormat, ...] = (
    InputFormat("pdf", pdf_to_pages, (".pdf",), ("application/pdf",), sniff=_is_pdf),
    InputFormat(
        "html",
        _within_chars(html_to_document),
        (".html", ".htm"),
        ("text/html", "application/xhtml+xml"),
        sniff=_is_html,
        hint=_has_tag,
    ),
    InputFormat("text", _within_chars(text_to_document), (".txt",), ("text/plain",)),
)
FALLBACK = FORMATS[-1]
_BY_NAME = {f.name: f for f in FORMATS}


@dataclass(frozen=True)
class RefusedFormat:
    """A format that is recognisably not a report (data, archives, this tool's own output): refused as
    ``unsupported_format`` naming what was found, never read as text. ``sniff`` returns what was found
    (e.g. "a ZIP archive") or None."""

    name: str
    sniff: Callable[[bytes], str | None]


def _magic(what: str, magic: bytes, offset: int = 0) -> Callable[[bytes], str | None]:
    return lambda data: what if data[offset : offset + len(magic)] == magic else None


def _json(data: bytes) -> str | None:
    """JSON (one value: "this tool's own report JSON" when it is one) or JSON Lines (one value a line)."""
    head = _head(data)
    if not head.startswith((b"{", b"[")):
        return None
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        first = data.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        try:
            json.loads(first.decode("utf-8", errors="strict"))
        except (UnicodeDecodeError, ValueError):
            return None
        return "JSON Lines (one JSON value a line)"
    if isinstance(value, dict) and "schema_version" in value and "report" in value:
        return "JSON: a report this tool wrote (extract its source document instead)"
    return "JSON data"


# Checked before the readers' sniffs: a JSON report quotes HTML and PDF text, a ZIP may hold a PDF's name.
REFUSED: tuple[RefusedFormat, ...] = (
    RefusedFormat("zip", _magic("a ZIP archive (also DOCX, XLSX, ODT)", b"PK\x03\x04")),
    RefusedFormat("zip-empty", _magic("an empty ZIP archive", b"PK\x05\x06")),
    RefusedFormat("parquet", _magic("a Parquet file", b"PAR1")),
    RefusedFormat("duckdb", _magic("a DuckDB database", b"DUCK", offset=8)),
    RefusedFormat("sqlite", _magic("an SQLite database", b"SQLite format 3\x00")),
    RefusedFormat("gzip", _magic("a gzip archive", b"\x1f\x8b")),
    RefusedFormat("json", _json),
)


def refused_format(data: bytes) -> str | None:
    """What the bytes are when they are a format refused outright (``REFUSED``); None otherwise."""
    return next((found for f in REFUSED if (found := f.sniff(data)) is not None), None)


def input_format(name: SourceFormat) -> InputFormat:
    return _BY_NAME[name]


def sniff_format(data: bytes) -> InputFormat | None:
    """The format the first bytes show, if any."""
    return next((f for f in FORMATS if f.sniff is not None and f.sniff(data)), None)


def format_by_extension(data: bytes, name: str) -> InputFormat | None:
    """The format a file name's extension names, when the bytes bear it out (its ``hint``)."""
    lower = name.lower()
    return next((f for f in FORMATS if f.hint is not None and lower.endswith(f.extensions) and f.hint(data)), None)


def format_for_content_type(content_type: str) -> InputFormat | None:
    """The format an HTTP content type (without parameters, any case) names, if any."""
    ctype = content_type.split(";")[0].strip().lower()
    return next((f for f in FORMATS if ctype in f.content_types), None)


def content_types(*names: SourceFormat) -> frozenset[str]:
    """The HTTP content types of the named formats (of every format when none is named)."""
    return frozenset(t for f in FORMATS if not names or f.name in names for t in f.content_types)


def extensions() -> tuple[str, ...]:
    """Every format's file extensions, in registry order."""
    return tuple(e for f in FORMATS for e in f.extensions)
