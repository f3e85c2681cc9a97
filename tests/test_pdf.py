"""The PDF path on the published-style fixtures: furniture out, provenance exact, hyphens right."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pdfplumber
import pytest
import regex
from pdfplumber.pdf import PDF

from peelextract.document import Document, normalise_text
from peelextract.layout import _join_hyphen
from peelextract.models import Evidence, Report
from peelextract.pipeline import path_to_report
from peelextract.rounds.vocab import FORCES
from peelextract.validate import _evidences
from tests.conftest import REPORTS

PDFS = sorted(REPORTS.glob("*.pdf"))
HEADERS = (
    "PEEL 2021/22 – Cleveland Police",
    "PEEL 2018/19 – Northshire Police",
    "PEEL 2023–25 – Southvale Constabulary",
)
CHART_LABEL = regex.compile("(?:" + "|".join(regex.escape(f) for f in FORCES) + r") \d+\.\d")


@cache
def extracted(path: Path) -> tuple[Report, Document]:
    return path_to_report(path)


def test_there_are_three_pdf_fixtures() -> None:
    assert [p.name for p in PDFS] == [
        "cleveland-police_peel-2021-22.pdf",
        "northshire-police_peel-2018-19-synthetic.pdf",
        "southvale-constabulary_peel-2023-25-synthetic.pdf",
    ]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.stem)
def test_body_text_has_no_furniture_contents_charts_or_note_markers(path: Path) -> None:
    _, doc = extracted(path)
    for header in HEADERS:
        assert header.replace("’", "'") not in doc.text
    assert ". . . ." not in doc.text and "Contents" not in doc.text.split("\n")
    assert not CHART_LABEL.search(doc.text)
    assert not regex.search(r"(?:Crime|THRIVE)\d", doc.text)
    assert len(doc.notes) == 5 and all(regex.match(r"\d+ \S", n) for n in doc.notes)
    assert doc.page_labels[2] == "3"


def _crop_text(pdf: PDF, ev: Evidence) -> str:
    """The text pdfplumber finds inside the evidence's boxes, footnote markers (small raised digits) left out."""
    parts = []
    for box in ev.boxes:
        page = pdf.pages[box.page - 1]
        x0, top, x1, bottom = box.bbox
        crop = page.crop((max(0, x0 - 1), max(0, top - 1), min(page.width, x1 + 1), min(page.height, bottom + 1)))
        body = crop.filter(lambda o: o.get("object_type") != "char" or o["size"] > 8.2)
        parts.append(body.extract_text() or "")
    return " ".join(parts)


def _squash(text: str) -> str:
    return regex.sub(r"[\s\-\ufffe]+", "", normalise_text(text))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.stem)
def test_each_evidence_is_found_in_its_page_box(path: Path) -> None:
    report, _ = extracted(path)
    # A summary-table row runs across two columns, so a crop reads it in another order: rows (a grade's table
    # witness and its table mention) are checked by the table tests instead.
    rows = {(m.evidence.start, m.evidence.end) for g in report.grades for m in g.mentions if m.source == "table"}
    evidences = [(w, ev) for w, ev in _evidences(report) if ".table" not in w and (ev.start, ev.end) not in rows]
    assert len(evidences) >= 30
    with pdfplumber.open(path) as pdf:
        for where, ev in evidences:
            assert ev.page is not None and ev.bbox is not None and ev.boxes, where
            assert all(h.replace("’", "'") not in ev.text for h in HEADERS), where
            assert not CHART_LABEL.search(ev.text), where
            assert _squash(ev.text) in _squash(_crop_text(pdf, ev)), (where, ev.text)


def test_evidence_across_a_page_break_carries_both_pages() -> None:
    report, _ = extracted(REPORTS / "southvale-constabulary_peel-2023-25-synthetic.pdf")
    crossing = [c for c in report.ci_percentages if len({b.page for b in c.evidence.boxes}) == 2]
    assert [(c.value, c.ci, c.period) for c in crossing] == [(86.0, 3.4, "previous")]
    assert [b.page for b in crossing[0].evidence.boxes] == [5, 6]
    assert crossing[0].evidence.page == 5


def test_boxes_are_one_per_line() -> None:
    report, _ = extracted(REPORTS / "cleveland-police_peel-2021-22.pdf")
    ev = report.ci_percentages[0].evidence  # "96.4 percent (with a confidence interval of +/- 2.0 percent)"
    assert len(ev.boxes) == 2 and ev.boxes[0].bbox[3] <= ev.boxes[1].bbox[1] + 1
    assert ev.boxes[0].bbox[0] > ev.boxes[1].bbox[0]  # starts mid-line, continues at the margin
    assert ev.bbox == (ev.boxes[1].bbox[0], ev.boxes[0].bbox[1], max(b.bbox[2] for b in ev.boxes), ev.boxes[1].bbox[3])


def test_summary_grade_table_is_read_and_agrees() -> None:
    report, _ = extracted(REPORTS / "cleveland-police_peel-2021-22.pdf")
    assert all(g.table is not None for g in report.grades)
    assert not [w for w in report.warnings if w.code.startswith("grade_table")]


def test_hyphenation_is_undone_only_for_real_words() -> None:
    _, doc = extracted(REPORTS / "cleveland-police_peel-2021-22.pdf")
    assert "investi-gations" not in doc.text and "investigations took longer" in doc.text
    assert "Preventing crime and anti-social behaviour" in doc.text
    assert "evidence-led prosecutions" in doc.text
    assert "un-derstanding" not in doc.text and "body-worn video" in doc.text


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("further investi-", "gations were", True),  # "investigations" occurs in the document
        ("tackle anti-", "social behaviour", False),  # a hyphenated prefix, even though "antisocial" occurs too
        ("where evidence-", "led prosecutions", False),  # "evidenceled" is not a word
        ("the force's un-", "derstanding of", True),
        ("a new well-", "being offer", False),
    ],
)
def test_join_hyphen_rules(left: str, right: str, joined: bool) -> None:
    vocab: tuple[set[str], set[str]] = ({"investigations", "antisocial", "understanding", "wellbeing"}, set())
    assert _join_hyphen(left, right, vocab) is joined


def test_hyphenated_form_elsewhere_keeps_the_hyphen() -> None:
    vocab = ({"decisionmaking"}, {"decision-making"})
    assert _join_hyphen("the decision-", "making process", vocab) is False


_THREADS = """
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from peelextract.ingest import read_path
from peelextract.ingest.pdf import pdf_to_pages
from peelextract.settings import Limits
srcs = [read_path(p) for p in sorted(Path({reports!r}).glob("*.pdf")) * 8]
def text(src):
    return "".join(p.text for p in pdf_to_pages(src, Limits()).pages)
with ThreadPoolExecutor(4) as pool:
    together = list(pool.map(text, srcs))
print("same" if together == [text(s) for s in srcs] else "different")
"""


def test_bug_pdfium_in_threads_crashed_the_process() -> None:
    """The ingestion flow's default thread runner read PDFs in parallel threads; pdfium is not thread-safe and
    the process died (SIGSEGV or SIGABRT in 2 of 4 runs of this script without the lock). In a subprocess, so a
    crash fails this test rather than the whole run."""
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-c", _THREADS.format(reports=str(REPORTS))], capture_output=True, text=True, timeout=300
    )
    assert (res.returncode, res.stdout.strip()) == (0, "same"), res.stderr[-2000:]


@pytest.mark.parametrize("pdf", sorted(REPORTS.glob("*.pdf")), ids=lambda p: p.stem)
def test_each_words_weight_is_pdfiums_for_every_character_of_it(pdf: Path) -> None:
    """``_weights`` asks pdfium once a word (at its first character); on our PDFs, whose bold runs are whole
    words, every non-space character must be as heavy as pdfium says it is when asked itself."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    from peelextract.ingest.pdf import _char_calls, _page_chars

    weight_of = _char_calls(raw)[2]
    doc = pypdfium2.PdfDocument(str(pdf))
    checked = heavy = 0
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            text, _, _, weights = _page_chars(raw, textpage, page.get_height())
            handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value
            for k, ch in enumerate(text):
                if not ch.isspace():
                    assert (weights[k] >= 600) == (weight_of(handle, k) >= 600), (pdf.name, index + 1, k, ch)
                    checked += 1
                    heavy += weights[k] >= 600
    finally:
        doc.close()
    assert checked > 1000 and heavy > 0  # bold text was there to be found
