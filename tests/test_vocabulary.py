"""The vocabulary of rounds and grades: defined once (rounds/scales.py), derived everywhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import regex

from peelextract.models import GRADE_ORDER
from peelextract.rounds import _NAME_CLUES, _TEXT_CLUES, detect_round
from peelextract.rounds.scales import (
    ADJECTIVE_GRADES,
    FIVE_TIER_ROUNDS,
    FOUR_TIER_PEEL_ROUNDS,
    GRADE_LINE,
    GRADE_WORDS,
    REQUIRES_IMPROVEMENT,
    ROUND_TABLE,
    ROUNDS,
    SCALE_GRADES,
    grade_named,
    grade_pattern,
    rounds_between,
    scale_for,
)
from peelextract.rounds.vocab import AREAS, AREAS_BY_KEY, in_round
from tests.conftest import ROOT

# The vocabulary itself, and the contract it derives from (models.GradeName is the typing source).
_DEFINITIONS = {Path("src/peelextract/rounds/scales.py"), Path("src/peelextract/models.py")}
_SOURCES = sorted(
    p.relative_to(ROOT)
    for folder in ("src/peelextract", "flows")
    for p in (ROOT / folder).rglob("*.py")
    if p.relative_to(ROOT) not in _DEFINITIONS
)
_GRADE = grade_pattern()
# Two grade words joined as regex alternatives: "outstanding|good", "(?:good|adequate)".
_ALTERNATION = regex.compile(rf"\b(?:{_GRADE})\)?\|\(?(?:\?:)?(?:{_GRADE})\b", regex.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    """Bare string statements (docstrings) may mention grades: they are prose, not definitions."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def _strings(nodes: list[ast.expr]) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def vocabulary_spellings(source: str) -> list[str]:
    """Grade maps, grade-word alternations and round lists spelled in ``source``: each a finding."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
            if _ALTERNATION.search(node.value):
                found.append(f"line {node.lineno}: grade words as a pattern {node.value[:60]!r}")
        elif isinstance(node, ast.Dict | ast.Tuple | ast.List | ast.Set):
            elements = [*node.keys, *node.values] if isinstance(node, ast.Dict) else node.elts
            texts = _strings([e for e in elements if e is not None])
            grades = {t.strip().lower() for t in texts} & set(GRADE_WORDS)
            rounds = set(texts) & set(ROUNDS)
            if len(grades) >= 2:
                found.append(f"line {node.lineno}: a collection of grade words {sorted(grades)}")
            if len(rounds) >= 2:
                found.append(f"line {node.lineno}: a collection of rounds {sorted(rounds)}")
    return found


@pytest.mark.parametrize(
    "snippet",
    [
        '_DISPLAY = {"outstanding": "Outstanding", "good": "Good"}',
        'GRADE_LINE = regex.compile(r"^(?:outstanding|good|adequate|requires improvement|inadequate)$")',
        'GRADE_WORD = r"outstanding|good|adequate|inadequate"',
        'm = regex.search(r"\\s(?:requires improvement|inadequate)$", text)',
        'NEW_ROUNDS = frozenset({"2021/22", "2023-25"})',
        'ROUNDS = ("2014", "2015", "2016")',
        'GRADES = ["Outstanding", "Good"]',
    ],
)
def test_the_check_finds_a_vocabulary_spelled_outside_the_vocabulary(snippet: str) -> None:
    assert vocabulary_spellings(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '"""The force is good at preventing crime; outstanding|good in a docstring is prose."""',
        'NEGATIVE = r"\\b(?:insufficient|inadequate|poor)\\b"',  # one grade word: a word, not a grade map
        'CLUE = (r"PEEL 2021/22", _I, "2021/22", 5)',  # one round per clue
        'DESCRIPTION = "1 Outstanding, 2 Good, 3 Adequate, 4 Requires improvement, 5 Inadequate."',
    ],
)
def test_the_check_leaves_prose_and_single_words_alone(snippet: str) -> None:
    assert vocabulary_spellings(snippet) == []


@pytest.mark.parametrize("path", _SOURCES, ids=str)
def test_grade_words_and_rounds_are_spelled_only_in_the_vocabulary(path: Path) -> None:
    assert vocabulary_spellings((ROOT / path).read_text(encoding="utf-8")) == []


def test_the_check_reads_the_modules_that_used_to_spell_grades() -> None:
    for moved in ("ingest/text.py", "layout_tables.py", "extract/judgments.py", "extract/grades.py", "sections.py"):
        assert Path("src/peelextract", moved) in _SOURCES


def test_grade_words_are_the_contract_grades_lower_cased() -> None:
    assert list(GRADE_WORDS.values()) == list(GRADE_ORDER)
    assert all(word == grade.lower() for word, grade in GRADE_WORDS.items())
    assert REQUIRES_IMPROVEMENT in GRADE_ORDER


def test_no_grade_word_is_a_prefix_of_another() -> None:
    # The alternations are order-free only because of this: at any position at most one grade word can match.
    words = list(GRADE_WORDS)
    assert not [(a, b) for a in words for b in words if a != b and b.startswith(a)]


def test_the_four_tier_scale_is_the_five_tier_scale_without_adequate() -> None:
    assert SCALE_GRADES["five-tier"] == GRADE_ORDER
    assert set(SCALE_GRADES["five-tier"]) - set(SCALE_GRADES["four-tier"]) == {"Adequate"}
    assert [g for g in GRADE_ORDER if g in SCALE_GRADES["four-tier"]] == list(SCALE_GRADES["four-tier"])


@pytest.mark.parametrize("grade", GRADE_ORDER)
def test_grade_line_and_grade_named_accept_every_grade_in_any_case(grade: str) -> None:
    for spelling in (grade, grade.upper(), grade.lower()):
        assert GRADE_LINE.match(spelling)
        assert grade_named(f"  {spelling}\n") == grade


@pytest.mark.parametrize("line", ["good at investigating crime", "not graded", "Goods", "graded good", ""])
def test_grade_line_is_only_a_whole_grade(line: str) -> None:
    assert GRADE_LINE.match(line) is None
    assert grade_named(line) is None


def test_adjective_grades_leave_out_the_verb_phrase() -> None:
    pattern = regex.compile(rf"^(?:{ADJECTIVE_GRADES})$", regex.IGNORECASE)
    assert [g for g in GRADE_ORDER if pattern.match(g)] == [g for g in GRADE_ORDER if g != REQUIRES_IMPROVEMENT]


def test_grade_pattern_of_a_scale_matches_only_that_scale() -> None:
    four = regex.compile(rf"^(?:{grade_pattern(SCALE_GRADES['four-tier'])})$", regex.IGNORECASE)
    assert [g for g in GRADE_ORDER if four.match(g)] == list(SCALE_GRADES["four-tier"])


def test_round_table_gives_the_rounds_in_order_with_their_scales() -> None:
    assert ROUNDS == ("2014", "2015", "2016", "2017", "2018/19", "2021/22", "2023-25", "2025-27", "cdi")
    assert {r: scale_for(r) for r in ROUNDS if scale_for(r) == "five-tier"} == {
        "2021/22": "five-tier",
        "2023-25": "five-tier",
        "2025-27": "five-tier",
    }
    assert scale_for("cdi") == "four-tier"
    assert scale_for("2031-32") == "five-tier"  # an unknown later round grades on the scale in use since 2021
    assert scale_for("2013") == "four-tier"
    assert len(set(ROUNDS)) == len(ROUND_TABLE)


def test_round_classes_are_derived_from_the_table() -> None:
    assert {r.name for r in ROUND_TABLE if r.scale == "five-tier"} == FIVE_TIER_ROUNDS
    assert {"2014", "2015", "2016", "2017", "2018/19"} == FOUR_TIER_PEEL_ROUNDS
    assert "cdi" not in FOUR_TIER_PEEL_ROUNDS | FIVE_TIER_ROUNDS
    assert rounds_between("2015", "2017") == {"2015", "2016", "2017"}
    assert rounds_between("2018/19", "2018/19") == {"2018/19"}


@pytest.mark.parametrize("round_", ROUNDS)
def test_the_scale_decides_which_areas_a_round_grades(round_: str) -> None:
    five_tier = scale_for(round_) == "five-tier"
    assert (in_round(AREAS_BY_KEY["responding-to-public"], round_) is not None) == five_tier
    assert (in_round(AREAS_BY_KEY["legitimacy"], round_) is not None) == (round_ in FOUR_TIER_PEEL_ROUNDS)


@pytest.mark.parametrize("round_", ROUNDS)
def test_every_round_of_the_table_can_be_chosen(round_: str) -> None:
    decision = detect_round("anything", "", round_)
    assert decision is not None and (decision.round, decision.scale) == (round_, scale_for(round_))


def test_every_round_named_by_areas_and_clues_is_in_the_table() -> None:
    named = {r for a in AREAS if a.rounds for r in a.rounds}
    named |= {r for a in AREAS for rounds, _ in a.round_titles for r in rounds}
    named |= {r for _, _, r, _ in _TEXT_CLUES} | {r for _, r in _NAME_CLUES}
    assert named <= set(ROUNDS)
    assert set(ROUNDS) <= {r for _, _, r, _ in _TEXT_CLUES}  # every round has a text clue
