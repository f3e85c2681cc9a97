"""The sample report (Cleveland Police, PEEL 2021/22), text edition: everything the issue lists, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from peelextract.document import Document
from peelextract.models import CaseCount, CIPercentage, Percentage, Rate, Report
from tests.conftest import SAMPLE_GRADES

EXPECTED_CASES = [
    (14, 18, "success"),
    (75, 77, "success"),
    (24, 26, "success"),
    (15, 70, "failure"),
    (8, 12, "failure"),
    (33, 35, "success"),
    (89, 90, "success"),
    (18, 87, "failure"),
    (30, 34, "success"),
    (12, 90, "failure"),
    (14, 19, "failure"),
    (16, 75, "failure"),
]
EXPECTED_CI = [
    (96.4, 2.0, "current"),
    (89.9, 2.6, "previous"),
    (93.7, 4.2, "current"),
    (84.2, 4.6, "previous"),
    (96.0, 3.5, "current"),
    (97.1, 2.9, "previous"),
    (80.7, 5.1, "current"),
    (83.0, 4.6, "previous"),
]


def test_metadata(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert report.report.id == "cleveland-police-2021-22"
    assert report.report.force == "Cleveland Police"
    assert report.report.round == "2021/22"
    assert report.report.round_decision.scale == "five-tier"
    assert report.report.source.format == "text"
    assert len(report.report.source.sha256) == 64


def test_all_ten_graded_areas_with_the_right_grade(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert {g.area: g.grade for g in report.grades} == SAMPLE_GRADES
    assert len(report.grades) == 10
    for g in report.grades:
        assert g.sentence is not None and g.badge is not None, g.area
        assert g.badge.text == g.grade
        assert g.carried_over_year is None


def test_repeated_judgment_sentence_counted_once_in_its_own_section(sample: tuple[Report, Document]) -> None:
    report, doc = sample
    sentence = "Cleveland Police is good at recording crime."
    assert doc.text.count(sentence) == 2
    recording = [g for g in report.grades if g.area == "recording-data"]
    assert len(recording) == 1
    assert recording[0].section == "recording-data-about-crime"


def test_victim_service_is_ungraded(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert [u.area for u in report.ungraded_areas] == ["victim-service"]
    assert "ungraded" in (report.ungraded_areas[0].evidence.text if report.ungraded_areas[0].evidence else "")


def test_graded_area_count_is_checked_against_what_was_found(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    count = report.graded_area_count
    assert count is not None and (count.graded, count.total, count.found) == (11, 12, 10)
    assert [w.code for w in report.warnings] == ["graded_count_mismatch"]


def test_all_twelve_case_findings(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert [(c.x, c.y, c.polarity) for c in report.case_counts] == EXPECTED_CASES
    bracketed = next(c for c in report.case_counts if (c.x, c.y) == (89, 90))
    assert bracketed.qualifier == "nearly all"
    areas = {c.area for c in report.case_counts}
    assert areas == {"treatment-of-public", "responding-to-public", "investigating-crime"}


def test_all_eight_ci_percentages_paired_and_marked(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert [(c.value, c.ci, c.period) for c in report.ci_percentages] == EXPECTED_CI
    first = report.ci_percentages[0]
    assert (first.lower, first.upper) == (94.4, 98.4)
    assert [c.year for c in report.ci_percentages if c.period == "previous"] == [2021, 2021, 2021, 2019]


def test_other_percentages_and_rates(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert [p.value for p in report.percentages] == [37.0, 23.0, 33.3, 25.0, 46.0]
    assert [(r.value, r.unit, r.england_wales_average) for r in report.rates] == [
        (1.8, "applications", None),
        (29.9, "incidents", 19.8),
        (21.0, "arrests", None),
    ]


def test_about_the_data_yields_no_findings(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    back = next(s for s in report.sections if s.role == "back_matter")
    assert back.title == "About the data"
    items: list[CaseCount | CIPercentage | Percentage | Rate] = [
        *report.case_counts,
        *report.ci_percentages,
        *report.percentages,
        *report.rates,
    ]
    assert all(not (back.start <= i.evidence.start <= back.end) for i in items)
    assert "32%" in report_text(sample)[back.start : back.end]  # the methodology's own number is there, and ignored


def report_text(sample: tuple[Report, Document]) -> str:
    return sample[1].text


def test_sections_tree(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    roles = [(s.role, s.area) for s in report.sections]
    assert roles[0] == ("front_matter", None) and roles[-1] == ("back_matter", None)
    areas = [s for s in report.sections if s.role == "area"]
    assert len(areas) == 11
    assert {s.area: s.badge for s in areas if s.badge} == SAMPLE_GRADES
    investigating = next(s for s in areas if s.area == "investigating-crime")
    headlines = [f.headline for f in investigating.findings]
    assert "Supervisory oversight of investigations isn't always effective" in headlines


def test_every_evidence_is_its_text_in_the_written_txt(sample: tuple[Report, Document], tmp_path: Path) -> None:
    from peelextract.publish.report_json import write_report
    from peelextract.validate import _evidences

    report, doc = sample
    write_report(report, doc, tmp_path)
    text = (tmp_path / "cleveland-police-2021-22.txt").read_text(encoding="utf-8")
    evidences = list(_evidences(report))
    assert len(evidences) > 40
    for where, ev in evidences:
        assert text[ev.start : ev.end] == ev.text, where
        assert ev.page is None and ev.bbox is None


def test_source_offsets_point_into_the_original(sample: tuple[Report, Document]) -> None:
    from tests.conftest import SAMPLE_TXT

    report, _ = sample
    original = SAMPLE_TXT.read_text(encoding="utf-8")
    for g in report.grades:
        assert g.sentence is not None and g.sentence.source_start is not None and g.sentence.source_end is not None
        assert original[g.sentence.source_start : g.sentence.source_end] == g.sentence.text
    # curly apostrophes are normalised in the text but the source span still covers the original characters
    ev = report.ungraded_areas[0].evidence
    assert ev is not None and ev.source_start is not None and ev.source_end is not None
    assert original[ev.source_start : ev.source_end].replace("’", "'") == ev.text


@pytest.mark.parametrize("index", range(3))
def test_nothing_is_extracted_twice(sample: tuple[Report, Document], index: int) -> None:
    report, _ = sample
    field = ["case_counts", "ci_percentages", "percentages"][index]
    starts = [i.evidence.start for i in getattr(report, field)]
    assert len(starts) == len(set(starts))
