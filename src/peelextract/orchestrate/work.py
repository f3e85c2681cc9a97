"""The unit of work of one ingestion task, and discovery; plain library code, no Prefect.

``process_item``: load (read the file, or fetch the URL conditionally) → cache check on sha256 + extractor
version → extract + validate (``pipeline``) → publish (``write_report``), in an isolation worker
(``orchestrate.pool``: killed at PEELEXTRACT_MAX_SECONDS, bounded by PEELEXTRACT_MAX_MEMORY) → record state.
Any failure, a ``PeelError`` or an unexpected exception (an ``InternalError`` whose traceback goes to
``OUT/.state/logs/``), quarantines the input with its bytes and its reason and comes back as a failed
``ItemResult``; it never raises for one bad report, so a batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from peelextract.errors import (
    ContractError,
    FetchError,
    InputError,
    LimitExceededError,
    NotAReportError,
    PeelError,
)
from peelextract.ingest import SourceBytes, read_bytes
from peelextract.isolation import LOGS_DIR, internal_error
from peelextract.orchestrate.cache import CacheEntry, SourceRecord, StateStore
from peelextract.orchestrate.fetch import LISTING_TYPES, Fetcher, Validators, default_fetcher
from peelextract.orchestrate.pool import extraction_pool
from peelextract.orchestrate.quarantine import release, safe_quarantine
from peelextract.orchestrate.sources import (
    SourceItem,
    discover_inbox,
    is_url,
    items_from_links,
    listing_links,
)
from peelextract.settings import Limits, Settings

log = logging.getLogger(__name__)

Status = Literal["extracted", "cached", "failed"]


@dataclass(frozen=True)
class ItemResult:
    """What happened to one input. Picklable and JSON-friendly (``as_row``) for artifacts."""

    name: str
    location: str
    status: Status
    sha256: str | None = None
    report_id: str | None = None
    force: str | None = None
    round: str | None = None
    grades: int = 0
    case_counts: int = 0
    ci_percentages: int = 0
    warnings: int = 0
    error: dict[str, Any] | None = None
    not_modified: bool = False
    from_cache: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def as_row(self) -> dict[str, Any]:
        err = self.error or {}
        return {
            "input": self.name,
            "status": self.status,
            "force": self.force or "",
            "round": self.round or "",
            "grades": self.grades,
            "case_counts": self.case_counts,
            "ci_percentages": self.ci_percentages,
            "failure": f"{err.get('code')}: {err.get('reason')}" if err else "",
        }


def discover(source: str, fetcher: Fetcher | None = None, settings: Settings | None = None) -> list[SourceItem]:
    """The inputs of ``source``: an inbox folder, or an http(s) URL of a listing page."""
    if not is_url(source):
        return discover_inbox(Path(source))
    page = (fetcher or default_fetcher((settings or Settings()).fetch)).fetch(source, allowed_types=LISTING_TYPES)
    html = (page.data or b"").decode("utf-8", errors="replace")
    items = items_from_links(listing_links(html, page.url))
    log.info("listing %s: %d report links", source, len(items))
    return items


def unchanged_files(items: list[SourceItem], out_dir: Path, settings: Settings | None = None) -> list[ItemResult]:
    """The results of the local files whose bytes and extractor version the cache already holds.

    One pass before any task is scheduled: an unchanged report then costs a hash and a cache read, not a
    Prefect task run (40-120 ms each on the temporary server). URLs are left to their tasks: only a
    (conditional) fetch can tell whether they changed."""
    settings = settings or Settings()
    store = StateStore(out_dir)
    version, limits = settings.extractor_version, settings.limits
    out: list[ItemResult] = []
    for item in items:
        started = time.perf_counter()
        data = file_bytes(item, limits)
        if data is None:
            continue
        sha = hashlib.sha256(data).hexdigest()
        hit = store.lookup(sha, version)
        if hit is None:
            continue
        record = store.source(item.location) or SourceRecord(location=item.location, name=item.name)
        out.append(_cached(item, store, hit, record, sha, False, started))
    return out


def _cached(
    item: SourceItem,
    store: StateStore,
    hit: CacheEntry,
    record: SourceRecord,
    sha: str,
    not_modified: bool,
    started: float,
) -> ItemResult:
    """The result of an input the cache already answers (its earlier success or failure); notes its sha."""
    log.info("%s: unchanged (sha256 %s, extractor %s); not extracted", item.name, sha[:12], hit.extractor_version)
    store.record_source(_with(record, sha=sha, report_id=hit.report_id))
    if not hit.ok:
        return _failed(item, hit.error or {}, sha, started, cached=True)
    return _from_entry(item, hit, "cached", not_modified, started)


def process_item(
    item: SourceItem,
    out_dir: Path,
    *,
    use_cache: bool = True,
    fetcher: Fetcher | None = None,
    settings: Settings | None = None,
) -> ItemResult:
    """Ingest one input; see the module docstring. ``use_cache=False`` re-fetches and re-extracts.
    ``settings`` (limits, fetch policy, extractor version, extraction processes) default to the defaults:
    entry points pass the ones they read with ``settings.from_env()``."""
    started = time.perf_counter()
    settings = settings or Settings()
    store = StateStore(out_dir)
    version, limits = settings.extractor_version, settings.limits
    data: bytes | None = None
    sha: str | None = None
    try:
        src, record, not_modified = _load(
            item, store, fetcher or default_fetcher(settings.fetch), limits, conditional=use_cache
        )
        data, sha = src.data, src.sha256
        hit = store.lookup(sha, version) if use_cache else None
        if hit is not None:
            return _cached(item, store, hit, record, sha, not_modified, started)
        entry, replaced = extraction_pool(settings).run(
            item.name, out_dir / LOGS_DIR, extract_and_publish, src, out_dir, version, limits
        )
        if replaced:
            log.warning("%s: %s", item.name, replaced)
        store.store(entry)
        store.record_source(_with(record, sha=sha, report_id=entry.report_id))
        release(out_dir, item.name)
        return _from_entry(item, entry, "extracted", not_modified, started)
    except Exception as raised:
        exc = raised if isinstance(raised, PeelError) else internal_error(item.location, raised, out_dir / LOGS_DIR)
        error = exc.as_dict()
        if sha is not None and _deterministic(exc):
            store.store(CacheEntry(sha256=sha, extractor_version=version, source_name=item.name, ok=False, error=error))
        safe_quarantine(
            out_dir,
            item.name,
            data if data is not None else file_bytes(item, limits),
            error,
            location=item.location,
            sha256=sha,
            extractor_version=version,
        )
        return _failed(item, error, sha, started)


def file_bytes(item: SourceItem, limits: Limits) -> bytes | None:
    """The bytes of a local input (to hash it before scheduling, or for the quarantined copy of one that
    failed before it was read in full); None for URLs, missing or unreadable files and files over the size
    limit."""
    path = Path(item.location)
    if item.kind != "file" or not path.is_file() or path.stat().st_size > limits.max_bytes:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _deterministic(exc: PeelError) -> bool:
    """Failures that the same bytes and extractor version will always repeat (so they are cached)."""
    return isinstance(exc, NotAReportError | ContractError | InputError) and not isinstance(
        exc, LimitExceededError | FetchError
    )


def extract_and_publish(src: SourceBytes, out_dir: Path, version: str, limits: Limits) -> tuple[CacheEntry, str | None]:
    """Read, extract, validate and write one report; what the cache keeps of it, and the note when it
    replaced the report from another edition. Runs in an extraction worker (``orchestrate.pool``): its
    arguments and result are picklable."""
    from peelextract import pipeline
    from peelextract.publish.report_json import write_report
    from peelextract.publish.sources import keep_source
    from peelextract.worker_tasks import replaced_note

    doc = pipeline.source_to_document(src, limits)
    report = pipeline.document_to_report(doc)
    replaced = replaced_note(out_dir, report)
    write_report(report, doc, out_dir)
    keep_source(out_dir, src)  # for the review site's page images
    info = report.report
    entry = CacheEntry(
        sha256=src.sha256,
        extractor_version=version,
        source_name=src.name,
        ok=True,
        report_id=info.id,
        force=info.force,
        round=info.round,
        grades=len(report.grades),
        case_counts=len(report.case_counts),
        ci_percentages=len(report.ci_percentages),
        warnings=len(report.warnings),
    )
    return entry, replaced


def _load(
    item: SourceItem, store: StateStore, fetcher: Fetcher, limits: Limits, *, conditional: bool
) -> tuple[SourceBytes, SourceRecord, bool]:
    record = store.source(item.location) or SourceRecord(location=item.location, name=item.name)
    if item.kind == "file":
        path = Path(item.location)
        if not path.is_file():
            raise InputError(item.location, "no such file")
        return read_bytes(path.read_bytes(), path.name, limits), record, False
    cached = store.blob(record.sha256) if conditional and record.sha256 else None
    sent = Validators(record.etag, record.last_modified) if cached is not None else None
    result = fetcher.fetch(item.location, sent)
    if result.not_modified and cached is not None:
        return read_bytes(cached, item.location, limits), record, True
    if result.data is None:  # 304 without validators sent: the server is confused; fetch again plainly
        result = fetcher.fetch(item.location)
    data = result.data or b""
    src = read_bytes(data, item.location, limits)
    store.put_blob(src.sha256, data)
    record = _with(record, sha=src.sha256, etag=result.validators.etag, last_modified=result.validators.last_modified)
    return src, record, False


def _with(record: SourceRecord, **changes: Any) -> SourceRecord:
    values = asdict(record)
    if "sha" in changes:
        values["sha256"] = changes.pop("sha")
    values.update(changes)
    return SourceRecord(**values)


def _from_entry(item: SourceItem, entry: CacheEntry, status: Status, not_modified: bool, started: float) -> ItemResult:
    return ItemResult(
        name=item.name,
        location=item.location,
        status=status,
        sha256=entry.sha256,
        report_id=entry.report_id,
        force=entry.force,
        round=entry.round,
        grades=entry.grades,
        case_counts=entry.case_counts,
        ci_percentages=entry.ci_percentages,
        warnings=entry.warnings,
        not_modified=not_modified,
        from_cache=status == "cached",
        seconds=time.perf_counter() - started,
    )


def _failed(
    item: SourceItem, error: dict[str, Any], sha: str | None, started: float, *, cached: bool = False
) -> ItemResult:
    if cached:
        log.info("%s: unchanged and failed before (%s); not extracted", item.name, error.get("code"))
    return ItemResult(
        name=item.name,
        location=item.location,
        status="failed",
        sha256=sha,
        error=error,
        from_cache=cached,
        seconds=time.perf_counter() - started,
    )
