"""Hostile input, property-based: every stage gives a Report or one of the project's own errors, in bounded time.

Inputs (hypothesis, derandomized so CI runs are reproducible):
  - arbitrary bytes, with and without a ``%PDF-`` / HTML / BOM / report-title prefix;
  - arbitrary text: any code point (control characters, NULs, lone CR, U+2028 and the other line separators,
    ligatures, soft hyphens), very long lines, in UTF-8, UTF-8 with BOM, latin-1 and UTF-16;
  - hostile number phrases ("12 of 9 cases", "101.5 per cent (with a confidence interval of +/- 7 per cent)",
    300-digit counts, decimals where whole numbers are expected) in a minimal report;
  - the three fixture reports' text and HTML with slices deleted, duplicated and swapped, truncated, grade words
    and numbers replaced, hostile lines inserted; the HTML also with tags cut in half and entities broken;
  - the three fixture PDFs with bytes flipped, overwritten, deleted and duplicated, truncated, and their
    structure (page tree, /Count, /Length, xref, startxref) damaged;
  - small ``Limits``, which must refuse the input with ``LimitExceededError``.

Stages: ``read_bytes`` → ``source_to_document`` (text / HTML readers; ``pdf_to_pages`` → ``pages_to_document``)
→ ``document_to_sections`` → ``document_to_report`` (extract + validate).

Only ``PeelError`` subclasses may come out, naming the input; ``ContractError`` fails the test too, because the
project documents it as a bug. Anything else escaping (IndexError, ValueError, OverflowError, AssertionError,
pydantic's ValidationError, pypdfium2's PdfiumError …) is a bug. When a Document or Report comes out, what the
project promises of it is checked: every character maps back to its source, blocks are joined by single "\\n",
sections cover every block, every evidence ``text == doc.text[start:end]``, 0 <= x <= y for case counts,
values within 0–100 for percentages, and the JSON the report is written as reads back as the same Report.
Each example has a deadline (text and HTML 5 s, PDF 10 s). The inputs fuzzing found to break a stage are kept as
plain regression cases at the end.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import regex
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from peelextract.document import Document, normalise_char
from peelextract.errors import ContractError, EmptyInputError, LimitExceededError, PeelError
from peelextract.ingest import SourceBytes, read_bytes
from peelextract.ingest.pdf import pdf_to_pages
from peelextract.ingest.text import decode_text
from peelextract.models import Evidence, Report, Section
from peelextract.pipeline import document_to_report, source_to_document
from peelextract.publish.report_json import report_to_json
from peelextract.sections import document_to_sections
from peelextract.settings import Limits
from tests.conftest import REPORTS


def _fixtures(suffix: str) -> list[tuple[str, bytes]]:
    """The fixture reports of one format, smallest first (hypothesis shrinks towards the first)."""
    paths = sorted(REPORTS.glob(f"*{suffix}"), key=lambda p: p.stat().st_size)
    return [(p.name, p.read_bytes()) for p in paths]


TEXTS = _fixtures(".txt")
HTMLS = _fixtures(".html")
PDFS = _fixtures(".pdf")
LIMITS = Limits()

# Per-example time bounds, generous for a slow or busy CI machine: here a text or HTML example takes 0.01-0.3 s
# (1.4 s at worst on a loaded machine), a PDF 0.1-1 s (2 s at worst).
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
TEXT_SETTINGS = settings(deadline=5000, derandomize=True, database=None, suppress_health_check=_SLOW)
PDF_SETTINGS = settings(deadline=10_000, derandomize=True, database=None, suppress_health_check=_SLOW)

TITLE = "PEEL 2021/22: An inspection of Northshire Police\nOverall summary\n"


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load spaCy, pdfium and the compiled rules once, so the first example is not timed with them."""
    for name, data in (TEXTS[0], PDFS[0]):
        document_to_report(source_to_document(read_bytes(data, name)))


# --- checks ------------------------------------------------------------------------------------------------


def _evidences(obj: object, where: str) -> Iterator[tuple[str, Evidence]]:
    """Every Evidence anywhere in a model tree, with its path."""
    if isinstance(obj, Evidence):
        yield where, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _evidences(getattr(obj, name), f"{where}.{name}")
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from _evidences(item, f"{where}[{i}]")


def check_error(exc: PeelError, name: str) -> PeelError:
    """A documented error, naming the input, saying why; not a contract violation (that is a bug)."""
    assert not isinstance(exc, ContractError), f"the extractor broke its own contract: {exc}"
    assert exc.source == name, f"error names {exc.source!r}, not the input {name!r}"
    assert exc.reason.strip()
    assert exc.as_dict()["code"] == type(exc).code
    return exc


def check_document(doc: Document, src: SourceBytes) -> None:
    """Blocks joined by single newlines; every character maps to its source character (text) or page (PDF)."""
    n = len(doc.text)
    assert len(doc.src_offsets) == n
    assert doc.text == "\n".join(doc.block_text(b) for b in doc.blocks)
    prev_end = -1
    for b in doc.blocks:
        assert b.start == prev_end + 1 and b.start < b.end <= n, f"block {b} after {prev_end}"
        assert "\n" not in doc.block_text(b)
        prev_end = b.end
    if src.format == "pdf":
        assert doc.char_pages is not None and doc.char_boxes is not None
        assert len(doc.char_pages) == n and len(doc.char_boxes) == 4 * n
        assert doc.source.pages is not None
        assert all(0 <= p <= doc.source.pages for p in doc.char_pages)
        return
    decoded, _ = decode_text(src.data, src.name)
    for i, ch in enumerate(doc.text):
        off = doc.src_offsets[i]
        if off < 0:
            assert ch == "\n", f"text[{i}]={ch!r} has no source offset"
            continue
        assert off < len(decoded), f"text[{i}]={ch!r} maps to {off}, past the source's end"
        source_char = decoded[off]
        # HTML: an entity's text maps to its "&", a <br> to its "<".
        ok = ch in normalise_char(source_char) or (src.format == "html" and source_char in "&<")
        assert ok, f"text[{i}]={ch!r} maps to source[{off}]={source_char!r}"


def check_sections(sections: list[Section], doc: Document) -> None:
    """In order, not overlapping, unique ids, covering every block."""
    assert len({s.id for s in sections}) == len(sections)
    for a, b in itertools.pairwise(sections):
        assert a.end < b.start
    for s in sections:
        assert 0 <= s.start <= s.end <= len(doc.text)
    for block in doc.blocks:
        assert any(s.start <= block.start and block.end <= s.end for s in sections), f"{block} in no section"


def check_report(report: Report, doc: Document) -> None:
    assert report.report.source == doc.source
    for where, ev in _evidences(report, "report"):
        assert doc.text[ev.start : ev.end] == ev.text, f"{where}: {ev.text!r} is not the text at {ev.start}-{ev.end}"
        assert ev.end <= len(doc.text)
        if doc.char_pages is None:
            assert ev.page is None and not ev.boxes, where
        elif ev.text.strip():
            assert ev.page is not None, where
        assert (ev.source_start is None) == (ev.source_end is None), where
        if ev.source_start is not None and ev.source_end is not None:
            assert 0 <= ev.source_start <= ev.source_end <= doc.source.size, where
    for c in report.case_counts:
        assert 0 <= c.x <= c.y and c.y >= 1, c
        assert c.share == round(100 * c.x / c.y, 1), c
    for p in report.ci_percentages:
        assert 0 <= p.value <= 100 and 0 <= p.ci <= 100, p
        assert 0 <= p.lower <= p.upper <= 100, p
    for q in report.percentages:
        assert 0 <= q.value <= 100, q
    for r in report.rates:
        assert r.value >= 0 and r.per >= 1, r
    check_sections(report.sections, doc)
    written = report_to_json(report)
    try:
        again = Report.model_validate_json(written)
    except ValidationError as exc:
        raise AssertionError(f"the JSON written for the report is not a valid Report: {exc}") from exc
    assert again == report, "the JSON written for the report reads back as a different Report"


def run(data: bytes, name: str, limits: Limits = LIMITS, *, checked: bool = True) -> Report | PeelError:
    """Every stage on one input: a Report or a PeelError, checked unless ``checked`` is false (then only the
    exception types are). Anything else propagates."""
    try:
        src = read_bytes(data, name, limits)
        doc = source_to_document(src, limits)
    except PeelError as exc:
        return check_error(exc, name)
    if checked:
        check_document(doc, src)
    sections = document_to_sections(doc)
    if checked:
        check_sections(sections, doc)
    try:
        report = document_to_report(doc)
    except PeelError as exc:
        return check_error(exc, name)
    if checked:
        check_report(report, doc)
    return report


# --- strategies --------------------------------------------------------------------------------------------

NUMBER_WORDS = (
    "zero",
    "one",
    "nine",
    "ten",
    "twelve",
    "twenty-one",
    "ninety-nine",
    "one hundred",
    "one hundred and five",
    "nine hundred and ninety-nine",
)
NUMBERS = st.one_of(
    st.integers(0, 200).map(str),
    st.integers(0, 10**15).map(lambda n: f"{n:,}"),
    st.tuples(st.integers(0, 999), st.integers(0, 10**6)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.tuples(st.integers(0, 200), st.integers(1, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
    st.text(alphabet="0123456789", min_size=1, max_size=20),
    st.builds(lambda d, n: d * n, st.sampled_from("179"), st.integers(300, 800)),  # more than a float holds
    st.integers(10**300, 10**400).map(lambda n: f"{n:,}"),
    st.sampled_from(NUMBER_WORDS),
    st.sampled_from(("1,00", "1.2.3", "0.0", ",000", "-1", "1e9", "١٢")),
)
PHRASES = (
    "In {a} of {b} cases we reviewed, the force applied a structured approach.",
    "And {a} of the {b} relevant cases failed to achieve the standards expected.",
    "In nearly all cases we reviewed ({a} of {b} cases), we found that allocation was made.",
    "We estimate that the force is recording {a} per cent (with a confidence interval of +/- {b} per cent) "
    "of all reported crime.",
    "This is an improvement on the {a} percent (± {b} percent) we found in our 2016 inspection.",
    "Only {a}% of these were filled, against {b} percent last year.",
    "This equates to {a} incidents per 1,000 population, higher than the average across forces in England and "
    "Wales of {b} incidents per 1,000 population.",
    "We make graded judgments in {a} of these {b} areas of policing as follows:",
    "In {a}, we identified {b} areas for improvement:",
    "In {a}, we judged the force to be good at investigating crime.",
    "This judgment has been carried over from our last inspection in {a}.",
    "In November {a}, HMICFRS conducted a crime data integrity inspection of {b} records.",
)
number_phrases = st.builds(lambda t, a, b: t.format(a=a, b=b), st.sampled_from(PHRASES), NUMBERS, NUMBERS)

REPORT_LINES = (
    "Overall summary",
    "About the data",
    "Investigating crime",
    "Recording data about crime",
    "Providing a service to the victims of crime",
    "Responding to the public",
    "Good",
    "Requires improvement",
    "Adequate",
    "Inadequate",
    "Outstanding",
    "graded inadequate",
    "Overall judgment",
    "Area for improvement 1",
    "Areas for improvement",
    "Cause of concern: responding to the public",
    "- The force should improve.",
    "# source: elsewhere.pdf",
    "# ---",
    "Last updated 01/01/2022",
    "Figure 3: Incidents per 1,000 population",
    "How effective is the force at investigating crime?",
    "Northshire Police requires improvement at investigating crime.",
    "Cleveland Police is good at",
    "We do not make graded judgments in this area.",
    "Thames Valley Police: Crime Data Integrity inspection 2017",
    "PEEL 2018/19",
    "PEEL 2023–25",
    "On 1 June 2022 the grade for this area was changed from 'adequate' to 'requires improvement'.",
)
LINE_BREAKS = ("\n", "\r", "\r\n", "\n\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "")
HOSTILE_CHARS = "\x00\x01\x7f\ufeff\u00ad\u200b\u2060\ufffe\ufffd\ufb01\ufb03\u2011\u2026\u00a0\u3000\u0301𝟗٣"

snippets = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=HOSTILE_CHARS, min_size=1, max_size=8),
    number_phrases,
    st.sampled_from(REPORT_LINES),
    st.sampled_from(LINE_BREAKS),
)
long_lines = st.builds(
    lambda c, n: c * n, st.sampled_from(["x", " ", "a ", "9", "\x00", "\t", "é", "ﬁ", "-"]), st.integers(0, 60_000)
)
lines = st.one_of(st.text(), snippets, long_lines)


def show(s: str | bytes) -> str:
    """A short repr for a mutation's description (long runs of one character are written as a product)."""
    if len(s) > 60 and len(set(s[:-2])) <= 2:
        return f"{s[:2]!r} * {len(s) // 2} (+ {s[len(s) // 2 * 2 :]!r})"
    return repr(s)


class Mutant:
    """A fixture with mutations applied in order. Shown (also by hypothesis) as the fixture's name and the
    mutations, which replay it exactly, not as its bytes."""

    def __init__(self, name: str, ops: tuple[str, ...], data: bytes) -> None:
        self.name, self.ops, self.data = name, ops, data

    def __repr__(self) -> str:
        return f"Mutant({self.name!r}, ops={list(self.ops)!r})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


Op = Callable[[st.DrawFn, Any], tuple[Any, str]]


def _pos(draw: st.DrawFn, s: str | bytes) -> int:
    return draw(st.integers(0, len(s)))


def _span(draw: st.DrawFn, s: str | bytes, longest: int = 4096) -> tuple[int, int]:
    i = _pos(draw, s)
    return i, draw(st.integers(i, min(len(s), i + longest)))


# Mutations of text and bytes alike: each takes ``draw`` and the input, returns the result and what it did.


def _delete(draw: st.DrawFn, s: Any) -> tuple[Any, str]:
    i, j = _span(draw, s)
    return s[:i] + s[j:], f"delete [{i}:{j}]"


def _duplicate(draw: st.DrawFn, s: Any) -> tuple[Any, str]:
    i, j = _span(draw, s)
    return s[:j] + s[i:j] + s[j:], f"repeat [{i}:{j}] at {j}"


def _truncate(draw: st.DrawFn, s: Any) -> tuple[Any, str]:
    i = _pos(draw, s)
    return s[:i], f"truncate at {i}"


def _inserter(what: st.SearchStrategy[Any]) -> Op:
    def insert(draw: st.DrawFn, s: Any) -> tuple[Any, str]:
        i, new = _pos(draw, s), draw(what)
        return s[:i] + new + s[i:], f"insert {show(new)} at {i}"

    return insert


def _insert_line(draw: st.DrawFn, s: str) -> tuple[str, str]:
    starts = [0, *(m.end() for m in regex.finditer(r"\n", s))]
    i = starts[draw(st.integers(0, len(starts) - 1))]
    new = draw(st.one_of(number_phrases, st.sampled_from(REPORT_LINES), long_lines)) + "\n"
    return s[:i] + new + s[i:], f"insert {show(new)} at {i}"


def _swap_lines(draw: st.DrawFn, s: str) -> tuple[str, str]:
    parts = s.splitlines(keepends=True)
    if len(parts) < 2:
        return s, "no-op"
    a, b = draw(st.integers(0, len(parts) - 1)), draw(st.integers(0, len(parts) - 1))
    parts[a], parts[b] = parts[b], parts[a]
    return "".join(parts), f"swap lines {a} and {b} (splitlines)"


def _replacer(pattern: regex.Pattern[str], replacement: st.SearchStrategy[str]) -> Op:
    """Replace one match of ``pattern`` (chosen by hypothesis) with a drawn string."""

    def replace(draw: st.DrawFn, s: str) -> tuple[str, str]:
        found = list(pattern.finditer(s))
        if not found:
            return s, "no-op"
        m = found[draw(st.integers(0, len(found) - 1))]
        new = draw(replacement)
        return s[: m.start()] + new + s[m.end() :], f"replace {m.group()!r} at {m.start()} with {show(new)}"

    return replace


GRADE_WORDS = (
    "Outstanding",
    "good",
    "GOOD",
    "Requires improvement",
    "requires  improvement",
    "Adequate",
    "inadequate",
    "excellent",
    "",
    "requires improvement at",
    "Good.\nGood",
)
_regrade = _replacer(
    regex.compile(r"(?i)\b(?:requires improvement|outstanding|good|adequate|inadequate)\b"),
    st.sampled_from(GRADE_WORDS),
)
_renumber = _replacer(regex.compile(r"\d+(?:[.,]\d+)*"), NUMBERS)

TEXT_MUTATIONS: tuple[Op, ...] = (
    _delete,
    _duplicate,
    _inserter(snippets),
    _insert_line,
    _truncate,
    _swap_lines,
    _regrade,
    _renumber,
)

HTML_FRAGMENTS = (
    "<",
    ">",
    "</",
    "<p",
    "<p>",
    "</p>",
    "<h1>",
    "<h7>",
    "</h2>",
    "<br>",
    "<br/>",
    "<li>",
    "<td>",
    "<tr>",
    '<table><tr><th>Investigating crime</th><td class="grade">Good</td></tr></table>',
    '<div class="badge">Requires improvement</div>',
    "<article>",
    "</article>",
    "<main>",
    "</main>",
    "<script>",
    "</script>",
    "<style>",
    "<svg>",
    "<template>",
    "<nav>",
    "<!--",
    "-->",
    "<!-- x -->",
    "<!",
    "<!DOCTYPE html>",
    "<!DOCTYPE x [ <!ENTITY a 'b'> ]>",
    "<![CDATA[x]]>",
    "<![if x]>",
    "<![endif]>",
    "<![",
    "<![foo[ x ]]>",
    "<!x>",
    "<?php ?>",
    "<?",
    "<a href='x",
    '<p class="cookie">',
    "<title>404 Not Found</title>",
    "<input type=password>",
)
ENTITIES = (
    "&",
    "&amp;",
    "&amp",
    "&#",
    "&#x",
    "&#0;",
    "&#x110000;",
    "&#99999999999;",
    "&#xD800;",
    "&nosuch;",
    "&lt",
    "&#65",
    "&nbsp;&nbsp;",
    "&D ",
)


def _cut_tag(draw: st.DrawFn, s: str) -> tuple[str, str]:
    """Cut a tag in half: drop from somewhere inside it to somewhere after it."""
    tags = [m.start() for m in regex.finditer(r"<", s)]
    if not tags:
        return s, "no-op"
    i = min(len(s), tags[draw(st.integers(0, len(tags) - 1))] + draw(st.integers(1, 12)))
    j = draw(st.integers(i, min(len(s), i + 200)))
    return s[:i] + s[j:], f"delete [{i}:{j}] (cut a tag)"


HTML_MUTATIONS: tuple[Op, ...] = (
    *TEXT_MUTATIONS,
    _cut_tag,
    _replacer(regex.compile(r"&#?\w*;?"), st.sampled_from(ENTITIES)),
    _inserter(st.sampled_from(HTML_FRAGMENTS + ENTITIES)),
)


@st.composite
def mutants(
    draw: st.DrawFn, bases: list[tuple[str, bytes]], mutations: tuple[Op, ...], *, as_text: bool, most: int = 4
) -> Mutant:
    """A fixture (text decoded as UTF-8, or raw bytes) with 1 to ``most`` mutations applied in turn."""
    name, data = draw(st.sampled_from(bases))
    value: str | bytes = data.decode("utf-8") if as_text else data
    ops: list[str] = []
    for mutate in draw(st.lists(st.sampled_from(mutations), min_size=1, max_size=most)):
        value, what = mutate(draw, value)
        ops.append(what)
    return Mutant(name, tuple(ops), value.encode("utf-8") if isinstance(value, str) else value)


# Mutations of PDF bytes (besides delete, repeat, truncate): flips, overwrites, inserted PDF syntax, and damage
# to the file's structure (page tree, counts, lengths, offsets).

PDF_TOKENS = (
    b"/Type /Page",
    b"/Type /Pages",
    b"/Count",
    b"/Kids",
    b"/Parent",
    b"/Contents",
    b"/Length",
    b"/Filter",
    b"/FlateDecode",
    b"/MediaBox",
    b"/Resources",
    b"/Font",
    b"/Root",
    b"/Size",
    b"obj",
    b"endobj",
    b"stream",
    b"endstream",
    b"xref",
    b"trailer",
    b"startxref",
    b"%%EOF",
    b" 0 R",
    b"BT",
    b"Tf",
    b"Tj",
    b"TJ",
)
PDF_FRAGMENTS = (
    b"endobj",
    b"stream\n",
    b"endstream",
    b"%%EOF",
    b"xref\n0 1\n",
    b"trailer <<>>",
    b"/Type /Page",
    b" 0 R",
    b" 99999 0 R",
    b"<<",
    b">>",
    b"(",
    b")",
    b"[",
    b"]",
    b"/Filter /FlateDecode",
    b"/Length 99999999",
    b"/Count -1",
    b"/Count 2147483647",
    b"/Encrypt 1 0 R",
    b"\x00",
    b"\xff" * 8,
)
_TOKEN = regex.compile(b"|".join(regex.escape(t) for t in sorted(PDF_TOKENS, key=len, reverse=True)))


def _flip(draw: st.DrawFn, b: bytes) -> tuple[bytes, str]:
    if not b:
        return b, "no-op"
    i, x = draw(st.integers(0, len(b) - 1)), draw(st.integers(1, 255))
    return b[:i] + bytes([b[i] ^ x]) + b[i + 1 :], f"xor byte {i} with {x:#04x}"


def _overwrite(draw: st.DrawFn, b: bytes) -> tuple[bytes, str]:
    i, new = _pos(draw, b), draw(st.binary(min_size=1, max_size=16))
    return b[:i] + new + b[i + len(new) :], f"overwrite at {i} with {new!r}"


def _damage_token(draw: st.DrawFn, b: bytes) -> tuple[bytes, str]:
    """Damage a structural token (or the number after it: a count, length or offset)."""
    tokens = list(_TOKEN.finditer(b))
    if not tokens:
        return b, "no-op"
    found = tokens[draw(st.integers(0, len(tokens) - 1))]
    token, at, end = found.group(), found.start(), found.end()
    how = draw(st.sampled_from(("flip", "number", "drop")))
    if how == "flip":
        k, x = at + draw(st.integers(0, len(token) - 1)), draw(st.integers(1, 255))
        return b[:k] + bytes([b[k] ^ x]) + b[k + 1 :], f"xor byte {k} (in {token!r}) with {x:#04x}"
    if how == "drop":
        return b[:at] + b[end:], f"delete {token!r} at {at}"
    m = regex.match(rb"\s*-?\d+", b[end : end + 32])
    number = draw(
        st.one_of(
            st.integers(-1, 100).map(str),
            st.integers(0, 2**64).map(str),
            st.text(alphabet="0123456789", min_size=1, max_size=30),
        )
    )
    return (
        b[:end] + b" " + number.encode() + b[end + (m.end() if m else 0) :],
        f"set the number after {token!r} at {at} to {number}",
    )


PDF_MUTATIONS: tuple[Op, ...] = (
    _flip,
    _overwrite,
    _delete,
    _duplicate,
    _truncate,
    _damage_token,
    _inserter(st.one_of(st.sampled_from(PDF_FRAGMENTS), st.binary(max_size=32))),
)

PREFIXES = (
    b"",
    b"%PDF-1.4\n",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    b"<html>",
    b"<!doctype html>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    TITLE.encode(),
)
NAMES = ("input.txt", "input.html", "input.pdf", "input", "peel-2018_report.htm", "")

# Heavy examples (a whole report each) are not shrunk: a failure prints the fixture and the list of mutations,
# which replays it exactly; shrinking them took minutes. The explain phase is skipped everywhere (slow).
_NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
_SHRINK = (*_NO_SHRINK, Phase.shrink)


# --- tests -------------------------------------------------------------------------------------------------


@settings(TEXT_SETTINGS, max_examples=300, phases=_SHRINK)
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_arbitrary_bytes_give_a_report_or_a_peel_error(prefix: bytes, body: bytes, name: str) -> None:
    data = prefix + body
    out = run(data, name)
    if not data:
        assert isinstance(out, EmptyInputError)


@settings(TEXT_SETTINGS, max_examples=300, phases=_SHRINK)
@given(
    title=st.sampled_from(["", TITLE]),
    parts=st.lists(st.tuples(lines, st.sampled_from(LINE_BREAKS)), max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
    name=st.sampled_from(NAMES),
)
def test_arbitrary_text_gives_a_report_or_a_peel_error(
    title: str, parts: list[tuple[str, str]], encoding: str, name: str
) -> None:
    run((title + "".join(line + brk for line, brk in parts)).encode(encoding, errors="replace"), name)


@pytest.mark.parametrize("phrase", PHRASES, ids=range(len(PHRASES)))
@settings(TEXT_SETTINGS, max_examples=40, phases=_SHRINK)
@given(a=NUMBERS, b=NUMBERS, context=st.lists(st.sampled_from(REPORT_LINES), max_size=3))
def test_hostile_numbers_in_a_minimal_report(phrase: str, a: str, b: str, context: list[str]) -> None:
    """One number-bearing phrase a rule reads, with hostile numbers, in a small report that must stay a report."""
    text = TITLE + "Investigating crime\n" + "\n".join([*context, phrase.format(a=a, b=b)]) + "\nGood\n"
    out = run(text.encode("utf-8"), "northshire.txt")
    assert isinstance(out, Report), f"a minimal report with a force and a round was refused: {out}"


@settings(TEXT_SETTINGS, max_examples=300, phases=_SHRINK)
@given(
    title=st.sampled_from(["", "<h1>" + TITLE.replace("\n", "</h1>\n<h2>", 1) + "</h2>"]),
    parts=st.lists(st.one_of(st.sampled_from(HTML_FRAGMENTS + ENTITIES), snippets), max_size=20),
    article=st.booleans(),
)
def test_arbitrary_html_gives_a_report_or_a_peel_error(title: str, parts: list[str], article: bool) -> None:
    """Exceptions only (so a provenance bug does not hide a crash); the mutated-HTML test checks provenance."""
    body = title + "".join(parts)
    page = f"<!doctype html><html><body>{'<article>' if article else ''}{body}</body></html>"
    run(page.encode("utf-8"), "page.html", checked=False)


@settings(TEXT_SETTINGS, max_examples=100, phases=_NO_SHRINK)
@given(mutant=mutants(TEXTS, TEXT_MUTATIONS, as_text=True))
def test_mutated_report_text(mutant: Mutant) -> None:
    run(mutant.data, mutant.name)


@settings(TEXT_SETTINGS, max_examples=60, phases=_NO_SHRINK)
@given(mutant=mutants(HTMLS, HTML_MUTATIONS, as_text=True))
def test_mutated_report_html_gives_a_report_or_a_peel_error(mutant: Mutant) -> None:
    """Exceptions only (so a provenance bug does not hide a crash): the next test checks what comes out."""
    run(mutant.data, mutant.name, checked=False)


@settings(TEXT_SETTINGS, max_examples=60, phases=_NO_SHRINK)
@given(mutant=mutants(HTMLS, HTML_MUTATIONS, as_text=True))
def test_mutated_report_html_keeps_provenance(mutant: Mutant) -> None:
    run(mutant.data, mutant.name)


@settings(PDF_SETTINGS, max_examples=100, phases=_NO_SHRINK)
@given(mutant=mutants(PDFS[:2], PDF_MUTATIONS, as_text=False, most=3))
def test_mutated_pdf_bytes(mutant: Mutant) -> None:
    """The two smaller PDFs only: all three come from the same generator, and the 30-page one costs 0.9 s a run."""
    run(mutant.data, mutant.name)


@settings(PDF_SETTINGS, max_examples=25, phases=_SHRINK)
@given(
    fixture=st.sampled_from(PDFS),
    max_pages=st.integers(0, 30),
    max_chars=st.integers(0, 200_000),
    max_chars_per_page=st.integers(0, 8000),
    max_bytes=st.integers(0, 200_000),
)
def test_pdf_limits_are_enforced(
    fixture: tuple[str, bytes], max_pages: int, max_chars: int, max_chars_per_page: int, max_bytes: int
) -> None:
    name, data = fixture
    limits = dataclasses.replace(
        LIMITS, max_pages=max_pages, max_chars=max_chars, max_chars_per_page=max_chars_per_page, max_bytes=max_bytes
    )
    try:
        pages = pdf_to_pages(read_bytes(data, name, limits), limits)
    except LimitExceededError as exc:
        check_error(exc, name)
        return
    assert len(data) <= max_bytes
    assert len(pages.pages) <= max_pages
    assert all(len(p.text) <= max_chars_per_page for p in pages.pages)
    assert sum(len(p.text) for p in pages.pages) <= max_chars


@settings(TEXT_SETTINGS, max_examples=50, phases=_SHRINK)
@given(fixture=st.sampled_from(TEXTS + HTMLS), max_bytes=st.integers(0, 150_000))
def test_byte_limit_is_enforced(fixture: tuple[str, bytes], max_bytes: int) -> None:
    name, data = fixture
    out = run(data, name, dataclasses.replace(LIMITS, max_bytes=max_bytes))
    assert isinstance(out, LimitExceededError) == (len(data) > max_bytes), out


def test_fixtures_and_mutators_are_in_place() -> None:
    """The mutators need all three editions of each fixture report and the PDFs' structural tokens."""
    assert len(TEXTS) == len(HTMLS) == len(PDFS) == 3
    for name, data in PDFS:
        assert len(_TOKEN.findall(data)) > 100, name


_HUGE = "1" * 310  # a whole number too large for a float
_PDF = dict(PDFS)
FOUND: dict[str, tuple[str, Callable[[], bytes]]] = {
    "graded-count-decimal": (
        "r.txt",
        lambda: (TITLE + "We make graded judgments in 0 of these 0.1 areas of policing as follows:\n").encode(),
    ),
    "case-count-overflow": (
        "r.txt",
        lambda: (TITLE + f"In 0 of {_HUGE} cases we reviewed, the force applied a structured approach.\n").encode(),
    ),
    "improvement-count-overflow": (
        "r.txt",
        lambda: (TITLE + f"In 2019, we identified {_HUGE} areas for improvement:\n").encode(),
    ),
    "rate-infinite": (
        "r.txt",
        lambda: (TITLE + "This equates to 1" + ",000" * 103 + " incidents per 1,000 population.\n").encode(),
    ),
    "rate-average-infinite": (
        "r.txt",
        lambda: (
            TITLE + "This equates to 1 incident per 1,000 population, against an average across forces in England and "
            "Wales of 1" + ",000" * 103 + " incidents per 1,000 population.\n"
        ).encode(),
    ),
    "html-marked-section": ("p.html", lambda: b"<html><body><![foo[ x ]]></body></html>"),
    "html-unclosed-marked-section": ("p.html", lambda: b"<html><body><![</body></html>"),
    "html-entity-without-semicolon": (
        "p.html",
        lambda: b"<html><body><h1>PEEL 2021/22: An inspection of Northshire Police</h1><p>R&D team</p></body></html>",
    ),
    # 28,882 "?" on one line: spaCy's tokenizer took 115 s on it (one suffix at a time), once per process.
    "spacy-long-punctuation-run": ("r.txt", lambda: (TITLE + "?" * 28882 + "\n").encode()),
    "pdf-page-count-too-high": (
        "n.pdf",
        lambda: _PDF["northshire-police_peel-2018-19-synthetic.pdf"].replace(b"/Count 14", b"/Count 15", 1),
    ),
}


@pytest.mark.parametrize("case", sorted(FOUND))
def test_inputs_found_by_fuzzing(case: str) -> None:
    """Minimal inputs the properties above found breaking a stage: each must give a Report or a PeelError."""
    name, make = FOUND[case]
    run(make(), name)
