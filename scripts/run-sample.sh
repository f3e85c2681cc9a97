#!/usr/bin/env bash
# The main job on the bundled sample reports (samples/inbox): results under out/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
bash scripts/setup.sh
if .venv/bin/peelextract --help | grep -q " ingest "; then
  exec .venv/bin/peelextract ingest samples/inbox --out out
fi
exec .venv/bin/peelextract extract samples/inbox/* --out out
