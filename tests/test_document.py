"""Normalisation keeps an exact map from every character back to its source."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peelextract.document import Document, normalise_char, normalise_text
from peelextract.ingest import SourceBytes
from peelextract.ingest.text import text_to_document


def doc_of(text: str) -> Document:
    return text_to_document(SourceBytes(name="t.txt", data=text.encode("utf-8"), format="text"))


def test_curly_quotes_nb_hyphen_ligatures_and_whitespace() -> None:
    raw = "The force’s  longer\u2011term “plan”\u00a0is e\ufb03cient."
    doc = doc_of(raw)
    assert doc.text == 'The force\'s longer-term "plan" is efficient.'
    # every normalised character maps to the source character it came from
    for i, ch in enumerate(doc.text):
        src = raw[doc.src_offsets[i]]
        assert ch in normalise_char(src) or (ch == " " and src.isspace())
    ffi = doc.text.index("ffi")
    assert doc.src_offsets[ffi] == doc.src_offsets[ffi + 2] == raw.index("\ufb03")


def test_evidence_source_span_covers_original_characters() -> None:
    raw = "Heading\n  It’s 45\u00a0percent.\n"
    doc = doc_of(raw)
    start = doc.text.index("It's")
    ev = doc.evidence(start, start + len("It's 45 percent."))
    assert ev.source_start is not None and ev.source_end is not None
    assert raw[ev.source_start : ev.source_end] == "It’s 45\u00a0percent."


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40), max_size=6))
def test_offsets_always_point_at_a_source_character_that_produced_it(lines: list[str]) -> None:
    raw = "\n".join(lines)
    doc = doc_of(raw) if raw.strip() else None
    if doc is None:
        return
    assert len(doc.src_offsets) == len(doc.text)
    for i, ch in enumerate(doc.text):
        off = doc.src_offsets[i]
        if ch == "\n":
            assert off == -1
            continue
        assert 0 <= off < len(raw)
        src = raw[off]
        assert ch in normalise_char(src) or (ch == " " and (src.isspace() or normalise_char(src) == " "))
    assert "  " not in doc.text


def test_normalise_text_matches_block_normalisation() -> None:
    assert normalise_text("  A\u2019s\t\tB\u2011C  ") == "A's B-C"


def test_excerpt_metadata_lines_are_skipped() -> None:
    doc = doc_of("# source: https://example.org/x\n# completeness: excerpts\nCheshire 2015\n\nSome text.\n# ---\nMore.")
    assert doc.text == "Cheshire 2015\nSome text.\nMore."


def test_bug_spacy_sees_overlong_runs_masked_at_the_same_length() -> None:
    """A run of 28,882 "?" took spaCy's tokenizer 115 s (tests/test_fuzz.py keeps the whole input)."""
    from peelextract.nlp import tokenizer_text

    text = "The force is good. " + "?" * 100 + " See https://example.org/" + "a" * 70 + ". Done."
    masked = tokenizer_text(text)
    assert len(masked) == len(text)
    assert masked.startswith("The force is good. ") and masked.endswith(" Done.")
    words = masked.split()
    assert words[4] == "x" * 99 + "?"  # a run ending a sentence keeps its full stop or question mark
    assert words[6] == "x" * (len("https://example.org/") + 70) + "."
    assert tokenizer_text("short words only.") == "short words only."


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab~! \u2019\u00ad\t", max_size=40))
def test_add_chars_keeps_each_kept_characters_source(raw: str) -> None:
    """Blocks of plain ASCII take a fast path: both paths keep, for every output character, the offset and
    box of the source character it came from; spaces collapse onto the first of a run, ends are trimmed."""
    from peelextract.document import DocumentBuilder
    from peelextract.models import Source

    builder = DocumentBuilder(Source(name="t", sha256="0" * 64, size=0, format="pdf"), with_boxes=True)
    builder.add_chars("paragraph", [(c, i, 1, (float(i), 0.0, float(i) + 1, 1.0)) for i, c in enumerate(raw)])
    doc = builder.build()
    expected: list[tuple[str, int]] = []
    pending: tuple[str, int] | None = None
    for i, c in enumerate(raw):
        rep = normalise_char(c)
        if rep == " ":
            if expected and pending is None:
                pending = (" ", i)
            continue
        if pending is not None:
            expected.append(pending)
            pending = None
        expected.extend((r, i) for r in rep)
    assert doc.text == "".join(r for r, _ in expected)
    assert list(doc.src_offsets) == [i for _, i in expected]
    assert doc.char_boxes is not None
    assert list(doc.char_boxes)[0::4] == [float(i) for _, i in expected]
