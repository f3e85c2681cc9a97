"""peelextract: PEEL inspection reports in, validated data with provenance out."""

from peelextract.settings import EXTRACTOR_VERSION

__all__ = ["EXTRACTOR_VERSION"]
