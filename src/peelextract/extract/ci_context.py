"""What a CI percentage measures, the verdict printed against its previous estimate, and the link between them.

Targets (the sample report prints four pairs; each current value is followed by a "This is …" sentence):
    "We estimate that Cleveland Police is recording 96.4 percent (…) of all reported crime (excluding fraud).
     This is a statistically significant improvement compared with the findings from our previous 2021
     inspection, where we found that 89.9 percent (…) of all reported crimes were recorded."
        → 96.4: crime-recording-all, significant-improvement; 89.9: crime-recording-all, previous of 96.4
    "This represents a recording rate of 80.4 percent (…)."  (CDI 2016–2019; the sentence before says
     "fails to record over 35,200 reported crimes each year")  → crime-recording-all, from the previous sentence
    "For violent crime, we estimate that the force records 85.27 percent (…) of reported offences, compared
     with 79.40 percent (…) when we last inspected."  → both crime-recording-violence; change not-stated
    "We estimate that 87.5 percent (…) of crimes were assigned the correct outcome type."  → other
    "This figure is 91.0 percent (…)."  with no measure in the sentence before  → unknown (never a guess)
Expected: every CI value gets a measure (8 known on the sample report); every current value a change
(4 printed verdicts on the sample); every previous value the current value it is compared with (4).

Measure, in order: a vocabulary phrase in the words after the value (up to the next CI); one anywhere in the
sentence (most specific first); the words after "of" when they name something outside the vocabulary
(``other``); a vocabulary phrase in the sentence before; else ``unknown``.
"""

from __future__ import annotations

import regex

from peelextract.extract.context import Context
from peelextract.extract.window import REACH, Span, Window, around, head, squash, tail, window_at
from peelextract.models import ChangeKey, CIPercentage, CIRef, FoundIn, MeasureKey
from peelextract.rounds.measures import CHANGE_PATTERNS, GENERIC_MEASURE, MEASURE_PATTERNS

Measure = tuple[MeasureKey, str | None, FoundIn | None]
Verdict = tuple[ChangeKey, str | None]
_OF_TAIL = regex.compile(r"^\s*of\s+(?P<what>[^,;.()]+?)\s*(?:[,;.]|$|\bcompared\b)", regex.IGNORECASE)


def find_measure(text: str) -> tuple[MeasureKey, str] | None:
    """The vocabulary measure named in ``text``: overlapping matches keep the longest ("sexual offences,
    including rape" over "rape"); all crime gives way to a specific group ("For violent crime, … of reported
    crimes"); two different specific groups ("sexual offences, domestic abuse-related crimes and rape") name
    no one measure, so none is returned rather than a guess."""
    found: list[tuple[int, int, int, MeasureKey]] = []
    for rank, (key, pattern) in enumerate(MEASURE_PATTERNS):
        found.extend((m.start(), m.end(), rank, key) for m in pattern.finditer(text))
    kept = [
        f
        for f in found
        if not any(o[0] <= f[0] and f[1] <= o[1] and o[1] - o[0] > f[1] - f[0] for o in found if o is not f)
    ]
    if len({f[3] for f in kept} - {"crime-recording-all"}) > 1:
        return None
    if not kept:
        return None
    start, end, _, key = min(kept, key=lambda f: (f[2], f[0]))
    return key, squash(text[start:end])


def _other(tail: str) -> str | None:
    """ "of crimes were assigned the correct outcome type" → that phrase; generic nouns ("of reported
    offences") name no measure."""
    m = _OF_TAIL.match(tail)
    if m is None:
        return None
    what = squash(m.group("what"))
    return None if GENERIC_MEASURE.match(what) or len(what.split()) < 2 else what


def measure_of(after: str, sentence: str, win: Window) -> Measure:
    """The measure of a value whose following words (to the next CI or the sentence end) are ``after``, in
    ``sentence`` (its sentence, within reach)."""
    for text in (after, sentence):
        found = find_measure(text)
        if found:
            return found[0], found[1], "sentence"
    other = _other(after)
    if other:
        return "other", other, "sentence"
    found = find_measure(tail(win.previous)) if win.previous else None
    if found:
        return found[0], found[1], "previous-sentence"
    return "unknown", None, None


def _verdict(text: str) -> Verdict:
    for key, pattern in CHANGE_PATTERNS:
        m = pattern.search(text)
        if m:
            return key, squash(m.group(0))
    return "not-stated", None


def change_of(c: CIPercentage, win: Window, here: list[CIPercentage], after: list[CIPercentage]) -> Verdict:
    """The verdict for a current value: read only where the previous estimate is printed — later in the same
    sentence (before the next current value; ``here`` are the values after it) or in the next sentence
    (``after``, its first values, when it holds no current value)."""
    later = here
    next_current = next((x.evidence.start for x in later if x.period == "current"), win.sentence.end)
    if any(x.period == "previous" and x.evidence.start < next_current for x in later):
        return _verdict(_slice(win, c.evidence.end, min(next_current, c.evidence.end + REACH)))
    if win.next is not None and after and all(x.period == "previous" for x in after):
        return _verdict(head(win.next))
    return "none", None


def _slice(win: Window, start: int, end: int) -> str:
    s = win.sentence
    return s.text[start - s.start : end - s.start]


def _link(c: CIPercentage, candidates: list[CIPercentage]) -> CIRef | None:
    """The current value a previous one is compared with: the nearest current value before it, of the same
    measure, in its sentence or the sentence before (``candidates``, in document order)."""
    same = [x for x in candidates if x.period == "current" and x.evidence.start < c.evidence.start]
    same = [x for x in same if x.measure == c.measure]
    return CIRef(value=same[-1].value, ci=same[-1].ci) if same else None


# A comparison sits beside its value: the rules look at this many values on either side within the window
# (real sentences print one or two), which keeps a hostile run of thousands of intervals linear.
_NEARBY = 4


def annotate_cis(ctx: Context, cis: list[CIPercentage]) -> list[CIPercentage]:
    """``cis`` (in document order) with measure, change and link filled in."""
    windows = [window_at(ctx, c.evidence.start) for c in cis]
    by_sentence: dict[int, list[int]] = {}
    position: list[int] = []
    for i, win in enumerate(windows):
        group = by_sentence.setdefault(win.sentence.start, [])
        position.append(len(group))
        group.append(i)
    measured: list[CIPercentage] = []
    for i, (c, win) in enumerate(zip(cis, windows, strict=True)):
        group = by_sentence[win.sentence.start]
        nxt = group[position[i] + 1] if position[i] + 1 < len(group) else None
        end = cis[nxt].evidence.start if nxt is not None else win.sentence.end
        after = _slice(win, c.evidence.end, min(end, c.evidence.end + REACH))
        key, text, where = measure_of(after, around(win.sentence, c.evidence.start, c.evidence.end), win)
        measured.append(c.model_copy(update={"measure": key, "measure_text": text, "measure_from": where}))

    def near(span: Span | None, lo: int, hi: int) -> list[CIPercentage]:
        group = by_sentence.get(span.start, []) if span is not None else []
        return [measured[j] for j in group[max(0, lo) : max(0, hi)]]

    out: list[CIPercentage] = []
    for i, (c, win) in enumerate(zip(measured, windows, strict=True)):
        k = position[i]
        if c.period == "current":
            here = near(win.sentence, k + 1, k + 1 + _NEARBY)
            change, change_text = change_of(c, win, here, near(win.next, 0, _NEARBY))
            out.append(c.model_copy(update={"change": change, "change_text": change_text}))
        else:
            last = len(by_sentence.get(win.previous.start, [])) if win.previous is not None else 0
            before = near(win.previous, last - _NEARBY, last) + near(win.sentence, k - _NEARBY, k)
            out.append(c.model_copy(update={"current": _link(c, before)}))
    return out
