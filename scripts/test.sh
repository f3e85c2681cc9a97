#!/usr/bin/env bash
# The whole test suite: set-up, lint, types, schema drift, tests, and the evaluation thresholds.
# pytest exit 5 (no tests collected) is a failure here: a green run must have run tests.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$PWD/.venv/bin:$PATH"
status=0
ruff check src tests flows benchmarks fixtures/*.py || status=1
ruff format --check src tests flows benchmarks fixtures/*.py || status=1
mypy || status=1
pytest -q -p no:cacheprovider "$@"
rc=$?
if [ $rc -eq 5 ]; then echo "test.sh: pytest collected no tests" >&2; rc=1; fi
[ $rc -ne 0 ] && status=1
if [ -d fixtures/gold ] && ls fixtures/gold/*.json >/dev/null 2>&1; then
  peelextract eval fixtures/gold || status=1
fi
exit $status
