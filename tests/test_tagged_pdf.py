"""Tagged PDFs: the structure tree and /Artifact marks decide what geometry cannot.

The fixture is generated at test time by ``fixtures/make_tagged_pdf.py`` (deterministic bytes), tagged and
untagged: the same three pages, headings drawn in the body font, so whatever the tagged file gets and the
untagged one does not came from the tags. The untagged fixture reports must not change at all: that is
``tests/test_golden.py``, ``tests/test_pdf.py`` and ``tests/test_editions.py``; here only that they stay
on the untagged path.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from peelextract.cli import main
from peelextract.document import Block, Document
from peelextract.ingest import read_bytes
from peelextract.ingest.pdf import pdf_to_pages
from peelextract.layout_furniture import tag_kinds
from peelextract.models import Report
from peelextract.pages import ARTIFACT, StructTag
from peelextract.pipeline import path_to_report
from peelextract.settings import Limits
from tests.conftest import FIXTURES, REPORTS


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_tagged_pdf", FIXTURES / "make_tagged_pdf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tagged")
    out = {"tagged": folder / "tagged-northshire.pdf", "untagged": folder / "untagged-northshire.pdf"}
    out["tagged"].write_bytes(gen.tagged_report_pdf())
    out["untagged"].write_bytes(gen.tagged_report_pdf(tagged=False))
    return out


@pytest.fixture(scope="module")
def tagged(files: dict[str, Path]) -> tuple[Report, Document]:
    return path_to_report(files["tagged"])


@pytest.fixture(scope="module")
def untagged(files: dict[str, Path]) -> tuple[Report, Document]:
    return path_to_report(files["untagged"])


def blocks_with(doc: Document, text: str) -> list[Block]:
    return [b for b in doc.blocks if doc.block_text(b) == text]


def test_generator_is_deterministic() -> None:
    assert gen.tagged_report_pdf() == gen.tagged_report_pdf()
    assert gen.tagged_report_pdf(tagged=False) == gen.tagged_report_pdf(tagged=False)


def test_tagged_file_is_detected_and_read_per_character(files: dict[str, Path]) -> None:
    pages = pdf_to_pages(read_bytes(files["tagged"].read_bytes(), "t.pdf"), Limits())
    assert pages.tagged and len(pages.pages) == 3
    assert all(p.tags is not None and len(p.tags) == len(p.text) for p in pages.pages)
    first = pages.pages[0]
    assert first.tags is not None
    assert first.tags[first.text.index(gen.HEADER)] == ARTIFACT
    title = first.tags[first.text.index(gen.TITLE)]
    assert pages.struct[title - 1] == StructTag("heading", 1, 0, (0, 0))
    kinds = {t.kind for t in pages.struct}
    assert kinds == {"heading", "paragraph", "table_cell", "list_item", "figure", "caption", "footnote"}
    control = pdf_to_pages(read_bytes(files["untagged"].read_bytes(), "u.pdf"), Limits())
    assert not control.tagged and control.struct == () and all(p.tags is None for p in control.pages)


def test_artifacts_are_dropped_and_page_numbers_kept_as_labels(
    tagged: tuple[Report, Document],
    untagged: tuple[Report, Document],
) -> None:
    _, doc = tagged
    for furniture in (gen.HEADER, gen.LOGO):
        assert furniture not in doc.text
    assert doc.page_labels == ("1", "2", "3")
    # Geometry alone drops the repeated header but keeps the page-1 logo line: only its /Artifact mark says.
    _, control = untagged
    assert gen.HEADER not in control.text and gen.LOGO in control.text


def test_artifacts_count_even_without_a_structure_tree(tmp_path: Path) -> None:
    """Marked as tagged, with /Artifact marks, but no StructTreeRoot: the marks still take out the furniture."""
    root = b" /StructTreeRoot 4 0 R"
    data = gen.tagged_report_pdf().replace(root, b" " * len(root))  # same length: the xref stays right
    path = tmp_path / "no-tree.pdf"
    path.write_bytes(data)
    pages = pdf_to_pages(read_bytes(data, path.name), Limits())
    assert pages.tagged and pages.struct == ()
    _, doc = path_to_report(path)
    assert gen.HEADER not in doc.text and gen.LOGO not in doc.text and doc.page_labels == ("1", "2", "3")
    assert not [b for b in doc.blocks if b.kind == "heading"]


def test_headings_come_from_the_tags(tagged: tuple[Report, Document], untagged: tuple[Report, Document]) -> None:
    report, doc = tagged
    [title] = blocks_with(doc, gen.TITLE)
    assert (title.kind, title.level, title.page) == ("heading", 1, 1)
    cell, heading = blocks_with(doc, gen.AREA_HEADING)  # the summary table's cell, then the heading
    assert cell.kind == "table_cell"
    assert (heading.kind, heading.level, heading.page) == ("heading", 2, 1)
    section = next(s for s in report.sections if s.area == "investigating-crime")
    assert section.title == gen.AREA_HEADING and section.page == 1
    _, control = untagged
    assert not [b for b in control.blocks if b.kind == "heading"]
    assert gen.AREA_HEADING + " " + gen.JUDGMENT in control.text  # run into the paragraph below it


def test_grade_and_case_count_with_page_provenance(
    tagged: tuple[Report, Document],
    untagged: tuple[Report, Document],
) -> None:
    report, _ = tagged
    grade = next(g for g in report.grades if g.area == "investigating-crime")
    assert (grade.grade, grade.section) == ("Requires improvement", "investigating-crime")
    assert grade.sentence is not None and grade.sentence.text == gen.JUDGMENT and grade.sentence.page == 1
    assert grade.table is not None  # the tagged TH/TD table gives the summary row
    [count] = report.case_counts
    assert (count.x, count.y, count.section) == (14, 18, "investigating-crime")
    assert count.evidence.page == 2 and [b.page for b in count.evidence.boxes] == [2]
    assert not [w for w in report.warnings if w.code.startswith("grade_")]
    control, _ = untagged
    assert "investigating-crime" not in {s.area for s in control.sections}


def test_a_paragraph_across_the_page_break_is_one_block(
    tagged: tuple[Report, Document],
    untagged: tuple[Report, Document],
) -> None:
    _, doc = tagged
    [block] = blocks_with(doc, " ".join(gen.CROSSING))
    assert block.kind == "paragraph"
    assert sorted({b.page for b in doc.evidence(block.start, block.end).boxes}) == [1, 2]
    # Without tags the page break after a full stop ends the paragraph.
    _, control = untagged
    assert not blocks_with(control, " ".join(gen.CROSSING))
    assert any(control.block_text(b) == " ".join(gen.CROSSING[:2]) for b in control.blocks)


def test_figures_notes_lists_and_table_cells(tagged: tuple[Report, Document]) -> None:
    _, doc = tagged
    assert not any(label in doc.text for label in gen.CHART_LABELS)
    assert [b.kind for b in doc.blocks if doc.block_text(b).startswith("Figure 1:")] == ["caption"]
    assert doc.notes == (gen.NOTE,)
    items = [doc.block_text(b) for b in doc.blocks if b.kind == "list_item"]
    assert items == [
        "victims are told how their case is progressing;",
        "supervisors review each new investigation within seven days.",
    ]
    cells = [(b.row, doc.block_text(b)) for b in doc.blocks if b.kind == "table_cell"]
    assert cells == [
        (1, "Area of policing"),
        (1, "Grade"),
        (2, "Investigating crime"),
        (2, "Requires improvement"),
        (3, "Protecting vulnerable people"),
        (3, "Good"),
    ]


def test_paragraph_tags_count_only_when_headings_are_tagged() -> None:
    """A PDF that tags everything P says nothing about headings: its P lines go to the size/weight rules."""
    generic = (StructTag("paragraph", path=(0,)), StructTag("figure", path=(1,)), StructTag("caption", path=(2,)))
    assert tag_kinds(generic) == (None, None, "caption")
    assert tag_kinds((StructTag("heading", 2, path=(0,)), *generic)) == ("heading", "paragraph", None, "caption")


def test_cli_extracts_the_tagged_report(files: dict[str, Path], tmp_path: Path) -> None:
    assert main(["extract", str(files["tagged"]), "--out", str(tmp_path), "--no-dataset", "-q"]) == 0
    [out] = tmp_path.glob("*.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {g["area"]: g["grade"] for g in data["grades"]} == {
        "investigating-crime": "Requires improvement",
        "protecting-vulnerable-people": "Good",
    }


@pytest.mark.parametrize("path", sorted(REPORTS.glob("*.pdf")), ids=lambda p: p.stem)
def test_fixture_reports_stay_on_the_untagged_path(path: Path) -> None:
    pages = pdf_to_pages(read_bytes(path.read_bytes(), path.name), Limits())
    assert not pages.tagged and pages.struct == () and all(p.tags is None for p in pages.pages)
