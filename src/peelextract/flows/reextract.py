"""``reextract_report(report, out_dir)``: re-extract one report, by id, path or URL, ignoring caches."""

from __future__ import annotations

import logging
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from peelextract.errors import PeelError
from peelextract.orchestrate.reextract import resolve_report
from peelextract.orchestrate.sources import SourceItem
from peelextract.orchestrate.work import ItemResult, process_item
from peelextract.outlock import out_lock
from peelextract.settings import Settings, from_env

log = logging.getLogger(__name__)


@task(name="resolve-report", cache_policy=NO_CACHE)
def resolve_task(report: str, out_dir: str) -> SourceItem:
    return resolve_report(report, Path(out_dir))


@task(name="reextract-report", cache_policy=NO_CACHE, task_run_name="reextract {item.name}")
def reextract_task(item: SourceItem, out_dir: str, settings: Settings) -> ItemResult:
    return process_item(item, Path(out_dir), use_cache=False, settings=settings)


@flow(name="reextract-report")
def reextract_report(report: str, out_dir: str, settings: Settings | None = None) -> ItemResult:
    """Re-fetch and re-extract ``report`` (a report id in ``out_dir``, a path or a URL); raise if it fails.
    ``settings`` default to ``from_env()`` at the start of the run."""
    settings = settings or from_env()
    with out_lock(Path(out_dir)):
        item = resolve_task(report, out_dir)
        result = reextract_task(item, out_dir, settings)
    logger = get_run_logger()
    if not result.ok:
        err = result.error or {}
        failure = PeelError(
            item.location,
            f"re-extraction failed ({err.get('code')}): {err.get('reason')}; quarantined under quarantine/",
        )
        failure.code = str(err.get("code") or PeelError.code)  # the input's code, for the CLI's error line
        raise failure
    logger.info("%s → %s.json (%d grades)", item.location, result.report_id, result.grades)
    return result
