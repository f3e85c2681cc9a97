"""Report metadata: which force the report is about, with the evidence for it.

Targets the title and opening ("An inspection of Cleveland Police", "how good Cleveland Police is in 12
areas of policing"): the known force named most often in the first 30,000 characters wins (the title
names it, and so does nearly every judgment sentence); a force outside the list of 43 (a new or
renamed force, or a synthetic fixture) is taken from "An inspection of <X Police|Constabulary>".
"""

from __future__ import annotations

import logging

import regex

from peelextract.document import Document
from peelextract.models import Evidence
from peelextract.rounds.vocab import FORCES

log = logging.getLogger(__name__)

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
