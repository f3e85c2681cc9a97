"""Highlights for the review page: which spans of the report text to mark, and how to nest them.

Every extracted value becomes a ``Span`` over the normalised text. ``render_line`` turns one line of
text and the spans over it into HTML with ``<mark>`` elements that always nest properly: a span that
crosses the end of an enclosing one is split at that point (the later piece carries ``data-part``), so
overlapping evidence never produces invalid markup. The first piece of a value's span carries the
``id`` the side panel links to and a back-link to the panel entry.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from peelextract.kinds import KINDS as VALUE_KINDS
from peelextract.models import Evidence, Report

log = logging.getLogger(__name__)

# Kinds of value, in panel order, with their human names (from the registry).
KINDS: tuple[tuple[str, str], ...] = tuple((k.key, k.name) for k in VALUE_KINDS)
KIND_NAMES = dict(KINDS)


@dataclass(frozen=True)
class Span:
    """One highlighted stretch of text. ``role`` is "value" for a value's evidence, "aux" for its
    secondary evidence (a grade's badge, a rate's average) which gets no id."""

    start: int
    end: int
    kind: str
    index: int
    role: str = "value"

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.index}"


@dataclass
class MarkState:
    """What has been emitted so far while rendering one page (first piece of a value gets the id), and
    each value's link into its HTML source (``review_pages.passage_links``), drawn after its first piece."""

    seen: set[str] = field(default_factory=set)
    source_links: dict[str, str] = field(default_factory=dict)


def value_evidence(report: Report) -> Iterable[tuple[str, int, Evidence | None]]:
    for kind in VALUE_KINDS:
        for i, value in enumerate(kind.values(report)):
            yield kind.key, i, value.evidence


def _secondary(report: Report) -> Iterable[tuple[str, int, str, Evidence | None]]:
    """Secondary evidence (a grade's badge, a rate's average), unless it is the value's own evidence."""
    for kind in VALUE_KINDS:
        for i, value in enumerate(kind.values(report) if kind.aux else ()):
            for role, attr in kind.aux:
                ev = getattr(value, attr)
                if ev is None or (ev.start, ev.end) != (value.evidence.start, value.evidence.end):
                    yield kind.key, i, role, ev


def evidence_ok(ev: Evidence, text: str) -> bool:
    """True when the evidence names a non-empty stretch of ``text`` that reads as the evidence says."""
    return ev.end > ev.start and ev.end <= len(text) and text[ev.start : ev.end] == ev.text


def collect_spans(report: Report, text: str) -> tuple[list[Span], list[str]]:
    """The spans to highlight, and a problem message for each value whose evidence is not in ``text``."""
    spans: list[Span] = []
    problems: list[str] = []
    for kind, index, ev in value_evidence(report):
        if ev is None:
            continue
        if evidence_ok(ev, text):
            spans.append(Span(ev.start, ev.end, kind, index))
        else:
            problems.append(
                f"{KIND_NAMES[kind]} #{index + 1}: evidence {ev.text[:60]!r} is not at "
                f"{ev.start}-{ev.end} of the report text"
            )
    for kind, index, role, aux in _secondary(report):
        if aux is not None and evidence_ok(aux, text):
            spans.append(Span(aux.start, aux.end, kind, index, role=role))
    return spans, problems


def nest(spans: Sequence[Span]) -> list[Span]:
    """Split spans so that any two either nest or are disjoint (a laminar family), sorted for output.

    Outer spans come first at equal starts; a span crossing the end of the span enclosing it is cut at
    that end and the rest is queued again, so no text loses its highlight and no tag crosses another.
    """
    heap: list[tuple[int, int, int, Span]] = []
    for seq, s in enumerate(spans):
        if s.end > s.start:
            heapq.heappush(heap, (s.start, -s.end, seq, s))
    out: list[Span] = []
    stack: list[Span] = []
    seq = len(spans)
    while heap:
        _, _, _, s = heapq.heappop(heap)
        while stack and stack[-1].end <= s.start:
            stack.pop()
        if stack and s.end > stack[-1].end:
            cut = stack[-1].end
            rest = Span(cut, s.end, s.kind, s.index, s.role)
            heapq.heappush(heap, (cut, -s.end, seq, rest))
            seq += 1
            s = Span(s.start, cut, s.kind, s.index, s.role)
        out.append(s)
        stack.append(s)
    return out


def clip(spans: Iterable[Span], start: int, end: int) -> list[Span]:
    """The parts of ``spans`` that fall inside ``[start, end)``."""
    return [
        Span(max(s.start, start), min(s.end, end), s.kind, s.index, s.role)
        for s in spans
        if s.start < end and s.end > start
    ]


def _open_tag(s: Span, state: MarkState) -> str:
    attrs = [
        f'class="v k-{s.kind}{" aux" if s.role != "value" else ""}"',
        f'data-kind="{s.kind}"',
        f'data-index="{s.index}"',
        f'data-key="{s.key}"',
    ]
    if s.role != "value":
        attrs.append(f'data-role="{escape(s.role)}"')
    elif s.key in state.seen:
        attrs.append('data-part="cont"')
    else:
        state.seen.add(s.key)
        attrs += [f'id="v-{s.key}"', 'tabindex="-1"']
    return f"<mark {' '.join(attrs)}>"


def _close_tag(s: Span, first: bool, state: MarkState) -> str:
    """The end of a mark; after a value's first piece, its link back to the panel and into its source.

    A warning gets neither: its note beside the line links to it, and its evidence is the evidence of the
    value it is about, so a second "[1]" would stand beside that value's own ("[1][1]")."""
    if not first or s.kind == "warning":
        return "</mark>"
    name = f"{KIND_NAMES[s.kind]} {s.index + 1}"
    back = f'<a class="back" href="#p-{s.key}" data-n="{s.index + 1}" aria-label="{escape(name)} in the panel"></a>'
    href = state.source_links.get(s.key)
    if href is not None:
        back += (
            f'<a class="src" href="{escape(href)}" target="_blank" rel="noopener" '
            f'aria-label="{escape(name)} in the source page" title="open the source page at this passage"></a>'
        )
    return "</mark>" + back


def render_line(text: str, start: int, end: int, spans: Sequence[Span], state: MarkState) -> str:
    """HTML for ``text[start:end]`` with the (clipped, nested) spans as ``<mark>`` elements."""
    parts: list[str] = []
    pos = start
    stack: list[tuple[Span, bool]] = []

    def close_top() -> None:
        nonlocal pos
        top, first = stack.pop()
        parts.append(escape(text[pos : top.end]))
        parts.append(_close_tag(top, first, state))
        pos = top.end

    for s in nest(clip(spans, start, end)):
        while stack and stack[-1][0].end <= s.start:
            close_top()
        parts.append(escape(text[pos : s.start]))
        first = s.role == "value" and s.key not in state.seen
        parts.append(_open_tag(s, state))
        stack.append((s, first))
        pos = s.start
    while stack:
        close_top()
    parts.append(escape(text[pos:end]))
    return "".join(parts)
