"""Source files kept for review: ``OUT/.state/sources/<sha256>.<ext>``, content-addressed.

When a report is published (``peelextract extract`` and ingestion), the bytes it was extracted from are
kept here, so the review site can always draw its page images (PDF) or link to the highlighted passage
(HTML) with no ``--sources`` flag, wherever the input came from (an inbox that is emptied, a URL). The name
is the sha256 that ``report.source.sha256`` records, so a report finds its own bytes and nothing else; the
same bytes published twice are kept once. Writes are atomic (a reader never sees a partial file).

Kept files that no report in OUT points at any more (a report re-extracted from a newer edition, a report
file deleted) are removed when the review site is rebuilt (``prune_sources``), never while they may be in
use: a file kept after the rebuild started is left for the next one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

from peelextract.errors import PublishError
from peelextract.models import Source
from peelextract.pages import SourceBytes
from peelextract.publish.files import atomic_write_bytes

log = logging.getLogger(__name__)

SOURCES_DIR = Path(".state") / "sources"  # beside the ingestion cache's per-location records (*.json)
EXTENSIONS = {"pdf": ".pdf", "html": ".html", "text": ".txt"}
_KEPT = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?:pdf|html|txt)$")


def kept_path(out_dir: Path, source: Source) -> Path:
    """Where the bytes of ``source`` are kept in ``out_dir`` (whether or not they are there)."""
    return out_dir / SOURCES_DIR / f"{source.sha256}{EXTENSIONS[source.format]}"


def keep_source(out_dir: Path, src: SourceBytes) -> Path | None:
    """Keep the bytes a report was extracted from under ``OUT/.state/sources/``; return their path.

    Already kept (same sha256): the file is only touched, so a rebuild of the review site that started
    before this publish does not prune it (see ``prune_sources``). Called once the report is written: a
    source that cannot be kept (a full disk) is a warning, not a failure of the report, which is out and
    complete; its review page then says where else it looked, and None is returned."""
    path = out_dir / SOURCES_DIR / f"{src.sha256}{EXTENSIONS[src.format]}"
    if path.is_file():
        with contextlib.suppress(OSError):
            os.utime(path)
            return path
    try:
        atomic_write_bytes(path, src.data)
    except PublishError as exc:
        log.warning("%s: source not kept for the review site: %s", src.name, exc.reason)
        return None
    return path


def prune_sources(out_dir: Path, referenced: Iterable[str], older_than: float) -> list[Path]:
    """Remove kept sources whose sha256 no report references and that were last kept before
    ``older_than`` (a ``time.time()``); return the removed paths. Other files in the folder (the
    ingestion cache's records) are never touched."""
    folder = out_dir / SOURCES_DIR
    if not folder.is_dir():
        return []
    keep = set(referenced)
    removed: list[Path] = []
    for path in sorted(folder.iterdir()):
        m = _KEPT.match(path.name)
        if m is None or m.group("sha") in keep:
            continue
        try:
            if path.stat().st_mtime >= older_than:
                continue
            path.unlink()
        except OSError as exc:  # gone already (another rebuild), or not ours to remove: leave it
            log.debug("cannot prune %s: %s", path, exc)
            continue
        log.info("pruned %s: no report refers to it", path.name)
        removed.append(path)
    return removed


def find_source(out_dir: Path, source: Source, sources_dir: Path | None, beside: Path) -> Path | None:
    """The file holding a report's source: kept by sha256 in OUT first, then ``sources_dir/<name>``
    (``--sources``), then ``<name>`` beside the report's JSON; None when none of them exists."""
    name = Path(source.name).name
    candidates = [kept_path(out_dir, source)]
    if sources_dir is not None:
        candidates.append(sources_dir / name)
    candidates.append(beside / name)
    return next((p for p in candidates if p.is_file()), None)
