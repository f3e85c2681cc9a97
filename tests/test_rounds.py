"""Round detection: every round from its own clues, with the clues written into the decision."""

from __future__ import annotations

import pytest

from peelextract.ingest import read_bytes
from peelextract.pipeline import source_to_document
from peelextract.rounds import detect_round, round_clues
from peelextract.rounds.force import detect_force
from peelextract.rounds.scales import scale_for
from peelextract.rounds.vocab import AREAS_BY_KEY, area_for_phrase, area_for_question, in_round


@pytest.mark.parametrize(
    ("text", "expected", "clue"),
    [
        (
            "Overall summary\nWe now assess forces against the characteristics of good performance, set out in"
            " the PEEL "
            "Assessment Framework 2021/22.",
            "2021/22",
            "PEEL Assessment Framework 2021/22",
        ),
        (
            "Overall summary\nWe have also expanded our previous four-tier system of judgments to five tiers.",
            "2021/22",
            "four-tier system of judgments to five tiers",
        ),
        (
            "Overall summary\nPEEL 2023–2025\nForces are assessed against the PEEL Assessment Framework 2023–2025.",
            "2023-25",
            "PEEL 2023",
        ),
        ("Skip to content\nCheshire 2018/19\nRead more about Cheshire", "2018/19", "Cheshire 2018/19"),
        (
            "Skip to content\nDyfed-Powys PEEL 2018\nHow effectively does the force reduce crime?",
            "2018/19",
            "PEEL 2018",
        ),
        (
            "City of London 2017\nThis is HMICFRS' fourth PEEL assessment of City of London Police.",
            "2017",
            "City of London 2017",
        ),
        (
            "This is HMIC's third PEEL (police effectiveness, efficiency and legitimacy) assessment of Kent Police.",
            "2016",
            "third PEEL",
        ),
        ("Cheshire 2015\nRead more about Cheshire", "2015", "Cheshire 2015"),
        ("Cheshire 2014\nRead more about Cheshire", "2014", "Cheshire 2014"),
        (
            "Thames Valley Police: Crime Data Integrity inspection 2017\nOverall judgment\ngraded inadequate",
            "cdi",
            "Crime Data Integrity inspection 2017",
        ),
    ],
)
def test_round_from_text_with_its_clue(text: str, expected: str, clue: str) -> None:
    decision = detect_round(text, "")
    assert decision is not None
    assert decision.round == expected
    assert decision.scale == scale_for(expected)
    assert any(clue in c for c in decision.clues), decision.clues


def test_2021_report_mentioning_crime_data_integrity_is_not_cdi() -> None:
    text = (
        "Overall summary\nFor instance, we have integrated our rolling crime data integrity inspections into these "
        "PEEL assessments. We have also expanded our previous four-tier system of judgments to five tiers."
    )
    decision = detect_round(text, "")
    assert decision is not None and decision.round == "2021/22"


def test_consultation_banner_is_not_a_clue() -> None:
    text = "Proposed policing inspection programme and framework 2025–29: For consultation\nSouth Wales PEEL 2017"
    decision = detect_round(text, "")
    assert decision is not None and decision.round == "2017"


def test_file_name_is_a_weaker_clue() -> None:
    letter = "Devon and Cornwall Police: closure of cause of concern letter\nWe found that CDI remained a concern."
    decision = detect_round(letter, "devon-and-cornwall_2023-25_cause-of-concern-letter.txt")
    assert decision is not None and decision.round == "2023-25"
    assert any("file name" in c for c in decision.clues)
    # text beats the file name
    text_wins = detect_round("Overall summary\nPEEL Assessment Framework 2021/22", "report_2018-19.txt")
    assert text_wins is not None and text_wins.round == "2021/22"
    assert any("against: 2018/19" in c for c in text_wins.clues)


def test_no_clue_no_round() -> None:
    assert detect_round("Minutes of the parish council meeting.", "minutes.txt") is None
    assert round_clues("Minutes of the parish council meeting.") == {}


def test_override_is_recorded_and_checked() -> None:
    decision = detect_round("anything", "", "2017")
    assert decision is not None and decision.overridden and decision.round == "2017"
    with pytest.raises(ValueError, match="unknown round"):
        detect_round("anything", "", "2019")


def key(phrase: str, round_: str) -> str | None:
    area = area_for_phrase(phrase, round_)
    return area.key if area else None


def test_vocabulary_is_round_aware() -> None:
    assert key("using its resources to meet demand", "2016") == "use-of-resources"
    assert key("using its resources to meet demand", "2018/19") == "understanding-demand"
    assert key("tackling anti-social behaviour", "2014") == "tackling-asb"
    assert key("tackling anti-social behaviour", "2016") == "preventing-crime"
    assert area_for_phrase("responding to vulnerable victims", "2017") is None
    assert key("operating efficiently", "2021/22") == "strategic-planning"
    assert in_round(AREAS_BY_KEY["workforce"], "2017") is None
    assert AREAS_BY_KEY["treatment-of-public"].title_in("2023-25") == "Police powers and public treatment"
    question = "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?"
    area = area_for_question(question, "2017")
    assert area is not None and area.key == "preventing-crime"


def force_of(text: str) -> tuple[str, str] | None:
    found = detect_force(source_to_document(read_bytes(text.encode("utf-8"), "report.txt")))
    return (found[0], found[1].text) if found else None


def test_force_from_the_title_even_outside_the_43() -> None:
    text = "PEEL 2021/22: An inspection of Northshire Police\nOverall summary\nCleveland Police is good at it.\n"
    assert force_of(text) == ("Northshire Police", "Northshire Police")


def test_force_named_most_often_when_the_title_names_none() -> None:
    text = (
        "Overall summary\nCleveland Police is good at recording data.\nDurham Constabulary was compared.\n"
        "Cleveland Police requires improvement at investigating crime.\n"
    )
    assert force_of(text) == ("Cleveland Police", "Cleveland Police")


def test_force_tie_goes_to_the_first_named() -> None:
    text = "Overall summary\nDurham Constabulary and Cleveland Police were compared.\n"
    assert force_of(text) == ("Durham Constabulary", "Durham Constabulary")


def test_no_force_no_report() -> None:
    assert force_of("Minutes of the parish council meeting.\nThe police attended.\n") is None


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("PEEL 2025/26: An inspection of Kent Police\nPolice powers and public treatment", "x.txt", "2025-27"),
        ("Kent Police\nWe assess forces against the PEEL assessment framework 2025–2027.", "x.txt", "2025-27"),
        ("PEEL 2025–27\nLeadership and force management\nDeveloping a positive workplace", "x.txt", "2025-27"),
        ("An inspection of Kent Police\nPolice powers and public treatment", "kent_peel-2025-27.txt", "2025-27"),
        ("PEEL 2027–29: An inspection of Kent Police\nResponding to the public", "x.txt", "2027-29"),
        ("PEEL Assessments 2029/2030: Kent Police", "x.txt", "2029-30"),
    ],
)
def test_any_round_named_gets_its_own_id_and_names_beat_wording(text: str, name: str, expected: str) -> None:
    """2023–25 wording ("Police powers and public treatment") does not outweigh a round's printed name."""
    decision = detect_round(text, name)
    assert decision is not None and decision.round == expected
    assert decision.inferred and decision.scale == "five-tier"


def test_a_known_round_is_not_inferred_and_a_later_override_is_accepted() -> None:
    decision = detect_round("PEEL 2023–25: An inspection of Kent Police", "")
    assert decision is not None and (decision.round, decision.inferred) == ("2023-25", False)
    later = detect_round("anything", "", "2027-29")
    assert later is not None and later.inferred and later.overridden
    with pytest.raises(ValueError, match="unknown round"):
        detect_round("anything", "", "2012-13")
