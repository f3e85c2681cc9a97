"""``ingest_reports(source, out_dir)``: discover → (fetch → extract → validate → publish) per report → summary.

One coarse task per report, submitted in parallel on the task runner that ``run_ingest`` builds from the
settings at call time (``PEELEXTRACT_TASK_RUNNER``: threads | processes | dask; ``PEELEXTRACT_WORKERS``
sizes it, ``PEELEXTRACT_DASK_ADDRESS`` joins an existing Dask cluster). Idempotence comes from the cache in
``OUT/.state`` (content sha256 + extractor version), not from Prefect's input hashing, so tasks use
``NO_CACHE``. A bad report is quarantined and the batch goes on; the run is Failed only when every
report failed.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from peelextract.errors import IngestFailed, PeelError
from peelextract.orchestrate.quarantine import safe_quarantine
from peelextract.orchestrate.sources import SourceItem
from peelextract.orchestrate.summary import RunSummary, publish_outputs
from peelextract.orchestrate.work import ItemResult, discover, file_bytes, process_item, unchanged_files
from peelextract.outlock import out_lock
from peelextract.progress import Progress
from peelextract.settings import Settings, from_env

log = logging.getLogger(__name__)


def task_runner(settings: Settings) -> TaskRunner[Any]:
    """The task runner the settings name, sized by ``settings.workers`` (0: the runner's default)."""
    workers = settings.workers or None
    if settings.task_runner == "processes":
        return ProcessPoolTaskRunner(max_workers=workers or os.cpu_count() or 2)
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner  # type: ignore[attr-defined]

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": workers or 2,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    return ThreadPoolTaskRunner(max_workers=workers or 8)


@task(name="discover-reports", cache_policy=NO_CACHE)
def discover_task(source: str, settings: Settings) -> list[SourceItem]:
    return discover(source, settings=settings)


@task(name="check-unchanged", cache_policy=NO_CACHE)
def unchanged_task(items: list[SourceItem], out_dir: str, settings: Settings) -> list[ItemResult]:
    return unchanged_files(items, Path(out_dir), settings)


@task(name="ingest-report", cache_policy=NO_CACHE, task_run_name="ingest {item.name}")
def ingest_report(item: SourceItem, out_dir: str, use_cache: bool, settings: Settings) -> ItemResult:
    return process_item(item, Path(out_dir), use_cache=use_cache, settings=settings)


@task(name="publish-outputs", cache_policy=NO_CACHE)
def publish_task(summary: RunSummary, settings: Settings) -> RunSummary:
    publish_outputs(summary, settings)
    return summary


# The decorator's runner is the default settings' (8 threads), for a direct call; entry points pass theirs
# with ``with_options`` at call time (run_ingest, serve, flows/ingest.py for ``prefect deploy``).
# validate_parameters=False: ``settings`` is this package's own frozen dataclass, passed only by Python callers;
# a served run (which passes none) builds Prefect's parameter model where ``Settings`` is not defined.
@flow(name="ingest-reports", task_runner=task_runner(Settings()), validate_parameters=False)
def ingest_reports(source: str, out_dir: str, use_cache: bool = True, settings: Settings | None = None) -> RunSummary:
    """Ingest every report of ``source`` (inbox folder or listing URL) into ``out_dir``. ``settings``
    default to ``from_env()`` here, at the start of the run (a deployment's run passes none)."""
    started = time.perf_counter()
    settings = settings or from_env()
    with out_lock(Path(out_dir)):
        return _ingest(source, out_dir, use_cache, settings, started)


def _ingest(source: str, out_dir: str, use_cache: bool, settings: Settings, started: float) -> RunSummary:
    """The flow's body, under OUT's lock (``outlock``: a second run into one OUT waits for the first)."""
    logger = get_run_logger()
    items = discover_task(source, settings)
    logger.info("%s: %d inputs, extractor %s", source, len(items), settings.extractor_version)
    progress_id = create_progress_artifact(
        progress=0.0, key="peel-ingest-progress", description=f"Ingesting {len(items)} inputs from {source}"
    )
    known = unchanged_task(items, out_dir, settings) if use_cache else []
    if known:
        logger.info("%d inputs unchanged since they were extracted: no task for them", len(known))
    done = {r.name for r in known}
    todo = [item for item in items if item.name not in done]
    futures = {ingest_report.submit(item, out_dir, use_cache, settings): item for item in todo}
    results = known + _collect(futures, out_dir, progress_id, len(items), settings)
    order = {item.name: i for i, item in enumerate(items)}
    summary = RunSummary(source=source, out_dir=out_dir, results=sorted(results, key=lambda r: order[r.name]))
    summary = publish_task(summary, settings)
    summary.seconds = time.perf_counter() - started
    _artifacts(summary)
    logger.info("%s", summary.line())
    for r in summary.failed:
        logger.warning("%s failed: %s", r.name, (r.error or {}).get("reason"))
    if summary.nothing_done:
        raise IngestFailed(summary)
    return summary


def _collect(
    futures: dict[PrefectFuture[ItemResult], SourceItem], out_dir: str, progress_id: Any, total: int, settings: Settings
) -> list[ItemResult]:
    """Each task's result as it completes, with the terminal bar (``progress.Progress``: a bar when stderr is
    a terminal, nothing otherwise; the failures are printed by the command at the end) and the progress
    artifact (of ``total`` inputs, the unchanged ones counted as done)."""
    results: list[ItemResult] = []
    skipped = total - len(futures)
    last = 0.0
    if progress_id is not None and not futures:
        update_progress_artifact(progress_id, 100.0)
    with Progress(total, description="ingest", unit="report") as bar:
        for _ in range(skipped):
            bar.advance("")
        for fut in as_completed(list(futures)):
            result = _result(fut, futures[fut], out_dir, settings)
            results.append(result)
            bar.advance(result.name, ok=result.ok)
            done = skipped + len(results)
            now = time.monotonic()
            if progress_id is not None and (now - last > 0.5 or done == total):
                update_progress_artifact(progress_id, 100.0 * done / max(1, total))
                last = now
    return results


def _result(fut: PrefectFuture[ItemResult], item: SourceItem, out_dir: str, settings: Settings) -> ItemResult:
    """The task's result; a task that crashed (a bug, not a bad report) is quarantined, with the input's bytes,
    like a bad report."""
    fut.wait()
    state = fut.state
    if state.is_completed():
        value = fut.result()
        if isinstance(value, ItemResult):
            return value
    error = {
        "code": "internal_error",
        "source": item.location,
        "page": None,
        "reason": f"the ingestion task ended {state.name}: {state.message or 'no message'}",
    }
    safe_quarantine(
        Path(out_dir),
        item.name,
        file_bytes(item, settings.limits),
        error,
        location=item.location,
        sha256=None,
        extractor_version=settings.extractor_version,
    )
    return ItemResult(name=item.name, location=item.location, status="failed", error=error)


def _artifacts(summary: RunSummary) -> None:
    create_table_artifact(key="peel-ingest-summary", table=summary.table(), description=summary.line())
    create_markdown_artifact(key="peel-ingest-report", markdown=summary.markdown(), description=summary.line())


@contextmanager
def shared_api_for_workers(settings: Settings) -> Iterator[None]:
    """Worker processes (process or Dask runner) learn the API from the environment they inherit.

    With a server configured only in settings (e.g. a test harness), export its URL to them. With none at
    all, each worker would start its own temporary server (~15 s each): start one temporary server here
    and point this process and the workers at it; stop it afterwards."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if settings.prefect_api_url or settings.task_runner not in ("processes", "dask"):
        yield
        return
    configured = PREFECT_API_URL.value()
    server = None
    if not configured:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        configured = server.api_url
    os.environ["PREFECT_API_URL"] = configured  # passed through to the workers, not a setting read here
    try:
        with temporary_settings({PREFECT_API_URL: configured}):
            yield
    finally:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)  # send the run's logs and events while the server is still up
        EventsWorker.drain_all(timeout=5)
        del os.environ["PREFECT_API_URL"]
        if server is not None:
            server.stop()


@contextmanager
def heartbeats_only_for_a_server(settings: Settings) -> Iterator[None]:
    """No flow-run heartbeats when the run's API is a server this process started (ephemeral, or the
    temporary one of ``shared_api_for_workers``): they let a lasting server mark a run whose process died
    as crashed, but this server dies with the process. Prefect's heartbeat thread sleeps in 1 s steps and
    the run joins it at the end: 0.9 s of a 1.07 s run that found nothing to do (benchmarks/bench_ingest.py).
    A configured server (``PREFECT_API_URL``) keeps Prefect's heartbeats."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if settings.prefect_api_url or PREFECT_API_URL.value():  # read before a temporary server is set
        yield
        return
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def run_ingest(source: str, out_dir: str, *, use_cache: bool = True, settings: Settings | None = None) -> RunSummary:
    """Run the flow once on the task runner ``settings`` name (default: ``from_env()`` now, for callers from
    Python; the CLI passes the settings it read)."""
    settings = settings or from_env()
    with heartbeats_only_for_a_server(settings), shared_api_for_workers(settings):
        flow_ = ingest_reports.with_options(task_runner=task_runner(settings))
        state = flow_(source, out_dir, use_cache, settings, return_state=True)
    if state.is_completed():
        value = state.result()
        assert isinstance(value, RunSummary)
        return value
    exc = state.result(raise_on_failure=False)
    if isinstance(exc, BaseException):
        raise exc
    raise PeelError(source, f"ingestion flow ended {state.name}: {state.message}")
