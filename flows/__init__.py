"""Entry files for ``prefect deploy`` (``flows/ingest.py:ingest_reports``); the flows live in ``peelextract.flows``."""
