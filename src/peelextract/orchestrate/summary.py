"""The summary of one ingestion batch: counts, the per-report table and the markdown report, and the
post-batch steps (dataset upsert, review site)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peelextract.errors import PeelError
from peelextract.models import Report
from peelextract.orchestrate.site import review_pages_in_workers
from peelextract.orchestrate.work import ItemResult
from peelextract.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    source: str
    out_dir: str
    results: list[ItemResult]
    seconds: float = 0.0
    site: str | None = None
    notes: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def extractions(self) -> int:
        """Inputs actually extracted in this run (cache misses that reached extraction)."""
        return sum(1 for r in self.results if r.status == "extracted" or (r.status == "failed" and not r.from_cache))

    @property
    def failed(self) -> list[ItemResult]:
        return [r for r in self.results if not r.ok]

    @property
    def nothing_done(self) -> bool:
        """True when there were inputs and every one of them failed: the flow run is then Failed."""
        return bool(self.results) and not any(r.ok for r in self.results)

    def duplicate_ids(self) -> dict[str, list[str]]:
        ids = Counter(r.report_id for r in self.results if r.ok and r.report_id)
        return {rid: [r.name for r in self.results if r.report_id == rid] for rid, n in ids.items() if n > 1}

    def line(self) -> str:
        return (
            f"{len(self.results)} inputs: {self.count('extracted')} extracted, {self.count('cached')} "
            f"unchanged (cached), {len(self.failed)} failed, in {self.seconds:.1f}s"
        )

    def table(self) -> list[dict[str, Any]]:
        return [r.as_row() for r in self.results]

    def markdown(self) -> str:
        lines = [f"# PEEL ingestion: {self.source}", "", f"**{self.line()}** → `{self.out_dir}`", ""]
        if self.site:
            lines += [f"Review site: [{self.site}]({Path(self.site).resolve().as_uri()})", ""]
        for rid, names in self.duplicate_ids().items():
            lines.append(f"- warning: report id `{rid}` produced by several inputs: {', '.join(names)}")
        for note in self.notes:
            lines.append(f"- {note}")
        if self.failed:
            lines += [
                "",
                "## Failures (quarantined under `quarantine/`)",
                "",
                "| input | code | reason |",
                "|---|---|---|",
            ]
            for r in self.failed:
                err = r.error or {}
                reason = str(err.get("reason", "")).replace("|", "\\|")
                lines.append(f"| {r.name} | {err.get('code', '')} | {reason} |")
        return "\n".join(lines) + "\n"


def publish_outputs(summary: RunSummary, settings: Settings | None = None) -> None:
    """Upsert the reports extracted in this run into the dataset (unchanged ones are already there) and
    bring the review site up to date (the new reports' pages made by the extraction workers meanwhile,
    ``orchestrate.site``); a failure of either is noted in the summary, not raised (the reports are out)."""
    from peelextract.publish.dataset import publish_reports
    from peelextract.publish.review import build_site

    out = Path(summary.out_dir)
    new_ids = sorted({r.report_id for r in summary.results if r.status == "extracted" and r.report_id})
    if not new_ids and (out / "review" / "index.html").is_file():
        summary.notes.append("nothing new: dataset and review site left as they were")
        return
    if new_ids:
        with review_pages_in_workers(out, new_ids, settings or Settings()):
            try:
                publish_reports(out, _load_reports(out, new_ids))
            except PeelError as exc:
                log.error("dataset not updated: %s", exc)
                summary.notes.append(f"dataset not updated: {exc}")
    try:
        summary.site = str(build_site(out))
    except PeelError as exc:
        log.error("review site not built: %s", exc)
        summary.notes.append(f"review site not built: {exc}")


def _load_reports(out: Path, ids: list[str]) -> list[Report]:
    from peelextract.publish.report_json import read_report

    return [read_report(out / f"{rid}.json") for rid in ids]
