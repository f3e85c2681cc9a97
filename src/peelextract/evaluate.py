"""``peelextract eval GOLD_DIR``: score the extractor against hand-checked gold annotations.

For each ``GOLD_DIR/*.json`` (format: ``fixtures/gold/README.md``) the document named by ``document``
(relative to the gold folder's parent) goes through ``peelextract.pipeline.path_to_report`` and four fields
are scored, each with precision, recall and F1, strict and lenient:

- grades — strict: same area key, grade and carried-over year; lenient: a strict match, or the same grade
  with the extracted evidence overlapping the gold sentence (after ``normalise_text``);
- case counts — strict: same x and y; lenient: x/y shares within ±0.05 (rounding) and same y;
- CI percentages — strict: same value, interval and period; lenient: value and interval within ±0.05;
- areas for improvement — strict: normalised text equal; lenient: token overlap >= 0.5.

Scores are given per document, micro (pooled counts) and macro (mean of per-document F1) in total and per
gold ``kind`` (``report`` / ``excerpt``), with round-detection and force accuracy. A field with no gold and
no predictions scores F1 = 1.0. A document that raises a ``PeelError`` counts as all-missed and is listed.
Thresholds come from ``[tool.peelextract.eval]`` in the project's pyproject.toml (found by walking up from
the gold folder) and apply to strict micro F1; the exit status is 1 when any is not met.
"""

from __future__ import annotations

import json
import logging
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import regex

from peelextract.document import normalise_text
from peelextract.errors import PeelError
from peelextract.models import Report
from peelextract.settings import EXTRACTOR_VERSION, Limits

log = logging.getLogger(__name__)

FIELDS = ("grades", "case_counts", "ci_percentages", "areas_for_improvement")
MODES = ("strict", "lenient")
TOLERANCE = 0.05
_TOKEN = regex.compile(r"[a-z0-9]+")
# Pairs of (comparable item, displayable item): a row key for matching, and a string for error listings.
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

    @property
    def wrong(self) -> bool:
        return (
            self.error is not None
            or not self.round_ok
            or not self.force_ok
            or bool(self.non_grade_hits)
            or any(f.counts["strict"].fp or f.counts["strict"].fn for f in self.fields.values())
        )


# ---------------------------------------------------------------- gold and predictions as comparable items


def _norm(text: str) -> str:
    return normalise_text(text).casefold().strip(" \"'.;:,")


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(_norm(text)))


def token_overlap(a: str, b: str) -> float:
    """Shared tokens over the larger token set: 1.0 for the same words, 0.0 for none in common."""
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / max(len(ta), len(tb)) if ta and tb else 0.0


def sentences_overlap(a: str, b: str) -> bool:
    """One normalised sentence contains the other, or they share at least half their words."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    return na in nb or nb in na or token_overlap(na, nb) >= 0.5


def _predicted_items(report: Report) -> dict[str, list[Item]]:
    grades = [
        {
            "area": g.area,
            "grade": g.grade,
            "carried_over_year": g.carried_over_year,
            "texts": [e.text for e in (g.evidence, g.sentence, g.badge, g.table) if e is not None],
        }
        for g in report.grades
    ]
    cases = [{"x": c.x, "y": c.y, "text": c.evidence.text} for c in report.case_counts]
    cis = [{"value": c.value, "ci": c.ci, "period": c.period, "text": c.evidence.text} for c in report.ci_percentages]
    afis = [{"text": a.text, "area": a.area} for a in report.areas_for_improvement]
    return {"grades": grades, "case_counts": cases, "ci_percentages": cis, "areas_for_improvement": afis}


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
    return _norm(g["text"]) == _norm(p["text"])


def _afi_lenient(g: Item, p: Item) -> bool:
    return token_overlap(g["text"], p["text"]) >= 0.5


Matcher = Callable[[Item, Item], bool]
MATCHERS: dict[str, dict[str, Matcher]] = {
    "grades": {"strict": _grade_strict, "lenient": _grade_lenient},
    "case_counts": {"strict": _case_strict, "lenient": _case_lenient},
    "ci_percentages": {"strict": _ci_strict, "lenient": _ci_lenient},
    "areas_for_improvement": {"strict": _afi_strict, "lenient": _afi_lenient},
}


def _describe(name: str, item: Item) -> str:
    if name == "grades":
        year = f" (carried over {item['carried_over_year']})" if item.get("carried_over_year") else ""
        return f"{item['area']}={item['grade']}{year}"
    if name == "case_counts":
        return f"{item['x']} of {item['y']}"
    if name == "ci_percentages":
        return f"{item['value']}±{item['ci']} {item['period']}"
    text = normalise_text(str(item["text"]))
    return text if len(text) <= 70 else text[:67] + "..."


def match(gold: Sequence[Item], pred: Sequence[Item], same: Matcher) -> tuple[Counts, list[int], list[int]]:
    """Greedy one-to-one matching in gold order; returns counts, unmatched gold and unmatched prediction indices."""
    used: set[int] = set()
    missed: list[int] = []
    for gi, g in enumerate(gold):
        hit = next((pi for pi, p in enumerate(pred) if pi not in used and same(g, p)), None)
        if hit is None:
            missed.append(gi)
        else:
            used.add(hit)
    spurious = [pi for pi in range(len(pred)) if pi not in used]
    return Counts(tp=len(used), fp=len(spurious), fn=len(missed)), missed, spurious


def score_field(name: str, gold: Sequence[Item], pred: Sequence[Item]) -> FieldResult:
    result = FieldResult(counts={})
    for mode in MODES:
        counts, missed, spurious = match(gold, pred, MATCHERS[name][mode])
        result.counts[mode] = counts
        if mode == "strict":
            result.missed = [_describe(name, gold[i]) for i in missed]
            result.spurious = [_describe(name, pred[i]) for i in spurious]
    return result


# ---------------------------------------------------------------- one gold file


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read gold annotations: {exc}") from exc
    missing = [k for k in ("document", "kind", "force", "round", *FIELDS) if k not in gold]
    if not isinstance(gold, dict) or missing:
        raise ValueError(f"{path}: gold file lacks {', '.join(missing) or 'a JSON object'}")
    if gold["kind"] not in ("report", "excerpt"):
        raise ValueError(f"{path}: kind must be 'report' or 'excerpt', found {gold['kind']!r}")
    return gold


def _non_grade_hits(gold: dict[str, Any], report: Report) -> list[str]:
    """Predicted grades whose evidence is one of the gold's listed non-grades (false positives to name)."""
    hits: list[str] = []
    for ng in gold.get("non_grades", []):
        sentence = _norm(str(ng.get("sentence", "")))
        for g in report.grades:
            if sentence and _norm(g.evidence.text) == sentence:
                hits.append(f"{g.area}={g.grade} from non-grade {normalise_text(str(ng['sentence']))[:60]!r}")
    return hits


def evaluate_file(gold_path: Path, limits: Limits | None = None) -> DocResult:
    from peelextract.pipeline import path_to_report

    gold = load_gold(gold_path)
    doc_path = gold_path.parent.parent / gold["document"]
    report: Report | None = None
    error: str | None = None
    try:
        report, _ = path_to_report(doc_path, limits=limits)
    except PeelError as exc:
        error = f"{exc.code}: {exc}"
        log.warning("eval: %s failed: %s", doc_path, exc)
    pred = _predicted_items(report) if report is not None else {name: [] for name in FIELDS}
    fields = {name: score_field(name, gold[name], pred[name]) for name in FIELDS}
    return DocResult(
        gold=gold_path.name,
        document=str(gold["document"]),
        kind=str(gold["kind"]),
        round_ok=report is not None and report.report.round == gold["round"],
        force_ok=report is not None and report.report.force == gold["force"],
        predicted_round=report.report.round if report else None,
        predicted_force=report.report.force if report else None,
        fields=fields,
        error=error,
        non_grade_hits=_non_grade_hits(gold, report) if report else [],
    )


# ---------------------------------------------------------------- totals, thresholds, output


def summarise(docs: Sequence[DocResult]) -> dict[str, Any]:
    """Micro and macro scores per field and mode, with round and force accuracy, over ``docs``."""
    out: dict[str, Any] = {"documents": len(docs)}
    for name in FIELDS:
        out[name] = {}
        for mode in MODES:
            micro = Counts()
            for d in docs:
                micro.add(d.fields[name].counts[mode])
            macro = sum(d.fields[name].counts[mode].f1 for d in docs) / len(docs) if docs else 1.0
            out[name][mode] = {"micro": micro.as_dict(), "macro_f1": round(macro, 4)}
    n = len(docs) or 1
    out["round_accuracy"] = round(sum(d.round_ok for d in docs) / n, 4)
    out["force_accuracy"] = round(sum(d.force_ok for d in docs) / n, 4)
    out["failed"] = [d.gold for d in docs if d.error is not None]
    return out


def find_project_root(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def load_thresholds(gold_dir: Path) -> dict[str, float]:
    root = find_project_root(gold_dir)
    if root is None:
        log.warning("eval: no pyproject.toml above %s; no thresholds applied", gold_dir)
        return {}
    with (root / "pyproject.toml").open("rb") as fh:
        config = tomllib.load(fh)
    section = config.get("tool", {}).get("peelextract", {}).get("eval", {})
    return {str(k): float(v) for k, v in section.items()}


# threshold key -> (group of documents, field)
_THRESHOLD_SCOPE = {
    "grades_f1_sample": ("report", "grades"),
    "grades_f1_excerpts": ("excerpt", "grades"),
    "case_counts_f1": ("all", "case_counts"),
    "ci_percentages_f1": ("all", "ci_percentages"),
}


def check_thresholds(groups: dict[str, dict[str, Any]], thresholds: dict[str, float]) -> list[dict[str, Any]]:
    """One entry per threshold: its scope, the strict micro F1 found and whether it passes."""
    checks: list[dict[str, Any]] = []
    for key, minimum in sorted(thresholds.items()):
        scope = _THRESHOLD_SCOPE.get(key)
        if scope is None:
            log.warning("eval: unknown threshold %r in [tool.peelextract.eval]; ignored", key)
            continue
        group, name = scope
        if groups[group]["documents"] == 0:
            checks.append(
                {"threshold": key, "group": group, "field": name, "minimum": minimum, "f1": None, "passed": True}
            )
            continue
        f1 = groups[group][name]["strict"]["micro"]["f1"]
        checks.append(
            {
                "threshold": key,
                "group": group,
                "field": name,
                "minimum": minimum,
                "f1": f1,
                "passed": f1 >= minimum - 1e-9,
            }
        )
    return checks


def _doc_json(d: DocResult) -> dict[str, Any]:
    data = asdict(d)
    data["fields"] = {
        name: {
            "strict": fr.counts["strict"].as_dict(),
            "lenient": fr.counts["lenient"].as_dict(),
            "missed": fr.missed,
            "spurious": fr.spurious,
        }
        for name, fr in d.fields.items()
    }
    return data


_SHORT = {"grades": "grades", "case_counts": "cases", "ci_percentages": "CI %", "areas_for_improvement": "AFIs"}


def _doc_lines(d: DocResult) -> list[str]:
    lines = [f"  {d.gold} ({d.kind})"]
    if d.error:
        lines.append(f"    FAILED: {d.error}")
    if not d.round_ok:
        lines.append(f"    round: predicted {d.predicted_round!r}")
    if not d.force_ok:
        lines.append(f"    force: predicted {d.predicted_force!r}")
    for name, fr in d.fields.items():
        if fr.missed:
            lines.append(f"    {_SHORT[name]} missed: {'; '.join(fr.missed)}")
        if fr.spurious:
            lines.append(f"    {_SHORT[name]} spurious: {'; '.join(fr.spurious)}")
    lines.extend(f"    non-grade extracted: {h}" for h in d.non_grade_hits)
    return lines


def _totals_lines(groups: dict[str, dict[str, Any]]) -> list[str]:
    head = (
        f"  {'group':<8} {'field':<7} {'gold':>5} {'pred':>5} | {'strict P':>8} {'R':>6} {'F1':>6} {'macro':>6} |"
        f" {'lenient P':>9} {'R':>6} {'F1':>6} {'macro':>6}"
    )
    lines = [head, "  " + "-" * (len(head) - 2)]
    for group, s in groups.items():
        for name in FIELDS:
            st, le = s[name]["strict"], s[name]["lenient"]
            m = st["micro"]
            lines.append(
                f"  {group:<8} {_SHORT[name]:<7} {m['tp'] + m['fn']:>5} {m['tp'] + m['fp']:>5} | "
                f"{m['precision']:>8.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} {st['macro_f1']:>6.3f} | "
                f"{le['micro']['precision']:>9.3f} {le['micro']['recall']:>6.3f} {le['micro']['f1']:>6.3f} "
                f"{le['macro_f1']:>6.3f}"
            )
        lines.append(
            f"  {group:<8} documents {s['documents']}, round accuracy {s['round_accuracy']:.3f}, "
            f"force accuracy {s['force_accuracy']:.3f}"
        )
    return lines


def render_table(result: dict[str, Any], docs: Sequence[DocResult]) -> str:
    lines = [
        f"peelextract eval — extractor {result['extractor_version']}, {len(docs)} gold files, {result['seconds']:.2f} s"
    ]
    wrong = [d for d in docs if d.wrong]
    lines.append(f"Documents with errors ({len(wrong)}):" if wrong else "Documents with errors: none")
    for d in wrong:
        lines.extend(_doc_lines(d))
    lines.append("Totals (micro P/R/F1, macro F1):")
    lines.extend(_totals_lines(result["totals"]))
    lines.append("Thresholds (strict micro F1):")
    for c in result["thresholds"]:
        f1 = "n/a" if c["f1"] is None else f"{c['f1']:.4f}"
        lines.append(
            f"  {'ok  ' if c['passed'] else 'FAIL'} {c['threshold']}: {c['field']} over {c['group']} "
            f"= {f1} (minimum {c['minimum']})"
        )
    return "\n".join(lines)


def evaluate_dir(gold_dir: Path, limits: Limits | None = None) -> tuple[dict[str, Any], list[DocResult]]:
    if not gold_dir.is_dir():
        raise ValueError(f"{gold_dir}: not a folder of gold annotations")
    paths = sorted(gold_dir.glob("*.json"))
    if not paths:
        raise ValueError(f"{gold_dir}: no *.json gold files")
    started = time.perf_counter()
    docs = [evaluate_file(p, limits) for p in paths]
    groups = {
        "all": summarise(docs),
        "report": summarise([d for d in docs if d.kind == "report"]),
        "excerpt": summarise([d for d in docs if d.kind == "excerpt"]),
    }
    checks = check_thresholds(groups, load_thresholds(gold_dir))
    result: dict[str, Any] = {
        "extractor_version": EXTRACTOR_VERSION,
        "gold_dir": str(gold_dir),
        "seconds": round(time.perf_counter() - started, 3),
        "totals": groups,
        "thresholds": checks,
        "passed": all(c["passed"] for c in checks),
        "documents": [_doc_json(d) for d in docs],
    }
    return result, docs


def run_eval(gold_dir: Path, as_json: bool, limits: Limits | None = None) -> int:
    """Score every gold file in ``gold_dir``; print a table (or JSON); 1 when a threshold is not met."""
    result, docs = evaluate_dir(gold_dir, limits)
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(render_table(result, docs))
    return 0 if result["passed"] else 1
