"""The registry of value kinds: one entry per kind of value a Report carries (grades, case counts, …).

Validation, the dataset tables, the review page and the evaluation derive their lists of kinds from
``KINDS`` instead of spelling them out, so adding a kind is: its model (``models.py`` and a ``Report``
field), its extractor module (called from ``pipeline.extract_report``), one entry here, and — because
they are published contracts written by hand — its dataset columns (``publish/kind_tables.py``) and, if
gold annotations score it, its matchers (``eval_scoring.py``). ``tests/test_kinds.py`` fails when any
consumer misses a kind.

Only ``models`` and the measure vocabulary (``rounds.measures``, names for the labels) are imported here, so
every stage (validate, publish, evaluate) can import the registry without importing upward.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from peelextract.models import (
    AreaForImprovement,
    CaseCount,
    CIPercentage,
    EstimatedCount,
    Evidence,
    Grade,
    GradedAreaCount,
    Model,
    Percentage,
    Rate,
    Report,
    UngradedArea,
    Warning,
)
from peelextract.rounds.measures import CHANGE_NAMES, ESTIMATE_NAMES, MEASURE_NAMES, POPULATION_NAMES


@dataclass(frozen=True)
class ValueKind:
    """One kind of value.

    ``field`` is its ``Report`` attribute, ``key`` its short id on the review page (``#v-<key>-<index>``,
    CSS class ``k-<key>``) and ``name`` its human name. Every value has its ``evidence``; ``aux`` names
    secondary evidence attributes (role shown on the review page, attribute), highlighted and checked too.
    ``table`` is its dataset table (None when its figures are columns of another table) and ``identity``
    the value part of a row's content-derived id there. ``checked`` is False for warnings, whose evidence
    points at values already checked. ``short`` names the kind in tight columns (the eval table).
    ``witnesses`` names list attributes whose items carry evidence of their own (a grade's mentions):
    validation checks each of them like the value's own evidence.
    """

    field: str
    key: str
    name: str
    model: type[Model]
    label: Callable[[Any], str]
    short: str
    table: str | None = None
    identity: Callable[[Any], str] | None = None
    aux: tuple[tuple[str, str], ...] = ()
    single: bool = False
    checked: bool = True
    witnesses: tuple[str, ...] = ()

    def values(self, report: Report) -> list[Any]:
        """This kind's values in ``report``, in document order (a single value is a list of zero or one)."""
        found = getattr(report, self.field)
        if self.single:
            return [] if found is None else [found]
        return list(found)

    def evidences(self, value: Any) -> Iterator[tuple[str, Evidence]]:
        """(attribute, evidence) for the value's evidence and each secondary evidence it has."""
        for attr in ("evidence", *(a for _, a in self.aux)):
            ev = getattr(value, attr, None)
            if isinstance(ev, Evidence):
                yield attr, ev

    def witness_evidences(self, value: Any) -> Iterator[tuple[str, Evidence]]:
        """(where, evidence) for each item of the value's witness lists (``mentions[2].evidence``)."""
        for attr in self.witnesses:
            for j, item in enumerate(getattr(value, attr)):
                yield f"{attr}[{j}].evidence", item.evidence


def _num(v: float) -> str:
    return f"{v:g}"


def grade_label(g: Grade) -> str:
    extra = f" (carried over from {g.carried_over_year})" if g.carried_over_year else ""
    changed = f", was {g.changed_from}" if g.changed_from else ""
    return f"{g.grade}: {g.area_title}{extra}{changed}"


def _measure(key: str, text: str | None) -> str:
    """The measure's name, with the printed phrase for ``other``: "crime recording: all crime"."""
    return f"other: {text}" if key == "other" and text else MEASURE_NAMES.get(key, key)


def case_label(c: CaseCount) -> str:
    qual = f" {c.qualifier}" if c.qualifier else ""
    mark = "✓" if c.polarity == "success" else "✗"
    population = c.population_text or POPULATION_NAMES.get(c.population, c.population)
    return f"{qual.strip() + ' ' if qual else ''}{c.x} of {c.y} {population} ({_num(c.share)}%) {mark} {c.polarity}"


def ci_label(c: CIPercentage) -> str:
    year = f" {c.year}" if c.year else ""
    change = f" · {CHANGE_NAMES.get(c.change, c.change)}" if c.change and c.change != "none" else ""
    return (
        f"{_measure(c.measure, c.measure_text)}: {_num(c.value)}% ± {_num(c.ci)} ({_num(c.lower)}–{_num(c.upper)})"
        f" · {c.period}{year}{change}"
    )


def pct_label(p: Percentage) -> str:
    unit = " points" if p.unit == "points" else "%"
    if p.kind == "change":
        what = f"{p.direction or 'change'} of {_num(p.value)}{unit}"
    elif p.kind == "rate":
        what = f"{p.rate_name or 'rate'} {_num(p.value)}{unit}"
    else:
        what = f"{_num(p.value)}{unit} share"
    return f"{what} of {p.of}" if p.of else f"{what} (of: unknown)"


def estimate_label(e: EstimatedCount) -> str:
    qual = f"{e.qualifier} " if e.qualifier else ""
    period = f", {e.period}" if e.period else ""
    return f"{ESTIMATE_NAMES.get(e.kind, e.kind)}: {qual}{e.value:,} ({_measure(e.measure, e.measure_text)}){period}"


def rate_label(r: Rate) -> str:
    avg = f" (England and Wales {_num(r.england_wales_average)})" if r.england_wales_average is not None else ""
    period = f", {r.period}" if r.period else ""
    return f"{_num(r.value)} {r.unit} per {r.per:,} {r.denominator}{avg}{period}"


def afi_label(a: AreaForImprovement) -> str:
    name = "Cause of concern" if a.kind == "cause_of_concern" else "Area for improvement"
    short = a.text if len(a.text) <= 110 else a.text[:107].rstrip() + "…"
    return f"{name}: {short}"


def count_label(c: GradedAreaCount) -> str:
    return f"Graded {c.graded} of {c.total} areas; {c.found} grades found"


# In review-panel order. The dataset's table order is its own (publish/tables.py): first release first.
KINDS: tuple[ValueKind, ...] = (
    ValueKind(
        "grades",
        "grade",
        "Grades",
        Grade,
        grade_label,
        "grades",
        table="grades",
        identity=lambda g: f"{g.area}|{g.grade}|{g.carried_over_year}",
        aux=(("badge", "badge"), ("sentence", "sentence"), ("table", "table")),
        witnesses=("mentions",),
    ),
    ValueKind(
        "ungraded_areas",
        "ungraded",
        "Ungraded areas",
        UngradedArea,
        lambda u: f"{u.area_title} (not graded)",
        "ungraded",
        table="ungraded_areas",
        identity=lambda u: u.area,
    ),
    ValueKind("graded_area_count", "count", "Graded-area count", GradedAreaCount, count_label, "count", single=True),
    ValueKind(
        "case_counts",
        "case",
        "Case counts",
        CaseCount,
        case_label,
        "cases",
        table="case_counts",
        identity=lambda c: f"{c.x}|{c.y}|{c.polarity}",
    ),
    ValueKind(
        "ci_percentages",
        "ci",
        "CI percentages",
        CIPercentage,
        ci_label,
        "CI %",
        table="ci_percentages",
        identity=lambda c: f"{c.value}|{c.ci}|{c.period}",
    ),
    ValueKind(
        "percentages",
        "pct",
        "Percentages",
        Percentage,
        pct_label,
        "%",
        table="percentages",
        identity=lambda p: f"{p.value}",
    ),
    ValueKind(
        "rates",
        "rate",
        "Rates",
        Rate,
        rate_label,
        "rates",
        table="rates",
        identity=lambda x: f"{x.value}|{x.unit}|{x.per}|{x.denominator}",
        aux=(("average", "average_evidence"),),
    ),
    ValueKind(
        "estimated_counts",
        "est",
        "Estimated counts",
        EstimatedCount,
        estimate_label,
        "estimates",
        table="estimated_counts",
        identity=lambda e: f"{e.kind}|{e.value}|{e.measure}",
    ),
    ValueKind(
        "areas_for_improvement",
        "afi",
        "Areas for improvement",
        AreaForImprovement,
        afi_label,
        "AFIs",
        table="areas_for_improvement",
        identity=lambda a: f"{a.kind}|{a.text}",
    ),
    ValueKind(
        "warnings",
        "warning",
        "Warnings",
        Warning,
        lambda w: f"{w.code}: {w.message}",
        "warnings",
        table="warnings",
        identity=lambda w: f"{w.code}|{w.message}",
        checked=False,
    ),
)
KINDS_BY_KEY: dict[str, ValueKind] = {k.key: k for k in KINDS}
KINDS_BY_FIELD: dict[str, ValueKind] = {k.field: k for k in KINDS}
