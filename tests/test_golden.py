"""Golden files: a compact, reviewable projection of the Report for every edition of every fixture report.

Each ``fixtures/reports/<file name>.expected.json`` records what the extractor outputs for that file: grades,
ungraded areas, case counts, CI percentages, other percentages, rates, areas for improvement and warnings, each
with its evidence text and span. It is not the full Report (sections and boxes would make diffs unreadable).

House rule: golden files are reviewed by reading the diff, never regenerated blindly to make a test pass.
To rewrite them after an intended change run ``PEELEXTRACT_UPDATE_GOLDEN=1 pytest tests/test_golden.py``; the
tests then fail on purpose, so nobody is falsely green, and ``git diff fixtures/reports`` shows what changed.
"""

from __future__ import annotations

import difflib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from peelextract.models import Evidence, Report
from peelextract.pipeline import path_to_report
from tests.conftest import REPORTS

STEMS = [
    "cleveland-police_peel-2021-22",
    "northshire-police_peel-2018-19-synthetic",
    "southvale-constabulary_peel-2023-25-synthetic",
]
EDITIONS = ["txt", "html", "pdf"]
UPDATE_ENV = "PEELEXTRACT_UPDATE_GOLDEN"


@cache
def report_of(path: Path) -> Report:
    """Extract one fixture once per test session."""
    return path_to_report(path)[0]


def golden_path(source: Path) -> Path:
    return source.with_name(source.name + ".expected.json")


def evidence(ev: Evidence | None) -> dict[str, Any] | None:
    """The reviewable part of an evidence: its text, its span in the normalised text and its first page."""
    if ev is None:
        return None
    return {"text": ev.text, "start": ev.start, "end": ev.end, "page": ev.page}


def project(report: Report) -> dict[str, Any]:
    """The golden projection of a report. Key order is fixed, so the dumped JSON is stable."""
    info = report.report
    count = report.graded_area_count
    return {
        "report": {
            "id": info.id,
            "force": info.force,
            "round": info.round,
            "format": info.source.format,
            "pages": info.source.pages,
            "round_inferred": info.round_decision.inferred,
            "force_source": info.force_source,
            "earlier_judgments": [
                {"area": e.area, "grade": e.grade, "kind": e.kind, "year": e.year, "text": e.evidence.text}
                for e in info.earlier_judgments
            ],
        },
        "grades": [
            {
                "area": g.area,
                "area_title": g.area_title,
                "grade": g.grade,
                "carried_over_year": g.carried_over_year,
                "sentence": g.sentence.text if g.sentence else None,
                "badge": g.badge.text if g.badge else None,
                "evidence": evidence(g.evidence),
                "mentions": [{"source": m.source, "text": m.evidence.text} for m in g.mentions],
            }
            for g in report.grades
        ],
        "ungraded_areas": [
            {"area": u.area, "area_title": u.area_title, "evidence": evidence(u.evidence)}
            for u in report.ungraded_areas
        ],
        "graded_area_count": None
        if count is None
        else {"graded": count.graded, "total": count.total, "found": count.found, "evidence": evidence(count.evidence)},
        "case_counts": [
            {
                "x": c.x,
                "y": c.y,
                "polarity": c.polarity,
                "qualifier": c.qualifier,
                "population": c.population,
                "population_text": c.population_text,
                "finding": c.finding,
                "section": c.section,
                "area": c.area,
                "evidence": evidence(c.evidence),
            }
            for c in report.case_counts
        ],
        "ci_percentages": [
            {
                "value": c.value,
                "ci": c.ci,
                "lower": c.lower,
                "upper": c.upper,
                "period": c.period,
                "year": c.year,
                "measure": c.measure,
                "measure_text": c.measure_text,
                "measure_from": c.measure_from,
                "change": c.change,
                "change_text": c.change_text,
                "current": c.current.model_dump() if c.current else None,
                "area": c.area,
                "evidence": evidence(c.evidence),
            }
            for c in report.ci_percentages
        ],
        "percentages": [
            {
                "value": p.value,
                **p.model_dump(
                    include={"kind", "of", "of_text", "of_from", "direction", "base", "period", "unit", "rate_name"}
                ),
                "area": p.area,
                "evidence": evidence(p.evidence),
            }
            for p in report.percentages
        ],
        "rates": [
            {
                "value": r.value,
                "unit": r.unit,
                "per": r.per,
                "england_wales_average": r.england_wales_average,
                "period": r.period,
                "area": r.area,
                "evidence": evidence(r.evidence),
            }
            for r in report.rates
        ],
        "estimated_counts": [
            {
                **e.model_dump(include={"value", "qualifier", "kind", "measure", "period"}),
                "area": e.area,
                "evidence": evidence(e.evidence),
            }
            for e in report.estimated_counts
        ],
        "areas_for_improvement": [
            {"kind": a.kind, "area": a.area, "text": a.text} for a in report.areas_for_improvement
        ],
        "warnings": [{"code": w.code, "message": w.message} for w in report.warnings],
    }


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


@pytest.mark.parametrize("ext", EDITIONS)
@pytest.mark.parametrize("stem", STEMS)
def test_report_matches_its_golden_file(stem: str, ext: str) -> None:
    source = REPORTS / f"{stem}.{ext}"
    golden = golden_path(source)
    actual = dump(project(report_of(source)))
    if os.environ.get(UPDATE_ENV) == "1":
        old = golden.read_text(encoding="utf-8") if golden.exists() else None
        golden.write_text(actual, encoding="utf-8")
        if old != actual:
            pytest.fail(
                f"golden rewritten: review the diff with git diff before committing ({golden.name})", pytrace=False
            )
        pytest.fail(f"{UPDATE_ENV}=1 is set (golden unchanged: {golden.name}); unset it for a real run", pytrace=False)
    assert golden.exists(), f"no golden file {golden.name}; create it with {UPDATE_ENV}=1 and review it"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{golden.name} (golden)",
                tofile="extracted now",
                n=2,
            )
        )
        pytest.fail(
            f"extraction differs from {golden.name}; if intended, rewrite with {UPDATE_ENV}=1 and review"
            f" git diff\n{diff}",
            pytrace=False,
        )


def edition_values(golden: dict[str, Any]) -> dict[str, Any]:
    """The values every edition of one report must share: no offsets, pages, formats or texts."""
    count = golden["graded_area_count"]
    return {
        "id": golden["report"]["id"],
        "force": golden["report"]["force"],
        "round": golden["report"]["round"],
        "grades": sorted((g["area"], g["grade"], g["carried_over_year"] or 0) for g in golden["grades"]),
        "ungraded": sorted(u["area"] for u in golden["ungraded_areas"]),
        "graded_area_count": None if count is None else [count[k] for k in ("graded", "total", "found")],
        "cases": [(c["x"], c["y"], c["polarity"]) for c in golden["case_counts"]],
        "ci": [(c["value"], c["ci"], c["period"], c["year"]) for c in golden["ci_percentages"]],
        "percentages": [p["value"] for p in golden["percentages"]],
        "rates": [(r["value"], r["england_wales_average"]) for r in golden["rates"]],
        "areas_for_improvement": [(a["kind"], a["area"]) for a in golden["areas_for_improvement"]],
    }


def edition_texts(golden: dict[str, Any]) -> dict[str, Any]:
    """The texts every edition should share once normalised: evidence texts, rate units, improvement texts.
    In a PDF they would show running headers, page numbers or footnote digits that leaked into the evidence."""
    return {
        field: [(item["evidence"] or {}).get("text") for item in golden[field]]
        for field in ("grades", "ungraded_areas", "case_counts", "ci_percentages", "percentages", "rates")
    } | {
        "grade_badges": [g["badge"] for g in golden["grades"]],
        "rate_units": [r["unit"] for r in golden["rates"]],
        "areas_for_improvement": [a["text"] for a in golden["areas_for_improvement"]],
        "warnings": [(w["code"], w["message"]) for w in golden["warnings"]],
    }


def load_golden(stem: str, ext: str) -> dict[str, Any]:
    path = golden_path(REPORTS / f"{stem}.{ext}")
    assert path.exists(), f"no golden file {path.name}"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("ext", ["html", "pdf"])
@pytest.mark.parametrize("stem", STEMS)
def test_golden_values_agree_with_the_text_edition(stem: str, ext: str) -> None:
    """Compares the committed goldens with each other, so a rewritten golden that diverges is caught."""
    assert edition_values(load_golden(stem, ext)) == edition_values(load_golden(stem, "txt"))


# The Southvale PDF fixture itself reads "21.4 domestic abuserelated incidents": make_pdf.py (ReportLab's
# embeddedHyphenation) dropped the hyphen of "abuse-related" when it moved the word to the next line. Strict:
# once the PDF is rebuilt without the defect this XPASSes and the marker must go.
PDF_HYPHEN_DROPPED = pytest.mark.xfail(
    strict=True, reason="fixture defect: the Southvale PDF has no hyphen in 'abuse-related' (make_pdf.py)"
)


@pytest.mark.parametrize(
    ("stem", "ext"),
    [
        pytest.param(
            stem, ext, id=f"{stem}-{ext}", marks=PDF_HYPHEN_DROPPED if (stem, ext) == (STEMS[2], "pdf") else ()
        )
        for stem in STEMS
        for ext in ("html", "pdf")
    ],
)
def test_golden_texts_agree_with_the_text_edition(stem: str, ext: str) -> None:
    assert edition_texts(load_golden(stem, ext)) == edition_texts(load_golden(stem, "txt"))
