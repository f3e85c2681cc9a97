"""The measure vocabulary (``rounds.measures``) against the contract's keys and the proposal's phrases.

Every key of the Literals in ``models`` has its phrases here (bar ``other``/``unknown``/``none``, which no
phrase names), the sentence data uses the same keys, and every phrase the proposal's tables quote for a key
(docs/proposals/measures.md, quoted without "…") is recognised as that key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest

from peelextract.extract.case_context import population_key
from peelextract.extract.ci_context import find_measure
from peelextract.models import ChangeKey, EstimateKind, MeasureKey, PopulationKey
from peelextract.rounds.measures import (
    CHANGE_PATTERNS,
    CHANGES,
    ESTIMATE_KINDS,
    MEASURE_NAMES,
    MEASURES,
    POPULATION_NAMES,
    POPULATIONS,
)

ROOT = Path(__file__).resolve().parents[1]
PROPOSAL = (ROOT / "docs" / "proposals" / "measures.md").read_text("utf-8")
DATA_VOCAB = json.loads((ROOT / "tests" / "data" / "number_sentences.json").read_text("utf-8"))["vocabulary"]
# Quoted in the proposal's tables as context, not as a phrase naming the key (the table says why).
CONTEXT_NOTES = {
    "This represents a recording rate of 80.4 percent",  # the sentence whose measure is in the one before
    "those records contained reasonable grounds",  # a percentage without CI: 'of' is read, not a measure
    "stop and search records",  # likewise (the sample size sentence before it)
    "crimes were assigned the correct outcome type",  # the example of `other`: outside the vocabulary
}


def test_every_key_of_the_contract_has_its_phrases_and_name() -> None:
    assert {m.key for m in MEASURES} | {"other", "unknown"} == set(get_args(MeasureKey)) == set(DATA_VOCAB["measure"])
    assert {c.key for c in CHANGES} | {"none"} == set(get_args(ChangeKey)) == set(DATA_VOCAB["change"])
    assert {p.key for p in POPULATIONS} | {"other", "unknown"} == set(get_args(PopulationKey))
    assert set(get_args(PopulationKey)) == set(DATA_VOCAB["population"])
    assert set(ESTIMATE_KINDS) == set(get_args(EstimateKind)) == set(DATA_VOCAB["estimate_kind"])
    assert set(MEASURE_NAMES) == set(get_args(MeasureKey)) and set(POPULATION_NAMES) == set(get_args(PopulationKey))


def _quoted(section: str) -> list[tuple[str, str]]:
    """(key, phrase) for every quoted phrase of every key row of the proposal section ``section``."""
    body = PROPOSAL.split(f"## {section}")[1].split("\n## ")[0]
    out: list[tuple[str, str]] = []
    for row in re.finditer(r"^\| `([a-z-]+)` \|(.*)\|$", body, flags=re.MULTILINE):
        out.extend(
            (row[1], phrase)
            for phrase in re.findall(r'"([^"]+)"', row[2])
            if "…" not in phrase and phrase not in CONTEXT_NOTES
        )
    return out


@pytest.mark.parametrize(("key", "phrase"), _quoted("1."), ids=lambda v: v[:40])
def test_each_measure_phrase_of_the_proposal_names_its_measure(key: str, phrase: str) -> None:
    found = find_measure(phrase)
    assert found is not None and found[0] == key


@pytest.mark.parametrize(("key", "phrase"), _quoted("2."), ids=lambda v: v[:40])
def test_each_verdict_phrase_of_the_proposal_gives_its_change(key: str, phrase: str) -> None:
    assert next(k for k, pattern in CHANGE_PATTERNS if pattern.search(phrase)) == key


@pytest.mark.parametrize(("key", "phrase"), _quoted("4."), ids=lambda v: v[:40])
def test_each_population_phrase_of_the_proposal_gives_its_population(key: str, phrase: str) -> None:
    assert population_key(phrase) == key


def test_overlapping_phrases_keep_the_longest_and_the_most_specific() -> None:
    assert find_measure("sexual offences, including rape") == (
        "crime-recording-sexual",
        "sexual offences, including rape",
    )
    assert find_measure("For violent crime, … of reported offences")[0] == "crime-recording-violence"  # type: ignore[index]
    assert find_measure("of reported offences") is None
    assert find_measure("Our inspection examined how the force records crime.") is None
