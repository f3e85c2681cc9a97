"""The synthetic reports of rounds the extractor does not know (fixtures/reports/new-rounds/, issue 11).

They live in a sub-folder so that the tests built on the three fixture reports of every edition (tests/test_fuzz.py
counts them) do not pick them up. Each text has a ``.truth.json`` beside it; there are no golden files yet.

Before issue 11 a 2025–27 report was filed under 2023-25 and a 2027–29 report under 2021/22; now each gets its own
round and id, the decision is marked inferred (the round's areas are read from the report's structure) with a
warning, and every statement of a grade in the truth file is a witness of the grade it states.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from peelextract.models import Report
from peelextract.pipeline import path_to_report
from tests.conftest import REPORTS

NEW_ROUNDS = REPORTS / "new-rounds"
STEMS = ["eastmarch-police_peel-2025-27-synthetic", "eastmarch-police_peel-2027-29-synthetic"]


def truth(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((NEW_ROUNDS / f"{stem}.truth.json").read_text(encoding="utf-8"))
    return data


@cache
def report(stem: str) -> Report:
    return path_to_report(NEW_ROUNDS / f"{stem}.txt")[0]


def test_the_folder_holds_exactly_these_fixtures() -> None:
    assert sorted(p.stem for p in NEW_ROUNDS.glob("*.txt")) == STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_truth_quotes_the_text_and_says_synthetic(stem: str) -> None:
    text = (NEW_ROUNDS / f"{stem}.txt").read_text(encoding="utf-8")
    data = truth(stem)
    assert data["synthetic"] is True and "SYNTHETIC" in text.splitlines()[0]
    quoted: list[str] = [m["text"] for m in data["mentions"]]
    for name in ("grades", "case_counts", "ci_percentages", "non_grades", "non_case_counts"):
        quoted.extend(item["sentence"] for item in data[name])
    assert quoted
    for sentence in quoted:
        assert sentence in text, sentence
    assert data["id"] == f"eastmarch-police-{data['round']}"


@pytest.mark.parametrize("stem", STEMS)
def test_new_round_gets_its_own_round_and_id(stem: str) -> None:
    info = report(stem).report
    assert (info.round, info.id) == (truth(stem)["round"], truth(stem)["id"])
    assert info.round_decision.inferred and not truth(stem)["vocabulary_known"]
    assert "round_vocabulary_unknown" in [w.code for w in report(stem).warnings]


@pytest.mark.parametrize("stem", STEMS)
def test_every_statement_is_a_witness_and_history_is_told(stem: str) -> None:
    """Each current mention of the truth is a witness of its grade; each previous one an earlier judgment."""
    got = report(stem)
    witnesses = {(g.area_title, g.grade, m.evidence.text) for g in got.grades for m in g.mentions}
    earlier = {(e.area, e.grade, e.kind, e.year, e.evidence.text) for e in got.report.earlier_judgments}
    for m in truth(stem)["mentions"]:
        if m["kind"] == "current":
            assert (m["area_title"], m["grade"], m["text"]) in witnesses, m
        else:
            assert (m["area_key"], m["grade"], m["kind"], m["year"], m["text"]) in earlier, m
    assert len(witnesses) == sum(m["kind"] == "current" for m in truth(stem)["mentions"])


@pytest.mark.parametrize("stem", STEMS)
def test_non_grades_state_no_grade(stem: str) -> None:
    stated = {m.evidence.text for g in report(stem).grades for m in g.mentions}
    assert not stated & {n["sentence"] for n in truth(stem)["non_grades"]}


def test_2025_27_grades_are_read_from_the_judgment_sentences() -> None:
    """The areas keep their 2023–25 names: a title known in any round keeps its area key."""
    stem = STEMS[0]
    want = {(g["area_key"], g["grade"]) for g in truth(stem)["grades"]}
    assert {(g.area, g.grade) for g in report(stem).grades if g.carried_over_year is None} == want


def test_2027_29_grades_come_from_the_report_structure() -> None:
    stem = STEMS[1]
    got = {(g.area_title, g.grade) for g in report(stem).grades if g.carried_over_year is None}
    assert got == {(g["area_title"], g["grade"]) for g in truth(stem)["grades"]}
