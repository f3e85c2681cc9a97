"""PDF layout, the furniture of the published editions: what is on the page but not in the text.

Running header and footer bands (page labels kept), tagged artifacts, figure contents and notes, contents
pages (dotted leaders), footnotes (small type at the page foot), and chart labels after a figure caption.
Each step takes pages of lines and gives pages of lines; ``layout.pages_to_document`` runs them in order.
"""

from __future__ import annotations

from collections import Counter

import regex

from peelextract.document import BlockKind
from peelextract.layout_lines import Line
from peelextract.pages import ARTIFACT, StructTag

_DIGITS = regex.compile(r"\d+")
_NOT_DIGIT = regex.compile(r"\D")
_PAGE_OF = regex.compile(r"(?i)page \d+( of \d+)?")
_NOTE_NUMBER = regex.compile(r"^\s*\d{1,3}\b")
_LEADER = regex.compile(r"(?:\.\s?){4,}\s*\d+\s*$")
CAPTION = regex.compile(r"^(?:Figure|Chart)\s+\d+\s*[:.]")
# A chart label: a value, or a short capitalised name (a force) with an optional value.
_LABEL = regex.compile(r"[\d.,%\s]+|(?:[A-Z][\w&'’-]*(?: and| of| the)? ?){1,6}[\d.,%\s]*")


def _band_key(line: Line, height: float) -> tuple[int, str] | None:
    if line.top > height * 0.1 and line.bottom < height * 0.9:
        return None
    return round(line.top / 3), _DIGITS.sub("#", line.text.strip())


def drop_furniture(pages: list[list[Line]], heights: list[float]) -> tuple[list[list[Line]], list[str]]:
    """Remove lines that repeat in the top or bottom band of most pages (digits masked); keep page labels."""
    seen: Counter[tuple[int, str]] = Counter()
    for lines, h in zip(pages, heights, strict=True):
        seen.update({k for line in lines if (k := _band_key(line, h)) is not None})
    n = sum(1 for lines in pages if lines)
    furniture = {k for k, c in seen.items() if c >= max(2, n // 2)}
    labels: list[str] = []
    kept: list[list[Line]] = []
    for lines, h in zip(pages, heights, strict=True):
        label = ""
        keep: list[Line] = []
        for line in lines:
            if _band_key(line, h) in furniture:
                label = _page_label(line.text) or label
                continue
            keep.append(line)
        labels.append(label)
        kept.append(keep)
    return kept, labels


def _page_label(text: str) -> str:
    """The page number a furniture line shows ("12", "Page 12 of 30"), else ""."""
    text = text.strip()
    if text.isdigit() or _PAGE_OF.fullmatch(text):
        return _NOT_DIGIT.sub(" ", text).split()[0]
    return ""


def drop_tagged(
    pages: list[list[Line]],
    struct: tuple[StructTag, ...],
) -> tuple[list[list[Line]], list[str], list[str]]:
    """Take out what the structure tags say is not body text: artifacts (a page-number artifact is the
    page's label), figure contents (chart labels) and notes (one note per Note element, in page order)."""
    labels: list[str] = []
    notes: list[str] = []
    kept: list[list[Line]] = []
    note_tag = 0  # the Note element of the last note line: its next line continues the note, on any page
    for lines in pages:
        label = ""
        keep: list[Line] = []
        for line in lines:
            kind = struct[line.tag - 1].kind if line.tag > 0 else None
            if line.tag == ARTIFACT:
                label = _page_label(line.text) or label
            elif kind == "footnote":
                if line.tag == note_tag:
                    notes[-1] += " " + line.text.strip()
                else:
                    notes.append(line.text.strip())
                note_tag = line.tag
            elif kind != "figure":
                keep.append(line)
        labels.append(label)
        kept.append(keep)
    return kept, labels, notes


def tag_kinds(struct: tuple[StructTag, ...]) -> tuple[BlockKind | None, ...]:
    """The block kind each tag gives its lines, None where the geometry decides (see the module doc)."""
    trust_p = any(t.kind == "heading" for t in struct)
    out: list[BlockKind | None] = []
    for t in struct:
        kind = t.kind
        if kind in ("heading", "list_item", "caption", "table_cell") or (kind == "paragraph" and trust_p):
            out.append(kind)
        else:
            out.append(None)
    return tuple(out)


def drop_contents(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop contents pages (several dotted-leader lines) whole, and stray leader lines elsewhere."""
    out: list[list[Line]] = []
    for lines in pages:
        leaders = sum(1 for line in lines if _LEADER.search(line.text))
        out.append([] if leaders >= 3 else [line for line in lines if not _LEADER.search(line.text)])
    return out


def split_footnotes(pages: list[list[Line]], body: float, heights: list[float]) -> tuple[list[list[Line]], list[str]]:
    """Small-type lines in the lower part of a page that start with a note number are footnotes."""
    notes: list[str] = []
    out: list[list[Line]] = []
    for lines, h in zip(pages, heights, strict=True):
        keep: list[Line] = []
        in_note = False
        for line in lines:
            small = line.size < body * 0.9
            starts = _NOTE_NUMBER.match(line.text) is not None
            if small and line.top > h * 0.55 and (starts or in_note):
                if starts:
                    notes.append(line.text.strip())
                else:
                    notes[-1] += " " + line.text.strip()
                in_note = True
                continue
            in_note = False
            keep.append(line)
        out.append(keep)
    return out, notes


def _chart_like(line: Line, body: float) -> bool:
    text = line.text.strip()
    if line.size < body * 0.92:
        return True
    return len(text) < 60 and bool(_LABEL.fullmatch(text))


def continues_caption(last: Line, line: Line, caption: Line) -> bool:
    """``line`` goes on the caption that starts with ``caption`` and ends (so far) with ``last``: same type
    and weight, same page, no more than a line's height below it. A figure's caption often runs to two lines
    ("Figure 2: Domestic violence disclosure scheme right to know applications per 1,000" / "population,
    for forces in England and Wales, in the year ending 31 March 2022"); the second is bold and has no
    final stop, so on its own it would read as a heading."""
    return (
        line.bold == caption.bold
        and abs(line.size - caption.size) < 0.3
        and last.page == line.page
        and line.top - last.bottom < line.size
    )


def drop_charts(pages: list[list[Line]], body: float) -> list[list[Line]]:
    """After a figure caption, drop chart labels (small type, force names, values) until body text resumes."""
    out: list[list[Line]] = []
    for lines in pages:
        keep: list[Line] = []
        caption: Line | None = None
        for line in lines:
            if CAPTION.match(line.text.strip()):
                keep.append(line)
                caption = line
                continue
            if caption is not None and keep and continues_caption(keep[-1], line, caption):
                keep.append(line)  # the caption's second line
                continue
            if caption is not None and _chart_like(line, body):
                continue
            caption = None
            keep.append(line)
        out.append(keep)
    return out
