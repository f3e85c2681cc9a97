"""The pipeline: ``document_to_report`` composes the pure stages; ``source_to_document`` reads a source
with its format's registered reader.

    ingest (bytes → Document)  →  sections  →  extract  →  validate  →  Report
The CLI, the Prefect flows, the evaluation harness and the tests all call these two functions.
"""

from __future__ import annotations

import logging
from pathlib import Path

from peelextract.document import Document
from peelextract.errors import NotAReportError
from peelextract.extract.cases import extract_case_counts
from peelextract.extract.context import Context
from peelextract.extract.estimates import extract_estimated_counts
from peelextract.extract.grades import extract_grade_facts
from peelextract.extract.improvements import extract_improvements
from peelextract.extract.number_notes import note_unknowns
from peelextract.extract.percentages import extract_ci_percentages, extract_percentages
from peelextract.extract.rates import extract_rates
from peelextract.extract.report_areas import document_to_report_areas
from peelextract.extract.ungraded import extract_graded_area_count, extract_ungraded
from peelextract.ingest import SourceBytes, read_path
from peelextract.ingest.formats import input_format
from peelextract.models import (
    CaseCount,
    CIPercentage,
    EstimatedCount,
    Evidence,
    Percentage,
    Report,
    ReportInfo,
    Warning,
)
from peelextract.nlp import document_to_sentences
from peelextract.pages import PdfPages
from peelextract.rounds import detect_round
from peelextract.rounds.force import detect_force, force_outside_text
from peelextract.rounds.vocab import slug
from peelextract.sections import SectionIndex, document_to_sections
from peelextract.settings import EXTRACTOR_VERSION, Limits
from peelextract.validate import validate_report

log = logging.getLogger(__name__)


def source_to_document(src: SourceBytes, limits: Limits | None = None) -> Document:
    """Read bytes of any supported format into a normalised Document, within ``limits``: the format's
    registered reader (``ingest.formats``), then, for a PDF's pages, the layout stage."""
    read = input_format(src.format).read(src, limits or Limits())
    if isinstance(read, PdfPages):
        from peelextract.layout import pages_to_document

        return pages_to_document(read)
    return read


def report_id(force: str, round_: str) -> str:
    return f"{slug(force)}-{slug(round_)}"


def document_to_report(doc: Document, *, round_override: str | None = None) -> Report:
    """Extract and validate everything in one document. Raises NotAReportError when it is not a report."""
    return validate_report(extract_report(doc, round_override=round_override), doc)


def extract_report(doc: Document, *, round_override: str | None = None) -> Report:
    """Every rule over one document, before validation (the benchmark times the two apart)."""
    decision = detect_round(doc.text, doc.source.name, round_override)
    found = detect_force(doc)
    outside = force_outside_text(doc) if found is None else None
    force: tuple[str, Evidence | None] | None = found or ((outside[0], None) if outside else None)
    if decision is None or force is None:
        raise NotAReportError(doc.source.name, not_a_report_reason(doc, force is None, decision is None))
    own = document_to_report_areas(doc, decision, force[0])
    sections = document_to_sections(doc, {a.title.lower(): a.key for a in own})
    ctx = Context(
        doc=doc,
        sentences=document_to_sentences(doc),
        sections=SectionIndex(sections),
        round=decision,
        force=force[0],
        report_areas=own,
    )
    ctx.warnings.extend(Warning(code=c, message=m, stage="layout") for c, m in doc.layout_warnings)
    if decision.inferred:
        titles = "; ".join(a.title for a in own) or "none found"
        ctx.warn(
            "round_vocabulary_unknown",
            f"round {decision.round}: areas taken from the report's structure (round vocabulary unknown): {titles}",
        )
    grades, earlier = extract_grade_facts(ctx)
    cis = extract_ci_percentages(ctx)
    cases = extract_case_counts(ctx)
    percentages = extract_percentages(ctx, [(c.evidence.start, c.evidence.end) for c in cis])
    estimates = extract_estimated_counts(ctx)
    if doc.page_kind and not (grades or cis or cases):
        # A "page not found" page that mentions a force and a round is still not that force's report.
        raise NotAReportError(
            doc.source.name,
            f"not a PEEL report: the page is {doc.page_kind} and holds no "
            "graded judgments, case counts or CI percentages",
        )
    return Report(
        extractor_version=EXTRACTOR_VERSION,
        report=ReportInfo(
            id=report_id(force[0], decision.round),
            force=force[0],
            round=decision.round,
            source=doc.source,
            round_decision=decision,
            force_evidence=force[1],
            force_source=outside[1] if outside else "text",
            earlier_judgments=earlier,
        ),
        sections=sections,
        grades=grades,
        ungraded_areas=extract_ungraded(ctx, grades),
        graded_area_count=extract_graded_area_count(ctx, grades),
        case_counts=cases,
        ci_percentages=cis,
        percentages=percentages,
        rates=extract_rates(ctx),
        estimated_counts=estimates,
        areas_for_improvement=extract_improvements(ctx),
        warnings=_with_unknowns_noted(ctx, cis, cases, percentages, estimates),
    )


def _with_unknowns_noted(
    ctx: Context,
    cis: list[CIPercentage],
    cases: list[CaseCount],
    percentages: list[Percentage],
    estimates: list[EstimatedCount],
) -> list[Warning]:
    """The warnings, closed by the note counting numbers whose measure is unknown (evaluated last)."""
    note_unknowns(ctx, cis, cases, percentages, estimates)
    return ctx.warnings


def not_a_report_reason(doc: Document, no_force: bool, no_round: bool) -> str:
    """Why a readable document is not a PEEL report: what is missing, what was looked for, what it seems to be."""
    missing = " and ".join(what for what, absent in (("no force", no_force), ("no round", no_round)) if absent)
    reason = (
        f"not a PEEL report: found {missing} (looked for one of the 43 forces or 'An inspection of <X> "
        "Police', a title line, the page title, URL and file name, and for round clues such as 'PEEL 2021/22', "
        "framework wording and area names)"
    )
    if doc.page_kind:
        reason += f"; the page is {doc.page_kind}"
    return reason


def path_to_report(
    path: Path, *, round_override: str | None = None, limits: Limits | None = None
) -> tuple[Report, Document]:
    doc = source_to_document(read_path(path, limits), limits)
    return document_to_report(doc, round_override=round_override), doc
