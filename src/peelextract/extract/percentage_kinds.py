"""What a percentage without a confidence interval is: a share of a whole, a change of a quantity, or a rate,
and what it is a percentage of.

Targets (the sample report has 5: two changes, two shares, one rate):
    change  "there was a 37 percent increase in use of force incidents recorded compared to the previous year"
              → of "use of force incidents recorded", increase, base "the previous year", period from the
                sentence ("the year ending 31 March 2021")
            "a 25 percent increase over a 6-month period in the number of children being identified …"
            "Recorded anti-social behaviour incidents fell by 14 percent …"   (the subject is the quantity)
            "… rose by 4.2 percentage points over the same period."           (unit points)
    rate    "the team had an overall vacancy rate of 33.3 percent"  → rate_name "vacancy rate", of "the team"
            "the force's charge rate for rape offences was 6 percent"  → of "rape offences"
    share   "less than half (46 percent) of the workforce have …"  → of "the workforce", qualifier
            "only 23 percent of these were filled" → of "PIP2 investigator posts" (the sentence before:
              "Cleveland Police has 413 PIP2 investigator posts.")
            "75 percent of those records contained …" → "stop and search records" (sentence before)
            "24 percent of these calls were abandoned" → "non-emergency calls" (earlier in the sentence)
Expected: one kind per percentage; ``of`` from the sentence or the one before, else null (unknown).
"""

from __future__ import annotations

from typing import Any

import regex

from peelextract.extract.window import REACH, Window, around, squash, tail
from peelextract.rounds.measures import PERIOD

_Q = r"less than half|more than half|around|about|only|nearly|almost|over|more than|less than|just|approximately"
_QUALIFIER = regex.compile(rf"\b(?P<q>{_Q})\s*\(?\s*$", regex.IGNORECASE)
_NOUN_CHANGE = regex.compile(r"^\s+(?P<dir>increase|rise|reduction|decrease|fall|drop|decline)\b", regex.IGNORECASE)
_ARTICLE_BEFORE = regex.compile(r"\b(?:a|an)\s+$", regex.IGNORECASE)
_VERB_CHANGE = regex.compile(
    r"(?:^|,\s+)(?P<of>[^,;]+?)\s+(?P<verb>rose|increased|grew|went up|fell|decreased|dropped|declined|reduced|"
    r"went down)\s+by\s+$",
    regex.IGNORECASE,
)
_OF_CHANGE = regex.compile(
    r"\b(?:a|an)\s+(?P<dir>increase|rise|reduction|decrease|fall|drop|decline)\s+of\s+$", regex.IGNORECASE
)
_IN_WHAT = regex.compile(
    r"\bin\s+(?P<of>[^,;.]+?)(?=\s+compared\b|\s+since\b|\s+between\b|\s+over\b|[,;.]|$)", regex.IGNORECASE
)
_BASE = regex.compile(r"\bcompared\s+(?:to|with)\s+(?P<base>[^,;.]+)", regex.IGNORECASE)
_RATE = regex.compile(
    r"\b(?P<name>[\w-]+\s+rate)(?:\s+for\s+(?P<for>[^,;.]+?))?\s+(?:of|was|is|stood at|were)\s+(?:only\s+|just\s+)?$",
    regex.IGNORECASE,
)
_STOP = (
    r"to|from|for|in|on|at|by|with|within|over|during|after|before|since|that|which|who|whose|where|when|"
    r"are|is|was|were|have|has|had|be|been|do|did|will|would|could|should|can|may|might|and|but|or"
)
_NP_WORD = regex.compile(r"[\w'’\u2011-]+")
_STOPWORD = regex.compile(rf"^(?:{_STOP})$", regex.IGNORECASE)
_POINTER = regex.compile(r"^(?P<ptr>these|those|them|this)(?:\s+(?P<head>[a-z][\w-]*))?", regex.IGNORECASE)
_MONTH = regex.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|December|percent|per)\b",
    regex.IGNORECASE,
)
_NUMBER = regex.compile(r"(?<![\w.,])\d[\d,]*\s+")
_NOMINAL = frozenset({"stop", "and", "search", "emergency", "custody", "crime", "case", "incident", "investigator"})


def _phrase(words: str) -> str | None:
    """The noun phrase at the start of ``words``: up to 8 words, ending before a preposition, a verb form or
    punctuation ("the workforce have a …" → "the workforce")."""
    out: list[str] = []
    prev_end = 0
    for m in _NP_WORD.finditer(words):
        if regex.search(r"[,;.:()]", words[prev_end : m.start()]) or len(out) == 8:
            break
        w = m.group(0)
        stop_and_search = w.lower() == "and" and out and out[-1].lower() == "stop"
        if (_STOPWORD.match(w) and not stop_and_search) or (out and w.lower().endswith("ed")):
            break
        out.append(w)
        prev_end = m.end()
    return " ".join(out) or None


def _number_np(text: str, head: str | None) -> str | None:
    """ "… has 413 PIP2 investigator posts." → "PIP2 investigator posts" (ending in ``head`` when given)."""
    for m in _NUMBER.finditer(text):
        np = _phrase(text[m.end() :])
        if np and not _MONTH.match(np) and (head is None or np.lower().endswith(head.lower())):
            return np
    return None


def _trimmed_np(text: str, head: str) -> str | None:
    """The words before the last ``head`` in ``text`` that modify it: hyphenated, capitalised or a
    known noun modifier ("to answer non-emergency calls" → "non-emergency calls")."""
    found = list(regex.finditer(rf"\b{regex.escape(head)}\b", text, flags=regex.IGNORECASE))
    if not found:
        return None
    words = text[: found[-1].start()].split()
    kept: list[str] = []
    for w in reversed(words):
        if "-" in w or "\u2011" in w or w[0].isupper() or w.lower() in _NOMINAL:
            kept.insert(0, w)
        else:
            break
    return " ".join([*kept, found[-1].group(0)])


def _resolve_pointer(ptr: str, head: str | None, pre: str, win: Window) -> tuple[str | None, str | None]:
    """What "these" / "those records" points to: earlier in the sentence (only with a noun), else the
    sentence before; (phrase, where)."""
    if head:
        same = _number_np(pre, head) or _trimmed_np(pre, head)
        if same:
            return same, "sentence"
    if win.previous is not None:
        before = tail(win.previous)
        prev = _number_np(before, head) or (_trimmed_np(before, head) if head else None)
        if prev:
            return prev, "previous-sentence"
    return None, None


_VERB_AFTER_POINTER = regex.compile(rf"^(?:{_STOP}|\w+ed)$", regex.IGNORECASE)


def _share_of(pre: str, post: str, win: Window) -> dict[str, Any]:
    m = regex.match(r"^\)?\s+of\s+", post)
    if m is None:
        return {}
    rest = post[m.end() :]
    ptr = _POINTER.match(rest)
    if ptr:
        head = ptr.group("head")
        if head and _VERB_AFTER_POINTER.match(head):
            head = None
        of_text = squash(f"{ptr.group('ptr')} {head}" if head else ptr.group("ptr"))
        of, where = _resolve_pointer(ptr.group("ptr"), head, pre, win)
        return {"of": of, "of_text": of_text, "of_from": where}
    of = _phrase(rest)
    return {"of": of, "of_from": "sentence" if of else None}


def _change(pre: str, post: str, sentence: str) -> dict[str, Any] | None:
    period = PERIOD.search(sentence)
    base = _BASE.search(post)
    common = {
        "base": squash(base.group("base")) if base else None,
        "period": squash(period.group(0)) if period else None,
    }
    noun = _NOUN_CHANGE.match(post) if _ARTICLE_BEFORE.search(pre) else None
    of_change = _OF_CHANGE.search(pre)
    if noun or of_change:
        word = (noun or of_change).group("dir").lower()  # type: ignore[union-attr]
        rest = post[noun.end() :] if noun else post
        what = _IN_WHAT.search(rest)
        of = squash(what.group("of")) if what else None
        direction = "increase" if word in ("increase", "rise") else "decrease"
        return {"kind": "change", "direction": direction, "of": of, "of_from": "sentence" if of else None, **common}
    verb = _VERB_CHANGE.search(pre)
    if verb:
        direction = "increase" if verb.group("verb").lower() in ("rose", "increased", "grew", "went up") else "decrease"
        of = squash(verb.group("of"))
        return {"kind": "change", "direction": direction, "of": of, "of_from": "sentence", **common}
    return None


def _rate(pre: str) -> dict[str, Any] | None:
    m = _RATE.search(pre)
    if m is None:
        return None
    name = squash(m.group("name"))
    of = squash(m.group("for")) if m.group("for") else None
    if of is None:
        subj = regex.search(
            rf"\b(?P<s>(?:the|its|their)\s+[\w'’ -]+?)\s+(?:had|has|have)\s+(?:an?\s+)?(?:[\w-]+\s+)?"
            rf"{regex.escape(name)}",
            pre,
            flags=regex.IGNORECASE,
        )
        of = squash(subj.group("s")) if subj else None
    return {"kind": "rate", "rate_name": name, "of": of, "of_from": "sentence" if of else None}


def describe_percentage(win: Window, start: int, end: int) -> dict[str, Any]:
    """The kind and ``of`` fields of the percentage at [start, end) (document offsets) in its window."""
    s = win.sentence
    pre = s.text[max(0, start - s.start - REACH) : max(0, start - s.start)]
    post = s.text[max(0, end - s.start) : max(0, end - s.start) + REACH]
    q = _QUALIFIER.search(pre)
    fields: dict[str, Any] = {"qualifier": squash(q.group("q")) if q else None}
    found = _change(pre, post, around(s, start, end)) or _rate(pre)
    if found is not None:
        return {**fields, **found}
    return {**fields, "kind": "share", **_share_of(pre, post, win)}
