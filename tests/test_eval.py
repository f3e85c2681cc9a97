"""``peelextract eval``: scoring rules, thresholds and exit status."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from peelextract.cli import main
from peelextract.document import Document
from peelextract.eval_scoring import Counts, match, score_field, score_mentions, sentences_overlap, token_overlap
from peelextract.evaluate import evaluate_dir
from peelextract.models import Report

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "fixtures" / "gold"
EXCERPT = "dyfed-powys_2017"


def test_counts_f1_and_empty_field() -> None:
    assert Counts().f1 == 1.0  # no gold and no predictions
    assert Counts(tp=0, fp=1, fn=0).f1 == 0.0
    c = Counts(tp=3, fp=1, fn=1)
    assert (c.precision, c.recall, round(c.f1, 4)) == (0.75, 0.75, 0.75)


def test_match_is_one_to_one() -> None:
    gold = [{"x": 1, "y": 2}, {"x": 1, "y": 2}]
    pred = [{"x": 1, "y": 2, "text": ""}]
    counts, missed, spurious = match(gold, pred, lambda g, p: g["x"] == p["x"] and g["y"] == p["y"])
    assert (counts.tp, counts.fp, counts.fn, missed, spurious) == (1, 0, 1, [1], [])


def test_ci_strict_and_lenient() -> None:
    gold = [{"value": 96.4, "ci": 2.0, "period": "current", "sentence": ""}]
    rounded = [{"value": 96.44, "ci": 2.0, "period": "current", "text": ""}]
    result = score_field("ci_percentages", gold, rounded)
    assert result.counts["strict"].f1 == 0.0
    assert result.counts["lenient"].f1 == 1.0
    far = [{"value": 96.5, "ci": 2.0, "period": "current", "text": ""}]
    assert score_field("ci_percentages", gold, far).counts["lenient"].f1 == 0.0
    wrong_period = [{"value": 96.4, "ci": 2.0, "period": "previous", "text": ""}]
    assert score_field("ci_percentages", gold, wrong_period).counts["strict"].f1 == 0.0


def test_grades_strict_needs_area_and_year_lenient_needs_grade_and_sentence() -> None:
    sentence = "The extent to which the force is effective at keeping people safe and reducing crime is good."
    gold = [{"area": "effectiveness", "grade": "Good", "carried_over_year": None, "sentence": sentence}]
    pred = [{"area": "efficiency", "grade": "Good", "carried_over_year": None, "texts": [sentence]}]
    result = score_field("grades", gold, pred)
    assert result.counts["strict"].fn == 1 and result.counts["lenient"].tp == 1
    assert result.missed == ["effectiveness=Good"] and result.spurious == ["efficiency=Good"]
    carried = [{**pred[0], "area": "effectiveness", "carried_over_year": 2016}]
    assert score_field("grades", gold, carried).counts["strict"].tp == 0


def test_afi_text_comparisons() -> None:
    assert sentences_overlap("The force’s plan is good.", "the force's plan is good")
    longer = "The force should improve its plans for the future."
    assert token_overlap("The force should improve its plans.", longer) > 0.5
    assert token_overlap("The force should improve its plans.", "Victims are not updated.") == 0.0
    gold = [{"area": None, "text": "“The force needs to develop a better understanding.”"}]
    pred = [{"area": None, "text": '"The force needs to develop a better understanding."'}]
    assert score_field("areas_for_improvement", gold, pred).counts["strict"].tp == 1


def test_eval_of_the_committed_gold_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(GOLD)]) == 0
    out = capsys.readouterr().out
    assert "extractor" in out and "Thresholds" in out
    assert "FAIL" not in out


def _tmp_project(tmp_path: Path) -> Path:
    """A project folder with the real thresholds, one excerpt and its gold file; returns the gold folder."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "fixtures" / "excerpts").mkdir(parents=True)
    (tmp_path / "fixtures" / "gold").mkdir()
    shutil.copy(ROOT / "fixtures" / "excerpts" / f"{EXCERPT}.txt", tmp_path / "fixtures" / "excerpts")
    shutil.copy(GOLD / f"{EXCERPT}.json", tmp_path / "fixtures" / "gold")
    return tmp_path / "fixtures" / "gold"


def test_eval_of_a_copy_passes_and_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold_dir = _tmp_project(tmp_path)
    assert main(["eval", str(gold_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["passed"] is True
    assert result["totals"]["excerpt"]["grades"]["strict"]["micro"]["f1"] == 1.0
    assert {c["threshold"] for c in result["thresholds"]} >= {"grades_f1_excerpts", "case_counts_f1"}


def test_wrong_gold_fails_the_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold_dir = _tmp_project(tmp_path)
    path = gold_dir / f"{EXCERPT}.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    for g in gold["grades"]:
        g["grade"] = "Inadequate"  # deliberately wrong
    path.write_text(json.dumps(gold), encoding="utf-8")
    assert main(["eval", str(gold_dir)]) == 1
    out = capsys.readouterr().out
    assert "FAIL grades_f1_excerpts" in out
    assert f"{EXCERPT}.json" in out and "grades missed" in out


def test_document_that_fails_counts_as_all_missed(tmp_path: Path) -> None:
    gold_dir = _tmp_project(tmp_path)
    (tmp_path / "fixtures" / "excerpts" / "minutes.txt").write_text("Minutes of the parish council.\n")
    gold = json.loads((gold_dir / f"{EXCERPT}.json").read_text(encoding="utf-8"))
    gold["document"] = "excerpts/minutes.txt"
    (gold_dir / "minutes.json").write_text(json.dumps(gold), encoding="utf-8")
    result, docs = evaluate_dir(gold_dir)
    failed = next(d for d in docs if d.gold == "minutes.json")
    assert failed.error is not None and "not_a_peel_report" in failed.error
    assert failed.fields["grades"].counts["strict"].fn == len(gold["grades"])
    assert result["totals"]["all"]["failed"] == ["minutes.json"]
    assert result["passed"] is False


def test_missing_gold_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["eval", str(tmp_path / "nope")]) == 2


def test_an_optional_prediction_matches_but_is_never_spurious() -> None:
    """An earlier judgment told in passing may match a gold grade with its year; unmatched, it costs nothing."""
    gold = [{"area": "effectiveness", "grade": "Good", "carried_over_year": 2015, "sentence": ""}]
    told = {"area": "effectiveness", "grade": "Good", "carried_over_year": 2015, "texts": [""], "optional": True}
    other = {**told, "area": "efficiency"}
    result = score_field("grades", gold, [other, told])
    assert (result.counts["strict"].tp, result.counts["strict"].fp, result.counts["strict"].fn) == (1, 0, 0)
    assert score_field("grades", [], [told]).counts["strict"].fp == 0


def test_mentions_are_scored_against_witnesses_and_history(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    crime = next(g for g in report.grades if g.area == "investigating-crime")
    sentence = crime.sentence.text if crime.sentence else ""
    gold: list[dict[str, Any]] = [
        {"area": "investigating-crime", "grade": crime.grade, "text": sentence, "kind": "current", "year": None},
        {"area": "investigating-crime", "grade": crime.grade, "text": "Good", "kind": "current", "year": None},
        {"area": "investigating-crime", "grade": crime.grade, "text": sentence, "kind": "previous", "year": 2019},
    ]
    result = score_mentions(gold, report)
    strict = result.counts["strict"]
    # the sentence is a witness; a bare "Good" of another grade is not; history was not told in the sample
    assert strict.tp == 1 and strict.fn == 2 and strict.fp > 0
    assert score_mentions(gold, None).counts["strict"].fn == 3


def test_eval_reports_facts_and_mentions_per_round_and_half() -> None:
    result, _ = evaluate_dir(GOLD)
    assert set(result["by_half"]) == {"tune", "test"}
    assert {"2014", "2018/19", "2021/22", "cdi"} <= set(result["by_round"])
    for group in (*result["by_half"].values(), *result["by_round"].values()):
        assert {"grades", "mentions", "documents"} <= set(group)
    assert result["totals"]["all"]["mentions"]["documents"] == 77
    names = {c["threshold"] for c in result["thresholds"]}
    assert {"grades_recall", "grades_precision", "mentions_recall", "mentions_precision"} <= names
