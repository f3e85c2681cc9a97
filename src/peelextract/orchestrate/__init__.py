"""Orchestration support that runs without Prefect: discovering sources, fetching them over HTTP, the
extraction cache and quarantine, and the per-report unit of work the Prefect flows (``flows/``) wrap."""
