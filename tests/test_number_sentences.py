"""The number rules on every case of tests/data/number_sentences.json (77 sentences from every round, traps
and ``unknown`` cases included): each case's window (earlier, previous, sentence, next) is one paragraph of a
small report, and the values whose evidence lies in ``sentence`` must be exactly the case's ``expect`` —
with the measure, change, kind, ``of``, population, finding and period it gives.

The data itself (keys, verbatim quotes) is checked by tests/test_number_data.py.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from peelextract.document import normalise_text
from peelextract.models import Report
from tests.conftest import extract_text

ROOT = Path(__file__).resolve().parents[1]
CASES: list[dict[str, Any]] = json.loads((ROOT / "tests" / "data" / "number_sentences.json").read_text("utf-8"))[
    "cases"
]
# Report field of each expect type, and the fields that find the value the expectation is about.
FIELDS = {
    "ci": ("ci_percentages", ("value", "ci")),
    "percentage": ("percentages", ("value",)),
    "case_count": ("case_counts", ("x", "y")),
    "rate": ("rates", ("value",)),
    "estimate": ("estimated_counts", ("value",)),
}
# Expectation keys that are not fields of the value (or are compared by how the value is found).
_NOT_COMPARED = {"type", "value", "ci", "x", "y"}


def _text(case: dict[str, Any]) -> str:
    """The case as a report: a title, a heading, and the window as one paragraph."""
    heading = "About the data" if "About the data" in (case["trap"] or "") else "Providing a service to victims"
    run = " ".join(
        s
        for s in (case.get("earlier_sentence"), case["previous_sentence"], case["sentence"], case["next_sentence"])
        if s
    )
    return "\n".join(["PEEL 2021/22: An inspection of Northshire Police", "Overall summary", heading, run])


@cache
def _report(case_id: str) -> tuple[Report, int, int]:
    case = next(c for c in CASES if c["id"] == case_id)
    report, doc = extract_text(_text(case))
    sentence = normalise_text(case["sentence"])
    start = doc.text.index(sentence)
    return report, start, start + len(sentence)


def _in_sentence(case_id: str, field: str) -> list[Any]:
    report, start, end = _report(case_id)
    return [v for v in getattr(report, field) if start <= v.evidence.start < end]


def _same(expected: Any, found: Any) -> bool:
    if isinstance(expected, str) and isinstance(found, str):
        return normalise_text(expected).casefold() == normalise_text(found).casefold()
    if isinstance(expected, float | int) and isinstance(found, float | int):
        return abs(expected - found) < 1e-9
    return bool(expected == found)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_each_sentence_yields_exactly_its_expected_numbers(case: dict[str, Any]) -> None:
    for kind, (field, keys) in FIELDS.items():
        expected = [e for e in case["expect"] if e["type"] == kind]
        found = _in_sentence(case["id"], field)
        if kind in case["not"]:
            assert found == [], f"{kind}: a trap yielded {found}"
        assert sorted(tuple(getattr(v, k) for k in keys) for v in found) == sorted(
            tuple(float(e[k]) if kind != "case_count" else e[k] for k in keys) for e in expected
        ), f"{kind} values"


@pytest.mark.parametrize(
    ("case", "index"),
    [(c, i) for c in CASES for i in range(len(c["expect"]))],
    ids=lambda x: x["id"] if isinstance(x, dict) else str(x),
)
def test_each_expected_number_carries_its_fields(case: dict[str, Any], index: int) -> None:
    e = case["expect"][index]
    field, keys = FIELDS[e["type"]]
    matches = [v for v in _in_sentence(case["id"], field) if all(_same(e[k], getattr(v, k)) for k in keys)]
    assert matches, f"{e['type']} {[e[k] for k in keys]} not extracted"
    value = matches[0]
    for key, want in e.items():
        if key in _NOT_COMPARED:
            continue
        got = getattr(value, key)
        assert _same(want, got), f"{key}: expected {want!r}, got {got!r}"


def test_a_heading_is_never_the_sentence_before_and_unknowns_are_counted() -> None:
    """The title above a CI names no measure (the window holds prose only); a paragraph before it does."""
    html = (
        "<html><body><h1>PEEL 2021/22: An inspection of Northshire Police</h1><h2>Overall summary</h2>"
        "<h2>Recording of violent offences</h2>"
        "<p>This represents a recording rate of 88.1 percent (with a confidence interval of +/- 1.9 percent).</p>"
        "<p>We examined reports of violent crime.</p>"
        "<p>This represents a recording rate of 87.1 percent (with a confidence interval of +/- 1.9 percent).</p>"
        "</body></html>"
    )
    report, _ = extract_text(html, "window.html")
    assert [(c.value, c.measure, c.measure_from) for c in report.ci_percentages] == [
        (88.1, "unknown", None),
        (87.1, "crime-recording-violence", "previous-sentence"),
    ]
    notes = [w.message for w in report.warnings if w.code == "numbers_unknown"]
    assert len(notes) == 1 and "1 of 2 CI percentages (measure)" in notes[0]
