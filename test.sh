#!/usr/bin/env bash
# The test command: installs what the tests need, starts Azurite if none is listening (and stops it
# afterwards), runs every test, and ends with one line of totals: "Tests: N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")"

results_dir="${TEST_RESULTS_DIR:-$PWD/TestResults}"
azurite_pid=""
azurite_data=""

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cleanup() {
  if [[ -n "$azurite_pid" ]]; then
    kill "$azurite_pid" 2>/dev/null || true
    wait "$azurite_pid" 2>/dev/null || true
  fi
  if [[ -n "$azurite_data" ]]; then rm -rf "$azurite_data"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Debian's chromium for the browser test (CommentBrowserTests), when it is missing and this runs as root with
# apt-get; a failure only means that test is skipped, saying why.
install_chromium() {
  if [[ -x /usr/bin/chromium || -n "${PUBLISHING_CHROMIUM:-}" ]]; then return; fi
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    log "No /usr/bin/chromium and no root apt-get to install it: the browser test will be skipped"
    return
  fi
  log "Installing Chromium for the browser test (apt-get install chromium)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 </dev/null; then
    log "Could not install chromium: the browser test will be skipped"
  fi
}

install() {
  if [[ ! -x node_modules/.bin/azurite || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "Installing Azurite (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  install_chromium
  log "Restoring .NET packages"
  dotnet restore Publishing.sln --verbosity quiet
}

start_azurite() {
  local up=0 port
  for port in 10000 10001 10002; do listening "$port" && up=$((up + 1)); done
  if ((up == 3)); then
    log "Using the Azurite already listening on 127.0.0.1:10000-10002"
    return
  fi
  if ((up > 0)); then
    echo "Some of Azurite's ports (10000-10002) are taken by something else; free them or start Azurite on all three." >&2
    exit 1
  fi
  log "Starting Azurite (in memory) on 127.0.0.1:10000-10002"
  azurite_data=$(mktemp -d)
  node_modules/.bin/azurite --silent --skipApiVersionCheck --inMemoryPersistence \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >"$azurite_data/azurite.log" 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 100); do
    if listening 10000 && listening 10001 && listening 10002; then return; fi
    if ! kill -0 "$azurite_pid" 2>/dev/null; then
      cat "$azurite_data/azurite.log" >&2
      echo "Azurite exited before it was ready." >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "Azurite did not start listening within 20 s." >&2
  exit 1
}

# Sums the counters of this run's TRX files into the totals line.
summarise() {
  local passed=0 failed=0 skipped=0 file counters
  for file in "$results_dir"/*.trx; do
    [[ -e "$file" ]] || continue
    counters=$(grep -o '<Counters [^>]*>' "$file" || true)
    passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")))
    failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")))
    failed=$((failed + $(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")))
    skipped=$((skipped + $(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")))
  done
  if ((skipped > 0)); then
    echo "Tests: $passed passed, $failed failed, $skipped skipped"
  else
    echo "Tests: $passed passed, $failed failed"
  fi
}

install
start_azurite
log "Building"
dotnet build Publishing.sln --no-restore --nologo --verbosity quiet
rm -rf "$results_dir"
log "Testing"
status=0
dotnet test Publishing.sln --no-build --nologo --results-directory "$results_dir" --logger "trx" \
  --blame-hang-timeout 5m "$@" || status=$?
summarise
exit "$status"
