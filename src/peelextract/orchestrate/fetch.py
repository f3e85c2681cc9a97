"""Fetching reports over HTTP with httpx.

- conditional requests: pass the ETag / Last-Modified of the last fetch; a 304 comes back as
  ``FetchResult(not_modified=True, data=None)``;
- retries with exponential backoff on 5xx, 429, timeouts and connection errors; other 4xx fail at once;
- at most ``per_host`` requests in flight per host (per process: threads share one ``Fetcher``);
- a size limit (Content-Length checked first, then the streamed body) and a content-type check.
Every failure is a ``FetchError`` naming the URL and the reason.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from peelextract.errors import FetchError
from peelextract.ingest.formats import content_types
from peelextract.settings import FetchPolicy

log = logging.getLogger(__name__)

REPORT_TYPES = content_types()  # every format a reader is registered for (ingest.formats)
LISTING_TYPES = content_types("html")  # a listing page is HTML: its links are read
USER_AGENT = "peelextract (+https://github.com/; PEEL report extraction)"


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class FetchResult:
    url: str
    data: bytes | None
    content_type: str | None
    validators: Validators
    attempts: int
    not_modified: bool = False


@dataclass
class Fetcher:
    """One httpx client and the per-host semaphores; thread-safe, use one per process."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    transport: httpx.BaseTransport | None = None
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _hosts: dict[str, threading.BoundedSemaphore] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def client(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=self.policy.timeout,
                    follow_redirects=True,
                    headers={"User-Agent": USER_AGENT},
                    transport=self.transport,
                )
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    @contextmanager
    def _slot(self, url: str) -> Iterator[None]:
        host = urlsplit(url).netloc
        with self._lock:
            sem = self._hosts.setdefault(host, threading.BoundedSemaphore(self.policy.per_host))
        with sem:
            yield

    def fetch(
        self, url: str, validators: Validators | None = None, allowed_types: frozenset[str] = REPORT_TYPES
    ) -> FetchResult:
        """GET ``url``; retry transient failures; raise ``FetchError`` for anything else."""
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._slot(url):
                    return self._get_once(url, validators, allowed_types, attempt)
            except _Transient as exc:
                if attempt > self.policy.retries:
                    raise FetchError(url, f"{exc.reason} (gave up after {attempt} attempts)") from exc
                delay = min(self.policy.max_backoff, self.policy.backoff * 2 ** (attempt - 1))
                log.warning("%s: %s; retry %d/%d in %.2fs", url, exc.reason, attempt, self.policy.retries, delay)
                time.sleep(delay)

    def _get_once(self, url: str, validators: Validators | None, allowed: frozenset[str], attempt: int) -> FetchResult:
        headers = validators.headers() if validators else {}
        try:
            with self.client().stream("GET", url, headers=headers) as resp:
                return self._read(url, resp, allowed, attempt, validators)
        except httpx.TimeoutException as exc:
            raise _Transient(f"timed out after {self.policy.timeout:g}s ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Transient(f"connection failed: {exc}") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"invalid URL: {exc}") from exc

    def _read(
        self, url: str, resp: httpx.Response, allowed: frozenset[str], attempt: int, sent: Validators | None
    ) -> FetchResult:
        status = resp.status_code
        if status == 304:
            return FetchResult(url, None, None, sent or Validators(), attempt, not_modified=True)
        if status >= 500 or status == 429:
            raise _Transient(f"HTTP {status} {resp.reason_phrase}")
        if status >= 400:
            raise FetchError(url, f"HTTP {status} {resp.reason_phrase}")
        ctype = (resp.headers.get("content-type") or "").split(";")[0].strip().lower()
        if ctype not in allowed:
            raise FetchError(
                url, f"expected content type {' or '.join(sorted(allowed))}; the server sent {ctype or 'none'!r}"
            )
        limit = self.policy.max_bytes
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"response is {declared} bytes; the limit is {limit}")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"response is larger than the limit of {limit} bytes")
            chunks.append(chunk)
        found = Validators(etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"))
        return FetchResult(str(resp.url), b"".join(chunks), ctype, found, attempt)


class _Transient(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_defaults: dict[FetchPolicy, Fetcher] = {}
_default_lock = threading.Lock()


def default_fetcher(policy: FetchPolicy) -> Fetcher:
    """The process-wide fetcher for ``policy`` (so the per-host limit holds across the threads of a task
    runner); the policy comes from ``settings.from_env()`` at the entry point."""
    with _default_lock:
        if policy not in _defaults:
            _defaults[policy] = Fetcher(policy=policy)
        return _defaults[policy]
