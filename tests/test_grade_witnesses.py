"""Every witness of a grade (``Grade.mentions``) and every earlier judgment told (``report.earlier_judgments``) is
evidence like any other value: its text is the document's text at its offsets, and in a PDF it has a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from peelextract.pipeline import path_to_report
from tests.conftest import REPORTS

SOURCES = sorted(p for p in REPORTS.glob("*") if p.suffix in (".txt", ".html", ".pdf")) + sorted(
    (REPORTS / "new-rounds").glob("*.txt")
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_witnesses_and_earlier_judgments_are_traceable(path: Path) -> None:
    report, doc = path_to_report(path)
    evidences = [m.evidence for g in report.grades for m in g.mentions]
    evidences += [e.evidence for e in report.report.earlier_judgments]
    assert evidences
    for ev in evidences:
        assert doc.text[ev.start : ev.end] == ev.text
        if doc.char_pages is not None:
            assert ev.page is not None
    for g in report.grades:
        assert g.mentions, g.area
        assert g.evidence in [m.evidence for m in g.mentions]
        assert [m.evidence.start for m in g.mentions] == sorted(m.evidence.start for m in g.mentions)
