"""Issue 12 on the sample report, from text, HTML and PDF: every CI value names its measure, every current
one its printed verdict and every previous one the current value it is compared with; the percentages say
what they are; the 12 case counts their population and finding; the crime-recording table holds the four
measures beside their previous estimates. Expected values are read from the gold annotations
(fixtures/gold/cleveland-police_peel-2021-22.json), not written here.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from peelextract.document import normalise_text
from peelextract.models import Report
from peelextract.pipeline import path_to_report
from peelextract.publish.tables import report_rows
from tests.conftest import FIXTURES, REPORTS

GOLD: dict[str, Any] = json.loads((FIXTURES / "gold" / "cleveland-police_peel-2021-22.json").read_text("utf-8"))
FORMATS = ("txt", "html", "pdf")


@cache
def _report(ext: str) -> Report:
    return path_to_report(REPORTS / f"cleveland-police_peel-2021-22.{ext}")[0]


def _norm(text: str | None) -> str | None:
    return normalise_text(text).casefold() if text is not None else None


@pytest.mark.parametrize("ext", FORMATS)
def test_every_ci_value_carries_its_measure_verdict_and_link(ext: str) -> None:
    report = _report(ext)
    found = {(c.value, c.ci): c for c in report.ci_percentages}
    assert len(found) == len(GOLD["ci_percentages"]) == 8
    for g in GOLD["ci_percentages"]:
        c = found[(g["value"], g["ci"])]
        assert (c.period, c.measure, _norm(c.measure_text)) == (g["period"], g["measure"], _norm(g["measure_text"]))
        if g["period"] == "current":
            assert (c.change, _norm(c.change_text)) == (g["change"], _norm(g["change_text"]))
            assert c.current is None
        else:
            assert c.current is not None and (c.current.value, c.current.ci) == (
                g["current"]["value"],
                g["current"]["ci"],
            )
            assert c.change is None and c.year == g["year"]


@pytest.mark.parametrize("ext", FORMATS)
def test_percentages_say_whether_they_are_shares_changes_or_rates(ext: str) -> None:
    by_value = {p.value: p for p in _report(ext).percentages}
    for g in GOLD["percentages"]:
        p = by_value[g["value"]]
        assert (p.kind, _norm(p.of), p.of_from) == (g["kind"], _norm(g["of"]), g["of_from"])
    assert by_value[25.0].kind == "change" and by_value[25.0].direction == "increase"
    assert by_value[23.0].kind == "share" and by_value[23.0].of_text == "these"


@pytest.mark.parametrize("ext", FORMATS)
def test_every_case_count_has_its_population_and_finding(ext: str) -> None:
    found = {(c.x, c.y): c for c in _report(ext).case_counts}
    assert len(found) == len(GOLD["case_counts"]) == 12
    for g in GOLD["case_counts"]:
        c = found[(g["x"], g["y"])]
        assert (c.population, _norm(c.population_text)) == (g["population"], _norm(g["population_text"]))
        assert _norm(c.finding) == _norm(g["finding"])


@pytest.mark.parametrize("ext", FORMATS)
def test_rates_and_estimates_carry_their_period_and_qualifier(ext: str) -> None:
    report = _report(ext)
    rates = {r.value: r for r in report.rates}
    for g in GOLD["rates"]:
        assert (rates[g["value"]].period, rates[g["value"]].period_from) == (g["period"], g["period_from"])
    estimates = sorted((e.value, e.qualifier, e.kind, e.measure, e.period) for e in report.estimated_counts)
    assert estimates == sorted(
        (g["value"], g["qualifier"], g["kind"], g["measure"], g["period"]) for g in GOLD["estimated_counts"]
    )


@pytest.mark.parametrize("ext", FORMATS)
def test_the_crime_recording_table_holds_the_four_measures_with_their_previous_estimates(ext: str) -> None:
    rows = report_rows(_report(ext))["crime_recording"]
    previous = {(g["current"]["value"], g["current"]["ci"]): g for g in GOLD["ci_percentages"] if "current" in g}
    assert sorted(r["measure"] for r in rows) == sorted(
        g["measure"] for g in GOLD["ci_percentages"] if g["period"] == "current"
    )
    for r in rows:
        g = previous[(r["value"], r["ci"])]
        assert (r["previous_value"], r["previous_ci"], r["previous_year"]) == (g["value"], g["ci"], g["year"])
    everything = next(r for r in rows if r["measure"] == "crime-recording-all")
    assert (everything["unrecorded_estimate"], everything["additional_recorded_estimate"]) == (2600, 4700)


def test_unknowns_are_counted_in_a_closing_warning_only_when_there_are_some() -> None:
    assert not [w for w in _report("txt").warnings if w.code == "numbers_unknown"]
