"""Round and force detection, with the evidence for each decision.

A round is decided by weighted clues, each written into ``RoundDecision.clues`` so a reader can see why:

- titles and framework names in the text ("PEEL 2021/22", "PEEL Assessment Framework 2023–2025",
  "Cheshire 2017", "Dyfed-Powys PEEL 2018", "Thames Valley Police: Crime Data Integrity inspection 2017");
- ordinal assessments ("HMICFRS’ fourth PEEL … assessment", "HMIC’s third PEEL assessment");
- wording only one round uses (2021/22 and 2023–25 area names, 2018/19 questions, the CDI "Overall
  judgment" / "graded inadequate" shape);
- the grade scale ("adequate" as a grade exists only from 2021/22);
- the file name ("cheshire_2021-22.txt", "peel-2018", "cdi-2019"), weaker than the text;
- any round's name as printed ("PEEL 2025–27", "PEEL 2025/26", "PEEL assessment framework 2027–2029"): the
  round the name stands for (``scales.round_named``), a round of the table or an unknown later one, which keeps
  its own id ("2027-29"). The first name in the opening (the title) weighs 8, later names 5; a round a specific
  clue above already found is not counted twice.

Clues of weight 5 or more name the round (titles, framework names, ordinals); lighter clues infer it (wording,
scale, file name). Explicit names beat inferred clues: when any round is named, the decision is among the named
rounds. A round whose areas ``rounds.vocab`` does not know (2025–27, any unknown round) is marked ``inferred``:
its areas are read from the report's own structure.

Expected: one decision per document; None only when no clue at all is found (then the document is not a
PEEL report). Banners about other programmes ("Proposed policing inspection programme and framework
2025–29", "inspection programme for 2017/18") are not clues.

The rounds themselves and their scales are in ``rounds.scales``; force detection is in ``rounds.force``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import PurePath

import regex

from peelextract.errors import UsageError
from peelextract.models import RoundDecision
from peelextract.rounds.scales import (
    FIVE_TIER_ROUNDS,
    SCALE_GRADES,
    grade_pattern,
    is_later_round,
    round_named,
    scale_for,
    vocabulary_known,
)
from peelextract.rounds.scales import ROUNDS as ROUNDS  # re-exported: publish reads the round list from here

log = logging.getLogger(__name__)

_I, _M = regex.IGNORECASE, regex.MULTILINE
_TITLE_WORDS = r"(?:[A-Z][\w’'-]*(?: of| and)? ){1,4}"
_CDI_GRADES = grade_pattern(SCALE_GRADES[scale_for("cdi")])

# (alternatives, flags, round, weight). Titles are anchored to a line of their own (MULTILINE ^…$). The
# alternatives of a clue are separate patterns (``_first_match``): one alternation of them was 16 ms of a
# report's 0.19 s, as the regex engine tries every alternative at every position.
_TEXT_CLUES: tuple[tuple[tuple[str, ...], int, str, int], ...] = (
    (
        (
            r"PEEL (?:Assessment Framework )?2021/22",
            r"PEEL 2021[/–-]22",
            r"PEEL Assessments 2021/2022",
            r"2021[/–-]22 PEEL",
        ),
        _I,
        "2021/22",
        5,
    ),
    (
        (r"expanded our previous four-tier system of judgments to five tiers", r"particularly from good to adequate"),
        _I,
        "2021/22",
        4,
    ),
    ((r"PEEL (?:Assessment Framework )?2023[–-](?:20)?25", r"PEEL 2023", r"2023[–-]24 PEEL"), _I, "2023-25", 5),
    ((r"PEEL (?:Assessment Framework )?2025[–/-](?:20)?2[67]", r"PEEL 2025", r"2025[–/-]2[67] PEEL"), _I, "2025-27", 5),
    ((rf"^{_TITLE_WORDS}(?:PEEL )?2018(?:/19)?$", r"\bPEEL 2018(?:/19)?\b", r"\bfifth PEEL\b"), _M, "2018/19", 5),
    ((rf"^{_TITLE_WORDS}(?:PEEL )?2017$", r"\bPEEL[ -]2017\b", r"\bfourth PEEL\b"), _M, "2017", 5),
    ((rf"^{_TITLE_WORDS}(?:PEEL )?2016$", r"\bPEEL[ -]2016\b", r"\bthird PEEL\b"), _M, "2016", 5),
    ((rf"^{_TITLE_WORDS}(?:PEEL )?2015$", r"\bPEEL[ -]2015\b", r"\bsecond PEEL\b"), _M, "2015", 5),
    (
        (rf"^{_TITLE_WORDS}(?:PEEL )?2014$", r"\bPEEL[ -]2014\b", r"\bfirst PEEL (?:assessment|inspection)s? of\b"),
        _M,
        "2014",
        5,
    ),
    ((r"^.{0,80}Crime Data Integrity (?:re-)?inspection(?: \d{4})?$",), _M, "cdi", 6),
    ((rf"^Overall judgment\n+graded (?:{_CDI_GRADES})$",), _M | _I, "cdi", 3),
    (
        (r"police powers and public treatment", r"developing a positive workplace", r"leadership and force management"),
        _I,
        "2023-25",
        2,
    ),
    (
        (
            r"engaging with and treating the public with fairness and respect",
            r"building, supporting and protecting the workforce",
            r"strategic planning, organisational management and value for money",
        ),
        _I,
        "2021/22",
        2,
    ),
    (
        (
            r"treating the workforce fairly",
            r"ethical and lawful workforce behaviour",
            r"operates efficiently and sustainably",
        ),
        _I,
        "2018/19",
        2,
    ),
)
_NAME_CLUES: tuple[tuple[str, str], ...] = (
    (r"cdi|crime-data-integrity", "cdi"),
    (r"2025-2[67]|2025-2027", "2025-27"),
    (r"2023-2[45]|2023-2025", "2023-25"),
    (r"2021-22", "2021/22"),
    (r"2018-19|peel-2018|_2018\b", "2018/19"),
    (r"(?:peel-|_)2017\b", "2017"),
    (r"(?:peel-|_)2016\b", "2016"),
    (r"(?:peel-|_)2015\b", "2015"),
    (r"(?:peel-|_)2014\b", "2014"),
)
_NAME_WEIGHT = 3
# A clue this heavy names the round; lighter ones infer it.
EXPLICIT_WEIGHT = 5
_TITLE_NAME_WEIGHT = 8
_TITLE_SPAN = 1000
# Any PEEL round as printed: "PEEL 2025–27", "PEEL 2025/26", "PEEL Assessment Framework 2025–2027", "PEEL
# assessments 2027/2028", "PEEL 2027". Not "inspection programme and framework 2025–29" (no "PEEL" before the years).
_ROUND_NAME = regex.compile(
    r"\bPEEL (?:assessment framework |assessments? |inspections? )?\(?(?P<a>20\d\d)(?:[–/-](?P<b>(?:20)?\d\d))?\b",
    _I,
)
_GENERIC_FILE = regex.compile(r"(?:peel-|_)(?P<a>20\d\d)(?:-(?P<b>(?:20)?\d\d))?(?!\d)", _I)
_COMPILED = tuple((tuple(regex.compile(a, f) for a in alts), r, w) for alts, f, r, w in _TEXT_CLUES)
_NAME_COMPILED = tuple((regex.compile(p, _I), r) for p, r in _NAME_CLUES)
_ADEQUATE = regex.compile(r"\b(?:is|as|be|was) adequate at\b|\bgraded (?:as )?adequate\b", _I)
_HEAD = 60000


def round_clues(text: str, name: str = "") -> dict[str, list[tuple[str, int]]]:
    """Every clue found, by round: (description, weight). Text clues read the first 60,000 characters."""
    clues: dict[str, list[tuple[str, int]]] = defaultdict(list)
    haystack = text[:_HEAD]
    for alternatives, round_, weight in _COMPILED:
        m = _first_match(alternatives, haystack)
        if m:
            clues[round_].append((f"{m.group(0).strip()!r} (+{weight})", weight))
    _named_rounds(haystack, clues)
    if _ADEQUATE.search(haystack):
        for r in sorted(FIVE_TIER_ROUNDS):
            clues[r].append(("'adequate' used as a grade (+1)", 1))
    stem = PurePath(name).name.lower()
    for pattern, round_ in _NAME_COMPILED:
        m = pattern.search(stem)
        if m:
            clues[round_].append((f"file name {stem!r} has {m.group(0)!r} (+{_NAME_WEIGHT})", _NAME_WEIGHT))
            break
    else:
        g = _GENERIC_FILE.search(stem)
        if g:
            round_ = _round_of(g)
            clues[round_].append((f"file name {stem!r} has {g.group(0)!r} (+{_NAME_WEIGHT})", _NAME_WEIGHT))
    return clues


def _first_match(alternatives: tuple[regex.Pattern[str], ...], text: str) -> regex.Match[str] | None:
    """What ``search`` of the alternation ``a|b|…`` finds: the leftmost match, the earlier alternative at
    a tie."""
    found = [(m.start(), k, m) for k, p in enumerate(alternatives) if (m := p.search(text))]
    return min(found, key=lambda t: t[:2])[2] if found else None


def _round_of(m: regex.Match[str]) -> str:
    last = m.group("b")
    return round_named(int(m.group("a")), int(last) if last else None)


def _named_rounds(haystack: str, clues: dict[str, list[tuple[str, int]]]) -> None:
    """One clue per round named as printed ("PEEL 2025–27"): 8 for the first name in the title span, else 5. A round
    one of the specific text clues above already found is not counted twice."""
    seen: set[str] = set(clues)
    for k, m in enumerate(_ROUND_NAME.finditer(haystack)):
        round_ = _round_of(m)
        if round_ in seen:
            continue
        seen.add(round_)
        weight = _TITLE_NAME_WEIGHT if k == 0 and m.start() < _TITLE_SPAN else EXPLICIT_WEIGHT
        clues[round_].append((f"round named {m.group(0)!r} (+{weight})", weight))


def detect_round(text: str, name: str = "", override: str | None = None) -> RoundDecision | None:
    """The most likely round and the clues for it; None when no clue is found."""
    if override is not None:
        if override not in ROUNDS and not is_later_round(override):
            raise UsageError(f"unknown round {override!r}; expected one of {', '.join(ROUNDS)} or a later YYYY-YY")
        return RoundDecision(
            round=override,
            scale=scale_for(override),
            overridden=True,
            inferred=not vocabulary_known(override),
            clues=["--round override"],
        )
    clues = round_clues(text, name)
    if not clues:
        return None
    scores = {r: sum(w for _, w in found) for r, found in clues.items()}
    named = {r for r, found in clues.items() if any(w >= EXPLICIT_WEIGHT for _, w in found)}
    order = [*ROUNDS, *sorted(r for r in clues if r not in ROUNDS)]
    best = max(named or clues, key=lambda r: (scores[r], -order.index(r)))
    others = ", ".join(f"{r} {s}" for r, s in sorted(scores.items(), key=lambda kv: -kv[1]) if r != best)
    evidence = [c for c, _ in clues[best]]
    if others:
        evidence.append(f"against: {others}")
    log.debug("round %s (score %d) for %s; %s", best, scores[best], name, others or "no other round")
    return RoundDecision(round=best, scale=scale_for(best), inferred=not vocabulary_known(best), clues=evidence)
