"""Sentences, from spaCy's rule-based sentencizer on a blank English pipeline (no downloaded model).

One Doc per block (measured: 10 ms for the sample report, against 63 ms for one Doc of the whole text,
because the tokenizer stops caching after the first contraction in a long Doc). Sentence spans are
returned as offsets into the document text.

spaCy sees a copy of each block in which any run of more than 64 non-space characters is masked with "x"
(its last character kept when it ends a sentence), same length, so offsets do not move. No word of a
report is that long; a run that is (28,882 "?" in a fuzzed input) made the tokenizer strip one suffix at
a time and took 115 s.

Start-up: ``import spacy`` runs ``spacy/__init__``, which imports ``spacy.cli`` only to re-export
``spacy.info`` — typer, weasel, requests, httpx: about 0.2 s of a 0.4 s import, none of it used here.
``_import_spacy`` keeps that import out (``spacy.cli`` still imports normally afterwards), and the pipeline
is built from ``English()`` rather than ``spacy.blank("en")``, which scans the installed packages' entry
points for languages. Both build the same tokenizer and sentencizer (the golden tests check the output).
"""

from __future__ import annotations

import logging
import sys
import threading
import types
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex

from peelextract.document import Document

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

_LONG_RUN = regex.compile(r"\S{65,}")
_SENTENCE_END = frozenset(".!?")
_SENTENCE_KINDS = frozenset({"paragraph", "list_item", "caption", "heading", "badge", "table_cell", "footnote"})
_WHOLE_KINDS = frozenset({"heading", "badge", "table_cell"})


_IMPORT_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """spaCy's blank English pipeline: its tokenizer is all this module runs (``texts_to_sentences`` does the
    sentencizer's work). Of the lexical attributes computed for each new word (in Python: shape, like_num,
    stop word, ...) it keeps IS_PUNCT, the only one read; tokenisation does not depend on them, and the
    first document of a process creates ~1,750 words (23 ms of 58 ms saved)."""
    with _IMPORT_LOCK:
        _import_spacy()
    from spacy.attrs import IS_PUNCT
    from spacy.lang.en import English

    nlp = English()
    vocab: Any = nlp.vocab  # lex_attr_getters is not in spaCy's type stubs
    vocab.lex_attr_getters = {IS_PUNCT: vocab.lex_attr_getters[IS_PUNCT]}
    return nlp


def _import_spacy() -> None:
    """``import spacy`` without ``spacy.cli``: while spaCy's ``__init__`` runs, ``spacy.cli`` and
    ``spacy.cli.info`` are placeholders (``spacy.info`` calls the real one when used); then they are
    removed, so a later ``import spacy.cli`` loads the real package."""
    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []
    info = types.ModuleType("spacy.cli.info")
    info.info = _spacy_info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info
    try:
        import spacy
    finally:
        for name, placeholder in (("spacy.cli.info", info), ("spacy.cli", cli)):
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
    if getattr(spacy, "cli", None) is cli:
        delattr(spacy, "cli")


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    from spacy.cli.info import info

    return info(*args, **kwargs)


def tokenizer_text(text: str) -> str:
    """``text`` as spaCy should see it: the same length, overlong runs of non-space characters masked."""
    if len(text) <= 64 or (max(map(len, text.split())) <= 64 and not any(c in text for c in _NOT_REGEX_SPACE)):
        return text  # no run to mask: str.split's words are regex's runs, bar the four below (2 ms a report)
    return _LONG_RUN.sub(_mask, text)


# str.split() splits at these (str.isspace), regex's \s does not: a run of \S may span them.
_NOT_REGEX_SPACE = "\x1c\x1d\x1e\x1f"


def _mask(m: regex.Match[str]) -> str:
    run = m.group(0)
    last = run[-1] if run[-1] in _SENTENCE_END else "x"
    return "x" * (len(run) - 1) + last


def document_to_sentences(doc: Document) -> list[tuple[int, int]]:
    """(start, end) of every sentence, in document order; headings, badges and table cells are one
    sentence each (and are not tokenised)."""
    blocks = [b for b in doc.blocks if b.kind in _SENTENCE_KINDS]
    prose = [tokenizer_text(doc.block_text(b)) for b in blocks if b.kind not in _WHOLE_KINDS]
    per_block = iter(texts_to_sentences(prose, pipeline()))
    spans: list[tuple[int, int]] = []
    for block in blocks:
        if block.kind in _WHOLE_KINDS:
            spans.append((block.start, block.end))
        else:
            spans.extend((block.start + a, block.start + b) for a, b in next(per_block))
    return spans


def texts_to_sentences(texts: list[str], nlp: Language) -> list[list[tuple[int, int]]]:
    """(start, end) offsets in each text of its sentences, trailing whitespace dropped: what spaCy's
    sentencizer and ``Doc.sents`` give, computed from the tokenizer's arrays (the sentencizer makes a Python
    ``Token`` per token, twice; that was a third of this stage).

    The sentencizer starts a sentence at token 0, and at every token that is neither punctuation nor one of
    its ``punct_chars`` ("plain") once a ``punct_chars`` token has been seen since the last start. Since a
    plain token either starts a sentence or meets no ``punct_chars`` since the last start, a plain token
    starts one exactly when a ``punct_chars`` token lies between it and the previous plain token.

    A text with no sentence end before other text is one sentence and is not tokenised (``_one_sentence``).
    The others' token arrays are reduced together (numpy's per-call cost was most of the work on a report's
    140 short blocks): each text's first token is a start, and its ``seen`` count is taken from its own start."""
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH

    out: list[list[tuple[int, int]]] = []
    todo: list[int] = []  # the texts to tokenise
    for k, text in enumerate(texts):
        one = len(text.rstrip())
        out.append([(0, one)] if one and _one_sentence(text) else [])
        if one and not out[-1]:
            todo.append(k)
    docs = [nlp.make_doc(texts[k]) for k in todo]
    sizes = np.array([len(d) for d in docs], dtype=np.intp)
    if not sizes.sum():
        return out
    table = np.concatenate([d.to_array([ORTH, IDX, LENGTH, IS_PUNCT]) for d in docs if len(d)])
    firsts = np.concatenate(([0], np.cumsum(sizes)[:-1]))[sizes > 0]  # each non-empty text's first token
    owner = np.repeat(np.flatnonzero(sizes > 0), sizes[sizes > 0])  # the text (in ``todo``) of each token
    hashes = _punct_hashes(nlp)  # sorted: a binary search per token
    at = np.minimum(np.searchsorted(hashes, table[:, 0]), len(hashes) - 1)
    ends_sentence = hashes[at] == table[:, 0]
    seen = np.cumsum(ends_sentence)
    base = np.zeros(len(todo), dtype=seen.dtype)
    base[owner[firsts]] = np.concatenate(([0], seen))[firsts]  # seen before each text's first token
    plain = np.flatnonzero(~ends_sentence & (table[:, 3] == 0))
    prev = np.concatenate(([-1], plain[:-1]))
    same_text = (prev >= 0) & (owner[np.maximum(prev, 0)] == owner[plain])
    before = np.where(same_text, seen[np.maximum(prev, 0)], base[owner[plain]])
    is_first = np.zeros(len(table), dtype=bool)
    is_first[firsts] = True
    starts = np.union1d(firsts, plain[(seen[plain] > before) & ~is_first[plain]])
    stops = np.append(starts[1:], len(table))  # each text's first token is a start: no sentence runs past its text
    a_of = table[starts, 1].tolist()
    b_of = (table[stops - 1, 1] + table[stops - 1, 2]).tolist()
    for j, a, b in zip(owner[starts].tolist(), a_of, b_of, strict=True):
        k = todo[j]
        sentence = texts[k][a:b].rstrip()
        if sentence:
            out[k].append((a, a + len(sentence)))
    return out


def _one_sentence(text: str) -> bool:
    """Whether the sentencizer would find one sentence in ``text`` without tokenising it: when no sentence-
    ending character (its ``punct_chars``) stands before anything but more of them. A sentence starts only at a
    token after one of them that is neither punctuation nor one of them; "The force is good." has none.
    (Two in five of a report's blocks, and a third of the tokenizer's time.)"""
    first, only = _punct_patterns()
    m = first.search(text)
    return m is None or only.fullmatch(text, m.start()) is not None


@lru_cache(maxsize=1)
def _punct_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """A sentence-ending character, and a run of nothing but them (spaCy's sentencizer's ``punct_chars``)."""
    from spacy.pipeline.sentencizer import Sentencizer

    chars = "".join(regex.escape(c) for c in sorted(set(Sentencizer.default_punct_chars)))
    return regex.compile(f"[{chars}]"), regex.compile(f"[{chars}]+")


@lru_cache(maxsize=1)
def _punct_hashes(nlp: Language) -> Any:
    """The string hashes (spaCy's ORTH) of the sentencizer's sentence-ending characters (its default
    ``punct_chars``, which ``add_pipe("sentencizer")`` used)."""
    import numpy as np
    from spacy.pipeline.sentencizer import Sentencizer

    chars = Sentencizer.default_punct_chars
    return np.array(sorted({nlp.vocab.strings.add(c) for c in chars}), dtype=np.uint64)
