"""CLI commands for the dataset: ``peelextract dataset build OUT`` and ``peelextract export --format csv|xlsx OUT``.

DuckDB, pyarrow and openpyxl are imported inside the command functions only, so ``peelextract extract``
(which imports this module to build its parser) stays fast.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from peelextract.errors import UsageError
from peelextract.settings import Settings

log = logging.getLogger(__name__)


def _out_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise UsageError(f"{value}: not a folder (give the folder you extracted reports to)")
    return path


def _dataset_build(args: argparse.Namespace, settings: Settings) -> int:
    from peelextract.publish.dataset import build_dataset
    from peelextract.publish.dataset_db import DB_NAME
    from peelextract.publish.dataset_export import DATASET_DIR

    out = _out_dir(args.out)
    build_dataset(out)
    if not args.quiet:
        print(out / DB_NAME)
        print(out / DATASET_DIR)
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from peelextract.publish.dataset import export_csv, export_xlsx

    out = _out_dir(args.out)
    paths = export_csv(out) if args.format == "csv" else [export_xlsx(out)]
    if not args.quiet:
        for path in paths:
            print(path)
    return 0


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    d = sub.add_parser("dataset", help="build the queryable dataset (DuckDB, Parquet, JSON Lines)")
    dsub = d.add_subparsers(dest="dataset_command", required=True)
    b = dsub.add_parser("build", help="rebuild OUT/peel.duckdb and OUT/dataset/ from every OUT/*.json report")
    b.add_argument("out", metavar="OUT")
    b.add_argument("-q", "--quiet", action="store_true")
    b.set_defaults(func=_dataset_build)

    e = sub.add_parser("export", help="export the dataset as CSV (OUT/export/<table>.csv) or one xlsx workbook")
    e.add_argument("out", metavar="OUT")
    e.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    e.add_argument("-q", "--quiet", action="store_true")
    e.set_defaults(func=_export)
