"""Ingest: the only stage that reads bytes. A path or bytes in, a ``SourceBytes`` and then a Document out.

The format is detected from the bytes (``%PDF-`` magic, HTML markers), the extension only breaks ties.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from peelextract.errors import EmptyInputError, InputError, LimitExceededError, UnsupportedFormatError
from peelextract.models import Source, SourceFormat
from peelextract.settings import Limits

log = logging.getLogger(__name__)

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<div", b"<p>", b"<h1")


@dataclass(frozen=True)
class SourceBytes:
    name: str
    data: bytes
    format: SourceFormat

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def source(self, pages: int | None = None) -> Source:
        return Source(name=self.name, sha256=self.sha256, size=len(self.data), format=self.format, pages=pages)


def detect_format(data: bytes, name: str) -> SourceFormat:
    """Which reader fits these bytes. Raises ``UnsupportedFormatError`` for binary that is not PDF."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    lower = head[:512].lower()
    if any(lower.startswith(m) for m in _HTML_MARKERS) or b"<html" in lower:
        return "html"
    if b"\x00" in data[:4096]:
        raise UnsupportedFormatError(name, "expected PDF, HTML or text; found binary data (NUL bytes)")
    if name.lower().endswith((".html", ".htm")) and b"<" in head:
        return "html"
    return "text"


def read_bytes(data: bytes, name: str, limits: Limits | None = None) -> SourceBytes:
    limits = limits or Limits()
    if not data:
        raise EmptyInputError(name, "expected a report; found an empty file (0 bytes)")
    if len(data) > limits.max_bytes:
        raise LimitExceededError(name, f"file is {len(data)} bytes; the limit is {limits.max_bytes}")
    return SourceBytes(name=name, data=data, format=detect_format(data, name))


def read_path(path: Path, limits: Limits | None = None) -> SourceBytes:
    """Read a report file. Errors name the file."""
    try:
        size = path.stat().st_size
        limits = limits or Limits()
        if size > limits.max_bytes:
            raise LimitExceededError(str(path), f"file is {size} bytes; the limit is {limits.max_bytes}")
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(str(path), "expected a file; found a directory") from exc
    except FileNotFoundError as exc:
        raise InputError(str(path), "no such file") from exc
    except PermissionError as exc:
        raise InputError(str(path), "permission denied") from exc
    return read_bytes(data, path.name, limits)
