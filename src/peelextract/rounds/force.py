"""Force detection: which force the report is about, with the evidence for it. Runs before sections.

Targets the title and opening ("An inspection of Cleveland Police", "how good Cleveland Police is in 12
areas of policing"): the known force named most often in the first 30,000 characters wins (the title
names it, and so does nearly every judgment sentence); a force outside the list of 43 (a new or
renamed force, or a synthetic fixture) is taken from "An inspection of <X Police|Constabulary>".
When the body names no force in full, a title line of the page's own ("Cheshire PEEL 2015", "Dyfed-Powys
2017": the force's short name before a year) is read, then the page title (HTML ``<title>``), its address
(canonical URL) and the file name ("cheshire-constabulary-peel-2015.html", "thames-valley_2016.txt"), which name
the force by its short name or slug. ``force_source`` says which one named it.
Expected: one force per report; None when none of these names one (then the document is not a report).
"""

from __future__ import annotations

import logging
from typing import Literal

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


def _short(force: str) -> str:
    return regex.sub(r"\s+(?:Police Service|Police|Constabulary)$", "", force)


# Short names, longest first so "West Yorkshire" is tried before "Yorkshire"-like prefixes; Hampshire's two names
# share one short name, the later one is the one in use.
_SHORT_NAMES: tuple[tuple[str, str], ...] = tuple(
    sorted({_short(f): f for f in FORCES if f != "Hampshire Constabulary"}.items(), key=lambda kv: -len(kv[0]))
)
_SHORT_ALT = "|".join(regex.escape(s) for s, _ in _SHORT_NAMES)
# "Cheshire PEEL 2015", "Dyfed-Powys 2017", "Thames Valley Police PEEL 2016/17" as a line of its own.
_TITLE_LINE = regex.compile(
    rf"^(?P<force>{_SHORT_ALT})(?: Police| Constabulary)?(?::| -| –)? (?:PEEL )?(?:20\d\d)(?:[/–-]\d\d)?\b",
    regex.MULTILINE,
)
_SLUGS: tuple[tuple[str, str], ...] = tuple((regex.sub(r"[^a-z0-9]+", "-", s.lower()), f) for s, f in _SHORT_NAMES)
ForceSource = Literal["text", "title", "url", "file name"]


def _named_by(where: str | None) -> str | None:
    """The force a page title, address or file name names by its short name or slug, else None."""
    if not where:
        return None
    low = regex.sub(r"[^a-z0-9]+", "-", where.lower())
    for slug, force in _SLUGS:
        if regex.search(rf"(?:^|-){regex.escape(slug)}(?:-|$)", low):
            return force
    return None


def force_outside_text(doc: Document) -> tuple[str, ForceSource] | None:
    """The force named by the page title, then the URL, then the file name, when the body names none."""
    for where, source in ((doc.title, "title"), (doc.url, "url"), (doc.source.name, "file name")):
        force = _named_by(where)
        if force is not None:
            return force, source  # type: ignore[return-value]
    return None


def detect_force(doc: Document) -> tuple[str, Evidence] | None:
    """The title's force ("An inspection of <Force>") when the opening names one, else the known force
    named most often (chart labels name all 43 forces, so counts alone can mislead), else a title line that
    names it by its short name ("Cheshire PEEL 2015"). ``force_outside_text`` covers the page title, URL and
    file name."""
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
    line = _TITLE_LINE.search(doc.text[:3000])
    if line:
        short = line.group("force")
        force = next(f for s, f in _SHORT_NAMES if s == short)
        return force, doc.evidence(line.start("force"), line.end("force"))
    return None
