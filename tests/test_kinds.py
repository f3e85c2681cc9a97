"""The registry of value kinds is complete, and every consumer covers every kind in it: validation, the
dataset tables, the review page (marks and panel) and, for the scored kinds, the evaluation."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from peelextract.document import Document
from peelextract.errors import ContractError
from peelextract.eval_report import check_thresholds
from peelextract.eval_scoring import FIELDS, SCORINGS
from peelextract.kinds import KINDS, KINDS_BY_FIELD, KINDS_BY_KEY, ValueKind
from peelextract.models import Evidence, Report
from peelextract.publish.kind_tables import KIND_TABLES
from peelextract.publish.review_marks import KIND_NAMES, collect_spans, value_evidence
from peelextract.publish.review_values import panel_entries
from peelextract.publish.table_rows import EVIDENCE_COLUMNS, KEY_COLUMNS
from peelextract.publish.tables import TABLES_BY_NAME, report_rows
from peelextract.validate import check_provenance

ROOT = Path(__file__).resolve().parent.parent


def _model_of(annotation: object) -> type[BaseModel] | None:
    """The contract model in a Report field's annotation (``list[Grade]``, ``GradedAreaCount | None``)."""
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _evidence_fields() -> dict[str, type[BaseModel]]:
    """Report fields whose model carries ``evidence``: the values a reader can trace to the text."""
    out: dict[str, type[BaseModel]] = {}
    for name, info in Report.model_fields.items():
        model = _model_of(info.annotation)
        if model is not None and "evidence" in model.model_fields and name != "report":
            out[name] = model
    return out


def _shifted(ev: Evidence) -> Evidence:
    """The same evidence text claimed one character later: the provenance check must catch it."""
    return ev.model_copy(update={"start": ev.start + 1, "end": ev.end + 1})


def _break(report: Report, kind: ValueKind, attr: str) -> Report:
    value = kind.values(report)[0]
    broken = value.model_copy(update={attr: _shifted(getattr(value, attr))})
    if kind.single:
        return report.model_copy(update={kind.field: broken})
    rest = list(getattr(report, kind.field))[1:]
    return report.model_copy(update={kind.field: [broken, *rest]})


def test_every_value_field_of_the_report_is_a_registered_kind() -> None:
    fields = _evidence_fields()
    assert set(fields) == set(KINDS_BY_FIELD), "add the kind to peelextract/kinds.py (or remove the stale entry)"
    for kind in KINDS:
        assert kind.model is fields[kind.field], f"{kind.field}: registry model {kind.model.__name__}"
        assert kind.single == (typing.get_origin(Report.model_fields[kind.field].annotation) is not list)
        evidences = {n for n, f in kind.model.model_fields.items() if _model_of(f.annotation) is Evidence}
        assert evidences == {"evidence", *(attr for _, attr in kind.aux)}, f"{kind.field}: list every evidence"
    assert len(KINDS_BY_KEY) == len(KINDS) == len(KINDS_BY_FIELD)
    tables = [k.table for k in KINDS if k.table is not None]
    assert len(tables) == len(set(tables))


def test_the_sample_report_has_every_kind(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert [k.field for k in KINDS if not k.values(report)] == []


@pytest.mark.parametrize("kind", [k for k in KINDS if k.checked], ids=lambda k: k.field)
def test_validation_checks_every_evidence_of_every_checked_kind(
    sample: tuple[Report, Document], kind: ValueKind
) -> None:
    report, doc = sample
    check_provenance(report, doc)
    value = kind.values(report)[0]
    for attr, _ in kind.evidences(value):
        with pytest.raises(ContractError, match=rf"{kind.field}(\[0\])?\.{attr}"):
            check_provenance(_break(report, kind, attr), doc)


def test_every_kind_with_a_table_has_its_columns_and_one_row_per_value(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert set(KIND_TABLES) == {k.table for k in KINDS if k.table is not None}
    rows = report_rows(report)
    for kind in KINDS:
        if kind.table is None:
            assert kind.single, f"{kind.field} has no dataset table"  # the graded-area count is a reports column
            continue
        names = TABLES_BY_NAME[kind.table].column_names
        key_names = [c.name for c in KEY_COLUMNS]
        assert names[: len(key_names)] == key_names and {c.name for c in EVIDENCE_COLUMNS} <= set(names)
        assert len(rows[kind.table]) == len(kind.values(report))
        assert [r["evidence_text"] for r in rows[kind.table]] == [
            v.evidence.text if v.evidence else None for v in kind.values(report)
        ]
    assert rows["reports"][0]["graded_areas_stated"] == report.graded_area_count.graded  # type: ignore[union-attr]


def test_the_review_page_marks_and_lists_every_kind(sample: tuple[Report, Document]) -> None:
    report, doc = sample
    assert list(KIND_NAMES) == [k.key for k in KINDS]
    marked = {k for k, _, ev in value_evidence(report) if ev is not None}
    spans, problems = collect_spans(report, doc.text)
    assert problems == [] and {s.kind for s in spans if s.role == "value"} == marked
    assert marked == {k.key for k in KINDS if any(v.evidence for v in k.values(report))}
    aux_roles = {(s.kind, s.role) for s in spans if s.role != "value"}
    assert aux_roles <= {(k.key, role) for k in KINDS for role, _ in k.aux}
    html, counts = panel_entries(report, {s.key for s in spans}, {})
    assert counts == {k.key: len(k.values(report)) for k in KINDS}
    for kind in KINDS:
        assert f'<section class="group" data-kind="{kind.key}"><h2>{kind.name} (' in html


def test_scored_kinds_are_registered_and_every_gold_file_lists_them(sample: tuple[Report, Document]) -> None:
    report, _ = sample
    assert set(SCORINGS) == set(FIELDS) and set(FIELDS) <= set(KINDS_BY_FIELD)
    for name in FIELDS:
        assert len(SCORINGS[name].predicted(report)) == len(KINDS_BY_FIELD[name].values(report)) > 0
    for path in sorted((ROOT / "fixtures" / "gold").glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))
        assert [f for f in FIELDS if not isinstance(gold.get(f), list)] == [], path.name
    summary = {"documents": 1, **{f: {"strict": {"micro": {"f1": 1.0}}} for f in FIELDS}}
    groups = {"all": summary, "report": summary, "excerpt": summary}
    checks = check_thresholds(groups, {f"{f}_f1": 0.5 for f in FIELDS})
    assert [c["field"] for c in checks] == sorted(FIELDS) and all(c["passed"] for c in checks)
