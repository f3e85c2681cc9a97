"""``peelextract eval GOLD_DIR``: score the extractor against hand-checked gold annotations.

For each ``GOLD_DIR/*.json`` (format: ``fixtures/gold/README.md``) the document named by ``document``
(relative to the gold folder's parent) goes through ``peelextract.pipeline.path_to_report`` and four fields
are scored, each with precision, recall and F1, strict and lenient:

- grades — strict: same area key, grade and carried-over year; lenient: a strict match, or the same grade
  with the extracted evidence overlapping the gold sentence (after ``normalise_text``);
- case counts — strict: same x and y; lenient: x/y shares within ±0.05 (rounding) and same y;
- CI percentages — strict: same value, interval and period; lenient: value and interval within ±0.05;
- areas for improvement — strict: normalised text equal; lenient: token overlap >= 0.5.

What numbers measure (issue 12) is scored per field by ``eval_numbers`` (exact key; phrase overlap) and
reported in its own block, with the number of values the extractor left ``unknown``.

Scores are given per document, micro (pooled counts) and macro (mean of per-document F1) in total and per
gold ``kind`` (``report`` / ``excerpt``), with round-detection and force accuracy. A field with no gold and
no predictions scores F1 = 1.0. A document that raises a ``PeelError`` counts as all-missed and is listed.
Thresholds come from ``[tool.peelextract.eval]`` in the project's pyproject.toml (found by walking up from
the gold folder) and apply to strict micro F1; the exit status is 1 when any is not met.

Grade mentions (issue 11): where a gold file lists ``mentions`` (every statement of a grade), they are scored
against the report's witnesses and earlier judgments (``eval_scoring.score_mentions``). Grade facts and mentions
are also summed per round and per half of the tune/test split (``split.toml`` in the gold folder, when present:
a file's force slug is its name up to the first "_").

The scored kinds and their matchers are in ``eval_scoring``; totals, thresholds and output in ``eval_report``.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

from peelextract.document import normalise_text
from peelextract.errors import InputError, PeelError, UsageError
from peelextract.eval_numbers import (
    is_number_threshold,
    number_threshold_checks,
    score_numbers,
    summarise_numbers,
    unknown_counts,
)
from peelextract.eval_report import (
    by_group,
    check_thresholds,
    doc_json,
    load_thresholds,
    render_table,
    summarise,
)
from peelextract.eval_scoring import FIELDS, DocResult, normalised, predicted_items, score_field, score_mentions
from peelextract.isolation import WorkerPool
from peelextract.models import Report
from peelextract.progress import Progress
from peelextract.settings import EXTRACTOR_VERSION, Limits
from peelextract.worker_tasks import report_of

log = logging.getLogger(__name__)

# eval writes no output folder: tracebacks of internal errors go to the temporary folder.
EVAL_LOGS = Path(tempfile.gettempdir()) / "peelextract-eval-logs"
EVAL_PRELOAD = ("peelextract.pipeline", "peelextract.worker_tasks")


# ---------------------------------------------------------------- one gold file


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"cannot read gold annotations: {exc}") from exc
    missing = [k for k in ("document", "kind", "force", "round", *FIELDS) if k not in gold]
    if not isinstance(gold, dict) or missing:
        raise InputError(str(path), f"gold file lacks {', '.join(missing) or 'a JSON object'}")
    if gold["kind"] not in ("report", "excerpt"):
        raise InputError(str(path), f"kind must be 'report' or 'excerpt', found {gold['kind']!r}")
    return gold


def _non_grade_hits(gold: dict[str, Any], report: Report) -> list[str]:
    """Predicted grades whose evidence is one of the gold's listed non-grades (false positives to name)."""
    hits: list[str] = []
    for ng in gold.get("non_grades", []):
        sentence = normalised(str(ng.get("sentence", "")))
        for g in report.grades:
            if sentence and normalised(g.evidence.text) == sentence:
                hits.append(f"{g.area}={g.grade} from non-grade {normalise_text(str(ng['sentence']))[:60]!r}")
    return hits


def load_split(gold_dir: Path) -> dict[str, str]:
    """Force slug → "tune" / "test" from ``split.toml`` in the gold folder ({} when there is none)."""
    path = gold_dir / "split.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {str(slug): half for half in ("tune", "test") for slug in data.get(half, [])}


def evaluate_file(
    gold_path: Path,
    limits: Limits | None = None,
    pool: WorkerPool | None = None,
    split: dict[str, str] | None = None,
) -> DocResult:
    """Score one gold file. Its document is extracted in ``pool`` (isolation: a hang, crash or bug in one
    document is that document's error) or, without one, in this process. ``split`` gives the file's half."""
    from peelextract.pipeline import path_to_report

    gold = load_gold(gold_path)
    doc_path = gold_path.parent.parent / gold["document"]
    report: Report | None = None
    error: str | None = None
    limits = limits or Limits()
    try:
        if pool is None:
            report, _ = path_to_report(doc_path, limits=limits)
        else:
            report = pool.run(str(doc_path), EVAL_LOGS, report_of, str(doc_path), limits)
    except PeelError as exc:
        error = f"{exc.code}: {exc}"
        log.warning("eval: %s failed: %s", doc_path, exc)
    pred = predicted_items(report) if report is not None else {name: [] for name in FIELDS}
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
        numbers=score_numbers(gold, report),
        unknowns=unknown_counts(report) if report else {},
        mentions=score_mentions(gold["mentions"], report) if isinstance(gold.get("mentions"), list) else None,
        round=str(gold["round"]),
        half=(split or {}).get(gold_path.name.split("_", 1)[0]),
    )


# ---------------------------------------------------------------- a folder of gold files


def evaluate_dir(gold_dir: Path, limits: Limits | None = None) -> tuple[dict[str, Any], list[DocResult]]:
    if not gold_dir.is_dir():
        raise UsageError(f"{gold_dir}: not a folder of gold annotations")
    paths = sorted(gold_dir.glob("*.json"))
    if not paths:
        raise UsageError(f"{gold_dir}: no *.json gold files")
    started = time.perf_counter()
    limits = limits or Limits()
    split = load_split(gold_dir)
    pool = WorkerPool(1, max_seconds=limits.max_seconds, max_memory=limits.max_memory, preload=EVAL_PRELOAD)
    docs: list[DocResult] = []
    try:
        with Progress(len(paths), description="eval", unit="document") as progress:  # a bar on a terminal only
            for p in paths:
                progress.start(p.name)
                docs.append(evaluate_file(p, limits, pool, split))
                progress.advance(p.name)
    finally:
        pool.close()
    groups = {
        "all": summarise(docs),
        "report": summarise([d for d in docs if d.kind == "report"]),
        "excerpt": summarise([d for d in docs if d.kind == "excerpt"]),
    }
    thresholds = load_thresholds(gold_dir)
    number_groups = {
        name: summarise_numbers([(d.numbers, d.unknowns) for d in docs if kind in ("all", d.kind)])
        for name, kind in (("all", "all"), ("report", "report"), ("excerpt", "excerpt"))
    }
    checks = check_thresholds(groups, {k: v for k, v in thresholds.items() if not is_number_threshold(k)})
    checks += number_threshold_checks(
        number_groups["all"], {k: v for k, v in thresholds.items() if is_number_threshold(k)}
    )
    result: dict[str, Any] = {
        "extractor_version": EXTRACTOR_VERSION,
        "gold_dir": str(gold_dir),
        "seconds": round(time.perf_counter() - started, 3),
        "totals": groups,
        "number_fields": number_groups,
        "by_round": by_group(docs, lambda d: d.round),
        "by_half": by_group(docs, lambda d: d.half),
        "thresholds": checks,
        "passed": all(c["passed"] for c in checks),
        "documents": [doc_json(d) for d in docs],
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
