"""What ingest hands on: a source's bytes, and a PDF's pages as characters with boxes, sizes, weights and tags.

Ingest (``peelextract.ingest``) produces these and the layout stage (``peelextract.layout``) consumes the
pages; both import them from here, so neither stage imports the other. Only the pipeline composes the two.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass
from typing import Literal

from peelextract.models import Source, SourceFormat


@dataclass(frozen=True)
class SourceBytes:
    """A report's bytes as read, with its name and the format its content was detected as."""

    name: str
    data: bytes
    format: SourceFormat

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def source(self, pages: int | None = None) -> Source:
        return Source(name=self.name, sha256=self.sha256, size=len(self.data), format=self.format, pages=pages)


# What a structure element makes of the characters it holds (``artifact`` and ``figure`` are dropped).
TagKind = Literal["heading", "paragraph", "list_item", "caption", "footnote", "table_cell", "figure", "artifact"]
ARTIFACT = -1  # the tag of a character in /Artifact marked content


@dataclass(frozen=True)
class StructTag:
    """The structure element (identified by its ``path`` of child indices from the root) that a run of
    characters belongs to: the block kind it gives them, a heading's level, a table cell's row ordinal."""

    kind: TagKind
    level: int = 0
    row: int = 0
    path: tuple[int, ...] = ()


@dataclass(frozen=True)
class PdfPage:
    """One page's characters: ``text[i]`` has box ``boxes[4i:4i+4]``, font ``sizes[i]`` and ``weights[i]``;
    on a tagged PDF ``tags[i]`` is 0 (no tag), ``ARTIFACT``, or 1 + an index into ``PdfPages.struct``."""

    number: int
    width: float
    height: float
    text: str
    boxes: array  # type: ignore[type-arg]
    sizes: array  # type: ignore[type-arg]
    weights: array  # type: ignore[type-arg]
    tags: array | None = None  # type: ignore[type-arg]


@dataclass(frozen=True)
class PdfPages:
    source: SourceBytes
    pages: tuple[PdfPage, ...]
    tagged: bool = False
    struct: tuple[StructTag, ...] = ()
