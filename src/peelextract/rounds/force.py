"""Force detection: which force the report is about, with the evidence for it. Runs before sections.

Targets the title and opening ("An inspection of Cleveland Police", "how good Cleveland Police is in 12
areas of policing"): the known force named most often in the first 30,000 characters wins (the title
names it, and so does nearly every judgment sentence); a force outside the list of 43 (a new or
renamed force, or a synthetic fixture) is taken from "An inspection of <X Police|Constabulary>".
Expected: one force per report; None when neither shape is found (then the document is not a report).
"""

from __future__ import annotations

import logging

import regex

from peelextract.document import Document
from peelextract.models import Evidence

log = logging.getLogger(__name__)

# The territorial forces as the inspectorate names them (Hampshire under its name before and after 2022).
FORCES: tuple[str, ...] = (
    "Avon and Somerset Constabulary",
    "Bedfordshire Police",
    "Cambridgeshire Constabulary",
    "Cheshire Constabulary",
    "City of London Police",
    "Cleveland Police",
    "Cumbria Constabulary",
    "Derbyshire Constabulary",
    "Devon and Cornwall Police",
    "Dorset Police",
    "Durham Constabulary",
    "Dyfed-Powys Police",
    "Essex Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Gwent Police",
    "Hampshire and Isle of Wight Constabulary",
    "Hampshire Constabulary",
    "Hertfordshire Constabulary",
    "Humberside Police",
    "Kent Police",
    "Lancashire Constabulary",
    "Leicestershire Police",
    "Lincolnshire Police",
    "Merseyside Police",
    "Metropolitan Police Service",
    "Norfolk Constabulary",
    "North Wales Police",
    "North Yorkshire Police",
    "Northamptonshire Police",
    "Northumbria Police",
    "Nottinghamshire Police",
    "South Wales Police",
    "South Yorkshire Police",
    "Staffordshire Police",
    "Suffolk Constabulary",
    "Surrey Police",
    "Sussex Police",
    "Thames Valley Police",
    "Warwickshire Police",
    "West Mercia Police",
    "West Midlands Police",
    "West Yorkshire Police",
    "Wiltshire Police",
)
GENERIC_FORCE = regex.compile(
    r"\b(?P<force>(?:[A-Z][a-z]+(?:[- ](?:and|of|the)?\s?)?){1,4}(?:Police Service|Police|Constabulary))\b"
)

_KNOWN = regex.compile(r"\b(?:" + "|".join(regex.escape(f) for f in sorted(FORCES, key=len, reverse=True)) + r")\b")
_INTRO = regex.compile(
    r"(?:inspection of|assessment of|how good|how well|assessed how good) "
    r"(?P<force>(?:[A-Z][\w'-]+ (?:and |of |the )?){1,4}(?:Police Service|Police|Constabulary))\b"
)


def detect_force(doc: Document) -> tuple[str, Evidence] | None:
    """The title's force ("An inspection of <Force>") when the opening names one, else the known force
    named most often (chart labels name all 43 forces, so counts alone can mislead)."""
    intro = _INTRO.search(doc.text[:5000])
    if intro:
        return intro.group("force"), doc.evidence(intro.start("force"), intro.end("force"))
    head = doc.text[:30000]
    counts: dict[str, list[int]] = {}
    for m in _KNOWN.finditer(head):
        counts.setdefault(m.group(0), []).append(m.start())
    if counts:
        force = max(sorted(counts), key=lambda f: (len(counts[f]), -counts[f][0]))
        start = counts[force][0]
        return force, doc.evidence(start, start + len(force))
    return None
