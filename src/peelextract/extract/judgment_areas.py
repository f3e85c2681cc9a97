"""The area(s) and the year a judgment sentence is about.

Area resolution is round-aware (``rounds.vocab``): the activity phrase names the area as the round grades it
("using its resources to meet demand" is use of resources in 2016/17, meeting current demands in 2018/19);
"preventing and investigating crime" names two areas; a phrase that names no area counts only when it restates
the question it answers ("good at responding to vulnerable victims" under "How effective is the force at
protecting those who are vulnerable from harm, and supporting victims?"), so descriptions of sub-aspects
("good at supporting vulnerable victims") are not grades. Pillar shapes ("The extent to which … is effective
at keeping people safe and reducing crime is good.", "the efficiency with which …") name their pillar; the CDI
"overall judgment of inadequate" names crime data integrity. Expected: one area per judgment, two for two
coordinated activities, none (the caller warns) when the phrase names no area.

Beyond the prefixes of ``rounds.vocab``, an activity is matched by similarity (``rounds.similarity``: "planning for
the demand it will face in the future" is planning for the future); an activity used as the subject ("<Force>'s
<activity> is good") must start with a word of the area it names ("the force's accuracy in recording crime is good"
grades nothing). "this area" / "this question" points at the enclosing section or question; "all three pillars"
names the three pillars; "A, and at B" / "A, and in how it B" names one area each, and so does "A and B" when both
sides are activities (gerunds) that name two areas. In a round whose vocabulary is
unknown (``RoundDecision.inferred``), the areas the report's own structure names (``Context.report_areas``) are
tried first.

Earlier judgments keep their year: "In 2017, we judged …", "In our 2024 inspection, we judged …", "last year, when
the force was judged as …" (round year − 1), "two years ago, when we judged …" (round year − 2), "our 2016 efficiency
inspection, which found …"; a CDI overall judgment takes the year of "In November 2017, HMICFRS conducted a crime data
integrity inspection" in its block or the three above. A judgment dated in the inspection's own year is the
current one (year None).
"""

from __future__ import annotations

import regex

from peelextract.extract.context import Context, context_area
from peelextract.extract.judgments import Judgment
from peelextract.rounds.similarity import (
    LABELS,
    area_by_similarity,
    area_for_label,
    best_area,
    content_stems,
    head_stem,
    structure_candidates,
)
from peelextract.rounds.vocab import (
    AREAS_BY_KEY,
    GENERIC_PILLAR_PHRASE,
    Area,
    area_for_phrase,
    area_for_title,
    in_round,
)

_PILLARS = (("effective", "effectiveness"), ("efficien", "efficiency"), ("legitima", "legitimacy"))
_PILLAR_KEYS = frozenset(k for _, k in _PILLARS)
_INSPECTED_IN = regex.compile(
    r"\bIn (?:[A-Z][a-z]+ )?(?P<year>(?:19|20)\d\d),? [^.]{0,160}?"
    r"\b(?:conducted|carried out|inspected)\b"
)
_STRIP = regex.compile(r"^(?:how it|the way it|how well it|its|the|how)\s+", regex.IGNORECASE)
_COORDINATED = regex.compile(r"^(?P<a>\w+ing) and (?P<b>\w+ing)\b(?P<rest>.*)$", regex.IGNORECASE)
# "good at A, and at B"  "good at A and in how it B": one activity each side.
_AND_AT = regex.compile(r",? and (?:also )?(?:at|in) ", regex.IGNORECASE)
# "good at A and B" where each side names an area: "investigating crime and protecting vulnerable people" (two); the
# first split whose two sides name two areas wins ("responding to the public and managing offenders and suspects").
_AND = regex.compile(r",? and ", regex.IGNORECASE)
# Each side of such a split is an activity: it starts with a gerund ("and has continued to improve …" is a new clause).
_GERUND = regex.compile(r"^[a-z]+ing\b", regex.IGNORECASE)
_POINTER = regex.compile(
    r"^(?:this|that|the) (?:area|question|pillar|part of (?:the )?(?:inspection|pillar))\b", regex.I
)
# "its work in this area", "performance in this area": the pointer inside an activity that names nothing else.
_POINTER_IN = regex.compile(r"\b(?:in |for |on )?this (?:area|question|pillar)\b", regex.IGNORECASE)
_ALL_PILLARS = regex.compile(r"^(?:all|each of (?:the|its)) (?:three|3) (?:PEEL )?pillars\b", regex.IGNORECASE)
_EARLIER_FAMILIES = ("carried", "carried-bare", "we", "we-object", "inspection-which")


def round_year(ctx: Context) -> int | None:
    """The inspection's own year: the round's first year, or a CDI title's year."""
    if ctx.round.round == "cdi":
        m = regex.search(r"Crime Data Integrity (?:re-)?inspection (\d{4})", ctx.doc.text[:5000])
        return int(m.group(1)) if m else None
    m = regex.match(r"\d{4}", ctx.round.round)
    return int(m.group(0)) if m else None


def _pillar(phrase: str) -> Area | None:
    low = phrase.lower()
    return next((AREAS_BY_KEY[key] for stem, key in _PILLARS if stem in low), None)


def _phrase_areas(ctx: Context, phrase: str, offset: int) -> list[Area]:
    """Areas an activity phrase names: directly, as a pillar phrase, as two coordinated activities, or as a
    restatement of the question it answers."""
    round_ = ctx.round.round
    stripped = _STRIP.sub("", phrase.strip())
    if GENERIC_PILLAR_PHRASE.match(stripped.lower()):
        area = context_area(ctx, offset, None)
        pillar = area if area is not None and area.key in _PILLAR_KEYS else AREAS_BY_KEY["effectiveness"]
        return [a for a in (in_round(pillar, round_),) if a is not None]
    sides = [p for p in _AND_AT.split(stripped) if p.strip()]
    if len(sides) > 1:
        found = [_phrase_areas(ctx, p, offset) for p in sides]
        if all(len(f) == 1 for f in found) and len({f[0].key for f in found}) == len(found):
            return [f[0] for f in found]
    for cut in _AND.finditer(stripped):
        left, right = stripped[: cut.start()], stripped[cut.end() :]
        if not (_GERUND.match(_STRIP.sub("", left)) and _GERUND.match(_STRIP.sub("", right))):
            continue
        pair = [_whole_area(ctx, left), _whole_area(ctx, right)]
        if pair[0] is not None and pair[1] is not None and pair[0].key != pair[1].key:
            return [pair[0], pair[1]]
    if ctx.round.inferred and ctx.report_areas:
        own = best_area(stripped, structure_candidates(ctx.report_areas))
        if own is not None:
            return [own]
    area = area_for_phrase(phrase, round_) or area_for_phrase(stripped, round_)
    if area is not None:
        return [area]
    m = _COORDINATED.match(stripped)
    if m:
        crime = " crime" if "crime" in m.group("rest").lower() else m.group("rest")
        parts = [
            area_for_phrase(m.group(w) + m.group("rest"), round_) or area_for_phrase(m.group(w) + crime, round_)
            for w in ("a", "b")
        ]
        if all(parts) and len({p.key for p in parts if p}) == 2:
            return [p for p in parts if p is not None]
    area = area_by_similarity(stripped, round_)
    if area is not None:
        return [area]
    area = context_area(ctx, offset, stripped)
    return [area] if area is not None else []


def areas_for(ctx: Context, j: Judgment, offset: int, previous: Area | None) -> list[Area]:
    """The area(s) of one judgment; ``previous`` is the area of the judgment before it in the same paragraph."""
    low = j.phrase.lower()
    if j.family in ("extent", "with-which"):
        pillar = _pillar(low)
        return [pillar] if pillar else []
    if j.family == "overall":
        if ctx.round.round == "cdi" or not j.phrase or "crime data integrity" in low:
            return [AREAS_BY_KEY["crime-data-integrity"]]
        pillar = _pillar(low)
        return [pillar] if pillar else []
    if j.family == "named":
        named = area_for_title(j.phrase, ctx.round.round) or area_for_label(j.phrase, ctx.round.round)
        return [named] if named else []
    if not j.phrase:
        area = previous or context_area(ctx, offset, None)
        return [area] if area else []
    if _POINTER.match(low) or (_POINTER_IN.search(low) and not _phrase_areas(ctx, _POINTER_IN.sub("", low), offset)):
        area = _section_area(ctx, offset)
        return [area] if area else []
    if _ALL_PILLARS.match(low):
        pillars = [in_round(AREAS_BY_KEY[k], ctx.round.round) for _, k in _PILLARS]
        return [a for a in pillars if a is not None]
    if j.family == "possessive":
        return _head_areas(ctx, j.phrase, offset)
    # "… has been assessed as outstanding in respect of the efficiency with which …"; the 2018/19 body
    # sentence "<Force> requires improvement in the efficiency with which it keeps people safe …"; "in respect of
    # its legitimacy in keeping people safe …"
    low = regex.sub(r"^(?:respect of )?its ", "", low)
    if low.startswith(
        (
            "respect of",
            "the efficiency",
            "the effectiveness",
            "the legitimacy",
            "efficiency",
            "effectiveness",
            "legitimacy",
        )
    ):
        pillar = _pillar(low)
        if pillar:
            return [pillar]
    return _phrase_areas(ctx, j.phrase, offset)


def _whole_area(ctx: Context, part: str) -> Area | None:
    """The area one side of "A and B" names, by its prefix or its words (no coordination, no context)."""
    round_ = ctx.round.round
    part = _STRIP.sub("", part.strip(" ,"))
    return area_for_phrase(part, round_) or area_by_similarity(part, round_)


def _section_area(ctx: Context, offset: int) -> Area | None:
    """The area "this area" points at: the enclosing area section, else the question or heading above."""
    key = ctx.area_at(offset)
    if key is not None:
        return ctx.area_by_key(key)
    return context_area(ctx, offset, None)


def _head_areas(ctx: Context, phrase: str, offset: int) -> list[Area]:
    """The areas of an activity used as the subject, when it starts with a word of what it names ("its
    investigation of crime", "the force's approach to preventing crime"); none for "accuracy in recording crime"."""
    areas = _phrase_areas(ctx, phrase, offset)
    head = head_stem(_STRIP.sub("", phrase.strip()))
    if head is None:
        return areas
    keys = {a.key for a in areas}
    texts = [" ".join((a.title, *a.titles, *a.phrases)) for a in areas]
    texts.extend(label for key, label, _ in LABELS if key in keys)
    return areas if any(head in content_stems(t) for t in texts) else []


def _inspection_year(ctx: Context, offset: int) -> int | None:
    """ "In November 2017, HMICFRS conducted a crime data integrity inspection" in this or the 3 blocks above."""
    i = ctx.block_index(offset)
    for k in range(i, max(-1, i - 4), -1):
        m = _INSPECTED_IN.search(ctx.doc.block_text(ctx.doc.blocks[k]))
        if m:
            return int(m.group("year"))
    return None


def year_of(ctx: Context, j: Judgment, offset: int) -> int | None:
    """Carried-over year of a judgment, or None when it is the inspection's own (current) judgment."""
    own = round_year(ctx)
    year: int | None = None
    if j.family in _EARLIER_FAMILIES:
        year = j.year if j.year is not None else (own - j.years_ago if j.years_ago and own else None)
    elif j.family == "overall":
        year = _inspection_year(ctx, offset)
    return None if year is None or year == own else year
