"""Totals, thresholds and output of ``peelextract eval``: micro and macro scores per group of gold files,
the thresholds of ``[tool.peelextract.eval]`` and the plain-text table.

A threshold is named ``<field>_f1`` (all gold files), ``<field>_f1_sample`` (whole reports) or
``<field>_f1_excerpts`` (excerpts), for each scored field, and applies to strict micro F1; ``<field>_recall`` /
``<field>_precision`` (all gold files) apply to strict micro recall / precision. ``mentions`` (the statements of
grades, scored where the gold lists them) takes the same names.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from peelextract.eval_numbers import numbers_lines
from peelextract.eval_scoring import FIELDS, MODES, Counts, DocResult, threshold_check
from peelextract.kinds import KINDS_BY_FIELD

log = logging.getLogger(__name__)


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
    out["mentions"] = _mention_totals(docs)
    n = len(docs) or 1
    out["round_accuracy"] = round(sum(d.round_ok for d in docs) / n, 4)
    out["force_accuracy"] = round(sum(d.force_ok for d in docs) / n, 4)
    out["failed"] = [d.gold for d in docs if d.error is not None]
    return out


def _mention_totals(docs: Sequence[DocResult]) -> dict[str, Any]:
    scored = [d.mentions for d in docs if d.mentions is not None]
    out: dict[str, Any] = {"documents": len(scored)}
    for mode in MODES:
        micro = Counts()
        for m in scored:
            micro.add(m.counts[mode])
        out[mode] = {"micro": micro.as_dict()}
    return out


def by_group(docs: Sequence[DocResult], key: Callable[[DocResult], str | None]) -> dict[str, dict[str, Any]]:
    """Grade facts and mentions (strict micro counts) per group of documents: per round, per half of the split."""
    groups: dict[str, list[DocResult]] = {}
    for d in docs:
        name = key(d)
        if name is not None:
            groups.setdefault(name, []).append(d)
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(groups):
        facts = Counts()
        for d in groups[name]:
            facts.add(d.fields["grades"].counts["strict"])
        out[name] = {
            "documents": len(groups[name]),
            "grades": facts.as_dict(),
            "mentions": _mention_totals(groups[name])["strict"]["micro"],
        }
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


# threshold key -> (group of documents, field, metric)
_SCORED = (*FIELDS, "mentions")
_THRESHOLD_SCOPE: dict[str, tuple[str, str, str]] = {
    **{
        f"{name}_f1{suffix}": (group, name, "f1")
        for name in _SCORED
        for suffix, group in (("", "all"), ("_sample", "report"), ("_excerpts", "excerpt"))
    },
    **{f"{name}_{metric}": ("all", name, metric) for name in _SCORED for metric in ("recall", "precision")},
}


def check_thresholds(groups: dict[str, dict[str, Any]], thresholds: dict[str, float]) -> list[dict[str, Any]]:
    """One entry per threshold: its scope, the strict micro F1 found and whether it passes."""
    checks: list[dict[str, Any]] = []
    for key, minimum in sorted(thresholds.items()):
        scope = _THRESHOLD_SCOPE.get(key)
        if scope is None:
            log.warning("eval: unknown threshold %r in [tool.peelextract.eval]; ignored", key)
            continue
        group, name, metric = scope
        empty = groups[group]["documents"] == 0 or groups[group][name].get("documents", 1) == 0
        score = None if empty else groups[group][name]["strict"]["micro"][metric]
        checks.append(threshold_check(key, group, name, minimum, score))
    return checks


def doc_json(d: DocResult) -> dict[str, Any]:
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
    data["numbers"] = {
        name: {"strict": fr.counts["strict"].as_dict(), "lenient": fr.counts["lenient"].as_dict(), "missed": fr.missed}
        for name, fr in d.numbers.items()
    }
    return data


def _short(name: str) -> str:
    return KINDS_BY_FIELD[name].short


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
            lines.append(f"    {_short(name)} missed: {'; '.join(fr.missed)}")
        if fr.spurious:
            lines.append(f"    {_short(name)} spurious: {'; '.join(fr.spurious)}")
    lines.extend(f"    non-grade extracted: {h}" for h in d.non_grade_hits)
    if d.mentions is not None and d.mentions.missed:
        lines.append(f"    mentions missed: {'; '.join(d.mentions.missed)}")
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
                f"  {group:<8} {_short(name):<7} {m['tp'] + m['fn']:>5} {m['tp'] + m['fp']:>5} | "
                f"{m['precision']:>8.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} {st['macro_f1']:>6.3f} | "
                f"{le['micro']['precision']:>9.3f} {le['micro']['recall']:>6.3f} {le['micro']['f1']:>6.3f} "
                f"{le['macro_f1']:>6.3f}"
            )
        mt = s["mentions"]
        for mode_name, mode in (("strict", mt["strict"]["micro"]), ("lenient", mt["lenient"]["micro"])):
            if mode_name == "strict":
                lines.append(
                    f"  {group:<8} {'mention':<7} {mode['tp'] + mode['fn']:>5} {mode['tp'] + mode['fp']:>5} | "
                    f"{mode['precision']:>8.3f} {mode['recall']:>6.3f} {mode['f1']:>6.3f} {'':>6} | "
                    f"{mt['lenient']['micro']['precision']:>9.3f} {mt['lenient']['micro']['recall']:>6.3f} "
                    f"{mt['lenient']['micro']['f1']:>6.3f}"
                )
        lines.append(
            f"  {group:<8} documents {s['documents']}, round accuracy {s['round_accuracy']:.3f}, "
            f"force accuracy {s['force_accuracy']:.3f}"
        )
    return lines


def _group_lines(title: str, groups: dict[str, dict[str, Any]]) -> list[str]:
    lines = [f"{title} (strict: grade facts P/R, mentions P/R):"]
    for name, g in groups.items():
        f, m = g["grades"], g["mentions"]
        lines.append(
            f"  {name:<8} {g['documents']:>3} files | facts {f['tp'] + f['fn']:>4} gold P {f['precision']:.3f} "
            f"R {f['recall']:.3f} | mentions {m['tp'] + m['fn']:>4} gold P {m['precision']:.3f} R {m['recall']:.3f}"
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
    lines.extend(_group_lines("By round", result["by_round"]))
    if result["by_half"]:
        lines.extend(_group_lines("By half of the tune/test split", result["by_half"]))
    lines.append("What numbers measure (micro; exact key or text / phrase overlap >= 0.5):")
    lines.extend(numbers_lines(result["number_fields"]))
    misses = [(d.gold, m) for d in docs for fr in d.numbers.values() for m in fr.missed]
    lines.append(f"Number fields missed ({len(misses)}):" if misses else "Number fields missed: none")
    lines.extend(f"  {gold}: {m}" for gold, m in misses)
    lines.append("Thresholds (strict micro F1, or the metric named):")
    for c in result["thresholds"]:
        f1 = "n/a" if c["f1"] is None else f"{c['f1']:.4f}"
        lines.append(
            f"  {'ok  ' if c['passed'] else 'FAIL'} {c['threshold']}: {c['field']} over {c['group']} "
            f"= {f1} (minimum {c['minimum']})"
        )
    return "\n".join(lines)
