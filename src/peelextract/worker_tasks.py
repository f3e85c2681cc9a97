"""The work one input costs, as run in an isolation worker (``isolation.WorkerPool``) by ``extract`` and
``eval``: module-level functions of small picklable arguments and results, so that only a path goes to the
worker and only counts (or the report, for scoring) come back. The ingestion task's is
``orchestrate.work.extract_and_publish``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peelextract.errors import DuplicateReportError, PeelError
from peelextract.models import Report
from peelextract.settings import Limits


@dataclass(frozen=True)
class Extracted:
    """What ``extract`` prints of one report it wrote."""

    report_id: str
    written: str
    grades: int
    case_counts: int
    ci_percentages: int
    warnings: int
    replaced: str | None = None  # "replaces <id> extracted from <other source>", when it does


def extract_to(path: str, round_override: str | None, limits: Limits, out: str, taken: dict[str, str]) -> Extracted:
    """Read, extract, validate and write one report to ``out``. ``taken`` maps the report ids written
    earlier in this batch to their inputs: a second input for one id is refused, nothing is written."""
    from peelextract.ingest import read_path
    from peelextract.pipeline import document_to_report, source_to_document
    from peelextract.publish.report_json import write_report
    from peelextract.publish.sources import keep_source

    src = read_path(Path(path), limits)
    doc = source_to_document(src, limits)
    report = document_to_report(doc, round_override=round_override)
    rid = report.report.id
    if rid in taken:
        raise DuplicateReportError(
            path,
            f"report id {rid!r} is also produced by {taken[rid]} in this batch; "
            "extract them into different --out folders",
        )
    replaced = replaced_note(Path(out), report)
    written = write_report(report, doc, Path(out))
    keep_source(Path(out), src)  # for the review site's page images
    return Extracted(
        report_id=rid,
        written=str(written),
        grades=len(report.grades),
        case_counts=len(report.case_counts),
        ci_percentages=len(report.ci_percentages),
        warnings=len(report.warnings),
        replaced=replaced,
    )


def replaced_note(out: Path, report: Report) -> str | None:
    """ "replaces <id> extracted from <name>" when ``out`` holds this report id from another source (another
    edition: the text, HTML or PDF of the same report, or other bytes under the same name); else None."""
    from peelextract.publish.report_json import read_report_data

    existing = out / f"{report.report.id}.json"
    if not existing.is_file():
        return None
    try:  # only the source is needed: the file is not validated against the contract here
        old = read_report_data(existing)["report"]["source"]
        old_name, old_sha = str(old["name"]), str(old["sha256"])
    except (PeelError, KeyError, TypeError):
        return None
    new = report.report.source
    if old_sha == new.sha256:
        return None
    other = old_name if old_name != new.name else f"{old_name} (other bytes: sha256 {old_sha[:12]}…)"
    return f"replaces {report.report.id} extracted from {other}"


def report_of(path: str, limits: Limits) -> Report:
    """The report of one document (``eval``); nothing written."""
    from peelextract.pipeline import path_to_report

    return path_to_report(Path(path), limits=limits)[0]
