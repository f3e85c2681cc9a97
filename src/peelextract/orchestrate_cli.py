"""Sub-commands ``ingest``, ``serve`` and ``reextract`` (Prefect). Prefect is imported inside the command
functions only, so ``peelextract extract`` never imports it.

- ``ingest SOURCE --out DIR``: one flow run (a temporary local Prefect server when PREFECT_API_URL is unset);
  exit 0 when every input succeeded, 1 when any failed (the others are still published).
- ``serve SOURCE --out DIR --cron "…" | --interval SECONDS``: serve a scheduled deployment against the
  Prefect server in PREFECT_API_URL (start one with scripts/prefect-server.sh) until interrupted.
- ``reextract REPORT --out DIR``: re-extract one report (id, path or URL), ignoring caches.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from peelextract.errors import IngestFailed, UsageError
from peelextract.settings import RUNNERS, RunnerKind, Settings
from peelextract.text_utils import plural

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    i = sub.add_parser("ingest", help="ingest an inbox folder or a listing URL once (Prefect flow)")
    _common(i)
    i.add_argument(
        "--no-cache", dest="use_cache", action="store_false", help="re-fetch and re-extract even unchanged reports"
    )
    i.set_defaults(func=_ingest)

    s = sub.add_parser("serve", help="serve a scheduled ingestion deployment (needs PREFECT_API_URL)")
    _common(s)
    when = s.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='a cron schedule, e.g. "0 6 * * *"')
    when.add_argument("--interval", type=float, metavar="SECONDS", help="run every SECONDS seconds")
    s.add_argument("--name", default=None, help="deployment name (default: derived from SOURCE)")
    s.set_defaults(func=_serve)

    r = sub.add_parser("reextract", help="re-extract one report (id in DIR, path or URL), ignoring caches")
    r.add_argument("report", metavar="REPORT")
    r.add_argument("--out", required=True, metavar="DIR")
    r.set_defaults(func=_reextract)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="SOURCE", help="inbox folder, or http(s) URL of a listing page")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument(
        "--runner", choices=RUNNERS, default=None, help="task runner (default: $PEELEXTRACT_TASK_RUNNER or threads)"
    )


def _source(value: str) -> str:
    if value.startswith(("http://", "https://")):
        return value
    path = Path(value)
    if not path.is_dir():
        raise UsageError(f"SOURCE must be an inbox folder or an http(s) URL; {value!r} is neither")
    return str(path.resolve())


# Prefect settings this tool defaults (a user's own environment wins). The temporary server's first start
# on a new PREFECT_HOME runs its database migrations: 14.5 s measured here, against Prefect's 20 s timeout,
# so a fresh machine's first `peelextract ingest` timed out. Analytics would try the network (closed here).
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


def _prefect_defaults() -> None:
    """Hand Prefect (this process, its temporary server, served runs) the defaults above: written for Prefect
    to read, not settings of this tool."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)


def _with_runner(settings: Settings, runner: str | None) -> Settings:
    """``--runner`` wins over ``PEELEXTRACT_TASK_RUNNER``."""
    return replace(settings, task_runner=cast(RunnerKind, runner)) if runner else settings


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    source = _source(args.source)
    _prefect_defaults()
    from peelextract.flows.ingest import run_ingest

    try:
        summary = run_ingest(
            source,
            str(Path(args.out).resolve()),
            use_cache=args.use_cache,
            settings=_with_runner(settings, args.runner),
        )
    except IngestFailed as exc:
        summary = exc.summary
    print(summary.line())
    for r in summary.failed:
        err = r.error or {}
        print(f"peelextract: error [{err.get('code')}]: {r.name}: {err.get('reason')} (quarantined)", file=sys.stderr)
    if summary.site:
        print(f"review site: {summary.site}")
    return EXIT_FAILED if summary.failed else EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.prefect_api_url:
        raise UsageError(
            "serve needs a running Prefect server: start one with scripts/prefect-server.sh "
            "and export PREFECT_API_URL=<the URL it prints> (schedules do not fire on the "
            "temporary server)"
        )
    if args.interval is not None and args.interval <= 0:
        raise UsageError("--interval must be a positive number of seconds")
    source = _source(args.source)
    settings = _with_runner(settings, args.runner)
    _prefect_defaults()
    from prefect.types.entrypoint import EntrypointType

    from peelextract.flows.ingest import ingest_reports, task_runner

    name = args.name or "ingest-" + "".join(c if c.isalnum() else "-" for c in Path(source).name or source)[:50]
    schedule: dict[str, Any] = {"cron": args.cron} if args.cron else {"interval": args.interval}
    # Served runs run this flow object in a child process, so the runner set here holds; each run reads the
    # other settings from the environment it inherits when it starts.
    flow = ingest_reports.with_options(task_runner=task_runner(settings))
    flow.serve(
        name=name,
        parameters={"source": source, "out_dir": str(Path(args.out).resolve())},
        entrypoint_type=EntrypointType.MODULE_PATH,
        pause_on_shutdown=False,
        **schedule,
    )
    return EXIT_OK


def _reextract(args: argparse.Namespace, settings: Settings) -> int:
    _prefect_defaults()
    from peelextract.flows.reextract import reextract_report

    result = reextract_report(args.report, str(Path(args.out).resolve()), settings)
    print(
        f"{result.location}: {Path(args.out) / f'{result.report_id}.json'} ({plural(result.grades, 'grade')}, "
        f"{plural(result.case_counts, 'case count')}, {plural(result.ci_percentages, 'CI percentage')})"
    )
    return EXIT_OK
