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


_IMPORT_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def pipeline() -> Language:
    with _IMPORT_LOCK:
        _import_spacy()
    from spacy.lang.en import English

    nlp = English()
    nlp.add_pipe("sentencizer")
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
    return _LONG_RUN.sub(_mask, text) if len(text) > 64 else text


def _mask(m: regex.Match[str]) -> str:
    run = m.group(0)
    last = run[-1] if run[-1] in _SENTENCE_END else "x"
    return "x" * (len(run) - 1) + last


def document_to_sentences(doc: Document) -> list[tuple[int, int]]:
    """(start, end) of every sentence, in document order; headings and badges are one sentence each."""
    nlp = pipeline()
    blocks = [b for b in doc.blocks if b.kind in _SENTENCE_KINDS]
    spans: list[tuple[int, int]] = []
    texts = (tokenizer_text(doc.block_text(b)) for b in blocks)
    for block, sdoc in zip(blocks, nlp.pipe(texts, batch_size=256), strict=True):
        if block.kind in ("heading", "badge", "table_cell"):
            spans.append((block.start, block.end))
            continue
        for sent in sdoc.sents:
            text = sent.text.rstrip()
            if text:
                start = block.start + sent.start_char
                spans.append((start, start + len(text)))
    return spans
