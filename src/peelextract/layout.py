"""PDF layout: characters → lines → blocks, with the published editions' furniture taken out.

    pages_to_lines → drop_furniture (running header/footer bands, page labels kept) → drop_contents →
    split_footnotes → drop_charts → lines_to_blocks (headings by size/weight, badges, bullets,
    paragraphs joined across lines and page breaks, line-end hyphens undone only where the joined word
    is a word of this document) → read_grade_table → Document
Every kept character keeps its page and box, so evidence can be drawn on the page.

A tagged PDF's structure tags (``PdfPage.tags``) come first, where geometry cannot see: ``drop_tagged``
takes out /Artifact lines (a page-number artifact kept as the page label), figure contents and notes; then
a heading element is a heading of its level whatever its type size, a list item, caption or table cell is
that, and one element is one block (a paragraph stays whole across a page break, two elements never
merge). A P is taken as a paragraph only when the document tags some headings: a PDF that tags everything
P says nothing, so its headings are still found by size and weight. Lines with no tag go through the
geometry alone, and the furniture bands, contents, footnote and chart steps still run after the tags. An
untagged PDF takes none of these branches.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from dataclasses import dataclass, field

import regex

from peelextract.document import BlockKind, Document, DocumentBuilder
from peelextract.layout_furniture import (
    CAPTION,
    continues_caption,
    drop_charts,
    drop_contents,
    drop_furniture,
    drop_tagged,
    split_footnotes,
    tag_kinds,
)
from peelextract.layout_lines import Line, page_to_lines
from peelextract.layout_tables import TableRow, read_grade_table
from peelextract.pages import PdfPage, PdfPages, StructTag
from peelextract.rounds.scales import GRADE_LINE

log = logging.getLogger(__name__)

_BULLET = regex.compile(r"^[•●▪◦‣–-]\s")
_TERMINAL = regex.compile(r"[.!?:;\"'’”)]$")
_WORD = regex.compile(r"[A-Za-z]+(?:[-\ufffe][A-Za-z]+)*")
_HYPHENS = "-\ufffe\x02"


@dataclass
class _Block:
    kind: BlockKind
    lines: list[Line] = field(default_factory=list)
    level: int = 0
    row: int | None = None


def body_size(pages: list[list[Line]]) -> float:
    """The most common font size, weighted by characters: the size of running text."""
    counts: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            counts[line.size] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def _line_kind(line: Line, body: float, kinds: tuple[BlockKind | None, ...] = ()) -> BlockKind:
    text = line.text.strip()
    tagged = kinds[line.tag - 1] if line.tag > 0 else None
    if tagged == "table_cell":
        return tagged  # a grade in a tagged table is a cell of its row, not a badge
    if GRADE_LINE.match(text):
        return "badge"
    if tagged is not None:
        return tagged
    if CAPTION.match(text):
        return "caption"
    if line.size >= body * 1.15 or (line.bold and not _TERMINAL.search(text) and len(text) < 200):
        return "heading"
    if _BULLET.match(text):
        return "list_item"
    return "paragraph"


def _starts_new_block(prev: _Block, line: Line, kind: BlockKind, pitch: float) -> bool:
    last = prev.lines[-1]
    if line.tag > 0 and last.tag > 0:  # both lines tagged: one element is one block, wherever its lines are
        if line.tag != last.tag:
            return True
        if kind == prev.kind:
            return False
    if kind != "paragraph" or prev.kind not in ("paragraph", "list_item"):
        return not (
            kind == "heading"
            and prev.kind == "heading"
            and line.page == last.page
            and line.top - last.bottom < pitch
            and abs(line.size - last.size) < 0.5
        )
    if line.page != last.page:
        return bool(_TERMINAL.search(last.text.strip())) and not line.text[:1].islower()
    if prev.kind == "list_item":
        return line.x0 < prev.lines[0].x0 + 4
    return line.top - last.top > pitch * 1.3


def _caption_goes_on(prev: _Block, line: Line) -> bool:
    """An untagged line that is the next line of the caption block ``prev`` (see ``continues_caption``).
    Asked only of a line that would otherwise start a heading (bold, no final stop): a caption in body
    type is not extended, so a paragraph set close under it is never taken into it."""
    return prev.kind == "caption" and line.tag <= 0 and continues_caption(prev.lines[-1], line, prev.lines[0])


def lines_to_blocks(pages: list[list[Line]], body: float, struct: tuple[StructTag, ...] = ()) -> list[_Block]:
    flat = [line for lines in pages for line in lines]
    kinds = tag_kinds(struct)
    pitches = [
        b.top - a.top
        for a, b in itertools.pairwise(flat)
        if a.page == b.page and abs(a.size - body) < 0.5 and abs(b.size - body) < 0.5 and b.top > a.top
    ]
    pitch = sorted(pitches)[len(pitches) // 2] if pitches else body * 1.4
    blocks: list[_Block] = []
    for line in flat:
        kind = _line_kind(line, body, kinds)
        if kind == "heading" and blocks and _caption_goes_on(blocks[-1], line):
            blocks[-1].lines.append(line)
            continue
        if blocks and not _starts_new_block(blocks[-1], line, kind, pitch):
            blocks[-1].lines.append(line)
            continue
        tag = struct[line.tag - 1] if line.tag > 0 and kinds[line.tag - 1] == kind else None
        if tag is not None:
            blocks.append(_Block(kind, [line], tag.level, tag.row or None))
            continue
        level = 2 if kind == "heading" and line.size >= body * 1.3 else (3 if kind == "heading" else 0)
        blocks.append(_Block(kind, [line], level))
    return blocks


def document_words(pages: list[list[Line]]) -> tuple[set[str], set[str]]:
    """Lower-cased words and hyphenated compounds that occur inside lines (not split by a line end)."""
    # One search over all lines (a word never spans the "\n" between them); the words are ASCII, so lowering
    # them joined is lowering each.
    bodies = "\n".join([line.text.rstrip(_HYPHENS + " ") for lines in pages for line in lines])
    found = set("\n".join(_WORD.findall(bodies)).replace("\ufffe", "-").lower().split("\n")) - {""}
    compounds = {w for w in found if "-" in w}
    words = found - compounds
    for w in compounds:
        words.update(w.split("-"))
    return words, compounds


# Prefixes that British English hyphenates ("anti-social", "co-ordinate", "evidence-led"): a line-end
# hyphen after one of them is kept even when the closed form also occurs ("antisocial").
_COMPOUND_HEADS = frozenset(
    {
        "anti",
        "non",
        "co",
        "cross",
        "multi",
        "self",
        "well",
        "ex",
        "evidence",
        "body",
        "semi",
        "cyber",
        "ill",
        "victim",
        "abuse",
        "crime",
        "force",
        "intelligence",
        "risk",
    }
)


_LAST_WORD = regex.compile(r"[A-Za-z]+$")
_FIRST_WORD = regex.compile(r"[A-Za-z]+")


def _join_hyphen(left: str, right: str, vocab: tuple[set[str], set[str]]) -> bool:
    """True when a line-end hyphen between ``left`` and ``right`` is a hyphenation break, not a real hyphen:
    the joined word occurs elsewhere in the document, the hyphenated form does not, and the left part is
    not a prefix that is usually hyphenated."""
    words, compounds = vocab
    head = _LAST_WORD.search(left.rstrip(_HYPHENS))
    tail = _FIRST_WORD.match(right)
    if head is None or tail is None:
        return False
    joined, hyphenated = (head.group(0) + tail.group(0)).lower(), f"{head.group(0)}-{tail.group(0)}".lower()
    if hyphenated in compounds or head.group(0).lower() in _COMPOUND_HEADS:
        return False
    return joined in words


def _block_runs(block: _Block, vocab: tuple[set[str], set[str]]) -> list[tuple[str, bytes, int]]:
    """The block's text as runs of (text, its boxes packed as float32, page): its lines, a list item's
    bullet dropped, joined by a space (with the box of the line's last character) or, after a line-end
    hyphen, by nothing (a hyphenation break, the hyphen dropped) or by "-" (a real hyphen)."""
    runs: list[tuple[str, bytes, int]] = []
    for i, line in enumerate(block.lines):
        text, packed = line.text, line.packed
        if i == 0 and block.kind == "list_item" and _BULLET.match(text):
            text, packed = text[2:], packed[32:]
        nxt = block.lines[i + 1] if i + 1 < len(block.lines) else None
        if nxt is not None and text and text[-1] in _HYPHENS:  # line.text is stripped: its last character
            if _join_hyphen(line.text, nxt.text.lstrip(), vocab):
                runs.append((text[:-1], packed[:-16], line.page))
            else:
                runs.append((text[:-1] + "-", packed, line.page))
            continue
        runs.append((text, packed, line.page))
        if nxt is not None and text:
            runs.append((" ", packed[-16:], line.page))
    return runs


def pages_to_document(pdf: PdfPages) -> Document:
    """Lay out every page and build one normalised Document with page and box per character."""
    raw_pages = [page_to_lines(p) for p in pdf.pages]
    heights = [p.height for p in pdf.pages]
    tag_labels: list[str] = []
    tag_notes: list[str] = []
    if pdf.tagged:
        raw_pages, tag_labels, tag_notes = drop_tagged(raw_pages, pdf.struct)
    body = body_size(raw_pages)
    pages, labels = drop_furniture(raw_pages, heights)
    if tag_labels:
        labels = [t or b for t, b in zip(tag_labels, labels, strict=True)]
    pages = drop_contents(pages)
    pages, notes = split_footnotes(pages, body, heights)
    notes = tag_notes + notes
    pages = drop_charts(pages, body)
    vocab = document_words(pages)
    pages, table = read_grade_table(pages)
    builder = DocumentBuilder(source=pdf.source.source(pages=len(pdf.pages)), with_boxes=True)
    table_emitted = False
    for block in lines_to_blocks(pages, body, pdf.struct):
        if not table_emitted and table and block.lines[0].top > table[0].top and block.lines[0].page == table[0].page:
            _emit_table(builder, table)
            table_emitted = True
        runs = _block_runs(block, vocab)
        builder.add_runs(block.kind, runs, level=block.level, page=block.lines[0].page, row=block.row)
    if table and not table_emitted:
        _emit_table(builder, table)
    return builder.build(page_labels=labels, notes=notes)


def _emit_table(builder: DocumentBuilder, rows: list[TableRow]) -> None:
    for r, row in enumerate(rows, start=1):
        for cell in row.cells:
            builder.add_chars("table_cell", ((ch, -1, row.page, box) for ch, box in cell), page=row.page, row=r)


__all__ = ["PdfPage", "pages_to_document"]
