"""Fetching over real HTTP: a local http.server on 127.0.0.1 in a thread (no mocked transport)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from peelextract.errors import FetchError
from peelextract.orchestrate.fetch import Fetcher, Validators
from peelextract.orchestrate.sources import listing_links
from peelextract.settings import FetchPolicy

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "fixtures/reports/cleveland-police_peel-2021-22.txt").read_bytes()


class ReportSite:
    """Routes: /listing.html, /reports/<name> (ETag + Last-Modified, 304 on a match), /flaky.txt (500 the
    first ``flaky_failures`` times), /wrong-type.txt (application/octet-stream), /slow.txt (sleeps),
    /big.txt (5000 bytes), /missing.txt (404). ``hits`` counts requests per path."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {"cleveland-police_peel-2021-22.txt": GOOD}
        self.hits: Counter[str] = Counter()
        self.flaky_failures = 1
        self.listed = ["/reports/cleveland-police_peel-2021-22.txt", "/flaky.txt", "/wrong-type.txt"]
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.hits[self.path] += 1
                site.route(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def route(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        if path == "/listing.html":
            links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in self.listed)
            body = f'<html><body><a href="/about">About us</a><a href="#top">top</a><ul>{links}</ul></body></html>'
            return self.send(h, 200, body.encode(), "text/html; charset=utf-8")
        if path.startswith("/reports/") and path[9:] in self.files:
            data = self.files[path[9:]]
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            if h.headers.get("If-None-Match") == etag:
                return self.send(h, 304, b"", None, {"ETag": etag})
            return self.send(
                h,
                200,
                data,
                "text/plain; charset=utf-8",
                {"ETag": etag, "Last-Modified": "Tue, 01 Mar 2022 10:00:00 GMT"},
            )
        if path == "/flaky.txt":
            if self.hits[path] <= self.flaky_failures:
                return self.send(h, 500, b"oops", "text/plain")
            return self.send(h, 200, GOOD.replace(b"Cleveland", b"Durham"), "text/plain")
        if path == "/wrong-type.txt":
            return self.send(h, 200, GOOD, "application/octet-stream")
        if path == "/slow.txt":
            time.sleep(1.5)
            return self.send(h, 200, b"late", "text/plain")
        if path == "/big.txt":
            return self.send(h, 200, b"x" * 5000, "text/plain")
        return self.send(h, 404, b"not found", "text/plain")

    @staticmethod
    def send(
        h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str | None, headers: dict[str, str] | None = None
    ) -> None:
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if status != 304:
            h.wfile.write(body)

    def __enter__(self) -> ReportSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def site() -> Iterator[ReportSite]:
    with ReportSite() as s:
        yield s


def fast(**kw: float | int) -> Fetcher:
    base = {"timeout": 5.0, "retries": 2, "backoff": 0.01}
    base.update(kw)
    return Fetcher(policy=FetchPolicy(**base))  # type: ignore[arg-type]


def test_fetch_returns_bytes_and_validators(site: ReportSite) -> None:
    res = fast().fetch(f"{site.base}/reports/cleveland-police_peel-2021-22.txt")
    assert res.data == GOOD and res.content_type == "text/plain" and res.attempts == 1
    assert res.validators.etag and res.validators.last_modified


def test_conditional_request_gets_304(site: ReportSite) -> None:
    f = fast()
    url = f"{site.base}/reports/cleveland-police_peel-2021-22.txt"
    first = f.fetch(url)
    again = f.fetch(url, first.validators)
    assert again.not_modified and again.data is None
    changed = f.fetch(url, Validators(etag='"stale"'))
    assert not changed.not_modified and changed.data == GOOD


def test_retries_on_500_then_succeeds(site: ReportSite) -> None:
    res = fast().fetch(f"{site.base}/flaky.txt")
    assert res.attempts == 2 and b"Durham" in (res.data or b"")
    assert site.hits["/flaky.txt"] == 2


def test_gives_up_after_retries_naming_url(site: ReportSite) -> None:
    site.flaky_failures = 99
    with pytest.raises(FetchError) as err:
        fast(retries=2).fetch(f"{site.base}/flaky.txt")
    assert "/flaky.txt" in str(err.value) and "HTTP 500" in err.value.reason and "3 attempts" in err.value.reason
    assert site.hits["/flaky.txt"] == 3


def test_404_fails_without_retry(site: ReportSite) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fast().fetch(f"{site.base}/missing.txt")
    assert site.hits["/missing.txt"] == 1


def test_wrong_content_type(site: ReportSite) -> None:
    with pytest.raises(FetchError) as err:
        fast().fetch(f"{site.base}/wrong-type.txt")
    assert err.value.code == "fetch_failed" and "application/octet-stream" in err.value.reason


def test_size_limit(site: ReportSite) -> None:
    with pytest.raises(FetchError, match="limit is 1000"):
        fast(max_bytes=1000).fetch(f"{site.base}/big.txt")


def test_timeout_is_retried_then_reported(site: ReportSite) -> None:
    t0 = time.perf_counter()
    with pytest.raises(FetchError, match="timed out") as err:
        fast(timeout=0.3, retries=1).fetch(f"{site.base}/slow.txt")
    assert site.hits["/slow.txt"] == 2 and "2 attempts" in err.value.reason
    assert time.perf_counter() - t0 < 5


def test_connection_refused_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="connection failed"):
        fast(retries=0).fetch("http://127.0.0.1:9/nothing.txt")


def test_per_host_limit_bounds_concurrency(site: ReportSite) -> None:
    f = fast(timeout=10.0, per_host=1)
    t0 = time.perf_counter()
    threads = [threading.Thread(target=f.fetch, args=(f"{site.base}/slow.txt",)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert time.perf_counter() - t0 >= 2.9  # two 1.5 s requests one after the other, not together


def test_listing_links(site: ReportSite) -> None:
    page = fast().fetch(f"{site.base}/listing.html", allowed_types=frozenset({"text/html"}))
    links = listing_links((page.data or b"").decode(), page.url)
    assert links == [f"{site.base}{p}" for p in site.listed]
