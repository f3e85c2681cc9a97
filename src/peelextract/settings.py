"""Versions and limits. Bump ``EXTRACTOR_VERSION`` whenever a rule changes what is extracted: caches
are keyed on content hash + this version, so a bump re-extracts everything."""

from __future__ import annotations

import os
from dataclasses import dataclass

EXTRACTOR_VERSION = "0.2.4"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input may cost. Exceeding one is a ``LimitExceededError`` naming it."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 500
    max_chars: int = 5_000_000
    max_chars_per_page: int = 50_000
    # Compressed PDF streams (content, fonts, object streams; not images, which text extraction never
    # decodes) may inflate to this much in all: the sample inflates to 1.2 MB, a 400 MB bomb is refused.
    max_inflated_bytes: int = 100 * 1024 * 1024
    # Wall time for reading one PDF's pages, checked between pages (pdfium cannot be interrupted mid-page).
    max_seconds: float = 60.0


def limits_from_env() -> Limits:
    """Limits, overridable by ``PEELEXTRACT_MAX_BYTES`` / ``_MAX_PAGES`` / ``_MAX_CHARS`` /
    ``_MAX_INFLATED_BYTES`` / ``_MAX_SECONDS``."""
    base = Limits()
    return Limits(
        max_bytes=int(os.environ.get("PEELEXTRACT_MAX_BYTES", base.max_bytes)),
        max_pages=int(os.environ.get("PEELEXTRACT_MAX_PAGES", base.max_pages)),
        max_chars=int(os.environ.get("PEELEXTRACT_MAX_CHARS", base.max_chars)),
        max_chars_per_page=base.max_chars_per_page,
        max_inflated_bytes=int(os.environ.get("PEELEXTRACT_MAX_INFLATED_BYTES", base.max_inflated_bytes)),
        max_seconds=float(os.environ.get("PEELEXTRACT_MAX_SECONDS", base.max_seconds)),
    )
