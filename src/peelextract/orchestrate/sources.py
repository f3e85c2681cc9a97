"""Discovering reports: files in an inbox folder, or the links on an HTTP listing page.

A ``SourceItem`` is what one task ingests. ``name`` is unique in a batch and safe as a file name (it names
the quarantined copy); ``location`` is the path or URL the bytes come from.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from peelextract.errors import InputError
from peelextract.ingest.formats import extensions

log = logging.getLogger(__name__)

SourceKind = Literal["file", "url"]
REPORT_SUFFIXES = extensions()  # the extensions of every format a reader is registered for (ingest.formats)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SourceItem:
    name: str
    location: str
    kind: SourceKind


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def safe_name(name: str) -> str:
    """A file name made of ``[A-Za-z0-9._-]``, never hidden, never empty."""
    cleaned = _UNSAFE.sub("_", name).strip("._") or "report"
    return cleaned[:120]


def discover_inbox(folder: Path) -> list[SourceItem]:
    """Every regular, non-hidden file in ``folder`` (not recursive), sorted by name."""
    if not folder.is_dir():
        raise InputError(str(folder), "expected an inbox folder; found no such directory")
    items = [
        SourceItem(name=safe_name(p.name), location=str(p.resolve()), kind="file")
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".tmp")
    ]
    log.info("inbox %s: %d files", folder, len(items))
    return items


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def listing_links(html: str, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the report links on a listing page, in page order, without duplicates.

    A link is a report link when its path ends in .pdf/.html/.htm/.txt or its URL or text mentions PEEL;
    the listing itself, fragments and other schemes are dropped."""
    parser = _LinkParser()
    parser.feed(html)
    own = urldefrag(base_url).url
    seen: dict[str, None] = {}
    for href, text in parser.links:
        url = urldefrag(urljoin(base_url, href.strip())).url
        if not is_url(url) or url == own or url in seen:
            continue
        path = urlsplit(url).path.lower()
        if path.endswith(REPORT_SUFFIXES) or "peel" in url.lower() or "peel" in text.lower():
            seen[url] = None
    return list(seen)


def url_name(url: str) -> str:
    """A file name for a URL: the last path segment plus a short hash of the whole URL (always unique)."""
    parts = urlsplit(url)
    segment = PurePosixPath(unquote(parts.path)).name or parts.netloc
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    stem, dot, suffix = segment.rpartition(".")
    if dot and suffix.lower() in {s[1:] for s in REPORT_SUFFIXES}:
        return safe_name(f"{stem}-{digest}.{suffix}")
    return safe_name(f"{segment}-{digest}")


def items_from_links(links: list[str]) -> list[SourceItem]:
    return [SourceItem(name=url_name(u), location=u, kind="url") for u in links]
