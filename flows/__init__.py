"""Prefect flows for peelextract. Thin: each task wraps a library call from ``peelextract.orchestrate``."""
