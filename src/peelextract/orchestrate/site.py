"""The review pages of the reports a run extracted, made by the run's extraction workers (the page images of
a PDF report are most of the site's cost) while the flow's process updates the dataset; ``build_site``
then finds those pages current (their key holds) and writes the index.

Measured on 130 distinct PDFs (2 cores): the end of the run was the dataset 1.7 s then the site 3.0 s, one
after the other, in the flow's process, while the two extraction workers sat idle.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from peelextract.isolation import LOGS_DIR
from peelextract.orchestrate.pool import extraction_pool
from peelextract.settings import Settings

log = logging.getLogger(__name__)


def review_page(report_json: str) -> bool:
    """Runs in an extraction worker: the review page of one report (``publish.review.write_review_page``)."""
    from peelextract.publish.review import write_review_page

    return write_review_page(Path(report_json))


@contextmanager
def review_pages_in_workers(out_dir: Path, report_ids: list[str], settings: Settings) -> Iterator[None]:
    """While the body runs, the extraction workers make the review pages of ``report_ids``; on exit, wait for
    them. Only with the threads runner, whose workers are warm in this process (the processes and Dask
    runners keep theirs in the task processes). A page that fails is the site build's to make and report."""
    if not report_ids or settings.task_runner != "threads":
        yield
        return
    pool = extraction_pool(settings)
    with ThreadPoolExecutor(max_workers=pool.size, thread_name_prefix="review-page") as threads:
        futures = {
            rid: threads.submit(pool.run, rid, out_dir / LOGS_DIR, review_page, str(out_dir / f"{rid}.json"))
            for rid in report_ids
        }
        try:
            yield
        finally:
            for rid, future in futures.items():
                try:
                    future.result()
                except Exception as exc:  # the site build makes the page again and says why
                    log.warning("%s: review page left to the site build: %s", rid, exc)
