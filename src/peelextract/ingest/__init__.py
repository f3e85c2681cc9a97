"""Ingest: the only stage that reads bytes. A path or bytes in, a ``SourceBytes`` and then a Document out.

The format is detected from the bytes (``%PDF-`` magic, HTML markers), the extension only breaks ties; each
format, what identifies it and its reader are registered in ``ingest.formats``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from peelextract.errors import EmptyInputError, InputError, LimitExceededError, UnsupportedFormatError
from peelextract.ingest.formats import FALLBACK, format_by_extension, refused_format, sniff_format
from peelextract.models import SourceFormat
from peelextract.pages import SourceBytes
from peelextract.settings import Limits

__all__ = ["SourceBytes", "detect_format", "read_bytes", "read_path"]

log = logging.getLogger(__name__)


def detect_format(data: bytes, name: str) -> SourceFormat:
    """Which reader fits these bytes (asked of ``ingest.formats``). Raises ``UnsupportedFormatError`` for
    binary that is not PDF and for the formats refused outright (JSON, JSON Lines, ZIP, Parquet, DuckDB…)."""
    refused = refused_format(data)
    if refused is not None:
        raise UnsupportedFormatError(name, f"expected PDF, HTML or text; found {refused}")
    found = sniff_format(data)
    if found is not None:
        return found.name
    if b"\x00" in data[:4096]:
        raise UnsupportedFormatError(name, "expected PDF, HTML or text; found binary data (NUL bytes)")
    return (format_by_extension(data, name) or FALLBACK).name


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
