"""Command line. Exit status: 0 all inputs succeeded; 1 any input failed (each failure on stderr naming
the file and the reason; the others are still written); 2 usage error (an invalid option or environment
variable). ``extract`` never imports Prefect. ``main`` reads the settings once (``settings.from_env()``)
and hands them to the command.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from peelextract.errors import PeelError, SettingsError, UsageError
from peelextract.settings import Settings, from_env
from peelextract.text_utils import plural

if TYPE_CHECKING:
    from peelextract.worker_tasks import Extracted

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    """Each input in an isolation worker (one at a time, in order), under OUT's lock; a failure of one input,
    of any kind, is its error line and the batch goes on."""
    from peelextract.isolation import LOGS_DIR, WorkerPool
    from peelextract.outlock import out_lock
    from peelextract.progress import Progress
    from peelextract.rounds import detect_round
    from peelextract.worker_tasks import extract_to

    if args.round is not None:
        detect_round("", "", args.round)  # an unknown --round is a usage error (exit 2) before any input
    out = Path(args.out)
    limits = settings.limits
    pool = WorkerPool(1, max_seconds=limits.max_seconds, max_memory=limits.max_memory, preload=EXTRACT_PRELOAD)
    pool.start()  # forked before the progress bar's thread starts
    dataset_imports = _start_imports(DATASET_IMPORTS) if args.dataset else None
    taken: dict[str, str] = {}
    written: list[Path] = []
    try:
        with out_lock(out), Progress(len(args.inputs), description="extract", unit="report", quiet=args.quiet) as bar:
            for name in args.inputs:
                path = Path(name)
                bar.start(path.name)
                try:
                    done: Extracted = pool.run(
                        name, out / LOGS_DIR, extract_to, name, args.round, limits, str(out), dict(taken)
                    )
                except PeelError as exc:
                    bar.advance(path.name, ok=False, line=error_line(path, exc))
                    continue
                taken[done.report_id] = name
                written.append(Path(done.written))
                if done.replaced:
                    print(f"peelextract: {path}: {done.replaced}", file=sys.stderr)
                bar.advance(
                    path.name,
                    line=f"{path}: {done.written} ({counts(done)})",
                )
            if bar.failed == 0 and args.dataset:
                _update_dataset(out, written)  # under OUT's lock, like the reports themselves
    finally:
        pool.close()
        if dataset_imports is not None:
            dataset_imports.join()  # not left importing while the interpreter shuts down
    return EXIT_FAILED if bar.failed else EXIT_OK


# Imported before the worker is forked, so that a worker replaced after a crash or time-out starts at once.
EXTRACT_PRELOAD = ("peelextract.pipeline", "peelextract.publish.report_json", "peelextract.worker_tasks")


# Imported by ``extract``'s own process on a thread while its worker extracts (on the other core): DuckDB
# and pyarrow, 0.15 s of a one-report ``extract`` when imported after the worker is done. Only after the
# worker is forked: a worker forked while this thread runs would inherit a half-imported module.
DATASET_IMPORTS = ("peelextract.publish.dataset", "duckdb", "pyarrow", "pyarrow.json", "pyarrow.parquet")


def _start_imports(modules: tuple[str, ...]) -> threading.Thread:
    thread = threading.Thread(target=_import_all, args=(modules,), name="dataset-imports", daemon=True)
    thread.start()
    return thread


def _import_all(modules: tuple[str, ...]) -> None:
    for module in modules:
        importlib.import_module(module)


def counts(done: Extracted) -> str:
    """ "10 grades, 12 case counts, 8 CI percentages, 1 warning": what one report holds, in agreeing numbers."""
    return ", ".join(
        plural(n, word)
        for n, word in (
            (done.grades, "grade"),
            (done.case_counts, "case count"),
            (done.ci_percentages, "CI percentage"),
            (done.warnings, "warning"),
        )
    )


def error_line(path: Path, exc: PeelError) -> str:
    """The CLI's line for one input that failed: "peelextract: error [<code>]: <input> (page N): <reason>"."""
    return f"peelextract: error [{exc.code}]: {describe_failure(path, exc)}"


def describe_failure(path: Path, exc: PeelError) -> str:
    """ "<input as given> (page N): <reason>", naming the other file too when it was not the input
    (an output that could not be written)."""
    where = f"{path} (page {exc.page})" if exc.page is not None else str(path)
    detail = exc.reason if exc.source in (str(path), path.name) else f"{exc.source}: {exc.reason}"
    return f"{where}: {detail}"


def _update_dataset(out: Path, written: list[Path]) -> None:
    """The dataset rows and files of the reports this batch wrote, read back through the one report reader;
    not a rebuild of OUT."""
    from peelextract.publish.dataset import publish_reports  # DuckDB and pyarrow: only when there is work
    from peelextract.publish.report_json import read_report

    publish_reports(out, [read_report(p) for p in written])


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
        code = f" [{exc.code}]" if exc.code != PeelError.code else ""  # a specific code, as per input
        print(f"peelextract: error{code}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except UsageError as exc:
        print(f"peelextract: usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # not an argument's fault: a bug, said as one
        print(f"peelextract: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _json_dump(obj: object) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
