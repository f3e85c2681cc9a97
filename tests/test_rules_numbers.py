"""Unit tests of the numeric rules on small synthetic sentences, including PEEL.md's traps."""

from __future__ import annotations

import json

import pytest

from peelextract.pipeline import path_to_report
from tests.conftest import REPORTS, extract_text, mini_report


def cases(*lines: str) -> list[tuple[int, int, str]]:
    report, _ = extract_text(mini_report("Investigating crime", *lines))
    return [(c.x, c.y, c.polarity) for c in report.case_counts]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In 75 of the 77 cases we reviewed, the force applied a structured approach.", [(75, 77, "success")]),
        ("In nearly all cases we reviewed (89 of 90 cases), allocation was appropriate.", [(89, 90, "success")]),
        ("And 18 of 87 relevant cases failed to achieve the investigative standards expected.", [(18, 87, "failure")]),
        (
            "In 8 of the 12 cases we reviewed, callers weren't updated when the response was delayed.",
            [(8, 12, "failure")],
        ),
        ("The force met the standard in just 29 of the 50 relevant cases.", [(29, 50, "success")]),
        ("We found that 14 of 18 records had reasonable grounds recorded.", [(14, 18, "success")]),
        ("In nine of the ten cases we reviewed, victims were updated.", [(9, 10, "success")]),
        ("In twenty-one of thirty cases, the plan was sound.", [(21, 30, "success")]),
    ],
)
def test_case_count_shapes(sentence: str, expected: list[tuple[int, int, str]]) -> None:
    assert cases(sentence) == expected


def test_two_case_counts_in_one_sentence_each_with_its_own_polarity() -> None:
    sentence = (
        "In 30 of 34 relevant cases the force made prompt arrests, but in 12 of 90 investigations "
        "the work took longer than necessary."
    )
    assert cases(sentence) == [(30, 34, "success"), (12, 90, "failure")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Our inspection assessed how good Northshire Police is in ten areas of policing. We make graded judgments in "
        "nine of these ten as follows:",
        "This is one of the highest rates in England and Wales.",
        "Two of the three teams had vacancies.",
    ],
)
def test_structure_counts_and_non_case_phrases_are_not_case_findings(sentence: str) -> None:
    assert cases(sentence) == []


def test_x_greater_than_y_is_a_warning_not_a_value() -> None:
    report, _ = extract_text(mini_report("Investigating crime", "In 12 of 10 cases we reviewed, the plan was sound."))
    assert report.case_counts == []
    assert [w.code for w in report.warnings] == ["case_count_invalid"]


def cis(*lines: str) -> list[tuple[float, float, str, int | None]]:
    report, _ = extract_text(mini_report("Recording data about crime", *lines))
    return [(c.value, c.ci, c.period, c.year) for c in report.ci_percentages]


def test_ci_pairs_current_and_previous_each_with_its_own_interval() -> None:
    sentence = (
        "We estimate that the force is recording 93.7 percent (with a confidence interval of +/- 4.2 "
        "percent) of violent offences. This is an improvement compared with our previous 2021 inspection, "
        "where we found that 84.2 percent (with a confidence interval of +/- 4.6 percent) of violent "
        "offences were recorded."
    )
    assert cis(sentence) == [(93.7, 4.2, "current", None), (84.2, 4.6, "previous", 2021)]


@pytest.mark.parametrize(
    ("sentence", "value", "ci"),
    [
        ("The force records 88.6 percent (± 1.8 percent) of crimes.", 88.6, 1.8),
        (
            "This represents a recording rate of 80.4 per cent (with a confidence interval of +/- 1.75 per cent).",
            80.4,
            1.75,
        ),
        ("The rate was 91.2% (+/- 1.88%) overall.", 91.2, 1.88),
    ],
)
def test_ci_variants(sentence: str, value: float, ci: float) -> None:
    assert cis(sentence) == [(value, ci, "current", None)]


def test_ci_bounds_outside_0_100_are_warnings() -> None:
    report, _ = extract_text(
        mini_report(
            "Recording data about crime", "We estimate 99.0 percent (with a confidence interval of +/- 2.0 percent)."
        )
    )
    assert report.ci_percentages == []
    # The rejected value and its interval stay plain percentages of nothing named: the closing note counts them.
    assert [p.value for p in report.percentages] == [99.0, 2.0]
    assert [w.code for w in report.warnings] == ["ci_out_of_range", "numbers_unknown"]
    assert "2 of 2 percentages (of)" in report.warnings[-1].message


def test_plain_percentages_exclude_ci_values() -> None:
    report, _ = extract_text(
        mini_report(
            "Investigating crime",
            "Only 23 percent of posts were filled. We estimate 80.7 percent (with a confidence interval of +/- 5.1 "
            "percent) of searches had grounds. Less than half (46 percent) had objectives.",
        )
    )
    assert [p.value for p in report.percentages] == [23.0, 46.0]
    assert [c.value for c in report.ci_percentages] == [80.7]


def test_rate_with_average_in_the_next_sentence() -> None:
    report, _ = extract_text(
        mini_report(
            "Protecting vulnerable people",
            "The force identified 17,020 incidents, which equates to 29.9 incidents per 1,000 population. This is "
            "higher than the average across forces in England and Wales of 19.8 incidents per 1,000 population.",
            "Figure 3: Domestic abuse-related incidents per 1,000 population, for forces in England and Wales",
        )
    )
    found = [(r.value, r.unit, r.per, r.england_wales_average) for r in report.rates]
    assert found == [(29.9, "incidents", 1000, 19.8)]
    rate = report.rates[0]
    assert rate.average_evidence is not None and rate.average_evidence.text.startswith("19.8")


def test_back_matter_numbers_are_not_findings() -> None:
    report, _ = extract_text(
        mini_report(
            "Investigating crime",
            "In 5 of 6 cases we reviewed, victims were updated.",
            "About the data",
            "Typically, 32% of forces will be above these lines. In 3 of 4 cases data was missing.",
        )
    )
    assert [(c.x, c.y) for c in report.case_counts] == [(5, 6)]
    assert report.percentages == []


def test_no_further_action_is_a_decision_not_a_shortfall() -> None:
    assert cases("In 14 of 18 records we reviewed, the force had recorded why it took no further action.") == [
        (14, 18, "success")
    ]


def test_previous_value_named_after_it() -> None:
    sentence = "This is an improvement on the 84.3 per cent (± 2.1 per cent) we found in our 2016 inspection."
    assert cis(sentence) == [(84.3, 2.1, "previous", 2016)]


def test_bug_previous_ci_year_stated_after_the_value() -> None:
    sentence = (
        "We estimate that the force is recording 92.8 percent (with a confidence interval of +/- 1.7 "
        "percent) of all reported crime, compared with 90.1 percent (with a confidence interval of +/- 2.3 "
        "percent) in our 2022 inspection."
    )
    assert cis(sentence) == [(92.8, 1.7, "current", None), (90.1, 2.3, "previous", 2022)]


@pytest.mark.parametrize("stem", ["eastmarch-police_peel-2025-27-synthetic", "eastmarch-police_peel-2027-29-synthetic"])
def test_new_round_case_counts_match_their_truth_with_a_population_each(stem: str) -> None:
    """The 2025-27 and 2027-29 fixtures' counts, including the bare "In 11 of the 40, …" whose noun is in the
    sentence before and "change projects"."""
    folder = REPORTS / "new-rounds"
    truth = json.loads((folder / f"{stem}.truth.json").read_text("utf-8"))
    report, _ = path_to_report(folder / f"{stem}.txt")
    found = sorted((c.x, c.y, c.polarity) for c in report.case_counts)
    assert found == sorted((c["x"], c["y"], c["polarity"]) for c in truth["case_counts"])
    assert all(c.population != "unknown" and c.finding for c in report.case_counts)


def test_a_sentence_naming_two_offence_groups_names_no_one_measure() -> None:
    """The sentence before names several groups: the CI's measure is unknown, not the most specific of them."""
    report, _ = extract_text(
        mini_report(
            "Crime data integrity",
            "The unrecorded crimes include sexual offences, domestic abuse-related crimes and rape. "
            "This represents a recording rate of 80.4 percent (with a confidence interval of +/- 1.75 percent).",
        )
    )
    assert [(c.value, c.measure) for c in report.ci_percentages] == [(80.4, "unknown")]


def test_an_estimate_in_the_present_tense_with_a_year() -> None:
    report, _ = extract_text(
        mini_report("Crime data integrity", "We estimate the force now records an additional 9,000 crimes a year.")
    )
    assert [(e.value, e.qualifier, e.kind, e.measure, e.period) for e in report.estimated_counts] == [
        (9000, "an additional", "additional-recorded", "crime-recording-all", "a year")
    ]
