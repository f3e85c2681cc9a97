"""An optional pool of extraction processes for the ingestion tasks (``PEELEXTRACT_EXTRACT_PROCESSES=N``).

With the default thread runner every report is extracted inside the flow's process, so the work of N
reports shares one GIL with Prefect's own bookkeeping. Measured here on 130 PDFs (2 cores): a plain loop
took 92.6 s, the thread-runner flow 126.4 s (+250 ms a report) and Prefect's process runner 90.8 s (it
rebuilds a Prefect context for every task in the child). With N > 0, the tasks stay threads in the flow's
process (cheap to schedule, fetches overlap) and only the CPU-bound part, read → extract → validate →
write, runs in N spawned worker processes that load spaCy once each. 0 (the default) extracts in the
task's own process. Meant for the threads runner; with the processes or Dask runner leave it at 0.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _warm() -> None:
    """Worker start-up: build the sentence pipeline once, before the first report."""
    from peelextract.nlp import pipeline

    pipeline()


def extraction_pool(n: int) -> ProcessPoolExecutor | None:
    """The process-wide pool of ``n`` processes (``Settings.extract_processes``; created on first use,
    spawned: the flow's process runs threads, so forking it could copy a held lock into the child), or None
    when ``n`` is 0 and extraction runs in process."""
    if n == 0:
        return None
    global _pool
    with _lock:
        if _pool is None:
            log.info("starting %d extraction processes", n)
            _pool = ProcessPoolExecutor(
                max_workers=n, mp_context=multiprocessing.get_context("spawn"), initializer=_warm
            )
        return _pool


def shutdown() -> None:
    """Stop the pool (the next use starts a new one)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None
