#!/usr/bin/env bash
# `make serve`: a local Prefect server on 127.0.0.1 and a process worker for the project's
# pool, with the deployments from prefect.yaml applied. Ctrl-C stops both.
#
#   PREFECT_PORT=4200            port of the local server
#   SENTIMENT_SERVE_DEPLOY=0     skip `prefect deploy --all` (deployments already applied)
#   PREFECT_API_URL=https://...  use that (remote) server instead: only the worker starts here
#
# The worker passes its environment to every flow run: set SENTIMENT_DB_URL and
# SENTIMENT_PSEUDONYM_KEY here (or use the Secret blocks), never in prefect.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-.venv/bin}"
POOL="${SENTIMENT_WORK_POOL:-kali-pasir-process}"
PORT="${PREFECT_PORT:-4200}"
export SENTIMENT_PROJECT_DIR="${SENTIMENT_PROJECT_DIR:-$PWD}"
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 GX_ANALYTICS_ENABLED=false
mkdir -p inbox reports

server_pid=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "${worker_pid:-}" ] && kill "$worker_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ -z "${PREFECT_API_URL:-}" ]; then
  export PREFECT_API_URL="http://127.0.0.1:${PORT}/api"
  echo "Starting Prefect server on http://127.0.0.1:${PORT} (log: .prefect-server.log)"
  "$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" >.prefect-server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 180); do
    if "$BIN/python" -c "import httpx,sys; sys.exit(httpx.get('$PREFECT_API_URL/health', timeout=2).status_code != 200)" 2>/dev/null; then
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || { echo "server failed; see .prefect-server.log" >&2; exit 1; }
    sleep 1
  done
else
  echo "Using the Prefect server at $PREFECT_API_URL"
fi

"$BIN/prefect" work-pool inspect "$POOL" >/dev/null 2>&1 \
  || "$BIN/prefect" work-pool create "$POOL" --type process
if [ "${SENTIMENT_SERVE_DEPLOY:-1}" != "0" ]; then
  "$BIN/prefect" --no-prompt deploy --all
fi

[ -n "${SENTIMENT_DB_URL:-}" ] || echo "NOTE: SENTIMENT_DB_URL is not set: flow runs use the Secret block sentiment-db-url or sqlite:///warehouse.db"
echo "Worker for pool $POOL; drop exports into $SENTIMENT_PROJECT_DIR/inbox. Ctrl-C to stop."
"$BIN/prefect" worker start --pool "$POOL" &
worker_pid=$!
wait "$worker_pid"
