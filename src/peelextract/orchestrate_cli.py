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
import importlib
import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from peelextract.errors import PeelError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
RUNNERS = ("threads", "processes", "dask")


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
        raise ValueError(f"SOURCE must be an inbox folder or an http(s) URL; {value!r} is neither")
    return str(path.resolve())


# Prefect settings this tool defaults (a user's own environment wins). The temporary server's first start
# on a new PREFECT_HOME runs its database migrations: 14.5 s measured here, against Prefect's 20 s timeout,
# so a fresh machine's first `peelextract ingest` timed out. Analytics would try the network (closed here).
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


def _flows(name: str, runner: str | None) -> ModuleType:
    """Import ``flows.<name>`` (after setting the runner, which the flow reads at import)."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if runner:
        os.environ["PEELEXTRACT_TASK_RUNNER"] = runner
    try:
        return importlib.import_module(f"flows.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in ("flows", f"flows.{name}"):
            raise
    # Installed without the top-level ``flows`` package (an editable install made before it existed):
    # use the checkout this module lives in, and tell child processes (served runs, workers) too.
    root = Path(__file__).resolve().parents[2]
    if not (root / "flows" / "__init__.py").is_file():
        raise PeelError("flows", "the flows package is not installed; run scripts/setup.sh")
    sys.path.insert(0, str(root))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p)
    return importlib.import_module(f"flows.{name}")


def _ingest(args: argparse.Namespace) -> int:
    source = _source(args.source)
    flows = _flows("ingest", args.runner)
    try:
        summary: Any = flows.run_ingest(source, str(Path(args.out).resolve()), use_cache=args.use_cache)
    except flows.IngestFailed as exc:
        summary = exc.summary
    print(summary.line())
    for r in summary.failed:
        err = r.error or {}
        print(f"peelextract: error: {r.name}: {err.get('code')}: {err.get('reason')} (quarantined)", file=sys.stderr)
    if summary.site:
        print(f"review site: {summary.site}")
    return EXIT_FAILED if summary.failed else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    if not os.environ.get("PREFECT_API_URL"):
        raise ValueError(
            "serve needs a running Prefect server: start one with scripts/prefect-server.sh "
            "and export PREFECT_API_URL=<the URL it prints> (schedules do not fire on the "
            "temporary server)"
        )
    if args.interval is not None and args.interval <= 0:
        raise ValueError("--interval must be a positive number of seconds")
    source = _source(args.source)
    flows = _flows("ingest", args.runner)
    from prefect.types.entrypoint import EntrypointType

    name = args.name or "ingest-" + "".join(c if c.isalnum() else "-" for c in Path(source).name or source)[:50]
    schedule: dict[str, Any] = {"cron": args.cron} if args.cron else {"interval": args.interval}
    flow = flows.ingest_reports.with_options(task_runner=flows.task_runner_from_env())
    flow.serve(
        name=name,
        parameters={"source": source, "out_dir": str(Path(args.out).resolve())},
        entrypoint_type=EntrypointType.MODULE_PATH,
        pause_on_shutdown=False,
        **schedule,
    )
    return EXIT_OK


def _reextract(args: argparse.Namespace) -> int:
    flows = _flows("reextract", None)
    result = flows.reextract_report(args.report, str(Path(args.out).resolve()))
    print(
        f"{result.location}: {Path(args.out) / f'{result.report_id}.json'} ({result.grades} grades, "
        f"{result.case_counts} case counts, {result.ci_percentages} CI percentages)"
    )
    return EXIT_OK
