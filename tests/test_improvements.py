"""Areas for improvement and causes of concern, on small synthetic documents: one test per target shape."""

from __future__ import annotations

from peelextract.ingest import read_bytes
from peelextract.pipeline import document_to_report, source_to_document


def items(text: str, name: str = "dorset_2021-22.txt") -> list[tuple[str, str | None, str]]:
    text = "PEEL 2021/22: An inspection of Dorset Police\nOverall summary\n" + text
    report = document_to_report(source_to_document(read_bytes(text.encode("utf-8"), name)))
    return [(a.kind, a.area, a.text) for a in report.areas_for_improvement]


def test_bullets_under_a_heading_one_item_each_up_to_the_first_paragraph() -> None:
    got = items(
        "Investigating crime\nAreas for improvement\n- The force should supervise investigations.\n"
        "- The force should update victims.\nThe force has plans.\n"
    )
    assert got == [
        ("area_for_improvement", "investigating-crime", "The force should supervise investigations."),
        ("area_for_improvement", "investigating-crime", "The force should update victims."),
    ]


def test_numbered_2023_heading_takes_the_paragraph_under_it() -> None:
    got = items(
        "Responding to the public\nArea for improvement 1\n"
        "The force should make sure it answers non-emergency calls promptly.\n",
        "dorset_2023-25.txt",
    )
    assert got == [
        (
            "area_for_improvement",
            "responding-to-public",
            "The force should make sure it answers non-emergency calls promptly.",
        )
    ]


def test_intro_with_a_colon_announces_the_next_line() -> None:
    got = items(
        "Investigating crime\nIn our 2018 PEEL inspection, we established an area for improvement:\n"
        "\u201cThe force should improve the supervision of investigations.\u201d\nWe found progress.\n"
    )
    assert [(k, a) for k, a, _ in got] == [("area_for_improvement", "investigating-crime")]
    assert "supervision of investigations" in got[0][2]


def test_a_sentence_stating_a_cause_of_concern_is_one_item() -> None:
    got = items("Recording data about crime\nWe found that crime data integrity remained a cause of concern.\n")
    assert got == [
        ("cause_of_concern", "recording-data", "We found that crime data integrity remained a cause of concern.")
    ]


def test_named_causes_of_concern_give_one_item_per_area() -> None:
    got = items(
        "Overall summary\nWe published the remaining causes of concern (investigating crime, and "
        "building, protecting and supporting the workforce) in our report.\n"
    )
    assert [(k, a) for k, a, _ in got] == [
        ("cause_of_concern", "investigating-crime"),
        ("cause_of_concern", "workforce"),
    ]


def test_bug_finding_that_has_given_cause_for_concern_is_the_item() -> None:
    """The Greater Manchester revisit letter: the cause of concern is the quoted finding's first sentence."""
    got = items(
        "Responding to the public\nOur inspection found:\n"
        "\u201cDorset Police is failing to respond appropriately to some people who are vulnerable. This "
        "enduring service failure has given cause for concern about public safety in Dorset.\u201d\n"
        "We made the following recommendations:\n- The force should deploy resources promptly.\n"
    )
    assert got == [
        (
            "cause_of_concern",
            "responding-to-public",
            "Dorset Police is failing to respond appropriately to some people who are vulnerable.",
        )
    ]


def test_bug_items_under_a_pillar_question_take_the_question_area() -> None:
    got = items(
        "Dorset PEEL 2018/19\nQuestions for Legitimacy\n"
        "To what extent does the force treat all of the people it serves with fairness and respect?\n"
        "In 2017, we identified two areas for improvement:\n"
        "- The force should monitor its use of force comprehensively.\n"
        "This area for improvement has not been discharged.\n"
        "- The force should review its independent advisory group arrangements. This should include "
        "guidance for local policing.\n",
        "dorset_2018-19.txt",
    )
    assert [(a, t[:40]) for _, a, t in got] == [
        ("treatment-of-public", "The force should monitor its use of forc"),
        ("treatment-of-public", "The force should review its independent "),
    ]
    assert got[1][2].endswith("This should include guidance for local policing.")


def test_the_standard_text_about_linking_judgments_is_not_an_item() -> None:
    assert (
        items("Overall summary\nWe more clearly link our judgments to causes of concern and areas for improvement.\n")
        == []
    )


def test_area_for_improvement_text_keeps_no_surrounding_quote_marks() -> None:
    """The sample report quotes its 2018 area for improvement: the item is the words inside the marks, and its
    evidence is exactly that span (so the marks are not highlighted as part of the value either)."""
    quoted = "\u201cThe force should improve how it supervises investigations.\u201d"
    got = items(
        "Investigating crime\nIn our 2018 PEEL inspection of Dorset Police, we established an area for "
        f"improvement:\n{quoted}\nThe force has made progress.\n"
    )
    assert got == [
        ("area_for_improvement", "investigating-crime", "The force should improve how it supervises investigations.")
    ]


def test_unquoted_takes_off_only_a_pair_around_the_whole_item() -> None:
    from peelextract.extract.improvements import unquoted

    def strip(text: str) -> str:
        start, end = unquoted(text, 0, len(text))
        return text[start:end]

    assert strip('"The force should act."') == "The force should act."
    assert strip('"The force should act".') == "The force should act"  # the stop is outside the quote
    assert strip("The force should act.") == "The force should act."
    assert strip('"Right to know" applications should be timely.') == '"Right to know" applications should be timely.'
    assert strip("'Right to know' and 'right to ask'") == "'Right to know' and 'right to ask'"  # not one pair
    assert strip('""') == '""'
