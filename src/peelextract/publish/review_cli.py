"""``peelextract review OUT [--sources DIR] [-q]``: write the static review site into ``OUT/review/``.

Each report's source is looked for kept in ``OUT/.state/sources`` (by its sha256), then in ``--sources``,
then beside the JSON; on a terminal a progress bar counts the reports (``-q`` hides it)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from peelextract.errors import UsageError
from peelextract.settings import Settings

log = logging.getLogger(__name__)


def _review(args: argparse.Namespace, settings: Settings) -> int:
    from peelextract.publish.review import build_site

    out = Path(args.out)
    if not out.is_dir():
        raise UsageError(f"{out} is not a folder of extracted reports (run `peelextract extract --out {out}` first)")
    sources = Path(args.sources) if args.sources else None
    if sources is not None and not sources.is_dir():
        raise UsageError(f"--sources {sources} is not a folder")
    index = build_site(out, sources, quiet=args.quiet)
    print(index)
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    r = sub.add_parser("review", help="write a static review site (OUT/review/index.html and a page per report)")
    r.add_argument("out", metavar="OUT", help="folder with <report-id>.json and .txt from `peelextract extract`")
    r.add_argument(
        "--sources",
        metavar="DIR",
        default=None,
        help="folder holding source files not kept in OUT/.state/sources (default: beside the JSON), for page images",
    )
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar on a terminal")
    r.set_defaults(func=_review)
