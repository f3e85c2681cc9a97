"""The one-sentence window of the number rules: a number's own sentence, the one before and the one after.

What a number measures (or counts, or is a percentage of) is read from its sentence, else from the sentence
right before it, never further back; a change verdict from its sentence or the one right after. A neighbour
counts only when it is prose (a paragraph or list item): a heading, caption, badge or table cell is never
the sentence before, so a section's title never names a measure.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from peelextract.extract.context import Context

_PROSE = frozenset({"paragraph", "list_item"})


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Window:
    """A number's sentence and its prose neighbours (None at a heading, caption or the document's edge)."""

    sentence: Span
    previous: Span | None
    next: Span | None


def _prose(ctx: Context, start: int) -> bool:
    blocks = ctx.doc.blocks
    return bool(blocks) and blocks[ctx.block_index(start)].kind in _PROSE


def _span(ctx: Context, bounds: tuple[int, int]) -> Span:
    return Span(bounds[0], bounds[1], ctx.doc.text[bounds[0] : bounds[1]])


def window_at(ctx: Context, offset: int) -> Window:
    """The window around the sentence holding ``offset`` (a one-offset sentence when none holds it)."""
    i = bisect.bisect_right(ctx.sentences, (offset, math.inf)) - 1  # O(log n): no list built per number
    if i < 0 or not (ctx.sentences[i][0] <= offset < ctx.sentences[i][1]):
        return Window(Span(offset, offset, ""), None, None)
    prev = ctx.sentences[i - 1] if i > 0 and _prose(ctx, ctx.sentences[i - 1][0]) else None
    nxt = ctx.sentences[i + 1] if i + 1 < len(ctx.sentences) and _prose(ctx, ctx.sentences[i + 1][0]) else None
    return Window(
        _span(ctx, ctx.sentences[i]),
        _span(ctx, prev) if prev else None,
        _span(ctx, nxt) if nxt else None,
    )


# How far from a number its rules read, in characters: more than any real sentence needs on either side, and
# a bound on the work per number when a hostile "sentence" runs for megabytes.
REACH = 600


def around(span: Span, start: int, end: int) -> str:
    """The text of ``span`` within ``REACH`` characters of [start, end)."""
    lo, hi = max(span.start, start - REACH), min(span.end, end + REACH)
    return span.text[lo - span.start : hi - span.start]


def tail(span: Span | None) -> str:
    """The last ``REACH`` characters of a sentence before the number's (the words nearest to it)."""
    return span.text[-REACH:] if span is not None else ""


def head(span: Span | None) -> str:
    """The first ``REACH`` characters of the sentence after the number's."""
    return span.text[:REACH] if span is not None else ""


def squash(text: str) -> str:
    """White space runs (PDF line breaks) as one space, ends trimmed."""
    return " ".join(text.split())
