"""What a number measures: the one definition of the measure, change, population and estimate vocabulary.

Data, not rules: the keys are the contract's Literals (``models.MeasureKey``, ``ChangeKey``, ``PopulationKey``,
``EstimateKind``) and each one gets its human name and the phrases that name it here, from
``docs/proposals/measures.md``. The rules in ``extract/`` (``ci_context``, ``case_context``,
``percentage_kinds``, ``estimates``) read these tables; publish reads the names for the review labels.
It sits beside the round vocabulary (``rounds.vocab``, ``rounds.scales``) because, like the area names, it
is domain wording shared by every stage; ``extract/`` would hide it from publish and eval, which may not
import a rule module.

Phrases are regular expressions matched case-insensitively on a sentence; a space in a phrase matches any
run of white space (a PDF line break). The match is what the JSON prints as ``measure_text`` /
``population_text``, so a phrase covers exactly the words the gold annotates ("all stop and searches by the
force during this period had reasonable grounds recorded").
"""

from __future__ import annotations

from typing import NamedTuple, get_args

import regex

from peelextract.models import ChangeKey, EstimateKind, MeasureKey, PopulationKey

_HYPHEN = "[-\u2010\u2011\u2013]"


class Phrases(NamedTuple):
    """A key, its human name and the phrases that name it (alternatives of one pattern)."""

    key: str
    name: str
    phrases: tuple[str, ...]


def compile_phrases(phrases: tuple[str, ...]) -> regex.Pattern[str]:
    """One case-insensitive pattern of the alternatives, longest first; spaces match any white space."""
    alts = sorted(phrases, key=len, reverse=True)
    body = "|".join(p.replace(" ", r"\s+").replace("-", _HYPHEN) for p in alts)
    return regex.compile(rf"\b(?:{body})(?![\w])", regex.IGNORECASE)


# --- measures of CI percentages and estimated counts, most specific first --------------------------------
# "sexual offences, including rape" is sexual (rape is inside it): overlapping matches keep the longest, and
# among separate matches the earlier entry here wins.
MEASURES: tuple[Phrases, ...] = (
    Phrases(
        "crime-recording-rape",
        "crime recording: rape",
        ("rape offences", "reports of rape", "reported rapes?", "rapes? (?:are|were) recorded", "rape"),
    ),
    Phrases(
        "crime-recording-sexual",
        "crime recording: sexual offences",
        ("sexual offences, including rape", "reported sexual offences", "sexual offences"),
    ),
    Phrases(
        "crime-recording-domestic-abuse",
        "crime recording: domestic abuse",
        ("domestic abuse-related crimes?", "crimes related to domestic abuse"),
    ),
    Phrases(
        "crime-recording-violence",
        "crime recording: violence",
        (
            "violence against the person offences",
            "violence against the person",
            "violent offences",
            "reports of violent crime",
            "violent crimes?",
        ),
    ),
    Phrases(
        "stop-search-grounds",
        "stop and search: reasonable grounds recorded",
        (
            r"(?:all )?stop and searches\b[^.;]{0,120}?\bhad reasonable grounds recorded",
            r"stop and search records\b[^.;]{0,80}?\breasonable grounds",
            r"searches\b[^.;]{0,80}?\bhad reasonable grounds recorded",
        ),
    ),
    Phrases(
        "victim-satisfaction",
        "victim satisfaction",
        (
            r"victims were satisfied with\b[^.;]*[^.;\s]",
            "victim satisfaction",
            r"satisfied with the service they received",
        ),
    ),
    Phrases(
        "public-perception",
        "public perception",
        (
            r"people\b[^.;()]{0,60}?\bagree that the police\b[^.;]*[^.;\s]",
            r"(?:people\b[^.;()]{0,60}?\b)?have confidence in (?:their|the) local police",
            "deal with the things that matter(?: to (?:them|people))?",
        ),
    ),
    Phrases(
        "crime-recording-all",
        "crime recording: all crime",
        (
            r"all reported crimes? \(excluding fraud\)",
            "all reported crimes?",
            "crimes? reported to (?:it|the force)",
            "reported crimes?",
            "all crimes?",
            "crimes that should have been recorded",
            "crime-recording accuracy",
            "recording accuracy",
        ),
    ),
)
MEASURE_KEYS: tuple[MeasureKey, ...] = get_args(MeasureKey)
MEASURE_NAMES: dict[str, str] = {
    **{m.key: m.name for m in MEASURES},
    "other": "other measure",
    "unknown": "measure unknown",
}
MEASURE_PATTERNS: tuple[tuple[MeasureKey, regex.Pattern[str]], ...] = tuple(
    (m.key, compile_phrases(m.phrases))  # type: ignore[misc]  # keys checked against MeasureKey in tests
    for m in MEASURES
)
# Said of a CI without naming which offences or records: not a measure on its own ("of reported offences").
GENERIC_MEASURE = regex.compile(
    r"^(?:all )?(?:reported |recorded )?(?:offences|crimes?|records|incidents|cases|reports)$", regex.IGNORECASE
)
# The measures of the crime-recording table (publish): the crime data integrity estimates, and the stop and
# search estimate printed beside them in the same section.
CRIME_RECORDING_MEASURES: frozenset[str] = frozenset(
    k for k in MEASURE_KEYS if k.startswith("crime-recording-") or k == "stop-search-grounds"
)

# --- change verdicts printed for a current estimate, checked in this order ------------------------------
CHANGES: tuple[Phrases, ...] = (
    Phrases(
        "significant-improvement",
        "statistically significant improvement",
        (
            "a statistically significant (?:improvement|increase)",
            "statistically significantly higher",
        ),
    ),
    Phrases(
        "significant-decline",
        "statistically significant decline",
        (
            "a statistically significant (?:decline|reduction|decrease|deterioration)",
            "statistically significantly lower",
        ),
    ),
    Phrases(
        "unchanged",
        "unchanged",
        (
            "broadly unchanged",
            "no statistically significant change",
            "not statistically significantly different",
            "broadly in line with",
            "broadly the same as",
            "similar to",
        ),
    ),
    Phrases("improvement", "improvement", ("an improvement", "has improved", "higher than", "an increase on")),
    Phrases("decline", "decline", ("a decline", "lower than", "a reduction from", "has deteriorated")),
    Phrases("not-stated", "compared, no verdict", ("compared (?:with|to)", "compares with", "when we last inspected")),
)
CHANGE_KEYS: tuple[ChangeKey, ...] = get_args(ChangeKey)
CHANGE_NAMES: dict[str, str] = {**{c.key: c.name for c in CHANGES}, "none": "no comparison"}
CHANGE_PATTERNS: tuple[tuple[ChangeKey, regex.Pattern[str]], ...] = tuple(
    (c.key, compile_phrases(c.phrases))  # type: ignore[misc]
    for c in CHANGES
)

# --- populations of case counts, checked in this order on the counted noun phrase ------------------------
POPULATIONS: tuple[Phrases, ...] = (
    Phrases("files", "case files", ("case files", "crime files", "files")),
    Phrases("crime-reports", "crime reports", ("crime reports", "reports of crime", "reports of rape")),
    Phrases(
        "relevant-cases",
        "relevant cases",
        ("relevant cases", "applicable cases", r"cases where\b.*", r"cases in which\b.*"),
    ),
    Phrases("records", "records", ("records",)),
    Phrases("investigations", "investigations", ("investigations",)),
    Phrases("calls", "calls", ("calls",)),
    Phrases("cases-reviewed", "cases reviewed", ("cases",)),
)
POPULATION_KEYS: tuple[PopulationKey, ...] = get_args(PopulationKey)
POPULATION_NAMES: dict[str, str] = {
    **{p.key: p.name for p in POPULATIONS},
    "other": "other population",
    "unknown": "population unknown",
}
POPULATION_PATTERNS: tuple[tuple[PopulationKey, regex.Pattern[str]], ...] = tuple(
    (p.key, compile_phrases(p.phrases))  # type: ignore[misc]
    for p in POPULATIONS
)
# What follows the counted noun and still belongs to it: "cases we reviewed", "calls we listened to",
# "cases where evidence-led prosecutions were possible" (up to the comma that ends the lead-in).
POPULATION_TAIL = regex.compile(
    r"^(?:\s+(?:that )?(?:we |our (?:auditors|inspectors) )?(?:reviewed|examined|looked at|listened to|observed|"
    r"checked|audited|assessed|dip-sampled|sampled)(?:\s+for\s+[^,.;]+)?|\s+(?:where|in which)\s+[^,.;]+)",
    regex.IGNORECASE,
)

# --- estimated counts beside the crime-recording estimates ----------------------------------------------
ESTIMATE_KINDS: tuple[EstimateKind, ...] = get_args(EstimateKind)
ESTIMATE_NAMES: dict[str, str] = {
    "unrecorded": "crimes not recorded",
    "additional-recorded": "additional crimes recorded",
}
ESTIMATE_QUALIFIERS = (
    r"more than|over|around|about|approximately|almost|nearly|at least|fewer than|less than|an additional|an extra"
)

# --- periods printed with a rate, a percentage change or an estimate -------------------------------------
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DATED = (
    rf"\bthe (?:financial )?year (?:ending|to) (?:\d{{1,2}} )?{_MONTH} \d{{4}}|"
    rf"\bthe (?:12|twelve|six|6) months (?:to|ending) (?:\d{{1,2}} )?{_MONTH} \d{{4}}"
)
# A period with its end date: what a rate per 1,000 population is over ("the year ending 31 March 2022").
DATED_PERIOD = regex.compile(_DATED, regex.IGNORECASE)
# Any period: dated, or as an estimate or a change prints it ("each year", "over a 6-month period").
PERIOD = regex.compile(
    rf"{_DATED}|\bthe year covered by our inspection|\b(?:a|an) \d+[-\u2011 ]month period|\bthe same period|"
    r"\beach year|\bevery year|\bper year|\ba year",
    regex.IGNORECASE,
)
