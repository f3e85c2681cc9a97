#!/usr/bin/env bash
# A local Prefect server for peelextract: SQLite, 127.0.0.1, a free port, PREFECT_HOME under .prefect/.
#   scripts/prefect-server.sh [start]   start it (or reuse the running one), wait until healthy, print the API URL
#   scripts/prefect-server.sh stop      stop the server this script started
#   scripts/prefect-server.sh url       print the API URL of the running server (exit 1 if none)
# Then: export PREFECT_API_URL=$(scripts/prefect-server.sh)
# Env: PREFECT_HOME (default <project>/.prefect), PREFECT_SERVER_PORT (default: a free port),
#      PREFECT_SERVER_START_TIMEOUT (seconds, default 90).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
PREFECT="$ROOT/.venv/bin/prefect"
export PREFECT_HOME="${PREFECT_HOME:-$ROOT/.prefect}"
mkdir -p "$PREFECT_HOME"
PIDFILE="$PREFECT_HOME/server.pid"
URLFILE="$PREFECT_HOME/server.url"
LOG="$PREFECT_HOME/server.log"
TIMEOUT="${PREFECT_SERVER_START_TIMEOUT:-90}"

healthy() {  # healthy URL -> 0 when GET URL/health answers 200
  "$PY" - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1] + "/health", timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  if running && [ -f "$URLFILE" ] && healthy "$(cat "$URLFILE")"; then cat "$URLFILE"; return 0; fi
  local port="${PREFECT_SERVER_PORT:-}"
  if [ -z "$port" ]; then
    port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  fi
  local url="http://127.0.0.1:$port/api"
  # Its own session (setsid) so `stop` can end the server and the workers it spawns as one group.
  PREFECT_SERVER_DATABASE_CONNECTION_URL="sqlite+aiosqlite:///$PREFECT_HOME/prefect.db" \
  PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_UI_ENABLED="${PREFECT_UI_ENABLED:-true}" \
    setsid "$PREFECT" server start --host 127.0.0.1 --port "$port" >"$LOG" 2>&1 < /dev/null &
  echo $! >"$PIDFILE"
  echo "$url" >"$URLFILE"
  local waited=0
  until healthy "$url"; do
    if ! running; then echo "prefect-server.sh: server exited; see $LOG:" >&2; tail -20 "$LOG" >&2; exit 1; fi
    if [ "$waited" -ge "$TIMEOUT" ]; then
      echo "prefect-server.sh: not healthy after ${TIMEOUT}s; stopping it; see $LOG" >&2; stop; exit 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  echo "$url"
}

stop() {
  if [ -f "$PIDFILE" ]; then
    local pid; pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE" "$URLFILE"
    echo "prefect-server.sh: stopped" >&2
  else
    echo "prefect-server.sh: no server started from $PREFECT_HOME" >&2
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  url) running && cat "$URLFILE" || exit 1 ;;
  *) echo "usage: $0 [start|stop|url]" >&2; exit 2 ;;
esac
