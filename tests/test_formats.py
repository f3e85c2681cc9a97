"""The format registry (ingest.formats): each format's reader is found by its magic bytes or markers, by
its extension, and by its HTTP content type, and fetch, listing discovery and the pipeline ask the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from peelextract.document import Document
from peelextract.errors import LimitExceededError, UnsupportedFormatError
from peelextract.ingest import detect_format, read_bytes, read_path
from peelextract.ingest.formats import (
    FALLBACK,
    FORMATS,
    content_types,
    extensions,
    format_by_extension,
    format_for_content_type,
    input_format,
    sniff_format,
)
from peelextract.ingest.html import html_to_document
from peelextract.ingest.pdf import pdf_to_pages
from peelextract.ingest.text import text_to_document
from peelextract.orchestrate.fetch import LISTING_TYPES, REPORT_TYPES
from peelextract.orchestrate.sources import REPORT_SUFFIXES, listing_links
from peelextract.pages import PdfPages
from peelextract.pipeline import source_to_document
from peelextract.settings import Limits
from tests.conftest import REPORTS

# Per format: bytes whose first KiB identifies it (None: the fallback, identified by nothing), a file name
# with one of its extensions, and its content types as a server may send them.
SAMPLES: dict[str, tuple[bytes | None, str, tuple[str, ...]]] = {
    "pdf": (b"\n%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.PDF", ("application/pdf",)),
    "html": (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "page.htm", ("text/html; charset=utf-8", "application/xhtml+xml")),
    "text": (None, "report.txt", ("Text/Plain",)),
}


def test_every_format_is_registered_once_with_the_fallback_last() -> None:
    assert [f.name for f in FORMATS] == ["pdf", "html", "text"]
    assert FALLBACK.name == "text" and FALLBACK.sniff is None and FALLBACK.hint is None
    assert sorted(SAMPLES) == sorted(f.name for f in FORMATS)
    # no extension or content type names two formats
    assert len(extensions()) == len(set(extensions()))
    assert sum(len(f.content_types) for f in FORMATS) == len(content_types())


@pytest.mark.parametrize("name", ["pdf", "html", "text"])
def test_format_found_by_magic_extension_and_content_type(name: str) -> None:
    magic, file_name, ctypes = SAMPLES[name]
    fmt = input_format(name)  # type: ignore[arg-type]
    found = sniff_format(magic) if magic is not None else None
    assert (found.name if found else None) == (name if magic is not None else None)
    assert file_name.lower().endswith(fmt.extensions)
    for ctype in ctypes:
        found = format_for_content_type(ctype)
        assert found is not None and found.name == name
    data = magic if magic is not None else b"Overall summary\nText."
    assert detect_format(data, file_name) == name
    assert read_bytes(data, file_name).format == name


def test_extension_breaks_ties_only_where_the_bytes_bear_it_out() -> None:
    tagged = b"Overall <b>summary</b>"
    assert format_by_extension(tagged, "page.HTML") is input_format("html")
    assert format_by_extension(b"Overall summary", "page.html") is None  # no tag: the name alone says nothing
    assert format_by_extension(tagged, "page.txt") is None
    assert format_by_extension(b"no magic here", "report.pdf") is None  # a PDF is known by its magic alone
    assert detect_format(tagged, "page.html") == "html" and detect_format(tagged, "page.txt") == "text"
    assert format_for_content_type("image/png") is None and format_for_content_type("") is None


def test_fetch_and_listing_discovery_ask_the_registry() -> None:
    assert REPORT_TYPES == content_types() == {"application/pdf", "text/html", "application/xhtml+xml", "text/plain"}
    assert LISTING_TYPES == content_types("html") == {"text/html", "application/xhtml+xml"}
    assert REPORT_SUFFIXES == extensions() == (".pdf", ".html", ".htm", ".txt")
    links = "".join(f'<a href="/r/a{e}">x</a>' for e in extensions()) + '<a href="/r/b.docx">x</a>'
    found = listing_links(links, "https://example.org/list")
    assert found == [f"https://example.org/r/a{e}" for e in extensions()]


def test_each_reader_reads_its_format() -> None:
    limits = Limits()
    assert input_format("pdf").read is pdf_to_pages
    pdf = read_path(REPORTS / "northshire-police_peel-2018-19-synthetic.pdf")
    pages = input_format(pdf.format).read(pdf, limits)
    assert isinstance(pages, PdfPages) and len(pages.pages) > 1
    assert source_to_document(pdf).text  # the pipeline runs layout over the pages
    for name, suffix, to_document in (("html", "html", html_to_document), ("text", "txt", text_to_document)):
        src = read_path(REPORTS / f"northshire-police_peel-2018-19-synthetic.{suffix}")
        assert src.format == name
        doc = input_format(name).read(src, limits)
        assert isinstance(doc, Document) and doc.text == to_document(src).text


@pytest.mark.parametrize(("name", "data"), [("text", b"Overall summary. " * 8), ("html", b"<p>" + b"words " * 40)])
def test_text_readers_keep_the_character_limit(name: str, data: bytes) -> None:
    src = read_bytes(data, f"x.{name}")
    assert src.format == name
    with pytest.raises(LimitExceededError, match=r"bytes is more than the limit of 10 characters"):
        input_format(name).read(src, Limits(max_chars=10))
    decoded = len(data) // 4 + 1  # the bytes could fit: the decoded text is measured
    with pytest.raises(LimitExceededError, match=rf"characters of text; the limit is {decoded}$"):
        input_format(name).read(src, Limits(max_chars=decoded))
    doc = input_format(name).read(src, Limits(max_chars=len(data)))
    assert isinstance(doc, Document) and decoded < len(doc.text) <= len(data)


def _refused_samples(tmp: Path) -> dict[str, tuple[bytes, str]]:
    """name → (bytes written by the real library of the format, or its documented layout; what is found)."""
    import io
    import zipfile

    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("report.pdf", b"%PDF-1.7 not really")
    pq.write_table(pa.table({"a": [1]}), tmp / "t.parquet")
    with duckdb.connect(str(tmp / "t.duckdb")) as db:
        db.execute("create table t (a int)")
    from peelextract.pipeline import path_to_report
    from peelextract.publish.report_json import write_report

    report, doc = path_to_report(REPORTS / "cleveland-police_peel-2021-22.txt")
    own = write_report(report, doc, tmp).read_bytes()
    return {
        "own.json": (own, "found JSON: a report this tool wrote"),
        "list.json": (b'[{"html": "<html><body>PEEL 2021/22</body></html>"}]', "found JSON data"),
        "rows.jsonl": (b'{"a": 1}\n{"a": 2}\n', "found JSON Lines"),
        "report.docx": (archive.getvalue(), "found a ZIP archive"),
        "t.parquet": ((tmp / "t.parquet").read_bytes(), "found a Parquet file"),
        "t.duckdb": ((tmp / "t.duckdb").read_bytes(), "found a DuckDB database"),
    }


def test_data_archives_and_own_output_are_refused_naming_what_was_found(tmp_path: Path) -> None:
    for name, (data, found) in _refused_samples(tmp_path).items():
        with pytest.raises(UnsupportedFormatError, match=f"expected PDF, HTML or text; {found}"):
            detect_format(data, name)
    assert detect_format(b"{not json, a text that starts with a brace}\n", "x.txt") == "text"
