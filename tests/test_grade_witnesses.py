"""Every witness of a grade (``Grade.mentions``) and every earlier judgment told (``report.earlier_judgments``) is
evidence like any other value: its text is the document's text at its offsets, and in a PDF it has a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from peelextract.errors import ContractError
from peelextract.models import Evidence
from peelextract.pipeline import path_to_report
from peelextract.validate import check_provenance
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


def _shifted(ev: Evidence) -> Evidence:
    return ev.model_copy(update={"start": ev.start + 1, "end": ev.end + 1})


def test_validation_refuses_a_witness_or_an_earlier_judgment_that_is_not_the_text() -> None:
    """Witnesses and earlier judgments were once checked only by this test file, not by validation: a shifted
    span in either is now a ContractError naming where it sits, so it can never be written."""
    report, doc = path_to_report(REPORTS / "northshire-police_peel-2018-19-synthetic.txt")
    check_provenance(report, doc)
    grade = report.grades[0]
    mention = grade.mentions[-1].model_copy(update={"evidence": _shifted(grade.mentions[-1].evidence)})
    broken = grade.model_copy(update={"mentions": [*grade.mentions[:-1], mention]})
    bad = report.model_copy(update={"grades": [broken, *report.grades[1:]]})
    with pytest.raises(ContractError, match=rf"grades\[0\]\.mentions\[{len(grade.mentions) - 1}\]\.evidence"):
        check_provenance(bad, doc)
    [earlier, *rest] = report.report.earlier_judgments
    moved = earlier.model_copy(update={"evidence": _shifted(earlier.evidence)})
    info = report.report.model_copy(update={"earlier_judgments": [moved, *rest]})
    with pytest.raises(ContractError, match=r"report\.earlier_judgments\[0\]\.evidence"):
        check_provenance(report.model_copy(update={"report": info}), doc)
