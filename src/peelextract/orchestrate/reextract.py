"""Finding what to re-extract: a report id (OUT/<id>.json → its source), a path, or a URL."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from peelextract.errors import InputError
from peelextract.orchestrate.cache import StateStore
from peelextract.orchestrate.sources import SourceItem, is_url, safe_name, url_name

log = logging.getLogger(__name__)


def resolve_report(report: str, out_dir: Path) -> SourceItem:
    """The input behind ``report``: a URL or an existing path as given, else a report id looked up in
    OUT/<id>.json (its recorded source name) and the source records under OUT/.state/."""
    if is_url(report):
        return SourceItem(name=url_name(report), location=report, kind="url")
    path = Path(report)
    if path.is_file():
        return SourceItem(name=safe_name(path.name), location=str(path.resolve()), kind="file")
    published = out_dir / f"{report}.json"
    if not published.is_file():
        raise InputError(report, f"expected a report id, a file or a URL; found no file and no {published}")
    source_name = str(json.loads(published.read_text(encoding="utf-8"))["report"]["source"]["name"])
    records = StateStore(out_dir).sources()
    matches = [r for r in records if r.report_id == report] or [
        r for r in records if r.location == source_name or Path(r.location).name == source_name
    ]
    for record in matches:
        if is_url(record.location):
            return SourceItem(name=record.name, location=record.location, kind="url")
        if Path(record.location).is_file():
            return SourceItem(name=record.name, location=record.location, kind="file")
    if is_url(source_name):
        return SourceItem(name=url_name(source_name), location=source_name, kind="url")
    raise InputError(
        report,
        f"report {report} came from {source_name!r}, which is no longer in the inbox "
        "or the ingestion state; pass its path or URL instead",
    )
