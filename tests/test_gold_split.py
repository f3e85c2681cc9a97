"""The gold's tune/test split (fixtures/gold/split.toml) and its `mentions` lists (issue 11)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES

GOLD = FIXTURES / "gold"
GOLD_FILES = sorted(GOLD.glob("*.json"))
SPLIT = tomllib.loads((GOLD / "split.toml").read_text(encoding="utf-8"))
GRADES = {"Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"}


def slug(path: Path) -> str:
    return path.name.split("_")[0]


def test_split_follows_its_stated_rule() -> None:
    slugs = sorted({slug(p) for p in GOLD_FILES})
    assert SPLIT["tune"] == slugs[0::2]
    assert SPLIT["test"] == slugs[1::2]
    assert "cleveland-police" in SPLIT["tune"]


def test_every_round_but_2014_is_in_both_halves() -> None:
    rounds: dict[str, set[str]] = {"tune": set(), "test": set()}
    for path in GOLD_FILES:
        half = "tune" if slug(path) in SPLIT["tune"] else "test"
        rounds[half].add(json.loads(path.read_text(encoding="utf-8"))["round"])
    assert rounds["tune"] ^ rounds["test"] == {"2014"}


def gold_with_mentions() -> list[Any]:
    out = []
    for path in GOLD_FILES:
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "mentions" in gold:
            out.append(pytest.param(path, gold, id=path.stem))
    return out


def test_every_gold_file_has_mentions() -> None:
    assert len(gold_with_mentions()) == len(GOLD_FILES)


@pytest.mark.parametrize(("path", "gold"), gold_with_mentions())
def test_mentions_quote_the_text_and_witness_every_grade(path: Path, gold: dict[str, Any]) -> None:
    text = (FIXTURES / gold["document"]).read_text(encoding="utf-8")
    for m in gold["mentions"]:
        assert set(m) == {"area", "grade", "text", "kind", "year"}, m
        assert m["grade"] in GRADES and m["text"] in text, m
        assert m["kind"] in ("current", "previous", "carried_over")
        assert (m["year"] is None) == (m["kind"] == "current"), m
    for g in gold["grades"]:
        year = g["carried_over_year"]
        assert any(
            (m["area"], m["grade"]) == (g["area"], g["grade"])
            and (m["year"] == year if year is not None else m["kind"] == "current")
            for m in gold["mentions"]
        ), g
    facts = {(g["area"], g["grade"], g["carried_over_year"]) for g in gold["grades"]}
    for m in (m for m in gold["mentions"] if m["kind"] != "previous"):  # grades has no field for history
        assert (m["area"], m["grade"], m["year"]) in facts, f"mention of a fact missing from grades: {m}"
