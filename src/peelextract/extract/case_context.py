"""What a case count counted (its population) and what held for the X counted (its finding).

Targets (the sample report has 12 counts, each with both):
    "In 75 of the 77 cases we reviewed, the force applied a structured approach to assessing risk."
        → cases-reviewed "cases we reviewed"; finding: the clause after the lead-in
    "And 18 of 87 relevant cases failed to achieve the investigative standards expected."
        → relevant-cases; finding: the predicate ("failed to achieve …")
    "In nearly all cases we reviewed (89 of 90 cases), we found that allocation was made …"
        → "cases"; finding after "we found that"
    "Of the records we reviewed for stop and searches on people from ethnic minorities, 14 of 18 records had …"
        → records, the population named by the "Of the …," lead-in
    "Most investigations were completed promptly (64 of 70 cases), but …"  → finding before the count
    "Call handlers identified repeat victims in 36 of the 41 calls we listened to."  → finding before
    "We reviewed 12 domestic abuse cases that … In 8 of the 12, the victim wasn't told …"
        → population from the sentence before ("domestic abuse cases"); unknown when it names none
Expected: one population and one finding per count; the population key from ``rounds.measures``.
"""

from __future__ import annotations

from typing import Any

import regex

from peelextract.extract.window import Window, squash, tail
from peelextract.models import PopulationKey
from peelextract.rounds.measures import POPULATION_PATTERNS, POPULATION_TAIL

_LEAD_OF = regex.compile(r"(?:^|[,;]\s*)Of the (?P<np>[^,;]+?),\s*$", regex.IGNORECASE)
_FOUND = regex.compile(r"^(?:we (?:also )?found|we saw|it was found)(?: that)?\s+", regex.IGNORECASE)
_AFTER_JUNK = regex.compile(r"^[\s,;:)]+")
_NEXT_LEAD = regex.compile(
    r"[\s,;]*(?:\b(?:but|and|while|whereas|although)\b)?\s*(?:\bin\b)?\s*"
    r"(?:\b(?:just|only|nearly all|almost all|all|most|a few|some)\b)?\s*(?:\()?[\s.]*$",
    regex.IGNORECASE,
)
_COUNT_LEAD = regex.compile(
    r"(?:\s*,)?\s*(?:\b(?:in|for|across)\b)?\s*(?:\b(?:just|only|nearly all|almost all|all|most|around)\b)?\s*$",
    regex.IGNORECASE,
)
_CONJ = regex.compile(r"^(?:but|and|however|so|yet|also)\b,?\s*", regex.IGNORECASE)
_NUMBER_NP = (
    r"(?<![\w.,]){y}\s+(?P<np>(?:[\w'’\u2011-]+\s+){{0,4}}?[\w'’\u2011-]+?)"
    r"(?=\s+(?:that|which|who|we|to|from|for|in|where|were|was)\b|[,.;:]|$)"
)


def population_key(text: str | None) -> PopulationKey:
    if not text:
        return "unknown"
    for key, pattern in POPULATION_PATTERNS:
        if pattern.search(text):
            return key
    return "other"


def _population_in_sentence(sentence: str, m: regex.Match[str], clause_start: int) -> tuple[str, int]:
    """The counted noun phrase and where it ends in the sentence: an "Of the …," lead-in naming the same noun,
    else the modifiers, the noun and what follows it ("cases we reviewed", "cases where …")."""
    noun = m.group("noun")
    lead = _LEAD_OF.search(sentence[clause_start : m.start()])
    tail = POPULATION_TAIL.match(sentence[m.end() :])
    end = m.end() + (tail.end() if tail else 0)
    if lead and noun.lower() in lead.group("np").lower():
        return squash(lead.group("np")), end
    return squash(f"{m.group('mods')} {noun}{tail.group(0) if tail else ''}"), end


def _population_before(y: str, win: Window) -> str | None:
    """ "In 8 of the 12," names no noun: "We reviewed 12 domestic abuse cases that …" in the sentence before."""
    if win.previous is None:
        return None
    found = regex.search(_NUMBER_NP.format(y=regex.escape(y)), tail(win.previous), flags=regex.IGNORECASE)
    return squash(found.group("np")) if found else None


def _clean_after(text: str) -> str:
    text = _AFTER_JUNK.sub("", text)
    text = _FOUND.sub("", text)
    return squash(_NEXT_LEAD.sub("", text))


def _clean_before(text: str) -> str:
    return squash(_CONJ.sub("", _COUNT_LEAD.sub("", text).strip()))


def _finding(sentence: str, m: regex.Match[str], pop_end: int, clause: tuple[int, int]) -> tuple[str | None, bool]:
    """(finding, read before the count). After the count unless the count ends its clause or sits in
    brackets after the finding ("Most investigations were completed promptly (64 of 70 cases)")."""
    clause_start, clause_end = clause
    before = sentence[clause_start : m.start()]
    paren = before.rstrip().endswith("(")
    if paren:
        close = sentence.find(")", m.end())
        pop_end = close + 1 if close != -1 else pop_end
        head = before.rstrip()[:-1].strip()
        if head and not regex.match(r"^(?:\w+\s+)?in\b", head, flags=regex.IGNORECASE):
            return _clean_before(head) or None, True
    after = _clean_after(sentence[pop_end:clause_end]) if pop_end < clause_end else ""
    if len(after.split()) >= 2:
        return after, False
    found = _clean_before(before)
    return (found or None), True


def describe_case(
    sentence: str, m: regex.Match[str], clause: tuple[int, int], win: Window
) -> tuple[dict[str, Any], str | None]:
    """Population fields and the finding of the count matched by ``m``; the second item is the finding when it
    was read before the count (the clause polarity is then read from it), else None."""
    text: str | None
    if m.group("noun"):
        text, pop_end = _population_in_sentence(sentence, m, clause[0])
        where: str | None = "sentence"
    else:
        text, pop_end = _population_before(m.group("y"), win), m.end()
        where = "previous-sentence" if text else None
    finding, before = _finding(sentence, m, pop_end, clause)
    fields = {
        "population": population_key(text),
        "population_text": text,
        "population_from": where,
        "finding": finding,
    }
    return fields, finding if before else None
