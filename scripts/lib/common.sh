# Shared helpers for scripts/start, scripts/test and scripts/bench. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Installs the pinned Node tools (Azurite) from package.json + package-lock.json when they are missing.
ensure_node_modules() {
  if [ ! -f "$ROOT/node_modules/azurite/dist/src/azurite.js" ]; then
    command -v npm >/dev/null || { log "npm is required (Node 20+)"; return 1; }
    log "installing Azurite (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

# Prints a free TCP port on loopback.
free_port() {
  python3 - <<'PY' 2>/dev/null || node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- ; }

AZURITE_PID=""
# start_azurite <blob> <queue> <table> [location]: starts Azurite in the background (in memory unless a location
# is given), waits until all three ports answer, and exports AZURITE_CONNECTION_STRING.
start_azurite() {
  local blob=$1 queue=$2 table=$3 location=${4:-}
  local persistence=(--inMemoryPersistence)
  if [ -n "$location" ]; then mkdir -p "$location"; persistence=(--location "$location"); fi
  node "$ROOT/node_modules/azurite/dist/src/azurite.js" --silent --skipApiVersionCheck --loose --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" "${persistence[@]}" >/dev/null 2>&1 &
  AZURITE_PID=$!
  local deadline=$((SECONDS + 30))
  for p in "$blob" "$queue" "$table"; do
    until port_open "$p"; do
      if ! kill -0 "$AZURITE_PID" 2>/dev/null; then log "Azurite exited before listening"; return 1; fi
      if [ $SECONDS -ge $deadline ]; then log "Azurite did not listen on $p within 30 s"; return 1; fi
      sleep 0.2
    done
  done
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  log "Azurite (pid $AZURITE_PID) on blob $blob, queue $queue, table $table"
}

stop_azurite() {
  if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    # SIGTERM (a background job of a script ignores SIGINT); SIGKILL if it has not exited within 5 s.
    kill -TERM "$AZURITE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$AZURITE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  AZURITE_PID=""
}
