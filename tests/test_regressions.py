"""Regressions for the two reading defects the soak found in pdf.js's test corpus (issue 13), on PDFs built
by ``fixtures/make_regressions.py`` (committed under fixtures/regressions/; the first test keeps them equal
to what the generator writes).

Each test is named after the bug it reproduces: characters outside the Basic Multilingual Plane (pdfium counts
two UTF-16 units, Python one character: ``IndexError`` in ``_page_chars``), and a FlateDecode stream whose
end-of-line before ``endstream`` kept the bomb check's inflate loop spinning.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from peelextract.ingest import read_bytes
from peelextract.pipeline import source_to_document
from tests.conftest import FIXTURES

_spec = importlib.util.spec_from_file_location("make_regressions", FIXTURES / "make_regressions.py")
assert _spec is not None and _spec.loader is not None
make_regressions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_regressions)

REGRESSIONS = FIXTURES / "regressions"


def test_committed_fixtures_are_what_the_generator_writes() -> None:
    for name, make in make_regressions.CASES.items():
        assert (REGRESSIONS / name).read_bytes() == make(), f"{name}: run python fixtures/make_regressions.py"


def test_a_character_outside_the_bmp_keeps_every_box_with_its_character() -> None:
    """pdfium counts U+1D400 as two characters (its surrogate halves); the text must still line up with
    pdfium's boxes: every character after it keeps its own box, so the "f" of "for" starts a space's width
    (0.278 em of 14 pt Helvetica, 3.9 pt) to the right of U+1D400, not where the space starts."""
    path = REGRESSIONS / "nonbmp_chars.pdf"
    doc = source_to_document(read_bytes(path.read_bytes(), path.name))
    line = make_regressions.NONBMP_LINE.replace("A", make_regressions.NONBMP)
    assert line in doc.text and "\ufffd" not in doc.text, doc.text
    assert doc.char_boxes is not None
    boxes = doc.char_boxes
    astral, f = doc.text.index(make_regressions.NONBMP), doc.text.index(" for") + 1
    lefts = [boxes[4 * i] for i in range(doc.text.index(line), len(line)) if not doc.text[i].isspace()]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), lefts
    assert boxes[4 * f] - boxes[4 * astral + 2] > 3.0, (boxes[4 * astral : 4 * astral + 4], boxes[4 * f : 4 * f + 4])


def test_a_stream_inflating_past_one_chunk_with_an_end_of_line_does_not_hang(tmp_path: Path) -> None:
    """The bomb check must end on a FlateDecode stream that inflates to more than its 1 MiB chunk and has
    the end-of-line before ``endstream`` (run as a process: a hang cannot be stopped inside one)."""
    cmd = [sys.executable, "-m", "peelextract.cli", "extract", str(REGRESSIONS / "inflate_loop.pdf")]
    done = subprocess.run([*cmd, "--out", str(tmp_path), "--no-dataset"], capture_output=True, text=True, timeout=15)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
