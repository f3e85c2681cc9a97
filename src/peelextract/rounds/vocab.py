"""Vocabularies: the 43 forces, the areas of every round with their titles and activity phrases.

Area keys are stable across rounds (see fixtures/gold/README.md); titles and phrases are how each round
prints them. ``phrases`` are the words after "at"/"in" in a judgment sentence ("requires improvement at
<phrase>"), matched as prefixes of the normalised, lower-cased phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

FORCES: tuple[str, ...] = (
    "Avon and Somerset Constabulary", "Bedfordshire Police", "Cambridgeshire Constabulary",
    "Cheshire Constabulary", "City of London Police", "Cleveland Police", "Cumbria Constabulary",
    "Derbyshire Constabulary", "Devon and Cornwall Police", "Dorset Police", "Durham Constabulary",
    "Dyfed-Powys Police", "Essex Police", "Gloucestershire Constabulary", "Greater Manchester Police",
    "Gwent Police", "Hampshire and Isle of Wight Constabulary", "Hampshire Constabulary",
    "Hertfordshire Constabulary", "Humberside Police", "Kent Police", "Lancashire Constabulary",
    "Leicestershire Police", "Lincolnshire Police", "Merseyside Police", "Metropolitan Police Service",
    "Norfolk Constabulary", "North Wales Police", "North Yorkshire Police", "Northamptonshire Police",
    "Northumbria Police", "Nottinghamshire Police", "South Wales Police", "South Yorkshire Police",
    "Staffordshire Police", "Suffolk Constabulary", "Surrey Police", "Sussex Police", "Thames Valley Police",
    "Warwickshire Police", "West Mercia Police", "West Midlands Police", "West Yorkshire Police",
    "Wiltshire Police",
)
GENERIC_FORCE = regex.compile(
    r"\b(?P<force>(?:[A-Z][a-z]+(?:[- ](?:and|of|the)?\s?)?){1,4}(?:Police Service|Police|Constabulary))\b"
)


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    titles: tuple[str, ...]
    phrases: tuple[str, ...]
    ungraded: bool = False


AREAS: tuple[Area, ...] = (
    Area("victim-service", "Providing a service to the victims of crime",
         ("providing a service to the victims of crime", "victim service assessment"),
         ("providing a service to victims",), ungraded=True),
    Area("recording-data", "Recording data about crime", ("recording data about crime",),
         ("recording crime", "recording data", "crime recording")),
    Area("crime-data-integrity", "Crime data integrity", ("crime data integrity",),
         ("crime data integrity",)),
    Area("treatment-of-public", "Engaging with and treating the public with fairness and respect",
         ("engaging with and treating the public with fairness and respect", "police powers and public treatment",
          "treating the public fairly", "treatment of the public", "fair treatment of the public"),
         ("treating people fairly", "treating the public", "engaging with", "police powers", "treating people",
          "using police powers", "the fair treatment", "treatment of the public")),
    Area("preventing-crime", "Preventing crime and anti-social behaviour",
         ("preventing crime and anti-social behaviour", "preventing crime and tackling anti-social behaviour",
          "preventing crime", "preventing and deterring crime and antisocial behaviour, and reducing vulnerability"),
         ("prevention and deterrence", "preventing crime", "preventing and deterring", "reducing crime and preventing",
          "prevention")),
    Area("responding-to-public", "Responding to the public", ("responding to the public",),
         ("responding to the public", "responding to")),
    Area("investigating-crime", "Investigating crime", ("investigating crime", "investigating offending"),
         ("investigating crime", "investigating offending", "investigating crimes", "investigations",
          "investigating")),
    Area("protecting-vulnerable-people", "Protecting vulnerable people",
         ("protecting vulnerable people", "protecting vulnerable people and supporting victims"),
         ("protecting vulnerable people", "how it protects vulnerable people", "the way it protects vulnerable",
          "protecting vulnerable", "protects vulnerable")),
    Area("managing-offenders", "Managing offenders and suspects", ("managing offenders and suspects",),
         ("managing offenders", "managing suspects")),
    Area("serious-organised-crime", "Disrupting serious organised crime",
         ("disrupting serious organised crime", "tackling serious and organised crime", "serious and organised crime"),
         ("tackling serious and organised crime", "tackling serious organised crime", "disrupting serious",
          "serious and organised crime", "serious organised crime")),
    Area("armed-policing", "Armed policing", ("armed policing",), ("armed policing",), ungraded=True),
    Area("strategic-policing-requirement", "Strategic policing requirement", ("strategic policing requirement",),
         ("the strategic policing requirement",)),
    Area("workforce", "Building, supporting and protecting the workforce",
         ("building, supporting and protecting the workforce", "developing a positive workplace",
          "building and developing the workforce"),
         ("building and developing its workforce", "building, supporting and protecting", "developing a positive",
          "building and developing", "supporting and protecting", "developing its workforce")),
    Area("strategic-planning", "Strategic planning, organisational management and value for money",
         ("strategic planning, organisational management and value for money",),
         ("operating efficiently", "strategic planning", "providing value for money")),
    Area("leadership-force-management", "Leadership and force management", ("leadership and force management",),
         ("leadership and force management", "leadership and managing the force", "force management")),
    Area("understanding-demand", "Meeting current demands and using resources",
         ("meeting current demands and using resources",),
         ("understanding demand", "meeting current demands", "meeting demand", "understanding of demand")),
    Area("use-of-resources", "Use of resources", ("use of resources",),
         ("use of resources", "its use of resources")),
    Area("planning-for-future", "Planning for the future", ("planning for the future",),
         ("planning for the future", "planning for future demand", "planning for future")),
    Area("ethical-lawful-workforce", "Ethical and lawful workforce behaviour",
         ("ethical and lawful workforce behaviour",), ("ethical and lawful",)),
    Area("treating-workforce-fairly", "Treating the workforce fairly", ("treating the workforce fairly",),
         ("treating the workforce fairly", "treating its workforce fairly")),
    Area("effectiveness", "Effectiveness", ("effectiveness",), ("effective",)),
    Area("efficiency", "Efficiency", ("efficiency",), ("efficient",)),
    Area("legitimacy", "Legitimacy", ("legitimacy",), ("legitimate",)),
    Area("leadership", "Leadership", ("leadership",), (), ungraded=True),
)
AREAS_BY_KEY = {a.key: a for a in AREAS}
_TITLE_INDEX = {t: a for a in AREAS for t in a.titles}
FRONT_TITLES = ("overall summary", "important changes to peel", "hm inspector's observations",
                "hmi's observations", "hm chief inspector's observations", "summary", "introduction")
BACK_TITLES = ("about the data", "methodology", "annex", "glossary")


def area_for_title(title: str) -> Area | None:
    """The area a section heading names (exact title match after normalisation), else None."""
    return _TITLE_INDEX.get(title.lower().strip(" .:"))


def area_for_phrase(phrase: str) -> Area | None:
    """The area an activity phrase ("requires improvement at <phrase>") refers to, longest prefix first."""
    low = phrase.lower().strip()
    best: tuple[int, Area] | None = None
    for area in AREAS:
        for p in area.phrases:
            if low.startswith(p) and (best is None or len(p) > best[0]):
                best = (len(p), area)
    return best[1] if best else None


def slug(text: str) -> str:
    """A file-name-safe slug: lower case, ASCII letters and digits, single hyphens, no dots or slashes."""
    s = regex.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:80] or "unnamed"
