"""Vocabularies: the areas of every round with their titles and activity phrases (rounds, grade words and
scales are in ``rounds.scales``; the forces in ``rounds.force``).

Area keys are stable across rounds (see fixtures/gold/README.md); titles and phrases are how each round
prints them. ``phrases`` are the words after "at"/"in" in a judgment sentence ("requires improvement at
<phrase>"), matched as prefixes of the normalised, lower-cased phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from peelextract.rounds.force import FORCES as FORCES  # re-exported: tests and benchmarks read it from here
from peelextract.rounds.scales import FIVE_TIER_ROUNDS, FOUR_TIER_PEEL_ROUNDS, rounds_between

_R2015_17 = rounds_between("2015", "2017")
_R2015_18 = rounds_between("2015", "2018/19")


@dataclass(frozen=True)
class Area:
    """An area of any round. ``rounds`` are the rounds that use it (None: every round); in other rounds the
    area stands for ``instead`` (e.g. 2016–17 "use of resources" is part of 2018/19 "meeting current demands
    and using resources"), or for nothing. ``round_titles`` are the titles as a given round prints them."""

    key: str
    title: str
    titles: tuple[str, ...]
    phrases: tuple[str, ...]
    ungraded: bool = False
    rounds: frozenset[str] | None = None
    instead: str | None = None
    round_titles: tuple[tuple[frozenset[str], str], ...] = ()

    def title_in(self, round_: str | None) -> str:
        """The title the round prints for this area (the default title when the round has none of its own)."""
        return next((t for rounds, t in self.round_titles if round_ in rounds), self.title)


AREAS: tuple[Area, ...] = (
    Area(
        "victim-service",
        "Providing a service to the victims of crime",
        ("providing a service to the victims of crime", "victim service assessment"),
        ("providing a service to victims",),
        ungraded=True,
    ),
    Area(
        "recording-data",
        "Recording data about crime",
        ("recording data about crime",),
        ("recording crime", "recording data", "crime recording"),
    ),
    Area("crime-data-integrity", "Crime data integrity", ("crime data integrity",), ("crime data integrity",)),
    Area(
        "cdi-recording",
        "Recording reported crime",
        ("how effective is the force at recording reported crime?",),
        (),
        rounds=frozenset({"cdi"}),
    ),
    Area(
        "cdi-systems",
        "Systems and processes",
        ("how efficiently do the systems and processes in the force support accurate crime recording?",),
        (),
        rounds=frozenset({"cdi"}),
    ),
    Area("cdi-leadership", "Leadership and culture", (), (), rounds=frozenset({"cdi"})),
    Area(
        "treatment-of-public",
        "Engaging with and treating the public with fairness and respect",
        (
            "engaging with and treating the public with fairness and respect",
            "police powers and public treatment",
            "treating the public fairly",
            "treatment of the public",
            "fair treatment of the public",
        ),
        (
            "treating people fairly",
            "treating the public",
            "engaging with",
            "police powers",
            "treating people",
            "using police powers",
            "the fair treatment",
            "treatment of the public",
            "treats the public fairly",
        ),
        round_titles=(
            (_R2015_18, "Treating the public fairly"),
            (frozenset({"2023-25"}), "Police powers and public treatment"),
        ),
    ),
    Area(
        "preventing-crime",
        "Preventing crime and anti-social behaviour",
        (
            "preventing crime and anti-social behaviour",
            "preventing crime and tackling anti-social behaviour",
            "preventing crime",
            "preventing and deterring crime and antisocial behaviour, and reducing vulnerability",
        ),
        (
            "prevention and deterrence",
            "preventing crime",
            "preventing and deterring",
            "reducing crime and preventing",
            "prevention",
            "prevents crime",
        ),
        round_titles=(
            (frozenset({"2014"}), "Reducing crime and preventing offending"),
            (_R2015_18, "Preventing crime and tackling anti-social behaviour"),
            (frozenset({"2023-25"}), "Preventing crime"),
        ),
    ),
    Area(
        "tackling-asb",
        "Tackling anti-social behaviour",
        ("tackling anti-social behaviour",),
        ("tackling anti-social behaviour", "tackling antisocial behaviour"),
        rounds=frozenset({"2014"}),
        instead="preventing-crime",
    ),
    Area(
        "responding-to-public",
        "Responding to the public",
        ("responding to the public",),
        ("responding to the public",),
        rounds=FIVE_TIER_ROUNDS,
    ),
    Area(
        "investigating-crime",
        "Investigating crime",
        ("investigating crime", "investigating offending"),
        (
            "investigating crime",
            "investigating offending",
            "investigating crimes",
            "investigations",
            "investigates offending",
            "investigates crime",
            "investigating",
        ),
        round_titles=((frozenset({"2014"}), "Investigating offending"),),
    ),
    Area(
        "protecting-vulnerable-people",
        "Protecting vulnerable people",
        ("protecting vulnerable people", "protecting vulnerable people and supporting victims"),
        (
            "protecting vulnerable people",
            "how it protects vulnerable people",
            "the way it protects vulnerable",
            "protecting vulnerable",
            "protects vulnerable",
            "protecting those who are vulnerable",
            "keeping vulnerable people safe",
        ),
    ),
    Area(
        "managing-offenders",
        "Managing offenders and suspects",
        ("managing offenders and suspects",),
        ("managing offenders", "managing suspects"),
    ),
    Area(
        "serious-organised-crime",
        "Disrupting serious organised crime",
        ("disrupting serious organised crime", "tackling serious and organised crime", "serious and organised crime"),
        (
            "tackling serious and organised crime",
            "tackling serious organised crime",
            "disrupting serious",
            "serious and organised crime",
            "serious organised crime",
            "tackling organised crime",
            "deals with organised crime",
            "dealing with organised crime",
            "organised crime",
        ),
        round_titles=((FOUR_TIER_PEEL_ROUNDS, "Tackling serious and organised crime"),),
    ),
    Area("armed-policing", "Armed policing", ("armed policing",), ("armed policing",), ungraded=True),
    Area(
        "strategic-policing-requirement",
        "Strategic policing requirement",
        ("strategic policing requirement",),
        ("the strategic policing requirement",),
    ),
    Area(
        "workforce",
        "Building, supporting and protecting the workforce",
        (
            "building, supporting and protecting the workforce",
            "developing a positive workplace",
            "building and developing the workforce",
        ),
        (
            "building and developing its workforce",
            "building, supporting and protecting",
            "developing a positive",
            "building and developing",
            "supporting and protecting",
            "developing its workforce",
        ),
        rounds=FIVE_TIER_ROUNDS,
        round_titles=((frozenset({"2023-25"}), "Developing a positive workplace"),),
    ),
    Area(
        "strategic-planning",
        "Strategic planning, organisational management and value for money",
        ("strategic planning, organisational management and value for money",),
        ("operating efficiently", "strategic planning", "providing value for money"),
        rounds=FIVE_TIER_ROUNDS,
        instead="efficiency",
    ),
    Area(
        "leadership-force-management",
        "Leadership and force management",
        ("leadership and force management",),
        ("leadership and force management", "leadership and managing the force", "force management"),
    ),
    Area(
        "understanding-demand",
        "Understanding demand",
        ("meeting current demands and using resources", "understanding demand"),
        (
            "understanding demand",
            "meeting current demands",
            "meeting current demand",
            "meeting demand",
            "understanding of demand",
            "understands demand",
            "its understanding of demand",
        ),
        rounds=_R2015_18,
        round_titles=((frozenset({"2018/19"}), "Meeting current demands and using resources"),),
    ),
    Area(
        "use-of-resources",
        "Use of resources",
        ("use of resources",),
        (
            "use of resources",
            "its use of resources",
            "using its resources",
            "using resources",
            "prioritising its use of resources",
        ),
        rounds=_R2015_17,
        instead="understanding-demand",
    ),
    Area(
        "planning-for-future",
        "Planning for the future",
        ("planning for the future",),
        (
            "planning for the future",
            "planning for future demand",
            "planning for future",
            "plans for the future",
            "how it plans for the future",
        ),
    ),
    Area(
        "ethical-lawful-workforce",
        "Ethical and lawful workforce behaviour",
        ("ethical and lawful workforce behaviour",),
        (
            "ethical and lawful",
            "ensuring that the workforce behaves ethically",
            "ensuring that its workforce behaves",
            "ensuring its workforce behaves",
            "making sure its workforce behaves",
        ),
    ),
    Area(
        "treating-workforce-fairly",
        "Treating the workforce fairly",
        ("treating the workforce fairly",),
        (
            "treating the workforce fairly",
            "treating its workforce fairly",
            "how fairly it treats its workforce",
            "treating its workforce with fairness",
        ),
    ),
    Area("effectiveness", "Effectiveness", ("effectiveness",), ("effective",), rounds=FOUR_TIER_PEEL_ROUNDS),
    Area("efficiency", "Efficiency", ("efficiency",), ("efficient",), rounds=FOUR_TIER_PEEL_ROUNDS),
    Area(
        "legitimacy",
        "Legitimacy",
        ("legitimacy",),
        ("legitimate", "treating the public and its workforce", "treats the public and its workforce"),
        rounds=FOUR_TIER_PEEL_ROUNDS,
    ),
    Area("leadership", "Leadership", ("leadership",), (), ungraded=True, rounds=_R2015_17),
)
AREAS_BY_KEY = {a.key: a for a in AREAS}
_TITLE_INDEX = {t: a for a in AREAS for t in a.titles}
FRONT_TITLES = (
    "overall summary",
    "important changes to peel",
    "hm inspector's observations",
    "hmi's observations",
    "hm chief inspector's observations",
    "summary",
    "introduction",
)
BACK_TITLES = ("about the data", "methodology", "annex", "glossary")
# The pillar phrase every 2015–2018/19 pillar shares: which pillar it is depends on the question it answers.
GENERIC_PILLAR_PHRASE = regex.compile(
    r"^(?:keeping people safe and reducing crime|reducing crime and keeping "
    r"people safe|keeps people safe and reduces crime)\b"
)
# Question lines of the 2015–2018/19 pillar pages and CDI pages, most specific first.
QUESTION = regex.compile(r"^(?:How|To what extent)\b.{10,200}\?$")
_QUESTION_AREAS: tuple[tuple[regex.Pattern[str], str], ...] = tuple(
    (regex.compile(p, regex.IGNORECASE), k)
    for p, k in (
        (r"recording reported crime", "cdi-recording"),
        (r"systems and processes", "cdi-systems"),
        (r"leadership and culture", "cdi-leadership"),
        (r"preventing crime|anti-social behaviour", "preventing-crime"),
        (r"investigating crime|re-?offending", "investigating-crime"),
        (r"vulnerable", "protecting-vulnerable-people"),
        (r"organised crime", "serious-organised-crime"),
        (r"specialist capabilit|armed", "armed-policing"),
        (r"meet current demands?|understand (?:the |its )?(?:current )?demand", "understanding-demand"),
        (r"use (?:its )?resources", "use-of-resources"),
        (r"plan(?:ning)? for (?:the )?(?:future|demand in the future)|future demand", "planning-for-future"),
        (r"ethically and lawfully", "ethical-lawful-workforce"),
        (r"treat its workforce|workforce with fairness", "treating-workforce-fairly"),
        (r"people it serves|public with fairness", "treatment-of-public"),
        (r"\bleaders?(?:hip)?\b", "leadership"),
        (r"\beffective(?:ly)?\b", "effectiveness"),
        (r"\befficien", "efficiency"),
        (r"\blegitima", "legitimacy"),
    )
)


def in_round(area: Area | None, round_: str | None) -> Area | None:
    """The area as ``round_`` grades it: itself, the area it belongs to in that round, or None."""
    if area is None or round_ is None or area.rounds is None or round_ in area.rounds:
        return area
    return in_round(AREAS_BY_KEY.get(area.instead or ""), round_)


def area_for_title(title: str, round_: str | None = None) -> Area | None:
    """The area a section heading names (exact title match after normalisation), else None."""
    return in_round(_TITLE_INDEX.get(title.lower().strip(" .:")), round_)


def area_for_phrase(phrase: str, round_: str | None = None) -> Area | None:
    """The area an activity phrase ("requires improvement at <phrase>") refers to, longest prefix first,
    as ``round_`` grades it (2018/19: "its use of resources" is part of meeting current demands)."""
    low = phrase.lower().strip()
    best: tuple[int, Area] | None = None
    for area in AREAS:
        for p in area.phrases:
            if low.startswith(p) and (best is None or len(p) > best[0]):
                best = (len(p), area)
    return in_round(best[1], round_) if best else None


def area_for_question(question: str, round_: str | None = None) -> Area | None:
    """The area a pillar-page question asks about ("How effective is the force at investigating crime …?")."""
    for pattern, key in _QUESTION_AREAS:
        if pattern.search(question):
            return in_round(AREAS_BY_KEY[key], round_)
    return None


def slug(text: str) -> str:
    """A file-name-safe slug: lower case, ASCII letters and digits, single hyphens, no dots or slashes."""
    s = regex.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:80] or "unnamed"
