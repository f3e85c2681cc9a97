"""Write one report: ``DIR/<id>.txt`` (the normalised text) and ``DIR/<id>.json`` (the Report).

Both are written together, all or nothing (``atomic_write_group``): the text is renamed into place first
and the JSON last, so a JSON file always has its own text beside it. Output is
byte-identical for the same input: no timestamps, stable ordering, fixed float formatting (Pydantic).
"""

from __future__ import annotations

import logging
from pathlib import Path

from peelextract.document import Document
from peelextract.errors import PublishError
from peelextract.models import Report
from peelextract.publish.files import atomic_write_group

log = logging.getLogger(__name__)


def report_to_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def write_report(report: Report, doc: Document, out_dir: Path) -> Path:
    rid = report.report.id
    if "/" in rid or "\\" in rid or rid.startswith(".") or ".." in rid:
        raise PublishError(doc.source.name, f"unsafe report id {rid!r}")
    path = out_dir / f"{rid}.json"
    atomic_write_group(
        [(out_dir / f"{rid}.txt", doc.text.encode("utf-8")), (path, report_to_json(report).encode("utf-8"))]
    )
    log.info("wrote %s", path)
    return path
