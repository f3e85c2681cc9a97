#!/usr/bin/env bash
# Soak: every PDF under DIR through `peelextract extract` in bounded batches; prints outcome counts by error
# code, internal errors, timeouts, crashes, the slowest files and peak RSS. Options: benchmarks/soak.py --help.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: scripts/soak.sh DIR [--batch 40] [--bound 30] [--sample N] [--tsv FILE]" >&2; exit 2; }
export PYTHONPATH="$root/src:$root${PYTHONPATH:+:$PYTHONPATH}"
exec "$root/.venv/bin/python" "$root/benchmarks/soak.py" "$@"
