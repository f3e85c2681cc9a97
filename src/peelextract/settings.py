"""Versions, limits and every setting read from the environment.

Bump ``EXTRACTOR_VERSION`` whenever a rule changes what is extracted: caches are keyed on content hash +
this version, so a bump re-extracts everything.

``from_env()`` is the one place the environment is read for settings: every entry point (the CLI commands,
``run_ingest``, a deployed flow run) calls it once at its start and passes the ``Settings`` down. The README
section "What happens to bad input" lists the variables and the commands that use them
(``tests/test_settings.py`` proves the table).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar, cast

from peelextract.errors import SettingsError

EXTRACTOR_VERSION = "0.4.1"

RunnerKind = Literal["threads", "processes", "dask"]
RUNNERS: tuple[RunnerKind, ...] = ("threads", "processes", "dask")


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input may cost. Exceeding one is a ``LimitExceededError`` naming it."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 500
    max_chars: int = 5_000_000
    max_chars_per_page: int = 50_000
    # Compressed PDF streams (content, fonts, object streams; not images, which text extraction never
    # decodes) may inflate to this much in all: the sample inflates to 1.2 MB, a 400 MB bomb is refused.
    max_inflated_bytes: int = 100 * 1024 * 1024
    # Wall time for one input (read, extract, write): its worker process is killed from outside at this
    # bound (``isolation``); reading a PDF's pages also checks it between pages, for a message naming them.
    max_seconds: float = 60.0
    # Address space one worker process may add to its size at start (RLIMIT_AS). A 330 KB PDF whose streams
    # inflate to 95 MB (under max_inflated_bytes) took 1.4 GB: 2 GiB lets every input within the other
    # limits through, and stops a runaway one before it takes the machine.
    max_memory: int = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """How reports are fetched over HTTP (``orchestrate.fetch``)."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    per_host: int = 4
    max_bytes: int = Limits().max_bytes


@dataclass(frozen=True)
class Settings:
    """Everything an entry point takes from the environment. Frozen and picklable: passed to tasks that run
    in other processes (process or Dask runner, extraction pool) as an argument."""

    limits: Limits = field(default_factory=Limits)
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    task_runner: RunnerKind = "threads"
    # 0: the runner's own default (8 threads, one process a core, 2 Dask workers).
    workers: int = 0
    dask_address: str | None = None
    # Worker processes that read, extract and write the reports of one ingestion process (``isolation``);
    # 0: one a core with the threads runner, one a task process with the processes or Dask runner.
    extract_processes: int = 0
    extractor_version: str = EXTRACTOR_VERSION
    prefect_api_url: str | None = None

    def pool_size(self) -> int:
        """How many extraction worker processes one ingestion process runs (``extract_processes``, or its
        default: one a core on the threads runner; one on a runner that already runs tasks in processes)."""
        if self.extract_processes:
            return self.extract_processes
        return (os.cpu_count() or 1) if self.task_runner == "threads" else 1


# Variable → (where it goes, what it must be). The README table lists the same names.
ENV_LIMITS = {
    "PEELEXTRACT_MAX_BYTES": "max_bytes",
    "PEELEXTRACT_MAX_PAGES": "max_pages",
    "PEELEXTRACT_MAX_CHARS": "max_chars",
    "PEELEXTRACT_MAX_INFLATED_BYTES": "max_inflated_bytes",
    "PEELEXTRACT_MAX_SECONDS": "max_seconds",
    "PEELEXTRACT_MAX_MEMORY": "max_memory",
}
ENV_FETCH = {
    "PEELEXTRACT_FETCH_TIMEOUT": "timeout",
    "PEELEXTRACT_FETCH_RETRIES": "retries",
    "PEELEXTRACT_FETCH_BACKOFF": "backoff",
    "PEELEXTRACT_FETCH_PER_HOST": "per_host",
}
ENV_RUN = {
    "PEELEXTRACT_TASK_RUNNER": "task_runner",
    "PEELEXTRACT_WORKERS": "workers",
    "PEELEXTRACT_DASK_ADDRESS": "dask_address",
    "PEELEXTRACT_EXTRACT_PROCESSES": "extract_processes",
    "PEELEXTRACT_EXTRACTOR_VERSION_OVERRIDE": "extractor_version",
}
# Prefect's own variable, read here too so that no other module reads the environment for a setting.
ENV_PREFECT_API_URL = "PREFECT_API_URL"
ENV_VARS = (*ENV_LIMITS, *ENV_FETCH, *ENV_RUN, ENV_PREFECT_API_URL)

# The values that may be zero (no retries, no backoff, the runner's default, the default pool size); every other
# number must be above zero (a zero bound would refuse every input, zero per-host requests would hang).
_MAY_BE_ZERO = {"retries", "backoff", "workers", "extract_processes"}

T = TypeVar("T", int, float)


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in ``environ`` (default ``os.environ``); unset or empty variables keep their defaults.
    An invalid value raises ``SettingsError`` naming the variable, what it must be and what was found."""
    env = os.environ if environ is None else environ
    base = Settings()
    limits = {attr: _number(env, name, getattr(base.limits, attr)) for name, attr in ENV_LIMITS.items()}
    fetch = {attr: _number(env, name, getattr(base.fetch, attr)) for name, attr in ENV_FETCH.items()}
    return Settings(
        limits=Limits(**limits),
        fetch=FetchPolicy(**fetch, max_bytes=limits["max_bytes"]),
        task_runner=_runner(env),
        workers=_number(env, "PEELEXTRACT_WORKERS", base.workers),
        dask_address=_text(env, "PEELEXTRACT_DASK_ADDRESS"),
        extract_processes=_number(env, "PEELEXTRACT_EXTRACT_PROCESSES", base.extract_processes),
        extractor_version=_text(env, "PEELEXTRACT_EXTRACTOR_VERSION_OVERRIDE") or base.extractor_version,
        prefect_api_url=_text(env, ENV_PREFECT_API_URL),
    )


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _attr(name: str) -> str:
    return {**ENV_LIMITS, **ENV_FETCH, **ENV_RUN}[name]


def _number(env: Mapping[str, str], name: str, default: T) -> T:
    """A whole number (when the default is an int) or a finite number, above zero unless zero means
    something for this variable."""
    raw = _text(env, name)
    if raw is None:
        return default
    parse = cast(Callable[[str], T], int if isinstance(default, int) else float)
    kind = "a whole number" if isinstance(default, int) else "a number"
    zero_ok = _attr(name) in _MAY_BE_ZERO
    bound = "0 or more" if zero_ok else ("1 or more" if isinstance(default, int) else "more than 0")
    try:
        value = parse(raw)
    except ValueError:
        raise SettingsError(name, f"must be {kind}, {bound}; found {raw!r}") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        raise SettingsError(name, f"must be {kind}, {bound}; found {raw!r}")
    return value


def _runner(env: Mapping[str, str]) -> RunnerKind:
    raw = (_text(env, "PEELEXTRACT_TASK_RUNNER") or "threads").lower()
    for kind in RUNNERS:
        if raw == kind:
            return kind
    raise SettingsError("PEELEXTRACT_TASK_RUNNER", f"must be threads, processes or dask; found {raw!r}")
