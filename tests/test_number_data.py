"""Issue-12 data: the sentence cases (tests/data/number_sentences.json) and the gold number annotations agree
with the vocabulary proposal (docs/proposals/measures.md) and with the fixture texts they quote.

These tests check the data the number rules will be tested against, not the rules: a verbatim case must be
found in its fixture with its context sentences next to it, every phrase must sit in the sentence (or the one
before) that its ``*_from`` names, and every key must be one the proposal defines.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = json.loads((ROOT / "tests" / "data" / "number_sentences.json").read_text(encoding="utf-8"))
VOCAB: dict[str, list[str]] = DATA["vocabulary"]
CASES: list[dict[str, Any]] = DATA["cases"]
PROPOSAL = (ROOT / "docs" / "proposals" / "measures.md").read_text(encoding="utf-8")
GOLD = sorted((ROOT / "fixtures" / "gold").glob("*.json"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _digits(value: float) -> str:
    """How a value is printed: 4700 → "4,700", 96.0 → "96.0" or "96", 85.27 → "85.27"."""
    if value >= 1000:
        return f"{int(value):,}"
    return f"{value:g}"


def _window(case: dict[str, Any], where: str | None) -> str:
    windows: dict[str, str] = {"sentence": case["sentence"], "previous-sentence": case["previous_sentence"] or ""}
    return windows.get(where or "", "")


def test_enough_cases_from_every_round_and_every_trap() -> None:
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)
    rounds = {c["round"] for c in CASES}
    assert {"cdi", "2016", "2018/19", "2021/22", "2023-25"} <= rounds
    kinds = {e.get("kind") for c in CASES for e in c["expect"] if e["type"] == "percentage"}
    assert kinds == set(VOCAB["percentage_kind"])
    measures = {e["measure"] for c in CASES for e in c["expect"] if e["type"] == "ci"}
    assert {"unknown", "other", "crime-recording-all", "crime-recording-violence", "stop-search-grounds"} <= measures
    assert any(e["type"] == "rate" and "percentage" in c["not"] for c in CASES for e in c["expect"])
    assert any(e.get("of") and "workforce" in e["of"] for c in CASES for e in c["expect"])


@pytest.mark.parametrize("group", ["measure", "change", "percentage_kind", "population", "estimate_kind"])
def test_every_key_is_defined_in_the_proposal(group: str) -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)`", PROPOSAL, flags=re.MULTILINE))
    missing = [k for k in VOCAB[group] if k not in documented]
    assert not missing, f"{group} keys not in docs/proposals/measures.md: {missing}"


@pytest.mark.parametrize("case", [c for c in CASES if c["origin"] != "paraphrase"], ids=lambda c: c["id"])
def test_quoted_cases_are_in_their_fixture_with_their_context(case: dict[str, Any]) -> None:
    text = _flat((ROOT / case["source"]).read_text(encoding="utf-8"))
    run = " ".join(_flat(s) for s in (case["previous_sentence"], case["sentence"], case["next_sentence"]) if s)
    assert run in text, f"{case['id']}: sentence (with its context) not found in {case['source']}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_expected_values_keys_and_phrases_sit_where_they_say(case: dict[str, Any]) -> None:
    sentence = case["sentence"]
    for e in case["expect"]:
        kind = e["type"]
        assert kind in ("ci", "percentage", "case_count", "rate", "estimate")
        assert kind not in case["not"]
        if kind == "ci":
            assert e["measure"] in VOCAB["measure"]
            assert _digits(e["value"]) in sentence and _digits(e["ci"]) in sentence
            if e["measure"] == "unknown":
                assert e["measure_text"] is None and e["measure_from"] is None
            else:
                assert e["measure_text"] in _window(case, e["measure_from"])
            if e["period"] == "current":
                assert e["change"] in VOCAB["change"]
                if e["change"] == "none":
                    assert e["change_text"] is None
                else:
                    assert e["change_text"] in sentence + " " + (case["next_sentence"] or "")
        elif kind == "percentage":
            assert e["kind"] in VOCAB["percentage_kind"] and _digits(e["value"]) in sentence
            assert e["of"] in _window(case, e["of_from"])
            if e["kind"] == "change":
                assert e["direction"] in ("increase", "decrease")
        elif kind == "case_count":
            assert e["population"] in VOCAB["population"] and e["polarity"] in ("success", "failure")
            assert f"{e['x']} of" in sentence and str(e["y"]) in sentence
            assert e["finding"] in sentence
            if e["population"] == "unknown":
                assert e["population_text"] is None and e["population_from"] is None
            else:
                assert e["population_text"] in _window(case, e["population_from"])
        elif kind == "rate":
            assert _digits(e["value"]) in sentence and "per 1,000" in sentence
            assert e["period"] in sentence + " " + (case["previous_sentence"] or "")
        else:
            assert e["kind"] in VOCAB["estimate_kind"] and e["measure"] in VOCAB["measure"]
            assert _digits(e["value"]) in sentence and e["period"] in sentence


def _gold_with_numbers() -> list[Path]:
    return [p for p in GOLD if "estimated_counts" in (g := json.loads(p.read_text("utf-8"))) or "percentages" in g]


@pytest.mark.parametrize("path", _gold_with_numbers(), ids=lambda p: p.stem)
def test_gold_number_annotations_use_the_vocabulary(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    text = _flat((path.parent.parent / gold["document"]).read_text(encoding="utf-8"))
    currents = {(e["value"], e["ci"]): e for e in gold["ci_percentages"] if e["period"] == "current"}
    for e in gold["ci_percentages"]:
        assert e["measure"] in VOCAB["measure"] and e["measure_from"] in VOCAB["from"]
        if e["measure_from"] == "sentence":
            assert e["measure_text"] in e["sentence"]
        else:  # the sentence right before holds the phrase
            before = text[: text.index(_flat(e["sentence"]))]
            assert e["measure_text"] in re.split(r"(?<=[.:])\s", before.strip())[-1]
        if e["period"] == "current":
            assert e["change"] in VOCAB["change"]
        else:
            current = currents[(e["current"]["value"], e["current"]["ci"])]
            assert current["measure"] == e["measure"] and isinstance(e["year"], int)
    for c in gold["case_counts"]:
        assert c["population"] in VOCAB["population"]
        assert c["population_text"] in c["sentence"] and c["finding"] in c["sentence"]
    for p in gold.get("percentages", []):
        assert p["kind"] in VOCAB["percentage_kind"] and _flat(p["sentence"]) in text
    for n in gold.get("estimated_counts", []):
        assert n["kind"] in VOCAB["estimate_kind"] and n["text"] in n["sentence"] and _flat(n["sentence"]) in text
