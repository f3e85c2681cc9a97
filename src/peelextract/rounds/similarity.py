"""Activity phrases to areas by similarity: the words of a phrase against every round's titles, activity phrases,
questions, sub-questions and short labels.

A judgment's activity is worded freely ("planning for the demand it will face in the future", "its investigation
of crime", "how it looks after the wellbeing of its officers and staff", a table's "Good use of resources"), so a
prefix list cannot hold them all. Both sides are reduced to content stems (a small suffix-stripping stemmer, the
first five letters; "officers", "staff" and "its people" count as "workforce"), and an area matches when one of its
descriptions of at least two stems is wholly covered by the phrase (a description half covered, "keeping vulnerable
people safe" against "keeping people safe", names another thing). The description with the most stems wins, then
an area the round grades itself over one it stands in for (2016 "use of resources" is its own area; in 2021/22 it
is part of strategic planning); a phrase that wholly covers descriptions of two areas is ambiguous (None).
Single-word descriptions ("effective", "prevention") are left to the prefix rules of ``rounds.vocab``: one shared
word is not enough to name an area.

Expected: one area or None per phrase; None for descriptions of a sub-aspect ("supporting vulnerable victims",
"assessing intelligence"), which share at most one stem with any description.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import regex

from peelextract.rounds.scales import FIVE_TIER_ROUNDS, FOUR_TIER_PEEL_ROUNDS, GRADE_WORDS
from peelextract.rounds.vocab import AREAS, Area, in_round

_SUFFIXES = ("ations", "ation", "ings", "ing", "ments", "ment", "ness", "ies", "ied", "es", "ed", "ly", "s")
_STOP = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "its",
        "it",
        "their",
        "them",
        "they",
        "how",
        "what",
        "which",
        "that",
        "this",
        "these",
        "is",
        "are",
        "be",
        "been",
        "being",
        "does",
        "do",
        "did",
        "well",
        "way",
        "make",
        "makes",
        "making",
        "sure",
        "extent",
        "whether",
        "from",
        "into",
        "will",
        "would",
        "can",
        "we",
        "our",
        "has",
        "have",
        "also",
        "all",
        "more",
        "force",
        "forces",
        "constabulary",
        "police",
        "service",
        "require",
        "area",
        "areas",
        "about",
        "after",
    }
) | {w for g in GRADE_WORDS for w in g.split()}  # grade words name no activity
# Words for the same thing: the people who work for the force.
_SYNONYMS = {"staf": "workf", "offic": "workf", "emplo": "workf", "perso": "workf"}

# Sub-questions of the inspection frameworks and other wordings of an area's activity, per area key, with the
# rounds they are used in (None: any round in which the area is graded). Used for sentences and list labels alike.
LABELS: tuple[tuple[str, str, frozenset[str] | None], ...] = (
    ("treatment-of-public", "treatment of the public", None),
    ("treatment-of-public", "engaging with the public", None),
    ("treatment-of-public", "using police powers and treating the public fairly", None),
    ("treatment-of-public", "treats people fairly and with respect", None),
    ("strategic-planning", "value for money", FIVE_TIER_ROUNDS),
    ("strategic-planning", "planning and managing its resources", FIVE_TIER_ROUNDS),
    ("responding-to-public", "response to the public", None),
    ("responding-to-public", "answering calls from the public", None),
    ("protecting-vulnerable-people", "protecting vulnerable people from harm", None),
    ("workforce", "wellbeing of its workforce", FIVE_TIER_ROUNDS),
    ("workforce", "supporting its workforce", FIVE_TIER_ROUNDS),
    ("treating-workforce-fairly", "wellbeing of its workforce", FOUR_TIER_PEEL_ROUNDS),
    ("treating-workforce-fairly", "treating its workforce with fairness and respect", None),
    ("understanding-demand", "understanding of demand", None),
    ("understanding-demand", "understands the demand for its services", None),
    ("understanding-demand", "manage current demand", None),
    ("use-of-resources", "use of its resources to manage demand", None),
    ("planning-for-future", "planning for future demand", None),
    ("planning-for-future", "plans for the future", None),
    ("ethical-lawful-workforce", "behaves ethically and lawfully", None),
    ("investigating-crime", "investigation of crime", None),
    ("preventing-crime", "prevention of crime", None),
    ("preventing-crime", "preventing and deterring crime", None),
    ("managing-offenders", "management of offenders", None),
    ("recording-data", "crime recording", FIVE_TIER_ROUNDS),
    ("crime-data-integrity", "crime data integrity", None),
    ("serious-organised-crime", "tackling organised crime groups", None),
)


# Short labels of tables and infographics ("Good use of resources", "Supporting victims"): names of an area, read
# only where a name stands (a list label, a table cell), never as the activity of a sentence, where "good at
# supporting vulnerable victims" describes part of an area and grades nothing.
SHORT_LABELS: tuple[tuple[str, str, frozenset[str] | None], ...] = (
    ("strategic-planning", "good use of resources", FIVE_TIER_ROUNDS),
    ("protecting-vulnerable-people", "supporting victims", None),
    ("workforce", "positive workplace", None),
)


def stem(word: str) -> str:
    """A crude stem: one common suffix off, a doubled last consonant undone, the first five letters."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "ls":
        w = w[:-1]
    return w[:5]


def content_stems(text: str) -> frozenset[str]:
    """The stems of a text's content words (hyphens joined: "anti-social" is "antisocial")."""
    low = regex.sub(r"(?<=\w)-(?=\w)", "", text.lower())
    low = regex.sub(r"\bits people\b", "staff", low)
    words = [w for w in regex.findall(r"[a-z]{3,}", low) if w not in _STOP]
    return frozenset(_SYNONYMS.get(stem(w), stem(w)) for w in words)


def _descriptions(area: Area) -> Iterable[str]:
    yield area.title
    yield from area.titles
    yield from area.phrases
    yield from (t for _, t in area.round_titles)


@lru_cache(maxsize=128)
def _candidates(round_: str | None, names: bool = False) -> tuple[tuple[frozenset[str], Area, bool], ...]:
    """(stems of one description, the area it names in ``round_``, whether the area is graded as itself); with
    ``names``, the short labels of tables and infographics too."""
    out: list[tuple[frozenset[str], Area, bool]] = []
    for area in AREAS:
        target = in_round(area, round_)
        if target is None or target.ungraded:
            continue
        own = target is area
        out.extend((s, target, own) for d in _descriptions(area) if len(s := content_stems(d)) >= 2)
    by_key = {a.key: a for a in AREAS}
    for key, label, rounds in (*LABELS, *(SHORT_LABELS if names else ())):
        if rounds is not None and round_ not in rounds:
            continue
        target = in_round(by_key[key], round_)
        if target is not None and len(s := content_stems(label)) >= 2:
            out.append((s, target, target.key == key))
    return tuple(out)


def best_area(phrase: str, candidates: Iterable[tuple[frozenset[str], Area, bool]]) -> Area | None:
    """The area with the longest description (two stems or more) that the phrase wholly covers, else None; None
    too when the phrase wholly covers descriptions of two areas neither of which contains the other ("preventing
    and investigating crime" names two areas: the caller splits coordinated activities first)."""
    words = content_stems(phrase)
    covered = [(stems, area, own) for stems, area, own in candidates if len(stems) >= 2 and stems <= words]
    if not covered:
        return None
    widest = [c for c in covered if not any(c[0] < o[0] for o in covered)]
    if len({c[1].key for c in widest}) > 1:
        return None
    return max(widest, key=lambda c: (len(c[0]), c[2]))[1]


def area_by_similarity(phrase: str, round_: str | None) -> Area | None:
    """The area an activity phrase describes in ``round_``, by the stems it shares with the area's descriptions."""
    return best_area(phrase, _candidates(round_))


def head_stem(phrase: str) -> str | None:
    """The stem of the phrase's first content word ("investigation" in "its investigation of crime")."""
    words = content_stems_ordered(phrase)
    return words[0] if words else None


def content_stems_ordered(text: str) -> list[str]:
    low = regex.sub(r"(?<=\w)-(?=\w)", "", text.lower())
    return [_SYNONYMS.get(stem(w), stem(w)) for w in regex.findall(r"[a-z]{3,}", low) if w not in _STOP]


def structure_candidates(areas: Iterable[Area]) -> tuple[tuple[frozenset[str], Area, bool], ...]:
    """Candidates made of the areas a report's own structure names (a round whose vocabulary is unknown)."""
    return tuple((s, a, True) for a in areas if len(s := content_stems(a.title)) >= 1)


def area_for_label(label: str, round_: str | None) -> Area | None:
    """The area a short label names ("Good use of resources", "Treatment of the public", a title): one whose
    description has exactly the label's content stems."""
    words = content_stems(label)
    if len(words) < 2:
        return None
    best: tuple[bool, Area] | None = None
    for stems, area, own in _candidates(round_, names=True):
        if stems == words and (best is None or own > best[0]):
            best = (own, area)
    return best[1] if best else None
