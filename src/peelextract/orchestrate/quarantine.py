"""Quarantine: inputs that failed go to ``OUT/quarantine/<name>`` with ``<name>.reason.json`` beside them.

The reason file holds the error (code, source, page, reason), where the input came from, its sha256
and the extractor version. A later success for the same name releases it (both files are removed).
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peelextract.errors import PublishError
from peelextract.publish.files import atomic_write_bytes, atomic_write_text

log = logging.getLogger(__name__)

QUARANTINE_DIR = "quarantine"


def quarantine_paths(out_dir: Path, name: str) -> tuple[Path, Path]:
    folder = out_dir / QUARANTINE_DIR
    return folder / name, folder / f"{name}.reason.json"


def quarantine(
    out_dir: Path,
    name: str,
    data: bytes | None,
    error: dict[str, Any],
    *,
    location: str,
    sha256: str | None,
    extractor_version: str,
) -> Path:
    """Write the input (when there are bytes) and its reason; return the reason file."""
    copy, reason = quarantine_paths(out_dir, name)
    if data is not None:
        atomic_write_bytes(copy, data)
    else:
        with contextlib.suppress(FileNotFoundError):
            copy.unlink()
    body = {
        "name": name,
        "location": location,
        "sha256": sha256,
        "extractor_version": extractor_version,
        "quarantined_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "error": error,
    }
    atomic_write_text(reason, json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    log.warning("quarantined %s: %s", name, error.get("reason"))
    return reason


def safe_quarantine(
    out_dir: Path,
    name: str,
    data: bytes | None,
    error: dict[str, Any],
    *,
    location: str,
    sha256: str | None,
    extractor_version: str,
) -> None:
    """``quarantine``, but an output folder that cannot take the quarantine (read-only, full) adds that to
    ``error`` instead of raising: the batch goes on and the run summary still reports the input."""
    try:
        quarantine(out_dir, name, data, error, location=location, sha256=sha256, extractor_version=extractor_version)
    except PublishError as exc:
        log.error("%s: not quarantined: %s", name, exc)
        error["quarantine"] = f"not quarantined: {exc}"


def release(out_dir: Path, name: str) -> bool:
    """Remove a quarantined input after it succeeded; True when there was something to remove."""
    removed = False
    for path in quarantine_paths(out_dir, name):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed = True
    return removed
