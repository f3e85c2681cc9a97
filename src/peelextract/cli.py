"""Command line. Exit status: 0 all inputs succeeded; 1 any input failed (each failure on stderr naming
the file and the reason; the others are still written); 2 usage error (an invalid option or environment
variable). ``extract`` never imports Prefect. ``main`` reads the settings once (``settings.from_env()``)
and hands them to the command.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from peelextract.errors import PeelError, SettingsError
from peelextract.settings import Settings, from_env

if TYPE_CHECKING:
    from peelextract.models import Report

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from peelextract.pipeline import path_to_report
    from peelextract.publish.report_json import write_report

    out = Path(args.out)
    failed = 0
    seen: dict[str, str] = {}
    reports = []
    for name in args.inputs:
        path = Path(name)
        try:
            report, doc = path_to_report(path, round_override=args.round, limits=settings.limits)
            rid = report.report.id
            if rid in seen:
                raise PeelError(
                    str(path),
                    f"report id {rid!r} is also produced by {seen[rid]} in this batch; "
                    "extract them into different --out folders",
                )
            seen[rid] = str(path)
            written = write_report(report, doc, out)
            reports.append(report)
            if not args.quiet:
                print(
                    f"{path}: {written} ({len(report.grades)} grades, {len(report.case_counts)} case counts, "
                    f"{len(report.ci_percentages)} CI percentages, {len(report.warnings)} warnings)"
                )
        except PeelError as exc:
            failed += 1
            print(f"peelextract: error: {describe_failure(path, exc)}", file=sys.stderr)
    if failed == 0 and args.dataset:
        _update_dataset(out, reports)
    return EXIT_FAILED if failed else EXIT_OK


def describe_failure(path: Path, exc: PeelError) -> str:
    """ "<input as given> (page N): <reason>", naming the other file too when it was not the input
    (an output that could not be written)."""
    where = f"{path} (page {exc.page})" if exc.page is not None else str(path)
    detail = exc.reason if exc.source in (str(path), path.name) else f"{exc.source}: {exc.reason}"
    return f"{where}: {detail}"


def _update_dataset(out: Path, reports: list[Report]) -> None:
    from peelextract.publish.dataset import publish_reports  # DuckDB and pyarrow: only when there is work

    publish_reports(out, reports)  # these reports' rows and files only, not a rebuild of OUT


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from peelextract.publish.schemas import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return EXIT_OK


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from peelextract.evaluate import run_eval

    return run_eval(Path(args.gold_dir), as_json=args.json, limits=settings.limits)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peelextract", description="Extract data from HMICFRS PEEL reports.")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="extract reports (text, HTML or PDF) to DIR/<report-id>.json")
    e.add_argument("inputs", nargs="+", metavar="INPUT")
    e.add_argument("--out", required=True, metavar="DIR")
    e.add_argument("--round", default=None, help="override round detection (e.g. 2021/22, 2018/19, 2023-25)")
    e.add_argument("--no-dataset", dest="dataset", action="store_false", help="do not update the dataset")
    e.add_argument("-q", "--quiet", action="store_true")
    e.set_defaults(func=_extract)

    s = sub.add_parser("schema", help="write the JSON Schemas of the contract")
    s.add_argument("--out", default="schemas")
    s.set_defaults(func=_schema)

    v = sub.add_parser("eval", help="score extraction against gold annotations")
    v.add_argument("gold_dir", metavar="GOLD_DIR")
    v.add_argument("--json", action="store_true", help="print the scores as JSON")
    v.set_defaults(func=_eval)
    _add_command_modules(sub)
    return p


def _add_command_modules(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Sub-commands defined beside what they run. Each module imports its heavy dependencies (Prefect,
    DuckDB, pyarrow) inside the command function, so ``peelextract extract`` stays fast."""
    from peelextract import orchestrate_cli
    from peelextract.publish import dataset_cli, review_cli, sql_cli

    for module in (dataset_cli, orchestrate_cli, review_cli, sql_cli):
        module.add_commands(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = from_env()
    except SettingsError as exc:
        print(f"peelextract: usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args, settings))
    except PeelError as exc:
        print(f"peelextract: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as exc:
        print(f"peelextract: usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _json_dump(obj: object) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
