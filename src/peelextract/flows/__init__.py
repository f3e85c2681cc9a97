"""Prefect flows for peelextract. Thin: each task wraps a library call from ``peelextract.orchestrate``.

Imported by ``orchestrate_cli`` only inside its command functions, so ``peelextract extract`` never imports
Prefect. The files under the repository's ``flows/`` are entry points for ``prefect deploy``.
"""
