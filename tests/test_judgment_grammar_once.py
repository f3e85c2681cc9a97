"""The judgment grammar is compiled once per process, not once per force (it was: 16 patterns, 0.1 s for each
force a worker met, a third of a whole round's extraction). The report's force is masked in the sentence
instead, letter by letter, so offsets and phrases still come from the sentence as written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peelextract.extract import judgments
from peelextract.extract.judgments import find_judgments, mask_force


def test_the_grammar_is_compiled_once_for_every_force() -> None:
    for force in ("Cleveland Police", "Durham Constabulary", "Avon and Somerset Constabulary", "Dyfed-Powys Police"):
        short = force.rsplit(" ", 1)[0]
        found = find_judgments(f"{short} is good at investigating crime.", force)
        assert [(j.grade, j.phrase) for j in found] == [("Good", "investigating crime")]
    assert judgments._families.cache_info().currsize == 1


def test_mask_keeps_length_spaces_and_hyphens_and_ignores_case() -> None:
    sentence = "In 2019 CLEVELAND POLICE and Dyfed-Powys were judged; Cleveland Constabulary's plans; Clevelanders."
    masked = mask_force(sentence, "Cleveland Police")
    assert len(masked) == len(sentence)
    assert masked.startswith("In 2019 qqqqqqqqq qqqqqq and Dyfed-Powys")
    assert "qqqqqqqqq qqqqqqqqqqqq's plans" in masked
    assert mask_force("Dyfed-Powys Police is good.", "Dyfed-Powys Police") == "qqqqq-qqqqq qqqqqq is good."


def test_another_forces_name_is_not_the_subject() -> None:
    """Only a named area could be read here (and no area is named "Durham Constabulary"): not the force."""
    found = find_judgments("Durham Constabulary is good at investigating crime.", "Cleveland Police")
    assert [(j.family, j.phrase) for j in found] == [("named", "Durham Constabulary")]
    own = find_judgments("Cleveland Police is good at investigating crime.", "Cleveland Police")
    assert [(j.family, j.phrase) for j in own] != [("named", "Cleveland Police")]


def test_a_phrase_that_names_the_force_is_read_from_the_sentence() -> None:
    sentence = "The overall judgment for the force is that Cleveland Police is inadequate."
    found = find_judgments(sentence, "Cleveland Police")
    assert [(j.grade, j.phrase) for j in found] == [("Inadequate", "the force is that Cleveland Police")]
    assert sentence[found[0].start : found[0].end] == sentence[4:-1]


def test_the_longest_name_is_masked_metropolitan_police_service() -> None:
    """Found by replaying the paraphrases for all 43 forces against the per-force grammar: "Metropolitan
    Police" (short name + "Police") was masked before the full "Metropolitan Police Service" could be."""
    force = "Metropolitan Police Service"
    assert mask_force("Metropolitan Police Service is good.", force) == "qqqqqqqqqqqq qqqqqq qqqqqqq is good."
    found = find_judgments("Metropolitan Police Service remains adequate in this area.", force)
    assert [(j.grade, j.phrase) for j in found] == [("Adequate", "this area")]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Good", "GOOD", "goo", "d", "in", "adequate", "outſtanding", "improvement", "require", " ", "."]
        ),
        max_size=12,
    ).map("".join)
)
def test_the_grade_word_check_is_the_search(sentence: str) -> None:
    """The ``in`` check before the search never hides a grade word the search would find."""
    assert judgments.has_grade_word(sentence) == (judgments._ANY_GRADE.search(sentence) is not None)
