"""Stages import only downward: read from the source with ``ast``, not by importing it.

Ingest (bytes → pages or a Document), layout (pages → Document) and publish (reports → files) are peers
composed by the pipeline: none of them imports another, nor anything that composes them. What ingest hands
to layout lives in the neutral ``peelextract.pages``; the pdfium lock both ingest and publish hold lives in
``peelextract.pdfium``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import peelextract

SRC = Path(peelextract.__file__).resolve().parent

# Each stage: the modules it is made of (a package takes its submodules).
STAGES = {
    "ingest": ("peelextract.ingest",),
    "layout": (
        "peelextract.layout",
        "peelextract.layout_furniture",
        "peelextract.layout_lines",
        "peelextract.layout_tables",
    ),
    "publish": ("peelextract.publish",),
}
COMPOSERS = ("peelextract.pipeline", "peelextract.cli", "peelextract.orchestrate", "peelextract.evaluate")
NEUTRAL = ("peelextract.pages", "peelextract.pdfium")
# Imports that break the rule and are waiting to move; empty now that the grade-line pattern lives in the
# vocabulary. A new exception must name itself here, and the test fails once it is gone.
PENDING: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = SRC.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path: Path) -> set[str]:
    """Every peelextract module ``path`` imports, at the top or inside a function (a lazy import counts)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, f"{path}: a relative import (the package uses absolute ones)"
            # ``from package import module`` imports the submodule too
            found.update([node.module, *(f"{node.module}.{a.name}" for a in node.names)])
    return {m for m in found if m.split(".")[0] == "peelextract" and is_module(m)}


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in sorted(SRC.rglob("*.py"))}


def upward_imports() -> set[tuple[str, str]]:
    """(importer, imported) pairs where a stage imports another stage or a composer."""
    bad: set[tuple[str, str]] = set()
    for module, deps in graph().items():
        for stage, members in STAGES.items():
            if not within(module, members):
                continue
            others = tuple(m for s, ms in STAGES.items() if s != stage for m in ms) + COMPOSERS
            bad.update((module, d) for d in deps if within(d, others))
    return bad


def test_the_import_reader_sees_every_form() -> None:
    assert imports(SRC / "ingest" / "html.py") == {
        "peelextract.document",
        "peelextract.ingest.text",
        "peelextract.pages",
        "peelextract.rounds.scales",  # grade words: an image's text alternative is read when it states a grade
    }
    assert "peelextract.layout" in imports(SRC / "pipeline.py")  # imported inside source_to_document
    assert {"peelextract.publish", "peelextract.publish.dataset"} <= imports(SRC / "cli.py")
    assert set(graph()) >= {m for ms in STAGES.values() for m in ms} | set(NEUTRAL)


def test_ingest_layout_and_publish_import_no_other_stage() -> None:
    bad = upward_imports()
    assert bad - PENDING == set(), "a stage imports another stage or a composer"
    assert bad >= PENDING, f"these imports are gone: remove them from PENDING: {sorted(PENDING - bad)}"


def test_layout_imports_page_types_from_the_neutral_module() -> None:
    layout = {d for m, deps in graph().items() if within(m, STAGES["layout"]) for d in deps}
    assert "peelextract.pages" in layout
    assert not any(within(d, ("peelextract.ingest",)) for d in layout - {d for _, d in PENDING})


def test_neutral_modules_import_no_stage() -> None:
    stages = tuple(m for ms in STAGES.values() for m in ms) + COMPOSERS
    for module in NEUTRAL:
        assert not [d for d in graph()[module] if within(d, stages)], module
