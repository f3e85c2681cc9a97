"""Versions and limits. Bump ``EXTRACTOR_VERSION`` whenever a rule changes what is extracted: caches
are keyed on content hash + this version, so a bump re-extracts everything."""

from __future__ import annotations

import os
from dataclasses import dataclass

EXTRACTOR_VERSION = "0.2.0"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input may cost. Exceeding one is a ``LimitExceededError`` naming it."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 500
    max_chars: int = 5_000_000
    max_chars_per_page: int = 50_000


def limits_from_env() -> Limits:
    """Limits, overridable by ``PEELEXTRACT_MAX_BYTES`` / ``_MAX_PAGES`` / ``_MAX_CHARS``."""
    base = Limits()
    return Limits(
        max_bytes=int(os.environ.get("PEELEXTRACT_MAX_BYTES", base.max_bytes)),
        max_pages=int(os.environ.get("PEELEXTRACT_MAX_PAGES", base.max_pages)),
        max_chars=int(os.environ.get("PEELEXTRACT_MAX_CHARS", base.max_chars)),
        max_chars_per_page=base.max_chars_per_page,
    )
