"""Ingest: format from the bytes, HTML article extraction with exact offsets, decoding fallbacks."""

from __future__ import annotations

import pytest

from peelextract.errors import EmptyInputError, UnsupportedFormatError
from peelextract.ingest import detect_format, read_bytes
from peelextract.ingest.html import html_to_document
from peelextract.ingest.text import text_to_document

PAGE = """<!DOCTYPE html><html><head><title>PEEL</title><style>p{}</style></head><body>
<header><nav><a href="/">Home</a> Skip to content</nav></header>
<div class="cookie-banner">We use cookies</div>
<main><article>
<h1>PEEL 2021/22: An inspection of Northshire Police</h1>
<h2>Investigating crime</h2>
<div class="grade-badge grade-badge--good">Good</div>
<p>Northshire Police is good at investigating crime. It&rsquo;s clear &amp; <a href="#">well&nbsp;led</a>.</p>
<ul><li>In 9 of the 10 cases we reviewed, plans were sound.</li></ul>
<table><tr><th>Area of policing</th><th>Grade</th></tr><tr><td>Investigating crime</td><td>Good</td></tr></table>
</article></main>
<footer>© Crown copyright</footer></body></html>"""


@pytest.mark.parametrize(
    ("data", "name", "fmt"),
    [
        (b"%PDF-1.7\n...", "report.txt", "pdf"),
        (b"<!DOCTYPE html><html>", "report.pdf", "html"),
        (b"\xef\xbb\xbf<html><body>", "x", "html"),
        (b"Overall summary\nText.", "report.html", "text"),
    ],
)
def test_format_is_detected_from_bytes_not_extension(data: bytes, name: str, fmt: str) -> None:
    assert detect_format(data, name) == fmt


def test_empty_and_binary_inputs_are_errors_naming_the_file() -> None:
    with pytest.raises(EmptyInputError, match=r"empty\.txt"):
        read_bytes(b"", "empty.txt")
    with pytest.raises(UnsupportedFormatError, match=r"blob\.bin.*binary"):
        read_bytes(b"\x00\x01\x02" * 10, "blob.bin")


def test_html_article_blocks_and_offsets() -> None:
    src = read_bytes(PAGE.encode("utf-8"), "page.html")
    doc = html_to_document(src)
    kinds = [(b.kind, doc.block_text(b)) for b in doc.blocks]
    assert ("heading", "Investigating crime") in kinds
    assert ("badge", "Good") in kinds
    assert ("list_item", "In 9 of the 10 cases we reviewed, plans were sound.") in kinds
    assert ("table_cell", "Investigating crime") in kinds
    assert "Home" not in doc.text and "cookies" not in doc.text and "Crown copyright" not in doc.text
    para = next(b for b in doc.blocks if doc.block_text(b).startswith("Northshire"))
    assert doc.block_text(para) == "Northshire Police is good at investigating crime. It's clear & well led."
    # each character maps into the original HTML: the apostrophe to its entity, the text to itself
    apos = doc.text.index("It's") + 2
    assert PAGE[doc.src_offsets[apos] :].startswith("&rsquo;")
    n = doc.text.index("Northshire Police is")
    assert PAGE[doc.src_offsets[n] : doc.src_offsets[n] + 10] == "Northshire"


def test_html_report_extracts_badge_at_start_and_table() -> None:
    from peelextract.pipeline import document_to_report

    report = document_to_report(html_to_document(read_bytes(PAGE.encode(), "page.html")))
    assert [(g.area, g.grade) for g in report.grades] == [("investigating-crime", "Good")]
    g = report.grades[0]
    assert g.badge is not None and g.table is not None and g.sentence is not None
    assert [(c.x, c.y) for c in report.case_counts] == [(9, 10)]


def test_cp1252_text_is_decoded_with_a_warning() -> None:
    data = "Overall summary\nThe force\u2019s plan \u2013 good.".encode("cp1252")
    doc = text_to_document(read_bytes(data, "legacy.txt"))
    assert "The force's plan – good." in doc.text
    assert doc.layout_warnings and "cp1252" in doc.layout_warnings[0][1]
