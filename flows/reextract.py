"""Entry file for ``prefect deploy flows/reextract.py:reextract_report`` (the flow is
``peelextract.flows.reextract``; it reads the settings when its run starts)."""

from peelextract.flows.reextract import reextract_report

__all__ = ["reextract_report"]
