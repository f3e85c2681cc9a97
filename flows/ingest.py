"""Entry file for ``prefect deploy flows/ingest.py:ingest_reports`` (the flow is ``peelextract.flows.ingest``).

A worker imports this file to start a deployed run: that is the run's entry point, so the settings are read
here once, for the task runner; the run itself reads the rest (limits, fetch) when it starts.
"""

from peelextract.flows.ingest import ingest_reports as _ingest_reports
from peelextract.flows.ingest import task_runner
from peelextract.settings import from_env

ingest_reports = _ingest_reports.with_options(task_runner=task_runner(from_env()))
