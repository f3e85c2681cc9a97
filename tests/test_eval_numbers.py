"""``eval_numbers``: what-a-number-measures fields scored per field — right answers are hits, wrong ones a
false positive and a false negative, unknown or unpaired ones a false negative; phrases by exact text
(strict) or token overlap (lenient)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from peelextract.eval_numbers import NAMES, score_numbers, summarise_numbers, unknown_counts
from peelextract.models import Report
from tests.conftest import FIXTURES

GOLD: dict[str, Any] = json.loads((FIXTURES / "gold" / "cleveland-police_peel-2021-22.json").read_text("utf-8"))


def _counts(gold: dict[str, Any], report: Report, name: str, mode: str = "strict") -> tuple[int, int, int]:
    c = score_numbers(gold, report)[name].counts[mode]
    return c.tp, c.fp, c.fn


def test_the_sample_scores_every_annotated_field(sample: tuple[Report, Any]) -> None:
    report, _ = sample
    results = score_numbers(GOLD, report)
    assert set(results) == set(NAMES)
    assert _counts(GOLD, report, "ci.measure") == (8, 0, 0)
    assert _counts(GOLD, report, "ci.change") == (4, 0, 0)  # current values only
    assert _counts(GOLD, report, "ci.current") == (4, 0, 0)  # previous values only
    assert _counts(GOLD, report, "case.finding") == (12, 0, 0)


def test_a_wrong_key_is_a_false_positive_and_a_false_negative(sample: tuple[Report, Any]) -> None:
    report, _ = sample
    gold = copy.deepcopy(GOLD)
    gold["ci_percentages"][0]["measure"] = "crime-recording-rape"
    assert _counts(gold, report, "ci.measure") == (7, 1, 1)
    assert any("crime-recording-rape" in m for m in score_numbers(gold, report)["ci.measure"].missed)


def test_an_unknown_answer_is_only_a_false_negative(sample: tuple[Report, Any]) -> None:
    report, _ = sample
    blind = report.model_copy(
        update={"case_counts": [c.model_copy(update={"population": "unknown"}) for c in report.case_counts]}
    )
    assert _counts(GOLD, blind, "case.population") == (0, 0, 12)
    assert unknown_counts(blind)["case.population"] == 12


@pytest.mark.parametrize(("mode", "expected"), [("strict", (4, 1, 1)), ("lenient", (5, 0, 0))])
def test_phrases_are_exact_when_strict_and_overlap_when_lenient(
    sample: tuple[Report, Any], mode: str, expected: tuple[int, int, int]
) -> None:
    report, _ = sample
    gold = copy.deepcopy(GOLD)
    gold["percentages"][3]["of"] = "the number of children identified as at risk of exploitation"
    assert _counts(gold, report, "pct.of", mode) == expected


def test_unannotated_kinds_are_not_scored(sample: tuple[Report, Any]) -> None:
    report, _ = sample
    gold = {k: v for k, v in GOLD.items() if k not in ("percentages", "rates", "estimated_counts")}
    results = score_numbers(gold, report)
    assert all(
        results[n].counts["strict"].tp + results[n].counts["strict"].fn == 0
        for n in NAMES
        if "." in n and n.split(".")[0] in ("pct", "rate", "est")
    )
    summary = summarise_numbers([(results, unknown_counts(report))])
    assert summary["ci.measure"]["strict"]["tp"] == 8 and summary["unknown"]["ci.measure"] == 0


def test_a_number_field_below_its_threshold_fails_the_eval() -> None:
    from peelextract.eval_numbers import is_number_threshold, number_threshold_checks

    counts = {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    summary = {"ci.measure": {"strict": counts}, "case.population": {"strict": {**counts, "tp": 0, "fn": 0}}}
    checks = number_threshold_checks(summary, {"ci.measure_f1": 0.95, "case.population_f1": 0.95})
    assert [(c["field"], c["passed"]) for c in checks] == [("case.population", True), ("ci.measure", False)]
    assert is_number_threshold("ci.measure_f1") and not is_number_threshold("grades_f1")
