"""HTML publication pages: the article's headings, paragraphs, lists, badges, captions and table cells.

Site furniture (header, nav, footer, scripts, forms, cookie banners) is skipped; when the page has an
``<article>`` or ``<main>``, only its content is read. The stdlib parser is used with
``convert_charrefs=False`` so every character, entities included, keeps its offset in the original.

An image's text alternative is read when it states a grade (an infographic "showing the grades achieved by <Force>
in the following areas: Investigating crime: requires improvement …"): it becomes a caption block of its own, its
characters pointing at the ``alt`` attribute's value. Other alternatives (charts: "Bar chart showing …") describe
data given elsewhere and are skipped, as the layout stage skips chart labels in a PDF. Definition lists read as
two-cell rows (term | description), so "<dt>Investigating crime</dt><dd>Good</dd>" is a row like a table's.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from peelextract.document import BlockKind, Document, DocumentBuilder
from peelextract.ingest.text import decode_text
from peelextract.pages import SourceBytes
from peelextract.rounds.scales import grade_pattern

log = logging.getLogger(__name__)

_SKIP = frozenset(
    {
        "header",
        "nav",
        "footer",
        "script",
        "style",
        "noscript",
        "form",
        "aside",
        "template",
        "svg",
        "button",
        "select",
        "title",
        "head",
    }
)
_BLOCKS: dict[str, BlockKind] = {
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "p": "paragraph",
    "li": "list_item",
    "figcaption": "caption",
    "caption": "caption",
    "td": "table_cell",
    "th": "table_cell",
    "blockquote": "paragraph",
    "dt": "table_cell",
    "dd": "table_cell",
}
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "source", "col", "area", "base"})
_SKIP_CLASSES = ("cookie", "banner", "breadcrumb", "skip-link", "visually-hidden", "share")
# Titles of pages a web server sends instead of the report asked for (with status 200 too: "soft 404s").
_ERROR_TITLE = re.compile(
    r"\b(?:[45]\d\d|not found|page not found|(?:internal )?server error|forbidden|access denied|"
    r"unauthori[sz]ed|bad gateway|service unavailable|gateway time-?out|bad request)\b",
    re.IGNORECASE,
)
_SIGN_IN_TITLE = re.compile(r"\b(?:sign|log)\s?(?:in|on)\b", re.IGNORECASE)
_STATES_A_GRADE = re.compile(rf"\b(?:{grade_pattern()})\b", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.IGNORECASE)


@dataclass
class _Open:
    tag: str
    kind: BlockKind | None
    level: int
    chars: list[tuple[str, int, int, None]] = field(default_factory=list)


class _ArticleParser(HTMLParser):
    def __init__(self, text: str, builder: DocumentBuilder, scoped: bool) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.builder = builder
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.stack: list[_Open] = []
        self.skip_depth = 0
        self.scope_depth = 0 if scoped else 1
        self.row = 0
        self.title: list[str] = []
        self.in_title = False
        self.h1: list[str] | None = None  # the first h1's text while it is open, then kept
        self.h1_open = False
        self.password_field = False
        self.url: str | None = None  # <link rel="canonical"> or <meta property="og:url">

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._note_page_kind(tag, attrs)
        if tag in _VOID:
            if tag == "br":
                self._add_chars(" ", self._offset())
            elif tag == "img":
                self._add_alt()
            return
        classes = (dict(attrs).get("class") or "").lower()
        if self.skip_depth or tag in _SKIP or any(c in classes for c in _SKIP_CLASSES):
            self.skip_depth += 1
            self.stack.append(_Open(tag, None, 0))
            return
        if tag in ("article", "main"):
            self.scope_depth += 1
        if tag in ("tr", "dt"):
            self.row += 1
        kind: BlockKind | None = _BLOCKS.get(tag)
        if "badge" in classes or ("grade" in classes and tag in ("div", "span", "p", "strong")):
            kind = "badge"
        level = int(tag[1]) if kind == "heading" else 0
        self.stack.append(_Open(tag, kind, level))

    def _add_alt(self) -> None:
        """An image's ``alt`` text, as a caption block of its own, when it states a grade."""
        if self.skip_depth or self.scope_depth <= 0:
            return
        raw = self.get_starttag_text() or ""
        m = _ALT.search(raw)
        if m is None:
            return
        group = "dq" if m.group("dq") is not None else "sq"
        value, base = m.group(group), self._offset() + m.start(group)
        if not _STATES_A_GRADE.search(value):
            return
        if "&" in value:  # entities: every character points at the value's start
            chars = [(c, base, 0, None) for c in html.unescape(value)]
        else:
            chars = [(c, base + i, 0, None) for i, c in enumerate(value)]
        self.builder.add_chars("caption", chars)

    def _note_page_kind(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Remember the title, the first h1 and any password field, whether or not they are skipped."""
        if tag == "title":
            self.in_title = True
        elif tag == "h1" and self.h1 is None:
            self.h1, self.h1_open = [], True
        elif tag == "input" and (dict(attrs).get("type") or "").lower() == "password":
            self.password_field = True
        elif tag in ("link", "meta") and self.url is None:
            a = dict(attrs)
            if (a.get("rel") or "").lower() == "canonical" or (a.get("property") or "").lower() == "og:url":
                self.url = a.get("href") or a.get("content")

    def page_kind(self) -> str | None:
        """ "an HTTP error page (…)" or "a sign-in page (…)" when the page is one, else None."""
        title = " ".join("".join(self.title).split())
        h1 = " ".join("".join(self.h1 or []).split())
        for label, text in (("title", title), ("main heading", h1)):
            if text and _ERROR_TITLE.search(text):
                return f"an HTTP error page ({label} {text[:80]!r})"
        if self.password_field:
            return "a sign-in page (it asks for a password)"
        if any(t and _SIGN_IN_TITLE.search(t) for t in (title, h1)):
            return f"a sign-in page (title {title[:80] or h1[:80]!r})"
        return None

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.h1_open = False
        if tag in _VOID:
            return
        while self.stack:
            node = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
            elif node.tag in ("article", "main"):
                self.scope_depth -= 1
            self._flush(node)
            if node.tag == tag:
                break

    def _flush(self, node: _Open) -> None:
        if not node.chars:
            return
        parent = next((n for n in reversed(self.stack) if n.kind is not None or n.tag == "div"), None)
        if node.kind is None and parent is not None:
            parent.chars.extend(node.chars)  # inline element: its text belongs to the enclosing block
            return
        kind: BlockKind = node.kind or "paragraph"
        row = self.row if kind == "table_cell" else None
        self.builder.add_chars(kind, node.chars, level=node.level, row=row)

    def _add_chars(self, data: str, base: int, *, one_place: bool = False) -> None:
        """Add text at source offset ``base``: character i at ``base + i``, or all at ``base`` when the text
        decodes an entity (its characters are not the source's own)."""
        if self.skip_depth or self.scope_depth <= 0 or not self.stack:
            return
        self.stack[-1].chars.extend((c, base if one_place else base + i, 0, None) for i, c in enumerate(data))

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.h1_open and self.h1 is not None:
            self.h1.append(data)
        self._add_chars(data, self._offset())

    def handle_entityref(self, name: str) -> None:
        # The parser also calls this for "&D" in "R&D team" (no ";"): unescape exactly what the page has, so no
        # ";" is invented, and text that is no entity keeps its own characters and offsets.
        start = self._offset()
        raw = f"&{name};" if self.text.startswith(";", start + 1 + len(name)) else f"&{name}"
        decoded = html.unescape(raw)
        self._add_chars(decoded, start, one_place=decoded != raw)

    def handle_charref(self, name: str) -> None:
        self._add_chars(html.unescape(f"&#{name};"), self._offset(), one_place=True)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![foo[ … ]]>`` other than CDATA: the standard library asserts on it (Python 3.11); skip it to
        its ``>`` like a bogus comment, as browsers do."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1


def html_to_document(src: SourceBytes) -> Document:
    """Parse an HTML page into blocks; entity text maps back to the entity's offset in the page."""
    text, warning = decode_text(src.data, src.name)
    lowered = text.lower()
    scoped = "<article" in lowered or "<main" in lowered
    builder = DocumentBuilder(source=src.source())
    parser = _ArticleParser(text, builder, scoped)
    parser.feed(text)
    parser.close()
    while parser.stack:
        parser._flush(parser.stack.pop())
    warnings = [("decoded_fallback", f"{src.name}: {warning}")] if warning else []
    title = " ".join(html.unescape("".join(parser.title)).split()) or None
    return builder.build(warnings=warnings, page_kind=parser.page_kind(), title=title, url=parser.url)
