"""Areas for improvement and causes of concern, as items with their area.

Targets, each with the number of items it gives:
    a heading "Areas for improvement" / "Area for improvement 1" / "Cause of concern" /
    "Cause of concern: responding to the public" followed by
        bullet items — one item per bullet, up to the first block that is not a bullet;
        paragraphs — one item per paragraph up to the next heading (2023–25: "Area for improvement 1" then
        its text);
        a statement printed as a heading line (no final full stop: "The force needs to improve the time it
        takes to answer non-emergency calls") — one item;
    "In our 2018 PEEL inspection of Cleveland Police, we established an area for improvement:" followed by the
    quoted item on the next line — one item, without its quotation marks ("we identified three causes of
    concern:" followed by a paragraph gives none: the paragraph is not the item); "In 2017, we identified two
    areas for improvement:" — the next two bullets (paragraphs between them, such as "This area for
    improvement has been discharged.", skipped);
    a sentence that says something is a cause of concern ("We found that CDI remained a cause of concern.",
    "The recording rate for violent crime is a particular cause of concern at only 69.2 percent …") — one item;
    a finding that "has given cause for concern" ("Our inspection found:" then the quoted paragraph "Greater
    Manchester Police is failing to respond appropriately … This enduring service failure has given cause for
    concern about public safety …") — one item, the paragraph's first sentence (the finding), quotes left out;
    a sentence that names causes of concern ("… two causes of concern relating to crime data integrity (CDI)
    and the management of sexual offenders", "the remaining causes of concern (investigating crime, and
    building, protecting and supporting the workforce)") — one item per named area not already given one.
Not items: the standard text "we more clearly link our judgments to causes of concern and areas for
improvement", "closing the force's cause of concern regarding …", recommendations under a cause of concern.
"""

from __future__ import annotations

import logging

import regex

from peelextract.document import Block
from peelextract.extract.context import Context, context_area
from peelextract.extract.numbers import parse_int
from peelextract.models import AreaForImprovement

log = logging.getLogger(__name__)

_HEADING = regex.compile(
    r"^(?P<kind>areas? for improvement|causes? of concern)(?:\s+\d+)?\b(?::\s*(?P<rest>.+))?$", regex.IGNORECASE
)
_INTRO = regex.compile(
    r"\b(?:established|identified|raised|made) (?P<n>an?|the following|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|\d+) (?P<kind>areas? for improvement|causes? of concern):\s*$",
    regex.IGNORECASE,
)
_STATEMENT = regex.compile(r"\b(?:should|needs? to|must|is failing|isn't|doesn't|does not|is not)\b", regex.IGNORECASE)
_IS_CONCERN = regex.compile(
    r"\b(?:is|was|were|are|remains?|remained|has been|have been|became|becomes) (?:a |an |the )?"
    r"(?:particular |serious |significant |continuing |further )?causes? (?:of|for) concern\b",
    regex.IGNORECASE,
)
_GIVEN_CONCERN = regex.compile(r"\b(?:has|have|had) given (?:us )?cause (?:for|of) concern\b", regex.IGNORECASE)
_NAMES_CONCERNS = regex.compile(r"\bcauses? of concern (?:\(|relating to\b)", regex.IGNORECASE)
# Areas as letters and narrative name them (not the activity phrases of judgment sentences).
_MENTIONS: tuple[tuple[regex.Pattern[str], str], ...] = tuple(
    (regex.compile(p, regex.IGNORECASE), k)
    for p, k in (
        (r"crime data integrity|\bCDI\b|recording (?:data about )?crime", "recording-data"),
        (
            r"respond(?:ing|ed|s)? to the public|answer(?:ing)? (?:emergency|non-emergency|calls)",
            "responding-to-public",
        ),
        (r"investigat(?:ing|ed|es|ions?) (?:of )?crimes?", "investigating-crime"),
        (r"(?:management of|managing) (?:sexual |registered sex )?offenders", "managing-offenders"),
        (r"vulnerable (?:people|victims)", "protecting-vulnerable-people"),
        (r"\bworkforce\b|positive workplace", "workforce"),
        (r"serious (?:and )?organised crime", "serious-organised-crime"),
        (r"preventing crime|anti-?social behaviour", "preventing-crime"),
        (r"treat(?:ing|ment of) the public|stop and search|use of force", "treatment-of-public"),
    )
)


def _kind(word: str) -> str:
    return "cause_of_concern" if "concern" in word.lower() else "area_for_improvement"


def _count(word: str) -> int:
    w = word.lower()
    if w in ("a", "an"):
        return 1
    if w == "the following":
        return 0
    try:
        return parse_int(w)
    except ValueError:
        return 0


def mentioned_areas(text: str) -> list[str]:
    """Area keys a sentence names, in order of first mention."""
    found = sorted((m.start(), key) for pattern, key in _MENTIONS for m in [pattern.search(text)] if m)
    out: list[str] = []
    for _, key in found:
        if key not in out:
            out.append(key)
    return out


def _headed_items(ctx: Context, blocks: tuple[Block, ...], i: int, kind: str) -> tuple[list[AreaForImprovement], int]:
    """Items under the heading at ``blocks[i]``; returns them and the index of the last block used."""
    items: list[AreaForImprovement] = []
    k = i + 1
    if k < len(blocks) and blocks[k].kind == "heading":
        text = ctx.doc.block_text(blocks[k])
        if _STATEMENT.search(text) and not _HEADING.match(text):
            return [_item(ctx, kind, blocks[k].start, blocks[k].end)], k
        return [], i
    mode = blocks[k].kind if k < len(blocks) else None
    while k < len(blocks) and blocks[k].kind in ("paragraph", "list_item"):
        if mode == "list_item" and blocks[k].kind != "list_item":
            break
        items.append(_item(ctx, kind, blocks[k].start, blocks[k].end))
        k += 1
    return items, k - 1


def _introduced_items(
    ctx: Context,
    blocks: tuple[Block, ...],
    i: int,
    n: int,
    kind: str,
) -> tuple[list[AreaForImprovement], int]:
    """The item(s) an intro line ending with a colon announces: the next block, or the next ``n`` bullets
    (all bullets up to the next heading when it says "the following"). Returns them and the last index used."""
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if nxt is None or nxt.kind == "heading":
        return [], i
    if nxt.kind != "list_item":
        return ([_item(ctx, kind, nxt.start, nxt.end)], i + 1) if n == 1 else ([], i)
    items: list[AreaForImprovement] = []
    last = i
    for k in range(i + 1, len(blocks)):
        if blocks[k].kind == "heading" or (n and len(items) >= n):
            break
        if blocks[k].kind == "list_item":
            items.append(_item(ctx, kind, blocks[k].start, blocks[k].end))
            last = k
    return items, last


def _block_items(ctx: Context) -> list[AreaForImprovement]:
    out: list[AreaForImprovement] = []
    blocks = ctx.doc.blocks
    skip_to = -1
    for i, b in enumerate(blocks):
        if ctx.in_back_matter(b.start):
            break
        if i <= skip_to:
            continue
        text = ctx.doc.block_text(b)
        heading = _HEADING.match(text) if b.kind == "heading" else None
        intro = None if heading else _INTRO.search(text)
        if heading:
            items, skip_to = _headed_items(ctx, blocks, i, _kind(heading.group("kind")))
        elif intro:
            items, skip_to = _introduced_items(ctx, blocks, i, _count(intro.group("n")), _kind(intro.group("kind")))
        else:
            continue
        out.extend(items)
    return out


def _sentence_items(ctx: Context, taken: list[AreaForImprovement]) -> list[AreaForImprovement]:
    """Causes of concern stated in running text, one per sentence (or per named area)."""
    spans = [(a.evidence.start, a.evidence.end) for a in taken]
    covered: set[str] = set()
    stated: list[AreaForImprovement] = []
    naming: list[tuple[int, int]] = []
    text = ctx.doc.text
    for s_start, s_end in ctx.sentences:
        if ctx.in_back_matter(s_start) or any(a <= s_start < b for a, b in spans):
            continue
        sentence = text[s_start:s_end]
        if "concern" not in sentence.casefold():  # all three patterns below hold the word (a cheap check first)
            continue
        if _IS_CONCERN.search(sentence):
            stated.append(_item(ctx, "cause_of_concern", s_start, s_end))
            covered.update(mentioned_areas(sentence))
        elif _GIVEN_CONCERN.search(sentence):
            item = _finding_item(ctx, s_start)
            stated.append(item)
            covered.update([item.area] if item.area else mentioned_areas(item.text))
        elif _NAMES_CONCERNS.search(sentence):
            naming.append((s_start, s_end))
    for s_start, s_end in naming:
        for key in mentioned_areas(text[s_start:s_end]):
            if key not in covered:
                covered.add(key)
                stated.append(_item(ctx, "cause_of_concern", s_start, s_end, area=key))
    return stated


def _finding_item(ctx: Context, offset: int) -> AreaForImprovement:
    """The first sentence of the paragraph holding ``offset``, without an opening quotation mark."""
    text = ctx.doc.text
    start = text.rfind("\n", 0, offset) + 1
    first_start, first_end = ctx.sentence_at(start)
    while first_start < first_end and text[first_start] in "\"' ":
        first_start += 1
    return _item(ctx, "cause_of_concern", first_start, first_end)


def extract_improvements(ctx: Context) -> list[AreaForImprovement]:
    items = _block_items(ctx)
    items.extend(_sentence_items(ctx, items))
    return sorted(items, key=lambda a: a.evidence.start)


def unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` without quotation marks around the whole of it: an item quoted from an earlier
    report ('"The force needs to develop … its disruptive effect."' on the line after "we established an
    area for improvement:") is the words inside them; '"… effect".' gives "… effect". Only a pair around it
    all comes off, and only when the mark does not also occur inside (an apostrophe, a quotation within)."""
    if end - start < 3 or (mark := text[start]) not in "\"'":
        return start, end
    close = end - 2 if text[end - 1] == "." and text[end - 2] == mark else end - 1
    if close <= start + 1 or text[close] != mark or mark in text[start + 1 : close]:
        return start, end
    return start + 1, close


def _item(ctx: Context, kind: str, start: int, end: int, area: str | None = None) -> AreaForImprovement:
    start, end = unquoted(ctx.doc.text, start, end)
    text = ctx.doc.text[start:end]
    return AreaForImprovement(
        kind="cause_of_concern" if kind == "cause_of_concern" else "area_for_improvement",
        text=text,
        area=area or ctx.area_at(start) or _question_area(ctx, start),
        section=ctx.section_id(start),
        evidence=ctx.doc.evidence(start, end),
    )


def _question_area(ctx: Context, offset: int) -> str | None:
    """In pillar-page rounds items sit under a question ("To what extent does the force treat all of the
    people it serves with fairness and respect?"), not under an area section: the question's area."""
    area = context_area(ctx, offset, None)
    return area.key if area is not None else None
