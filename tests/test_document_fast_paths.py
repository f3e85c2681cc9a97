"""The per-block fast paths of ``DocumentBuilder`` give exactly what the per-character loop gives: text,
offsets, pages and boxes (property tests over text mixing ASCII, curly quotes, hyphens, ligatures,
whitespace of every kind and characters that are dropped)."""

from __future__ import annotations

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from peelextract.document import DocumentBuilder, normalise_chars, one_for_one
from peelextract.models import BBox, Source

# Printable ASCII with spaces, plus every kind of character the normaliser treats specially.
ALPHABET = st.sampled_from(
    [
        *"ab. ,'-1",
        *("  ", "\u2019", "\u201c", "\u2011", "\u2013", "\u00a3", "\u00e9", "\ufb01", "\u2026", "\u00ad"),
        *("\u200b", "\ufffe", "\u00a0", "\t", "\n", "\x02", "\U0001d400"),
    ]
)
TEXT = st.lists(ALPHABET, max_size=30).map("".join)


def _box(i: int) -> BBox:
    return (float(i), float(i) + 0.5, float(i) + 1.0, float(i) + 1.5)


def _built(runs: list[tuple[str, list[BBox], int]], *, fast: bool) -> tuple[str, list[int], list[int], list[float]]:
    source = Source(name="t.pdf", sha256="0" * 64, size=1, format="pdf", pages=3)
    builder = DocumentBuilder(source=source, with_boxes=True)
    if fast:
        packed = [(t, array("f", [v for b in boxes for v in b]).tobytes(), pg) for t, boxes, pg in runs]
        builder.add_runs("paragraph", packed, page=1)
    else:
        chars = [(c, -1, pg, box) for t, boxes, pg in runs for c, box in zip(t, boxes, strict=True)]
        text, offs, pages, boxes_ = normalise_chars(chars)
        if text:
            flat = array("f", [v for b in boxes_ for v in b])
            builder._append("paragraph", text, array("i", offs), 0, 1, None, array("h", pages), flat)
    doc = builder.build()
    assert doc.char_pages is not None and doc.char_boxes is not None
    return doc.text, list(doc.src_offsets), list(doc.char_pages), list(doc.char_boxes)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_one_for_one_is_the_per_character_loop(text: str) -> None:
    normal = one_for_one(text)
    slow, offs, _, _ = normalise_chars((c, i, 1, None) for i, c in enumerate(text))
    if normal is not None:  # taken only when nothing is collapsed, stripped, dropped or expanded
        assert normal == slow
        assert offs == list(range(len(text)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, st.integers(1, 3)), max_size=5))
def test_runs_build_what_characters_build(parts: list[tuple[str, int]]) -> None:
    runs: list[tuple[str, list[BBox], int]] = []
    k = 0
    for text, page in parts:
        runs.append((text, [_box(k + i) for i in range(len(text))], page))
        k += len(text)
    assert _built(runs, fast=True) == _built(runs, fast=False)


def test_curly_apostrophe_block_takes_the_fast_path() -> None:
    """The common case the fast path is for: a sentence with a curly apostrophe and a non-breaking hyphen."""
    assert one_for_one("The force\u2019s non\u2011crime data") == "The force's non-crime data"
    assert one_for_one("two  spaces") is None
    assert one_for_one(" leading") is None
    assert one_for_one("\ufb01nd") is None  # a ligature expands to two characters
