"""A figure caption printed over two lines stays one caption: its second line is not a finding headline."""

from __future__ import annotations

from peelextract.pipeline import path_to_report
from tests.conftest import REPORTS

SAMPLE_PDF = REPORTS / "cleveland-police_peel-2021-22.pdf"


def test_chart_caption_fragments_do_not_become_finding_headlines() -> None:
    """The sample PDF's "Figure 2: … applications per 1,000" / "population, for forces in England and Wales,
    in the year ending 31 March 2022": the second line is bold with no final stop, which alone reads as a
    heading; it belongs to the caption above it, so it is neither a headline nor a line of its own."""
    report, doc = path_to_report(SAMPLE_PDF)
    headlines = [f.headline for s in report.sections for f in s.findings if f.headline]
    assert "population, for forces in England and Wales, in the year ending 31 March 2022" not in headlines
    assert not [h for h in headlines if h[:1].islower() or h.startswith(("Figure", "and Wales"))], headlines
    captions = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "caption"]
    assert (
        "Figure 2: Domestic violence disclosure scheme right to know applications per 1,000 population, for forces "
        "in England and Wales, in the year ending 31 March 2022"
    ) in captions
    assert (
        "Figure 3: Domestic abuse-related incidents per 1,000 population, for forces in England and Wales, in the "
        "year ending 31 March 2022"
    ) in captions
    # the findings around the figures are still there
    assert "Current demand is overwhelming the force's safeguarding capacity" in headlines
