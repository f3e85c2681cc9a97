"""Shared fixtures: paths to the bundled reports and a cached extraction of the sample report."""

from __future__ import annotations

from pathlib import Path

import pytest

from peelextract.document import Document
from peelextract.ingest import read_bytes
from peelextract.models import Report
from peelextract.pipeline import document_to_report, path_to_report, source_to_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
REPORTS = FIXTURES / "reports"
SAMPLE_TXT = REPORTS / "cleveland-police_peel-2021-22.txt"


@pytest.fixture(scope="session")
def sample() -> tuple[Report, Document]:
    return path_to_report(SAMPLE_TXT)


def extract_text(text: str, name: str = "synthetic.txt") -> tuple[Report, Document]:
    """Run the whole pipeline on a small synthetic text report."""
    doc = source_to_document(read_bytes(text.encode("utf-8"), name))
    return document_to_report(doc), doc


def mini_report(*body: str, force: str = "Northshire Police", round_title: str = "PEEL 2021/22") -> str:
    """A minimal report text: a title naming force and round, then the given lines."""
    return "\n".join([f"{round_title}: An inspection of {force}", "Overall summary", *body])


# The sample report's graded judgments, by area (the sample report and dataset tests share them).
SAMPLE_GRADES = {
    "recording-data": "Good",
    "treatment-of-public": "Adequate",
    "preventing-crime": "Inadequate",
    "responding-to-public": "Adequate",
    "investigating-crime": "Requires improvement",
    "protecting-vulnerable-people": "Requires improvement",
    "managing-offenders": "Adequate",
    "serious-organised-crime": "Adequate",
    "workforce": "Requires improvement",
    "strategic-planning": "Inadequate",
}
