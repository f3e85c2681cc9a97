"""Scoring for ``peelextract eval``: gold and predicted values as comparable items, the strict and lenient
matchers of each scored value kind, greedy one-to-one matching and precision/recall/F1 counts.

Which kinds are scored is ``SCORINGS`` (keyed by the kind's Report field, see ``peelextract.kinds``); a gold
file must list each of them. ``FIELDS`` is that set in registry order.

Grade facts: an earlier judgment the report tells (``report.earlier_judgments``) is an *optional* prediction: it
matches a gold grade with the same area, grade and year (the gold has no field for history, so some earlier
judgments sit in its ``grades`` with ``carried_over_year``) and is never a false positive.
Mentions (``score_mentions``): every statement of a grade — gold ``mentions`` against the predicted witnesses
(``Grade.mentions``, kind ``current`` or ``carried_over`` by the grade's year) and the earlier judgments (their
``kind``). Strict: same area, grade, kind, and one normalised text containing the other (a table row "Investigating
crime\nGood" against "Investigating crime: Good" is compared without punctuation); lenient: same grade and
overlapping text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from peelextract.document import normalise_text
from peelextract.kinds import KINDS
from peelextract.models import Report

MODES = ("strict", "lenient")
TOLERANCE = 0.05
_TOKEN = regex.compile(r"[a-z0-9]+")
Item = dict[str, Any]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """F1 = 1.0 when there is neither gold nor prediction (nothing to find, nothing invented)."""
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class FieldResult:
    counts: dict[str, Counts]
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)


@dataclass
class DocResult:
    gold: str
    document: str
    kind: str
    round_ok: bool
    force_ok: bool
    predicted_round: str | None
    predicted_force: str | None
    fields: dict[str, FieldResult]
    error: str | None = None
    non_grade_hits: list[str] = field(default_factory=list)
    # Scored when the gold file lists ``mentions``; the gold's round and its half of the tune/test split.
    mentions: FieldResult | None = None
    round: str | None = None
    half: str | None = None
    # What numbers measure (issue 12, ``eval_numbers``): per field, and the extractor's unknowns by kind.
    numbers: dict[str, FieldResult] = field(default_factory=dict)
    unknowns: dict[str, int] = field(default_factory=dict)

    @property
    def wrong(self) -> bool:
        return (
            self.error is not None
            or not self.round_ok
            or not self.force_ok
            or bool(self.non_grade_hits)
            or any(f.counts["strict"].fp or f.counts["strict"].fn for f in self.fields.values())
        )


# ---------------------------------------------------------------- comparing texts and numbers


def normalised(text: str) -> str:
    return normalise_text(text).casefold().strip(" \"'.;:,")


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(normalised(text)))


def token_overlap(a: str, b: str) -> float:
    """Shared tokens over the larger token set: 1.0 for the same words, 0.0 for none in common."""
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / max(len(ta), len(tb)) if ta and tb else 0.0


def sentences_overlap(a: str, b: str) -> bool:
    """One normalised sentence contains the other, or they share at least half their words."""
    na, nb = normalised(a), normalised(b)
    if not na or not nb:
        return False
    return na in nb or nb in na or token_overlap(na, nb) >= 0.5


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE + 1e-9


def _grade_strict(g: Item, p: Item) -> bool:
    return bool(
        g["area"] == p["area"] and g["grade"] == p["grade"] and g.get("carried_over_year") == p["carried_over_year"]
    )


def _grade_lenient(g: Item, p: Item) -> bool:
    return _grade_strict(g, p) or (
        g["grade"] == p["grade"] and any(sentences_overlap(g.get("sentence", ""), t) for t in p["texts"])
    )


def _case_strict(g: Item, p: Item) -> bool:
    return bool(g["x"] == p["x"] and g["y"] == p["y"])


def _case_lenient(g: Item, p: Item) -> bool:
    return _case_strict(g, p) or (g["y"] == p["y"] and _close(100 * g["x"] / g["y"], 100 * p["x"] / p["y"]))


def _ci_strict(g: Item, p: Item) -> bool:
    return bool(g["period"] == p["period"] and float(g["value"]) == p["value"] and float(g["ci"]) == p["ci"])


def _ci_lenient(g: Item, p: Item) -> bool:
    return _close(float(g["value"]), p["value"]) and _close(float(g["ci"]), p["ci"])


def _afi_strict(g: Item, p: Item) -> bool:
    return normalised(g["text"]) == normalised(p["text"])


def _afi_lenient(g: Item, p: Item) -> bool:
    return token_overlap(g["text"], p["text"]) >= 0.5


# ---------------------------------------------------------------- each scored kind


def _grade_items(report: Report) -> list[Item]:
    grades: list[Item] = [
        {
            "area": g.area,
            "grade": g.grade,
            "carried_over_year": g.carried_over_year,
            "texts": [e.text for e in (g.evidence, g.sentence, g.badge, g.table) if e is not None],
        }
        for g in report.grades
    ]
    earlier: list[Item] = [
        {
            "area": e.area,
            "grade": e.grade,
            "carried_over_year": e.year,
            "texts": [e.evidence.text],
            "optional": True,
        }
        for e in report.report.earlier_judgments
    ]
    return grades + earlier


def _grade_describe(item: Item) -> str:
    year = f" (carried over {item['carried_over_year']})" if item.get("carried_over_year") else ""
    return f"{item['area']}={item['grade']}{year}"


def _text_describe(item: Item) -> str:
    text = normalise_text(str(item["text"]))
    return text if len(text) <= 70 else text[:67] + "..."


Matcher = Callable[[Item, Item], bool]


@dataclass(frozen=True)
class Scoring:
    """How one kind is scored: its predicted values as items, the two matchers, and a short description."""

    predicted: Callable[[Report], list[Item]]
    strict: Matcher
    lenient: Matcher
    describe: Callable[[Item], str]

    def matcher(self, mode: str) -> Matcher:
        return self.strict if mode == "strict" else self.lenient


SCORINGS: dict[str, Scoring] = {
    "grades": Scoring(_grade_items, _grade_strict, _grade_lenient, _grade_describe),
    "case_counts": Scoring(
        lambda r: [{"x": c.x, "y": c.y, "text": c.evidence.text} for c in r.case_counts],
        _case_strict,
        _case_lenient,
        lambda item: f"{item['x']} of {item['y']}",
    ),
    "ci_percentages": Scoring(
        lambda r: [
            {"value": c.value, "ci": c.ci, "period": c.period, "text": c.evidence.text} for c in r.ci_percentages
        ],
        _ci_strict,
        _ci_lenient,
        lambda item: f"{item['value']}±{item['ci']} {item['period']}",
    ),
    "areas_for_improvement": Scoring(
        lambda r: [{"text": a.text, "area": a.area} for a in r.areas_for_improvement],
        _afi_strict,
        _afi_lenient,
        _text_describe,
    ),
}
FIELDS: tuple[str, ...] = tuple(k.field for k in KINDS if k.field in SCORINGS)


def predicted_items(report: Report) -> dict[str, list[Item]]:
    return {name: SCORINGS[name].predicted(report) for name in FIELDS}


# ---------------------------------------------------------------- matching


def match(gold: Sequence[Item], pred: Sequence[Item], same: Matcher) -> tuple[Counts, list[int], list[int]]:
    """Greedy one-to-one matching in gold order; returns counts, unmatched gold and unmatched prediction indices.
    A prediction marked ``optional`` is tried after the others and is never counted as spurious."""
    used: set[int] = set()
    missed: list[int] = []
    order = sorted(range(len(pred)), key=lambda pi: bool(pred[pi].get("optional")))
    for gi, g in enumerate(gold):
        hit = next((pi for pi in order if pi not in used and same(g, pred[pi])), None)
        if hit is None:
            missed.append(gi)
        else:
            used.add(hit)
    spurious = [pi for pi in range(len(pred)) if pi not in used and not pred[pi].get("optional")]
    return Counts(tp=len(used), fp=len(spurious), fn=len(missed)), missed, spurious


def score_field(name: str, gold: Sequence[Item], pred: Sequence[Item]) -> FieldResult:
    result = FieldResult(counts={})
    for mode in MODES:
        counts, missed, spurious = match(gold, pred, SCORINGS[name].matcher(mode))
        result.counts[mode] = counts
        if mode == "strict":
            result.missed = [SCORINGS[name].describe(gold[i]) for i in missed]
            result.spurious = [SCORINGS[name].describe(pred[i]) for i in spurious]
    return result


# ---------------------------------------------------------------- mentions (witnesses of the grade facts)

_PUNCT = regex.compile(r"[^a-z0-9]+")


def _bare(text: str) -> str:
    """A text without case, punctuation or spacing: "Investigating crime\nGood" == "investigating crime: good"."""
    return _PUNCT.sub(" ", normalised(text)).strip()


def predicted_mentions(report: Report) -> list[Item]:
    """Every statement of a grade the report keeps: the grades' witnesses and the earlier judgments told."""
    out: list[Item] = [
        {
            "area": g.area,
            "grade": g.grade,
            "kind": "current" if g.carried_over_year is None else "carried_over",
            "text": m.evidence.text,
        }
        for g in report.grades
        for m in g.mentions
    ]
    # A carried-over judgment is told once: as the grade's witness, not again as an earlier judgment.
    seen = {(m["area"], m["grade"], m["kind"], m["text"]) for m in out}
    for e in report.report.earlier_judgments:
        item = {"area": e.area, "grade": e.grade, "kind": e.kind, "text": e.evidence.text}
        if (e.area, e.grade, e.kind, e.evidence.text) not in seen:
            out.append(item)
    return out


def _same_text(a: str, b: str) -> bool:
    """Equal without punctuation, or one contains the other when the shorter has three words or more (a sentence
    cut off in an excerpt; never a bare "Good" inside a sentence)."""
    na, nb = _bare(a), _bare(b)
    if not na or not nb:
        return False
    short, long_ = sorted((na, nb), key=len)
    return na == nb or (len(short.split()) >= 3 and short in long_)


def _mention_strict(g: Item, p: Item) -> bool:
    return bool(g["area"] == p["area"] and g["grade"] == p["grade"] and g["kind"] == p["kind"]) and _same_text(
        g["text"], p["text"]
    )


def _mention_lenient(g: Item, p: Item) -> bool:
    return g["grade"] == p["grade"] and (_same_text(g["text"], p["text"]) or sentences_overlap(g["text"], p["text"]))


def _mention_describe(item: Item) -> str:
    return f"{item['area']}={item['grade']} {item['kind']}: {_text_describe(item)}"


MENTIONS = Scoring(predicted_mentions, _mention_strict, _mention_lenient, _mention_describe)


def score_mentions(gold: Sequence[Item], report: Report | None) -> FieldResult:
    """Gold mentions against the report's witnesses and earlier judgments, strict and lenient."""
    pred = MENTIONS.predicted(report) if report is not None else []
    result = FieldResult(counts={})
    for mode in MODES:
        counts, missed, spurious = match(gold, pred, MENTIONS.matcher(mode))
        result.counts[mode] = counts
        if mode == "strict":
            result.missed = [MENTIONS.describe(gold[i]) for i in missed]
            result.spurious = [MENTIONS.describe(pred[i]) for i in spurious]
    return result


def threshold_check(key: str, group: str, field: str, minimum: float, score: float | None) -> dict[str, Any]:
    """One threshold's entry in the eval result: where it applies, the score found (None when the gold holds
    nothing to score there, which passes) and whether it passes."""
    passed = score is None or score >= minimum - 1e-9
    return {"threshold": key, "group": group, "field": field, "minimum": minimum, "f1": score, "passed": passed}
