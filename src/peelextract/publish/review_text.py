"""The report text on the review page: line by line, grouped into its sections, with the value spans marked.

Each line of the normalised text becomes one element carrying its offset (``data-start``): a section title
``h2``, a finding headline ``h3``, a paragraph ``p``. A run of summary-table cells (the PDF's and HTML's
grade table: one cell a line, "Area of policing Grade", then an area, then its grade, …) is drawn as a
table, one row per area with its grade, as the report prints it, not as a list of lines. Warnings about a
value sit beside the line holding it (after the table, for a value inside one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import regex

from peelextract.models import Report, Section
from peelextract.publish.review_marks import MarkState, Span, render_line
from peelextract.rounds.scales import grade_named

# A header row printed as one cell: "Area of policing Grade" is two column heads.
_HEAD_SPLIT = regex.compile(r"^(?P<first>.*\S)\s+(?P<last>grades?|judg(?:e)?ments?|ratings?)$", regex.IGNORECASE)
_HEAD_WORD = regex.compile(r"^(?:grades?|judg(?:e)?ments?|ratings?)$", regex.IGNORECASE)


def lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text``, newline excluded."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def warning_asides(report: Report, spans: list[Span]) -> dict[int, list[str]]:
    """Warning notes keyed by the start of the value span they concern (only those with evidence)."""
    starts = {s.key: s.start for s in spans if s.role == "value"}
    out: dict[int, list[str]] = {}
    for i, w in enumerate(report.warnings):
        start = starts.get(f"warning-{i}")
        if start is None:
            continue
        out.setdefault(start, []).append(
            f'<aside class="warn" role="note" data-kind="warning" data-key="warning-{i}">'
            f"<strong>Warning ({escape(w.code)}):</strong> {escape(w.message)} "
            f'<a href="#p-warning-{i}">details</a></aside>'
        )
    return out


def _line_tag(start: int, sections: dict[int, Section], heads: set[int], kinds: dict[int, str]) -> tuple[str, str]:
    if start in sections:
        return "h2", "title"
    if start in heads:
        return "h3", "headline"
    return "p", kinds.get(start, "text").replace("_", "-")


def _section_open(s: Section) -> str:
    badge = f' <span class="chip g-{s.badge.lower().replace(" ", "-")}">{escape(s.badge)}</span>' if s.badge else ""
    area = f' data-area="{escape(s.area)}"' if s.area else ""
    return (
        f'<section class="sec role-{s.role}" id="s-{escape(s.id)}"{area}>'
        f'<div class="sec-meta">{escape(s.role.replace("_", " "))}{badge}</div>'
    )


@dataclass
class _Table:
    """Table-cell lines gathered until the table ends: (start, end, rendered HTML) per cell."""

    cells: list[tuple[int, int, str]] = field(default_factory=list)

    def html(self, text: str) -> str:
        head, cells = self._head(text)
        rows: list[list[tuple[int, int, str]]] = [[]]
        for cell in cells:
            rows[-1].append(cell)
            if grade_named(text[cell[0] : cell[1]]) is not None:  # a grade ends its area's row
                rows.append([])
        body = "".join(self._row(text, r) for r in rows if r)
        return f'<table class="ln-table">{head}<tbody>{body}</tbody></table>'

    def _head(self, text: str) -> tuple[str, list[tuple[int, int, str]]]:
        """The column heads and the cells after them: a first cell "Area of policing Grade" (a PDF prints
        the two heads on one line) or cells up to one that is a head word ("Area of policing", "Grade")."""
        start, end, inner = self.cells[0]
        split = _HEAD_SPLIT.match(text[start:end]) if inner == escape(text[start:end]) else None
        if split is not None:
            return (
                f'<thead><tr><th scope="col"><span class="ln table-cell" data-start="{start}">'
                f'{escape(split.group("first"))}</span></th><th scope="col">{escape(split.group("last"))}</th>'
                "</tr></thead>"
            ), self.cells[1:]
        for i, (s, e, _) in enumerate(self.cells[:3]):
            if grade_named(text[s:e]) is not None:
                break
            if _HEAD_WORD.match(text[s:e]):
                heads = "".join(
                    f'<th scope="col"><span class="ln table-cell" data-start="{cs}">{h}</span></th>'
                    for cs, _, h in self.cells[: i + 1]
                )
                return f"<thead><tr>{heads}</tr></thead>", self.cells[i + 1 :]
        return "", self.cells

    @staticmethod
    def _cell(cells: list[tuple[int, int, str]], attrs: str = "") -> str:
        inner = " ".join(f'<span class="ln table-cell" data-start="{s}">{h}</span>' for s, _, h in cells)
        return f"<td{attrs}>{inner}</td>"

    def _row(self, text: str, row: list[tuple[int, int, str]]) -> str:
        """An area (its lines) and its grade; a row without a grade spans both columns."""
        if grade_named(text[row[-1][0] : row[-1][1]]) is None:
            return "<tr>" + self._cell(row, ' colspan="2"') + "</tr>"
        area = self._cell(row[:-1]) if len(row) > 1 else "<td></td>"
        return f"<tr>{area}{self._cell(row[-1:])}</tr>"


def text_html(report: Report, text: str, spans: list[Span], state: MarkState | None = None) -> str:
    """The report text, line by line, grouped into its sections, with the value spans marked."""
    sections = {s.start: s for s in report.sections}
    heads = {f.start for s in report.sections for f in s.findings if f.headline is not None}
    kinds: dict[int, str] = {p.start: p.kind for s in report.sections for f in s.findings for p in f.paragraphs}
    asides = warning_asides(report, spans)
    state = state or MarkState()
    parts: list[str] = []
    open_end: int | None = None
    table: _Table | None = None
    held: list[str] = []  # asides of lines inside a table, shown after it

    def close_table() -> None:
        nonlocal table
        if table is not None:
            parts.append(table.html(text))
            parts.extend(held)
            held.clear()
            table = None

    for start, end in lines(text):
        if open_end is not None and (start >= open_end or start in sections):
            close_table()
            parts.append("</section>")
            open_end = None
        if start in sections and open_end is None:
            parts.append(_section_open(sections[start]))
            open_end = sections[start].end
        tag, cls = _line_tag(start, sections, heads, kinds)
        line = [s for s in spans if s.start < end and s.end > start] if end > start else []
        inner = render_line(text, start, end, line, state)
        if cls == "table-cell" and end > start:
            table = table or _Table()
            table.cells.append((start, end, inner))
        else:
            close_table()
            parts.append(f'<{tag} class="ln {cls}" data-start="{start}">{inner}</{tag}>')
        notes = [a for k in sorted(k for k in asides if start <= k < max(end, start + 1)) for a in asides[k]]
        (held if table is not None else parts).extend(notes)
    close_table()
    if open_end is not None:
        parts.append("</section>")
    return "".join(parts)
