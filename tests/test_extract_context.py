"""The pieces the grade rules share, on small synthetic documents: block lookup, the area above a place,
the area(s) and year of a judgment, ungraded areas and the graded-area count."""

from __future__ import annotations

from peelextract.document import Document
from peelextract.extract.context import Context, context_area, restates
from peelextract.extract.grades import GradeKey, extract_grade_facts, extract_grades
from peelextract.extract.judgment_areas import areas_for, round_year, year_of
from peelextract.extract.judgments import Judgment, find_judgments
from peelextract.extract.ungraded import extract_graded_area_count, extract_ungraded
from peelextract.ingest import read_bytes
from peelextract.nlp import document_to_sentences
from peelextract.pipeline import source_to_document
from peelextract.rounds import detect_round
from peelextract.sections import SectionIndex, document_to_sections

FORCE = "Dorset Police"


def context_of(text: str, name: str = "dorset_2017.txt") -> Context:
    doc = source_to_document(read_bytes(text.encode("utf-8"), name))
    decision = detect_round(doc.text, name)
    assert decision is not None
    return Context(
        doc=doc,
        sentences=document_to_sentences(doc),
        sections=SectionIndex(document_to_sections(doc)),
        round=decision,
        force=FORCE,
    )


def at(ctx: Context, needle: str) -> int:
    return ctx.doc.text.index(needle)


def line_of(doc: Document, k: int) -> str:
    return doc.block_text(doc.blocks[k])


def test_block_index_finds_the_block_holding_an_offset() -> None:
    ctx = context_of("Dorset 2017\nFirst paragraph here.\nSecond paragraph here.\n")
    blocks = ctx.doc.blocks
    assert len(blocks) == 3
    for k, b in enumerate(blocks):
        assert ctx.block_index(b.start) == k
        assert ctx.block_index(b.end - 1) == k
    assert ctx.block_index(0) == 0
    assert ctx.block_index(len(ctx.doc.text) + 100) == len(blocks) - 1


def test_block_index_belongs_to_each_document_not_to_the_module() -> None:
    # The old module cache was keyed on id(blocks): two live documents must each see their own blocks.
    short = context_of("Dorset 2017\nOne.\n")
    long = context_of("Dorset 2017\n" + "".join(f"Paragraph number {k}.\n" for k in range(20)))
    far = long.doc.blocks[15].start
    assert long.block_index(far) == 15
    assert short.block_index(far) == len(short.doc.blocks) - 1
    assert long.block_index(far) == 15


def test_context_area_is_the_question_above() -> None:
    ctx = context_of(
        "Dorset PEEL 2017\nHow effective is the force at investigating crime and reducing re-offending?\n"
        "Some paragraph about the work.\nDorset Police is good at this.\n"
    )
    area = context_area(ctx, at(ctx, "Dorset Police is good"), None)
    assert area is not None and area.key == "investigating-crime"


def test_context_area_needs_a_phrase_to_restate_the_question() -> None:
    ctx = context_of(
        "Dorset PEEL 2017\n"
        "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?\n"
        "Dorset Police is good at this.\n"
    )
    offset = at(ctx, "Dorset Police is good")
    restated = context_area(ctx, offset, "responding to vulnerable victims")
    assert restated is not None and restated.key == "protecting-vulnerable-people"
    assert context_area(ctx, offset, "supporting its staff") is None
    assert restates("responding to vulnerable victims", line_of(ctx.doc, 1))
    assert not restates("the force's staff", line_of(ctx.doc, 1))  # "force" is too common to count


def test_context_area_stops_at_a_page_title_and_after_30_blocks() -> None:
    question = "How effective is the force at investigating crime and reducing re-offending?\n"
    titled = context_of(f"Dorset PEEL 2017\n{question}Dorset 2017\nDorset Police is good at this.\n")
    assert context_area(titled, at(titled, "Dorset Police is good"), None) is None
    far = context_of(f"Dorset PEEL 2017\n{question}" + "A paragraph.\n" * 30 + "Dorset Police is good at this.\n")
    assert context_area(far, at(far, "Dorset Police is good"), None) is None
    near = context_of(f"Dorset PEEL 2017\n{question}" + "A paragraph.\n" * 28 + "Dorset Police is good at this.\n")
    assert context_area(near, at(near, "Dorset Police is good"), None) is not None


def judgment(sentence: str) -> Judgment:
    (found,) = find_judgments(sentence, FORCE)
    return found


def test_areas_of_a_judgment() -> None:
    ctx = context_of("Dorset 2018/19\nSome text.\n", "dorset_2018-19.txt")
    two = areas_for(ctx, judgment("The force is good at preventing and investigating crime."), 0, None)
    assert [a.key for a in two] == ["preventing-crime", "investigating-crime"]
    pillar = judgment("The extent to which the force is efficient at keeping people safe and reducing crime is good.")
    assert [a.key for a in areas_for(ctx, pillar, 0, None)] == ["efficiency"]
    assert areas_for(ctx, judgment("The force is good at supporting its staff."), 0, None) == []


def test_year_of_a_judgment() -> None:
    ctx = context_of("Dorset 2018/19\nSome text.\n", "dorset_2018-19.txt")
    assert round_year(ctx) == 2018
    dated = judgment("In 2016 we judged it to be good at tackling serious and organised crime.")
    assert year_of(ctx, dated, 0) == 2016
    last_year = judgment("Last year, when the force was judged as requiring improvement.")
    assert year_of(ctx, last_year, 0) == 2017  # the round's year − 1
    assert year_of(ctx, judgment("In 2018 we judged it to be good at investigating crime."), 0) is None
    assert year_of(ctx, judgment("The force is good at investigating crime."), 0) is None


def test_round_year_of_cdi_is_the_title_year() -> None:
    titled = context_of("Dorset Police: Crime Data Integrity inspection 2019\nOverall judgment\n", "dorset_cdi.txt")
    assert (titled.round.round, round_year(titled)) == ("cdi", 2019)
    untitled = context_of("Crime data integrity\nOverall judgment\ngraded inadequate\n", "dorset_cdi.txt")
    assert (untitled.round.round, round_year(untitled)) == ("cdi", None)


def test_grades_are_keyed_by_area_grade_and_year() -> None:
    ctx = context_of(
        "Dorset PEEL 2018\nIn 2016 we judged it to be good at investigating crime.\n"
        "Dorset Police is good at investigating crime.\n"
        "It requires improvement at investigating crime.\n"
    )
    grades, earlier = extract_grade_facts(ctx)
    keys = {GradeKey(g.area, g.grade, g.carried_over_year) for g in grades}
    assert keys == {
        GradeKey("investigating-crime", "Good", None),
        GradeKey("investigating-crime", "Requires improvement", None),
    }
    # 2016's judgment of an area this inspection graded again is history, told with its year.
    assert [(e.area, e.grade, e.kind, e.year) for e in earlier] == [("investigating-crime", "Good", "previous", 2016)]


def test_graded_count_is_checked_against_the_current_grades() -> None:
    ctx = context_of(
        "PEEL 2021/22\nOverall summary\nWe make graded judgments in two of these three areas as follows.\n"
        "Investigating crime\nDorset Police is good at investigating crime.\n",
        "dorset_2021-22.txt",
    )
    grades = extract_grades(ctx)
    count = extract_graded_area_count(ctx, grades)
    assert count is not None and (count.graded, count.total, count.found) == (2, 3, 1)
    assert [w.code for w in ctx.warnings] == ["graded_count_mismatch"]


def test_ungraded_by_sentence_and_by_missing_badge() -> None:
    ctx = context_of(
        "PEEL 2021/22\nOverall summary\nSome text.\n"
        "Providing a service to the victims of crime\nWe don't make graded judgments in this area.\n"
        "Investigating crime\nDorset Police is good at investigating crime.\n"
        "Responding to the public\nThe force answers calls.\n",
        "dorset_2021-22.txt",
    )
    ungraded = extract_ungraded(ctx, extract_grades(ctx))
    found = {u.area: u.evidence.text if u.evidence else None for u in ungraded}
    assert found == {
        "victim-service": "We don't make graded judgments in this area.",
        "responding-to-public": None,
    }
