"""Sentences: ``nlp.texts_to_sentences`` computes from token arrays what spaCy's sentencizer and ``Doc.sents``
give, and ``nlp.pipeline`` builds spaCy without importing ``spacy.cli`` (start-up), which still imports."""

from __future__ import annotations

import subprocess
import sys
from functools import lru_cache
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from peelextract import nlp as nlp_module
from peelextract.ingest import read_path
from peelextract.nlp import pipeline, texts_to_sentences
from peelextract.pipeline import source_to_document
from tests.conftest import REPORTS

if TYPE_CHECKING:
    from spacy.language import Language

# Letters, spaces, the sentencizer's enders (ASCII, CJK, Arabic), other punctuation, quotes, brackets.
_ALPHABET = "ab AB 12\n\t.!?。？！؟;:,'\"()[]-–…“”‘’"


@lru_cache(maxsize=1)
def sentencizer() -> Language:
    """spaCy's blank English with its sentencizer, as nlp.py used it before (``spacy.blank`` + add_pipe)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def spacy_sentences(text: str) -> list[tuple[int, int]]:
    """What the sentencizer in spaCy's own pipeline says."""
    sdoc = sentencizer()(text)
    if len(sdoc) == 0:
        return []
    return [(s.start_char, s.start_char + len(s.text.rstrip())) for s in sdoc.sents if s.text.rstrip()]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=120))
def test_sentence_spans_match_the_sentencizer(text: str) -> None:
    nlp = pipeline()
    assert texts_to_sentences([text], nlp) == [spacy_sentences(text)]
    assert [t.text for t in nlp.make_doc(text)] == [t.text for t in sentencizer().make_doc(text)]


def test_sentence_spans_match_the_sentencizer_on_every_fixture_paragraph() -> None:
    nlp = pipeline()
    checked = 0
    for path in sorted(REPORTS.glob("*.txt")):
        doc = source_to_document(read_path(path))
        for block in doc.blocks:
            text = doc.block_text(block)
            assert texts_to_sentences([text], nlp) == [spacy_sentences(text)], text
            checked += 1
    assert checked > 300


def test_pipeline_leaves_spacy_cli_importable() -> None:
    code = (
        "import sys\n"
        "from peelextract.nlp import pipeline\n"
        "pipeline()\n"
        "assert 'spacy.cli' not in sys.modules and 'typer' not in sys.modules\n"
        "import spacy.cli\n"
        "from spacy.cli import download\n"
        "assert callable(download) and callable(spacy.info)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=120))
def test_a_block_read_as_one_sentence_is_one_for_the_sentencizer(text: str) -> None:
    """``document_to_sentences`` skips the tokenizer for a block with no sentence end before other text."""
    pipeline()
    if nlp_module._one_sentence(text):
        one = len(text.rstrip())
        assert spacy_sentences(text) == ([(0, one)] if one else [])


def test_one_sentence_shapes() -> None:
    pipeline()
    assert nlp_module._one_sentence("The force is good at investigating crime.")
    assert nlp_module._one_sentence("Is it good?!")
    assert not nlp_module._one_sentence("It is good. It is not outstanding.")
    assert not nlp_module._one_sentence('He said "stop." Then')


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=80), max_size=6))
def test_texts_reduced_together_give_each_texts_sentences(texts: list[str]) -> None:
    """``texts_to_sentences`` reduces many texts' token arrays at once: each text's spans as the sentencizer's."""
    assert texts_to_sentences(texts, pipeline()) == [spacy_sentences(t) for t in texts]
