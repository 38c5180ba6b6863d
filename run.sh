#!/usr/bin/env bash
# The run command: Azurite plus the function app on http://localhost:7071. With Azure Functions Core Tools
# (`func`) on the PATH that is `func start` with the event relay beside it; without them, the local host
# (functions/Publishing.Local), which runs the app's real worker process over the Functions gRPC protocol on the
# same port (docs/local-host.md). On a fresh clone it
# installs what it needs first. Ctrl+C stops exactly the processes it started, and nothing else.
# CONFIGURATION=Release ./run.sh builds and runs the Release build. PUBLISHING_LOCAL_HOST=1 ./run.sh runs the local
# host even where Core Tools are installed: it listens on loopback only, which `func start` cannot (it binds 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")"

port=7071
app_url="http://localhost:$port"
configuration="${CONFIGURATION:-Debug}"
function_app=functions/Publishing.Functions
local_host="functions/Publishing.Local/bin/$configuration/net10.0/Publishing.Local.dll"
pids=()

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

stop() {
  trap - EXIT INT TERM
  ((${#pids[@]} == 0)) && return
  log "Stopping what run.sh started (PIDs ${pids[*]})"
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Started in the background, remembered so that stop() ends it (and only it).
start() {
  "$@" &
  pids+=("$!")
}

if listening 127.0.0.1 "$port" || listening ::1 "$port"; then
  fail "port $port is already in use (another ./run.sh or func start?). Stop that first; the app must run on $app_url."
fi
command -v dotnet >/dev/null || fail "the .NET 10 SDK (dotnet) is not on the PATH."
command -v npm >/dev/null || fail "Node.js (npm) is not on the PATH; it is needed for Azurite."

if [[ ! -x node_modules/.bin/azurite || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "Installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

up=0
for azurite_port in 10000 10001 10002; do
  listening 127.0.0.1 "$azurite_port" && up=$((up + 1))
done
if ((up == 3)); then
  log "Using the Azurite already listening on 127.0.0.1:10000-10002"
elif ((up > 0)); then
  fail "only some of Azurite's ports (10000-10002) are in use; stop whatever holds them, or run Azurite on all three."
else
  log "Starting Azurite on 127.0.0.1:10000-10002 (data in .azurite/, log in .azurite/azurite.log)"
  mkdir -p .azurite
  start node_modules/.bin/azurite --silent --skipApiVersionCheck --location .azurite \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >.azurite/azurite.log 2>&1
  for _ in $(seq 1 100); do
    listening 127.0.0.1 10000 && listening 127.0.0.1 10001 && listening 127.0.0.1 10002 && break
    kill -0 "${pids[-1]}" 2>/dev/null || { cat .azurite/azurite.log >&2; fail "Azurite exited before it was ready."; }
    sleep 0.2
  done
  listening 127.0.0.1 10002 || fail "Azurite did not start listening within 20 s (see .azurite/azurite.log)."
fi

# Before the build, which copies it next to the function app for func start.
if [[ ! -f "$function_app/local.settings.json" ]]; then
  log "Creating $function_app/local.settings.json from local.settings.sample.json"
  cp local.settings.sample.json "$function_app/local.settings.json"
fi

log "Building ($configuration)"
dotnet build functions/Publishing.Local --configuration "$configuration" --nologo --verbosity quiet
touch "functions/Publishing.Local/bin/$configuration/net10.0/.pub-built" # ./pub: built, no need to build again

# Core Tools' own source (StartHostAction.Setup) listens on http://0.0.0.0:<port>, with no option for loopback only.
exposed_warning=""
blob_endpoint_line=""
if command -v func >/dev/null && [[ "${PUBLISHING_LOCAL_HOST:-}" != 1 ]]; then
  output="$function_app/bin/$configuration/net10.0"
  exposed_warning="
  WARNING: func start listens on EVERY network interface (0.0.0.0:$port), not only on this machine, and checks
  no function keys: anyone who can reach this machine on port $port can read submission outcomes and approve or
  delete comments. Core Tools cannot listen on loopback only. Block the port in your firewall, or run
  PUBLISHING_LOCAL_HOST=1 ./run.sh for the local host, which listens on 127.0.0.1 and [::1] only.
"
  log "Starting func start in $output, and the event relay (func start listens on every interface: 0.0.0.0:$port)"
  start bash -c 'cd "$1" && exec func start --port "$2"' func "$output" "$port"
  start dotnet "$local_host" relay --target "$app_url" --metadata "$output/functions.metadata"
else
  if [[ -z "${Relay__BlobEndpoint+set}" ]] && listening 127.0.0.1 10010; then
    fail "port 10010 is already in use; the app answers there as Azurite's Blob service. Stop what listens there, or choose another address: Relay__BlobEndpoint=http://127.0.0.1:<port>/devstoreaccount1 ./run.sh (empty: none)."
  fi
  log "Starting the local Functions host on loopback only (it runs the real worker)$(command -v func >/dev/null || printf '; Azure Functions Core Tools are not installed')"
  start dotnet "$local_host" serve --urls "$app_url"
  if [[ -n "${Relay__BlobEndpoint-http://127.0.0.1:10010/devstoreaccount1}" ]]; then
    blob_endpoint_line="
    Other Blob tools:  BlobEndpoint=${Relay__BlobEndpoint:-http://127.0.0.1:10010/devstoreaccount1} (Azurite's, through the app: a file reaches it at once)"
  fi
fi

for _ in $(seq 1 600); do
  listening 127.0.0.1 "$port" && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || fail "a process exited before the app was ready; see its output above."
  done
  sleep 0.2
done
listening 127.0.0.1 "$port" || fail "the app did not start listening on port $port within 2 minutes."

cat >&2 <<EOF

  Publishing is running on $app_url
    Drop an article:  ./pub drop path/to/article.md --wait      (a folder too: ./pub drop archive/ --wait)
    Read it:          $app_url/articles/<slug>
    What became of a file:  $app_url/api/submissions/<blob name>$blob_endpoint_line
  Ctrl+C stops what this script started (PIDs ${pids[*]}).
$exposed_warning
EOF

status=0
wait -n "${pids[@]}" || status=$?
log "A process run.sh started has exited (status $status); stopping the others"
exit "$status"
