"""The process-wide pool of extraction workers of an ingestion process (``isolation.WorkerPool``).

Every report is read, extracted, validated and written in a worker process (isolation: a hang is killed at
``PEELEXTRACT_MAX_SECONDS``, a crash or the memory bound fails that report alone). The ingestion tasks stay
threads in the flow's process (cheap to schedule, fetches overlap) and hand the CPU-bound part to the pool.
Its size is ``Settings.pool_size()``: ``PEELEXTRACT_EXTRACT_PROCESSES``, by default one a core with the
threads runner (measured on 130 PDFs, 2 cores: 132 s with extraction in the flow's threads, 71 s with 2
extraction processes; Prefect's bookkeeping shares the GIL with in-process extraction), one with the
processes or Dask runner (their tasks already run in parallel processes). Workers are forked from a fork
server that imported the pipeline once (the flow's process runs threads), and load spaCy once each.
"""

from __future__ import annotations

import logging
import threading

from peelextract.isolation import WorkerPool
from peelextract.settings import Settings

log = logging.getLogger(__name__)

PRELOAD = ("peelextract.pipeline", "peelextract.publish.report_json", "peelextract.orchestrate.work")

_pool: WorkerPool | None = None
_key: tuple[int, float, int] | None = None
_lock = threading.Lock()


def extraction_pool(settings: Settings) -> WorkerPool:
    """The process-wide pool for these settings (created on first use; replaced when the size or a bound
    differs from the running pool's)."""
    global _pool, _key
    key = (settings.pool_size(), settings.limits.max_seconds, settings.limits.max_memory)
    with _lock:
        if _pool is None or _key != key:
            if _pool is not None:
                _pool.close()
            log.info("starting up to %d extraction processes", key[0])
            _pool = WorkerPool(key[0], max_seconds=key[1], max_memory=key[2], preload=PRELOAD)
            _key = key
        return _pool


def shutdown() -> None:
    """Stop the pool (the next use starts a new one)."""
    global _pool, _key
    with _lock:
        if _pool is not None:
            _pool.close()
            _pool, _key = None, None
