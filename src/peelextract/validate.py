"""Validation: every value checks itself and its provenance before anything is written.

Contract checks (a failure is a bug and raises ``ContractError``): each evidence ``text`` equals the
normalised text's ``[start:end]``. Arithmetic checks (a failure becomes a ``warnings`` entry with the
reason; the value is never silently dropped): x ≤ y and 0 ≤ value ≤ 100 are enforced at extraction;
here a stated percentage beside a case count ("18 of 87 cases (21 percent)") must be within one point
of 100·x/y, and a CI's bounds must be value ∓ ci.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import regex

from peelextract.document import Document
from peelextract.errors import ContractError
from peelextract.kinds import KINDS
from peelextract.models import Evidence, Report, Warning

log = logging.getLogger(__name__)

_STATED = regex.compile(r"^\s*\(?\s*(?P<pct>\d{1,3}(?:\.\d+)?)\s?(?:%|percent|per cent)", regex.IGNORECASE)


def _evidences(report: Report) -> Iterator[tuple[str, Evidence]]:
    """Every checked value's evidence, named by where it sits in the report (``case_counts[3].evidence``),
    its witnesses' (``grades[0].mentions[1].evidence``), and the report's own: the force's evidence and the
    earlier judgments the report tells in passing."""
    for kind in KINDS:
        if not kind.checked:
            continue
        for i, item in enumerate(kind.values(report)):
            where = kind.field if kind.single else f"{kind.field}[{i}]"
            for attr, ev in kind.evidences(item):
                yield f"{where}.{attr}", ev
            for attr, ev in kind.witness_evidences(item):
                yield f"{where}.{attr}", ev
    info = report.report
    if info.force_evidence is not None:
        yield "report.force_evidence", info.force_evidence
    for i, earlier in enumerate(info.earlier_judgments):
        yield f"report.earlier_judgments[{i}].evidence", earlier.evidence


def check_provenance(report: Report, doc: Document) -> None:
    """Raise ContractError when any evidence is not exactly the text at its offsets."""
    for where, ev in _evidences(report):
        if doc.text[ev.start : ev.end] != ev.text:
            raise ContractError(
                doc.source.name, f"{where}: evidence {ev.text!r} is not the text at {ev.start}-{ev.end}"
            )
        if doc.char_pages is not None and ev.text.strip() and ev.page is None:
            raise ContractError(doc.source.name, f"{where}: PDF evidence {ev.text!r} has no page")


def _arithmetic_warnings(report: Report, doc: Document) -> list[Warning]:
    out: list[Warning] = []
    for c in report.case_counts:
        m = _STATED.match(doc.text[c.evidence.end : c.evidence.end + 30])
        if m and abs(float(m.group("pct")) - 100 * c.x / c.y) > 1.0:
            out.append(
                Warning(
                    code="stated_percentage_mismatch",
                    stage="validate",
                    evidence=c.evidence,
                    message=f"{c.x} of {c.y} is {100 * c.x / c.y:.1f}%, the text states {m.group('pct')}%",
                )
            )
    for p in report.ci_percentages:
        if abs(p.lower - (p.value - p.ci)) > 1e-6 or abs(p.upper - (p.value + p.ci)) > 1e-6:
            out.append(
                Warning(
                    code="ci_bounds_inconsistent",
                    stage="validate",
                    evidence=p.evidence,
                    message=f"bounds [{p.lower}, {p.upper}] are not {p.value} ∓ {p.ci}",
                )
            )
    return out


def validate_report(report: Report, doc: Document) -> Report:
    """Check provenance (raising on a bug) and add arithmetic warnings; returns a new Report."""
    check_provenance(report, doc)
    extra = _arithmetic_warnings(report, doc)
    if not extra:
        return report
    warnings = sorted([*report.warnings, *extra], key=lambda w: (w.evidence.start if w.evidence else -1, w.code))
    return report.model_copy(update={"warnings": warnings})
