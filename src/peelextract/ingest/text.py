"""Plain text in the sample's form: one heading, paragraph, list item or badge per line.

Excerpt files (``# source: …`` at the top) carry metadata lines beginning with "# ": they are skipped,
and so are the "# ---" separators between stored pages.
"""

from __future__ import annotations

import logging

import regex

from peelextract.document import BlockKind, Document, DocumentBuilder
from peelextract.errors import EncodingError
from peelextract.pages import SourceBytes
from peelextract.rounds.scales import GRADE_LINE

log = logging.getLogger(__name__)

_LIST = regex.compile(r"^(?:[-•*–]|\d{1,2}[.)])\s+")
_CAPTION = regex.compile(r"^(?:Figure|Chart|Table)\s+\d+\s*[:.]")
_ENDS_SENTENCE = regex.compile(r"[.!?:;,\"'’”)\]]$")


def decode_text(data: bytes, name: str) -> tuple[str, str | None]:
    """Decode UTF-8 (with or without BOM); fall back to cp1252, then latin-1, and say so."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\r\n\t\f") > 10:
            break
        return text, f"not valid UTF-8 (first bad byte at {first_bad}); decoded as {enc}"
    raise EncodingError(name, f"expected UTF-8, cp1252 or latin-1 text; undecodable byte at offset {first_bad}")


def classify_line(line: str) -> BlockKind:
    """The block kind of one stripped line of text."""
    if GRADE_LINE.match(line):
        return "badge"
    if _LIST.match(line):
        return "list_item"
    if _CAPTION.match(line):
        return "caption"
    if len(line) <= 200 and not _ENDS_SENTENCE.search(line):
        return "heading"
    return "paragraph"


def text_to_document(src: SourceBytes) -> Document:
    text, warning = decode_text(src.data, src.name)
    builder = DocumentBuilder(source=src.source())
    excerpt = text.lstrip("\ufeff").startswith("# source:")
    pos = 0
    for raw_line in text.splitlines(keepends=True):
        line_start = pos
        pos += len(raw_line)
        stripped = raw_line.strip()
        if not stripped or (excerpt and (stripped.startswith("# ") or stripped == "#")):
            continue
        lead = len(raw_line) - len(raw_line.lstrip())
        base = line_start + lead
        kind = classify_line(stripped)
        if kind == "list_item":
            marker = _LIST.match(stripped)
            assert marker is not None
            stripped, base = stripped[marker.end() :], base + marker.end()
        builder.add_text(kind, stripped, base)
    warnings = [("decoded_fallback", f"{src.name}: {warning}")] if warning else []
    return builder.build(warnings=warnings)
