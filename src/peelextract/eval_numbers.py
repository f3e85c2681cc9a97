"""Scoring of what numbers measure (issue 12): measure, change and link of CI percentages, population and
finding of case counts, kind and ``of`` of percentages, period of rates, and the estimated counts' fields.

Each gold number that carries an annotation is paired with an extracted number of the same value (CI: value,
interval and period; case count: x and y; percentage, rate, estimate: value), one to one in gold order. Then,
per field: a right answer is a true positive; a wrong one is a false positive and a false negative; no
answer (``unknown``, null) or no paired number is a false negative. Key fields compare exactly in both modes;
phrase fields compare normalised text exactly (strict) or by token overlap ≥ 0.5 (lenient). Extracted numbers
with no gold are the value fields' business (``eval_scoring``), not counted here. A gold file that does not
annotate a kind (no ``percentages`` list, no ``measure`` on its CI entries) is not scored on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from peelextract.eval_scoring import MODES, Counts, FieldResult, Item, normalised, threshold_check, token_overlap
from peelextract.models import Report

_UNKNOWN = (None, "unknown")


@dataclass(frozen=True)
class NumberField:
    """One scored field: the gold list and key, how a gold item finds its extracted value, and how to compare."""

    name: str
    gold_list: str
    key: str
    phrase: bool = False
    applies: Callable[[Item], bool] = lambda g: True


def _pair_key(gold_list: str, item: Item) -> tuple[Any, ...]:
    if gold_list == "ci_percentages":
        return (float(item["value"]), float(item["ci"]), item["period"])
    if gold_list == "case_counts":
        return (item["x"], item["y"])
    return (float(item["value"]),)


def _current(g: Item) -> bool:
    return g.get("period") == "current"


def _previous(g: Item) -> bool:
    return g.get("period") == "previous"


FIELDS: tuple[NumberField, ...] = (
    NumberField("ci.measure", "ci_percentages", "measure"),
    NumberField(
        "ci.measure_text", "ci_percentages", "measure_text", phrase=True, applies=lambda g: bool(g.get("measure_text"))
    ),
    NumberField("ci.change", "ci_percentages", "change", applies=_current),
    NumberField(
        "ci.change_text", "ci_percentages", "change_text", phrase=True, applies=lambda g: bool(g.get("change_text"))
    ),
    NumberField("ci.current", "ci_percentages", "current", applies=_previous),
    NumberField("case.population", "case_counts", "population"),
    NumberField(
        "case.population_text",
        "case_counts",
        "population_text",
        phrase=True,
        applies=lambda g: bool(g.get("population_text")),
    ),
    NumberField("case.finding", "case_counts", "finding", phrase=True),
    NumberField("pct.kind", "percentages", "kind"),
    NumberField("pct.of", "percentages", "of", phrase=True),
    NumberField("rate.period", "rates", "period", phrase=True),
    NumberField("est.kind", "estimated_counts", "kind"),
    NumberField("est.qualifier", "estimated_counts", "qualifier"),  # scored where the gold prints one
    NumberField("est.measure", "estimated_counts", "measure"),
    NumberField("est.period", "estimated_counts", "period", phrase=True),
)
NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


def _predicted(report: Report, gold_list: str) -> list[Item]:
    values = getattr(report, gold_list)
    return [v.model_dump(mode="json", exclude={"evidence", "average_evidence"}) for v in values]


def _value(f: NumberField, item: Item) -> Any:
    """The field's answer in a gold or extracted item; a link is its current value's (value, ci)."""
    found = item.get(f.key)
    if f.key == "current" and found is not None:
        return (float(found["value"]), float(found["ci"]))
    return found


def _same(f: NumberField, mode: str, gold: Any, got: Any) -> bool:
    if f.phrase:
        if mode == "lenient":
            return token_overlap(str(gold), str(got)) >= 0.5
        return normalised(str(gold)) == normalised(str(got))
    return bool(gold == got)


def _pairs(gold: Sequence[Item], pred: Sequence[Item], gold_list: str) -> list[Item | None]:
    """The extracted item paired with each gold item (one to one, gold order), or None."""
    used: set[int] = set()
    out: list[Item | None] = []
    for g in gold:
        want = _pair_key(gold_list, g)
        hit = next((i for i, p in enumerate(pred) if i not in used and _pair_key(gold_list, p) == want), None)
        if hit is not None:
            used.add(hit)
        out.append(pred[hit] if hit is not None else None)
    return out


def _describe(g: Item, gold_list: str) -> str:
    return "/".join(str(x) for x in _pair_key(gold_list, g))


def _annotated(f: NumberField, gold: dict[str, Any]) -> list[Item]:
    """The gold items this field scores: annotated with the field, and the field applies to them."""
    return [g for g in gold.get(f.gold_list) or [] if f.key in g and g[f.key] is not None and f.applies(g)]


def score_numbers(gold: dict[str, Any], report: Report | None) -> dict[str, FieldResult]:
    """Per number field, strict and lenient counts over this gold file's annotated numbers."""
    results: dict[str, FieldResult] = {}
    for f in FIELDS:
        items = _annotated(f, gold)
        pred = _predicted(report, f.gold_list) if report is not None and items else []
        result = FieldResult(counts={m: Counts() for m in MODES})
        for g, p in zip(items, _pairs(items, pred, f.gold_list), strict=True):
            want, got = _value(f, g), (_value(f, p) if p is not None else None)
            for mode in MODES:
                c = result.counts[mode]
                if got in _UNKNOWN and want not in _UNKNOWN:
                    c.fn += 1
                elif _same(f, mode, want, got):
                    c.tp += 1
                else:
                    c.fp, c.fn = c.fp + 1, c.fn + 1
            if not _same(f, "strict", want, got):
                what = "no such number extracted" if p is None else f"got {got!r}"
                result.missed.append(f"{_describe(g, f.gold_list)} {f.key}: {want!r}, {what}")
        results[f.name] = result
    return results


def unknown_counts(report: Report) -> dict[str, int]:
    """How many extracted numbers were left unknown, by kind (the closing note's counts)."""
    return {
        "ci.measure": sum(c.measure == "unknown" for c in report.ci_percentages),
        "case.population": sum(c.population == "unknown" for c in report.case_counts),
        "pct.of": sum(p.of is None for p in report.percentages),
        "est.measure": sum(e.measure == "unknown" for e in report.estimated_counts),
    }


def summarise_numbers(docs: Sequence[tuple[dict[str, FieldResult], dict[str, int]]]) -> dict[str, Any]:
    """Pooled (micro) counts per number field and mode, and the unknowns the extractor left, over ``docs``."""
    out: dict[str, Any] = {}
    for name in NAMES:
        out[name] = {}
        for mode in MODES:
            micro = Counts()
            for fields, _ in docs:
                micro.add(fields[name].counts[mode])
            out[name][mode] = micro.as_dict()
    out["unknown"] = {
        k: sum(u.get(k, 0) for _, u in docs) for k in ("ci.measure", "case.population", "pct.of", "est.measure")
    }
    return out


def numbers_lines(groups: dict[str, dict[str, Any]]) -> list[str]:
    """The number-field block of the eval table: gold count, strict and lenient P/R/F1 per field and group."""
    head = (
        f"  {'group':<8} {'field':<21} {'gold':>5} | {'exact P':>7} {'R':>6} {'F1':>6} |"
        f" {'overlap P':>9} {'R':>6} {'F1':>6}"
    )
    lines = [head, "  " + "-" * (len(head) - 2)]
    for group, s in groups.items():
        for name in NAMES:
            st, le = s[name]["strict"], s[name]["lenient"]
            if st["tp"] + st["fn"] == 0:
                continue
            lines.append(
                f"  {group:<8} {name:<21} {st['tp'] + st['fn']:>5} | {st['precision']:>7.3f} {st['recall']:>6.3f} "
                f"{st['f1']:>6.3f} | {le['precision']:>9.3f} {le['recall']:>6.3f} {le['f1']:>6.3f}"
            )
        unknown = ", ".join(f"{k} {v}" for k, v in s["unknown"].items())
        lines.append(f"  {group:<8} left unknown by the extractor: {unknown}")
    return lines


def number_threshold_checks(summary: dict[str, Any], thresholds: dict[str, float]) -> list[dict[str, Any]]:
    """Checks of the ``"<field>_f1"`` thresholds (``"ci.measure_f1" = 0.95``) against the strict micro F1 of
    that number field over all gold files; the same entries as ``eval_report.check_thresholds``."""
    checks: list[dict[str, Any]] = []
    for key, minimum in sorted(thresholds.items()):
        name = key.removesuffix("_f1")
        counts = summary[name]["strict"]
        f1 = None if counts["tp"] + counts["fn"] == 0 else float(counts["f1"])
        checks.append(threshold_check(key, "all", name, minimum, f1))
    return checks


def is_number_threshold(key: str) -> bool:
    return key.endswith("_f1") and key.removesuffix("_f1") in NAMES
