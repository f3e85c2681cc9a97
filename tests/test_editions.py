"""The three editions of each fixture report (text, HTML, PDF) give the same data, and the synthetic
reports give what their hand-written truth files say."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from peelextract.models import Report
from peelextract.pipeline import path_to_report
from peelextract.rounds.vocab import area_for_title
from tests.conftest import REPORTS

STEMS = [
    "cleveland-police_peel-2021-22",
    "northshire-police_peel-2018-19-synthetic",
    "southvale-constabulary_peel-2023-25-synthetic",
]


@cache
def report_of(path: Path) -> Report:
    return path_to_report(path)[0]


def summary(report: Report) -> dict[str, object]:
    return {
        "id": report.report.id,
        "grades": sorted((g.area, g.grade, g.carried_over_year or 0) for g in report.grades),
        "ungraded": sorted(u.area for u in report.ungraded_areas),
        "cases": [(c.x, c.y, c.polarity) for c in report.case_counts],
        "ci": [(c.value, c.ci, c.period, c.year) for c in report.ci_percentages],
        "rates": [(r.value, r.england_wales_average) for r in report.rates],
    }


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("ext", ["html", "pdf"])
def test_edition_agrees_with_text(stem: str, ext: str) -> None:
    text = summary(report_of(REPORTS / f"{stem}.txt"))
    other = report_of(REPORTS / f"{stem}.{ext}")
    assert other.report.source.format == ext
    assert summary(other) == text


@pytest.mark.parametrize("stem", STEMS[1:])
def test_synthetic_report_matches_its_truth_file(stem: str) -> None:
    truth = json.loads((REPORTS / f"{stem}.truth.json").read_text(encoding="utf-8"))
    report = report_of(REPORTS / f"{stem}.txt")
    assert report.report.force == truth["force"]
    expected = []
    for g in truth["grades"]:
        area = area_for_title(g["area_title"])
        assert area is not None, g["area_title"]
        expected.append((area.key, g["grade"], g.get("carried_over_year") or 0))
    assert sorted((g.area, g.grade, g.carried_over_year or 0) for g in report.grades) == sorted(expected)
    assert [(c.x, c.y, c.polarity) for c in report.case_counts] == [
        (c["x"], c["y"], c["polarity"]) for c in truth["case_counts"]
    ]
    assert [(c.value, c.ci, c.period) for c in report.ci_percentages] == [
        (c["value"], c["ci"], c["period"]) for c in truth["ci_percentages"]
    ]
    assert sorted(u.area_title for u in report.ungraded_areas) == sorted(truth["ungraded"])
