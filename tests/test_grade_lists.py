"""Grades stated as lists (issue 11): "<Area>: <grade>" pairs in text lines, HTML image text alternatives,
definition lists and tables with short labels; and the force named only by the page title, URL or file name."""

from __future__ import annotations

import pytest

from peelextract.errors import NotAReportError
from peelextract.ingest import read_bytes
from peelextract.models import Report
from peelextract.pipeline import document_to_report, source_to_document

FORCE = "Kent Police"


def html_report(body: str, *, head: str = "", name: str = "page.html") -> Report:
    page = f"<!DOCTYPE html><html><head>{head}</head><body><main>{body}</main></body></html>"
    return document_to_report(source_to_document(read_bytes(page.encode("utf-8"), name)))


def listed(report: Report) -> set[tuple[str, str, str]]:
    return {(g.area, g.grade, m.source) for g in report.grades for m in g.mentions if m.source in ("list", "table")}


def test_infographic_text_alternative_is_read_with_its_source_offsets() -> None:
    alt = (
        "Infographic showing the grades awarded to Kent Police in the following areas: Investigating crime: "
        "requires improvement Responding to the public: adequate Good use of resources: good"
    )
    body = f"<h1>PEEL 2021/22: An inspection of {FORCE}</h1><p>Overall summary</p><img src='x.png' alt='{alt}'>"
    report = html_report(body)
    assert listed(report) == {
        ("investigating-crime", "Requires improvement", "list"),
        ("responding-to-public", "Adequate", "list"),
        ("strategic-planning", "Good", "list"),
    }
    page = f"<!DOCTYPE html><html><head></head><body><main>{body}</main></body></html>"
    for g in report.grades:
        ev = g.mentions[0].evidence
        assert ev.source_start is not None and ev.source_end is not None
        assert page[ev.source_start : ev.source_end] == ev.text  # the characters of the alt attribute


def test_a_chart_alternative_without_a_grade_is_not_read() -> None:
    body = (
        f"<h1>PEEL 2021/22: An inspection of {FORCE}</h1><p>{FORCE} is good at investigating crime.</p>"
        "<img alt='Bar chart showing crimes per 1,000 population for Kent Police and other forces'>"
    )
    doc = source_to_document(read_bytes(f"<main>{body}</main>".encode(), "page.html"))
    assert "Bar chart" not in doc.text


def test_definition_list_and_table_rows_with_short_labels() -> None:
    body = (
        f"<h1>PEEL 2023–25: An inspection of {FORCE}</h1><p>We make graded judgments as follows:</p>"
        "<dl><dt>Treatment of the public</dt><dd>Adequate</dd>"
        "<dt>Developing a positive workplace</dt><dd>Good</dd></dl>"
        "<table><tr><td>Supporting victims</td><td>Inadequate</td></tr></table>"
    )
    assert listed(html_report(body)) == {
        ("treatment-of-public", "Adequate", "table"),
        ("workforce", "Good", "table"),
        ("protecting-vulnerable-people", "Inadequate", "table"),
    }


def test_a_list_of_grades_is_not_a_pair() -> None:
    body = (
        f"<h1>PEEL 2021/22: An inspection of {FORCE}</h1>"
        "<p>Our grades are on a five-point scale: outstanding, good, adequate, requires improvement, inadequate.</p>"
        "<p>Grade: good.</p>"
        f"<p>{FORCE} is adequate at investigating crime.</p>"
    )
    assert {(g.area, g.grade) for g in html_report(body).grades} == {("investigating-crime", "Adequate")}


@pytest.mark.parametrize(
    ("head", "name", "source"),
    [
        ("<title>Cumbria PEEL 2015 | HMICFRS</title>", "page.html", "title"),
        ("<link rel='canonical' href='https://example.org/peel-assessments/peel-2015/cumbria/'>", "page.html", "url"),
        ("", "cumbria-constabulary-peel-2015.html", "file name"),
    ],
)
def test_force_from_the_page_title_url_or_file_name(head: str, name: str, source: str) -> None:
    body = (
        "<h1>PEEL 2015</h1><p>The extent to which the force is effective at keeping people safe and reducing crime "
        "is good.</p>"
    )
    report = html_report(body, head=head, name=name)
    assert (report.report.force, report.report.force_source) == ("Cumbria Constabulary", source)
    assert report.report.force_evidence is None
    assert [(g.area, g.grade) for g in report.grades] == [("effectiveness", "Good")]


def test_no_force_anywhere_is_still_not_a_report() -> None:
    body = "<h1>PEEL 2015</h1><p>The force is good at investigating crime.</p>"
    with pytest.raises(NotAReportError):
        html_report(body, name="page.html")


def test_force_from_a_title_line_by_its_short_name() -> None:
    text = "Cumbria PEEL 2016\nThe extent to which the force is efficient at keeping people safe is good.\n"
    report = document_to_report(source_to_document(read_bytes(text.encode(), "page.txt")))
    assert (report.report.force, report.report.force_source) == ("Cumbria Constabulary", "text")
    assert report.report.force_evidence is not None and report.report.force_evidence.text == "Cumbria"
