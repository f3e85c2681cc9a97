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
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

_LONG_RUN = regex.compile(r"\S{65,}")
_SENTENCE_END = frozenset(".!?")
_SENTENCE_KINDS = frozenset({"paragraph", "list_item", "caption", "heading", "badge", "table_cell", "footnote"})
_WHOLE_KINDS = frozenset({"heading", "badge", "table_cell"})


_IMPORT_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """spaCy's blank English pipeline: its tokenizer is all this module runs (``sentence_spans`` does the
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
    nlp = pipeline()
    blocks = [b for b in doc.blocks if b.kind in _SENTENCE_KINDS]
    prose = iter([tokenizer_text(doc.block_text(b)) for b in blocks if b.kind not in _WHOLE_KINDS])
    found: list[tuple[int, int] | None] = []  # None: the next tokenised block's sentences go here
    tokenised: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind in _WHOLE_KINDS:
            found.append((block.start, block.end))
            continue
        text = next(prose)  # the tokenizer only: sentences come from its arrays
        if _one_sentence(text):
            one = len(text.rstrip())
            found.extend([(block.start, block.start + one)] if one else [])
            continue
        found.append(None)
        tokenised.append((block.start, text))
    per_block = texts_to_sentences([t for _, t in tokenised], nlp)
    spans: list[tuple[int, int]] = []
    k = 0
    for item in found:
        if item is not None:
            spans.append(item)
            continue
        start = tokenised[k][0]
        spans.extend((start + a, start + b) for a, b in per_block[k])
        k += 1
    return spans


def texts_to_sentences(texts: list[str], nlp: Language) -> list[list[tuple[int, int]]]:
    """``sentence_spans`` of each text, the token arrays of all of them reduced together (numpy's per-call cost
    was most of ``sentence_spans`` on a report's 140 short blocks): sentence starts are computed as for one
    text, with each text's first token a start and its ``seen`` count taken from its own start."""
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH

    docs = [nlp.make_doc(t) for t in texts]
    sizes = np.array([len(d) for d in docs], dtype=np.intp)
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    if not sizes.sum():
        return out
    table = np.concatenate([d.to_array([ORTH, IDX, LENGTH, IS_PUNCT]) for d in docs if len(d)])
    firsts = np.concatenate(([0], np.cumsum(sizes)[:-1]))[sizes > 0]  # each non-empty text's first token
    owner = np.repeat(np.flatnonzero(sizes > 0), sizes[sizes > 0])  # the text of each token
    hashes = _punct_hashes(nlp)
    at = np.minimum(np.searchsorted(hashes, table[:, 0]), len(hashes) - 1)
    ends_sentence = hashes[at] == table[:, 0]
    seen = np.cumsum(ends_sentence)
    seen_before_text = np.concatenate(([0], seen))[firsts]  # seen up to each text's first token, excluded
    base = np.zeros(len(texts), dtype=seen.dtype)
    base[owner[firsts]] = seen_before_text
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
    for k, a, b in zip(owner[starts].tolist(), a_of, b_of, strict=True):
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


def sentence_spans(sdoc: Doc, nlp: Language, text: str | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets in ``sdoc``'s text of each sentence, trailing whitespace dropped: what spaCy's
    sentencizer and ``Doc.sents`` give, computed from the token arrays (the sentencizer makes a Python
    ``Token`` per token, twice; that was a third of this stage).

    The sentencizer starts a sentence at token 0, and at every token that is neither punctuation nor one of
    its ``punct_chars`` ("plain") once a ``punct_chars`` token has been seen since the last start. Since a
    plain token either starts a sentence or meets no ``punct_chars`` since the last start, a plain token
    starts one exactly when a ``punct_chars`` token lies between it and the previous plain token."""
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH

    if len(sdoc) == 0:
        return []
    table = sdoc.to_array([ORTH, IDX, LENGTH, IS_PUNCT])  # uint64, one row per token
    hashes = _punct_hashes(nlp)  # sorted: a binary search per token, cheaper than np.isin on short docs
    at = np.minimum(np.searchsorted(hashes, table[:, 0]), len(hashes) - 1)
    ends_sentence = hashes[at] == table[:, 0]
    plain = np.flatnonzero(~ends_sentence & (table[:, 3] == 0))
    seen = np.cumsum(ends_sentence)
    before = np.concatenate(([0], seen[plain[:-1]]))
    starts = [0, *(int(t) for t in plain[seen[plain] > before] if t > 0)]
    text = sdoc.text if text is None else text  # Doc.text joins every token's text: pass it when known
    spans: list[tuple[int, int]] = []
    for first, stop in zip(starts, [*starts[1:], len(sdoc)], strict=True):
        a = int(table[first, 1])
        b = int(table[stop - 1, 1]) + int(table[stop - 1, 2])
        sentence = text[a:b].rstrip()
        if sentence:
            spans.append((a, a + len(sentence)))
    return spans


@lru_cache(maxsize=1)
def _punct_hashes(nlp: Language) -> Any:
    """The string hashes (spaCy's ORTH) of the sentencizer's sentence-ending characters (its default
    ``punct_chars``, which ``add_pipe("sentencizer")`` used)."""
    import numpy as np
    from spacy.pipeline.sentencizer import Sentencizer

    chars = Sentencizer.default_punct_chars
    return np.array(sorted({nlp.vocab.strings.add(c) for c in chars}), dtype=np.uint64)
