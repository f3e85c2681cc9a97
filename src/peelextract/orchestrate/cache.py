"""State under ``OUT/.state/`` that survives across runs and processes.

- ``cache/<sha256>-<version>.json``: the outcome of extracting these bytes with this extractor version
  (the report id and counts, or the error); a hit means no extraction. Keyed on content, not on names.
- ``sources/<hash of location>.json``: per source location, the last sha256, HTTP validators (ETag,
  Last-Modified) for conditional requests, and the report id it produced (used by ``reextract``).
- ``blobs/<sha256>``: the bytes of fetched URLs, so a 304 can be served and a report re-extracted.
One file per entry, written atomically, so concurrent tasks (threads or processes) never corrupt the state.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from peelextract.publish.files import atomic_write_bytes, atomic_write_text

log = logging.getLogger(__name__)

STATE_DIR = ".state"
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class CacheEntry:
    sha256: str
    extractor_version: str
    source_name: str
    ok: bool
    report_id: str | None = None
    force: str | None = None
    round: str | None = None
    grades: int = 0
    case_counts: int = 0
    ci_percentages: int = 0
    warnings: int = 0
    error: dict[str, Any] | None = None


@dataclass(frozen=True)
class SourceRecord:
    location: str
    name: str
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    report_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StateStore:
    """The cache, source records and blobs of one output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.root = out_dir / STATE_DIR

    def _cache_path(self, sha256: str, version: str) -> Path:
        return self.root / "cache" / f"{sha256}-{_version_slug(version)}.json"

    def lookup(self, sha256: str, version: str) -> CacheEntry | None:
        """The cached outcome, or None. A success only counts while its JSON output still exists."""
        entry = _read_json(self._cache_path(sha256, version))
        if entry is None:
            return None
        try:
            hit = CacheEntry(**entry)
        except TypeError:
            log.warning("ignoring malformed cache entry for %s", sha256)
            return None
        if hit.ok and not (self.root.parent / f"{hit.report_id}.json").is_file():
            return None
        return hit

    def store(self, entry: CacheEntry) -> None:
        atomic_write_text(
            self._cache_path(entry.sha256, entry.extractor_version), json.dumps(asdict(entry), sort_keys=True)
        )

    def _source_path(self, location: str) -> Path:
        return self.root / "sources" / f"{hashlib.sha256(location.encode()).hexdigest()[:32]}.json"

    def source(self, location: str) -> SourceRecord | None:
        data = _read_json(self._source_path(location))
        return SourceRecord(**data) if data is not None else None

    def record_source(self, record: SourceRecord) -> None:
        atomic_write_text(self._source_path(record.location), json.dumps(asdict(record), sort_keys=True))

    def sources(self) -> list[SourceRecord]:
        folder = self.root / "sources"
        records = [_read_json(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
        return [SourceRecord(**r) for r in records if r is not None]

    def put_blob(self, sha256: str, data: bytes) -> None:
        path = self.root / "blobs" / sha256
        if not path.exists():
            atomic_write_bytes(path, data)

    def blob(self, sha256: str) -> bytes | None:
        if not _SHA.match(sha256):
            return None
        path = self.root / "blobs" / sha256
        return path.read_bytes() if path.is_file() else None


def _version_slug(version: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", version)[:60]


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable state file %s: %s", path, exc)
        return None
    return data if isinstance(data, dict) else None
