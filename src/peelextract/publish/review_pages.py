"""Where each value sits in its source: for a PDF, page images with each value's boxes drawn on them; for
an HTML page, a link that opens the page at the value's passage, highlighted (``passage_links``).

PDF pages that hold evidence are rendered and the boxes drawn over them.

Pages are rendered in grey with pypdfium2 at a modest scale, reduced to 16 grey levels (ample for
anti-aliased text) and encoded here as 4-bit PNG (zlib, no image library), so the same PDF always gives
the same bytes. Compression runs in a thread pool (zlib releases the GIL).
Boxes are in PDF points with a top-left origin
(``PageBox``); they are drawn as absolutely positioned links over the image, placed in percent of the
page size so they stay on their words at any display width.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path
from urllib.parse import quote

from peelextract.document import normalise_text
from peelextract.models import PageBox, Report
from peelextract.pdfium import PDFIUM_LOCK
from peelextract.publish.review_marks import KIND_NAMES, value_evidence

log = logging.getLogger(__name__)

RENDER_SCALE = 1.25  # 90 dpi: readable, and a page is ~42 KB of PNG
_LEVEL16 = bytes(min(15, round(v / 17)) for v in range(256))  # grey 0–255 → the nearest of 16 levels (× 17)


@dataclass(frozen=True)
class PageImage:
    page: int
    width_pt: float
    height_pt: float
    width_px: int
    png: bytes


@dataclass(frozen=True)
class Box:
    key: str
    kind: str
    title: str
    box: PageBox


def value_boxes(report: Report) -> list[Box]:
    """Every evidence box of every value, keyed like the marks (``kind-index``)."""
    boxes: list[Box] = []
    for kind, index, ev in value_evidence(report):
        if ev is None:
            continue
        pbs = ev.boxes or ([PageBox(page=ev.page, bbox=ev.bbox)] if ev.page and ev.bbox else [])
        title = f"{KIND_NAMES[kind]} {index + 1}: {ev.text[:80]}"
        boxes.extend(Box(f"{kind}-{index}", kind, title, pb) for pb in pbs)
    return boxes


def png_gray16(width: int, height: int, stride: int, buf: bytes) -> bytes:
    """A deterministic 4-bit greyscale PNG (16 levels, two pixels a byte) of an 8-bit grey buffer with
    ``stride`` bytes per row. The pixels shown are those of the 8-bit rows reduced to the same 16 levels that
    this replaced; the site of 43 PDF reports is 55.2 MB instead of 59.5 MB and takes 3.2 s of CPU instead of
    3.8–4.6 s (zlib level 1 on half the bytes costs what level 3 on all of them did; level 3 here gave
    52.0 MB for 4–6 % more CPU)."""
    import numpy as np

    even = width + width % 2
    levels = np.zeros((height, even), dtype=np.uint8)  # an odd width's last column stays 0 (padding)
    grey = np.frombuffer(buf.translate(_LEVEL16), dtype=np.uint8, count=stride * height).reshape(height, stride)
    levels[:, :width] = grey[:, :width]
    # Two pixels a byte, the first in the high nibble: read each pair as one little-endian 16-bit number
    # (first pixel in the low byte); numpy on contiguous pairs is twice as fast as on strided columns.
    pairs = levels.view("<u2")
    rows = np.zeros((height, 1 + even // 2), dtype=np.uint8)  # column 0: filter type 0 (None)
    rows[:, 1:] = ((pairs & 0x0F) << 4) | (pairs >> 8)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 4, 0, 0, 0, 0)
    idat = zlib.compress(rows.tobytes(), 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def render_pages(pdf: Path, pages: set[int], scale: float = RENDER_SCALE) -> dict[int, PageImage]:
    """Render the given 1-based pages of ``pdf``; pages beyond the end are skipped with a log line."""
    import pypdfium2

    def encode(number: int, width: float, height: float, px_w: int, px_h: int, stride: int, buf: bytes) -> PageImage:
        return PageImage(number, width, height, px_w, png_gray16(px_w, px_h, stride, buf))

    # pdfium is not thread-safe: render here, one page at a time under the process-wide lock, and compress
    # in the pool meanwhile.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool, PDFIUM_LOCK:
        jobs = []
        doc = pypdfium2.PdfDocument(str(pdf))
        try:
            for number in sorted(pages):
                if not 1 <= number <= len(doc):
                    log.warning("%s has no page %d", pdf.name, number)
                    continue
                page = doc[number - 1]
                width, height = page.get_size()
                bitmap = page.render(scale=scale, grayscale=True)
                jobs.append(
                    pool.submit(
                        encode,
                        number,
                        float(width),
                        float(height),
                        bitmap.width,
                        bitmap.height,
                        bitmap.stride,
                        bytes(bitmap.buffer),
                    )
                )
        finally:
            doc.close()
        return {img.page: img for img in (job.result() for job in jobs)}


def _pct(v: float, total: float) -> str:
    return f"{100.0 * v / total:.3f}%" if total > 0 else "0%"


def box_html(b: Box, img: PageImage) -> str:
    x0, top, x1, bottom = b.box.bbox
    style = (
        f"left:{_pct(x0, img.width_pt)};top:{_pct(top, img.height_pt)};"
        f"width:{_pct(max(x1 - x0, 1.0), img.width_pt)};height:{_pct(max(bottom - top, 1.0), img.height_pt)}"
    )
    return (
        f'<a class="box k-{b.kind}" data-kind="{b.kind}" data-key="{b.key}" href="#p-{b.key}" '
        f'style="{style}" title="{escape(b.title)}"><span class="sr">{escape(b.title)}</span></a>'
    )


def page_figure(img: PageImage, boxes: list[Box]) -> str:
    """A page image with its value boxes drawn over it."""
    data = base64.b64encode(img.png).decode("ascii")
    drawn = "".join(box_html(b, img) for b in boxes if b.box.page == img.page)
    return (
        f'<figure class="page" id="page-{img.page}" data-page="{img.page}">'
        f'<div class="page-img"><img src="data:image/png;base64,{data}" '
        f'alt="Page {img.page} of the source PDF" width="{img.width_px}">{drawn}</div>'
        f"<figcaption>Page {img.page}</figcaption></figure>"
    )


def pages_section(report: Report, pdf: Path | None) -> tuple[str, list[str]]:
    """The "Source pages" section for a PDF report, and problems to show (missing or changed PDF)."""
    boxes = value_boxes(report)
    if report.report.source.format != "pdf" or not boxes:
        return "", []
    if pdf is None or not pdf.is_file():
        return "", [
            f"source PDF {report.report.source.name} not found (not kept in .state/sources of this folder: "
            "give --sources DIR or put it beside the JSON); page images are omitted"
        ]
    problems: list[str] = []
    if sha256_file(pdf) != report.report.source.sha256:
        problems.append(
            f"{pdf.name} differs from the file that was extracted (sha256 mismatch); boxes may not sit on their words"
        )
    try:
        images = render_pages(pdf, {b.box.page for b in boxes})
    except Exception as exc:  # pypdfium2 raises its own PdfiumError (and OSError) on unreadable files
        log.warning("review: cannot render %s: %s", pdf, exc)
        return "", [*problems, f"cannot render {pdf.name}: {exc}; page images are omitted"]
    figures = "".join(page_figure(images[n], boxes) for n in sorted(images))
    html = (
        f'<section class="pages" id="pages" aria-label="Source pages"><h2>Source pages</h2>'
        f'<p class="note">Pages of {escape(pdf.name)} that hold evidence; each box links to its value.</p>'
        f"{figures}</section>"
    )
    return html, problems


# --- HTML sources: links to the passage ------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")


def text_fragment(passage: str) -> str:
    """A URL text fragment (``#:~:text=…``) that makes the browser scroll to ``passage`` and highlight it:
    the whole passage when it is short, else its first and last words (``start,end``), which also spans
    element boundaries. ``-``, ``,`` and ``&`` are percent-encoded as the syntax requires."""

    def enc(words: list[str]) -> str:
        return quote(" ".join(words), safe="").replace("-", "%2D")

    words = passage.split()
    if len(words) <= 8:
        return f"#:~:text={enc(words)}"
    return f"#:~:text={enc(words[:4])},{enc(words[-4:])}"


def _rendered(raw: str, start: int | None, end: int | None) -> str | None:
    """The text a browser shows for ``raw[start:end]`` (tags out, entities decoded, spaces collapsed)."""
    if start is None or end is None or not 0 <= start < end <= len(raw):
        return None
    return " ".join(unescape(_TAG.sub(" ", raw[start:end])).split())


def passage_links(report: Report, html_file: Path, href: str) -> dict[str, str]:
    """For an HTML report, each value's link into its source page at ``href`` (relative to the review page)
    with a text fragment that highlights its evidence there. The fragment is built from the source's own
    characters where the evidence's source offsets reach them (curly quotes and dashes as printed), else
    from the normalised evidence text."""
    try:
        raw = html_file.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        log.warning("review: cannot read %s: %s", html_file, exc)
        return {}
    links: dict[str, str] = {}
    for kind, index, ev in value_evidence(report):
        if ev is None:
            continue
        shown = _rendered(raw, ev.source_start, ev.source_end)
        usable = shown is not None and normalise_text(shown) == normalise_text(ev.text)
        links[f"{kind}-{index}"] = href + text_fragment(shown if usable and shown else ev.text)
    return links
