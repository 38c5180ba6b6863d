#!/usr/bin/env bash
# 1,000 files end to end, as an editor's import: a fresh in-memory Azurite of its own (ports 23100-23102), the app
# on it (`serve` on 7181, its blob endpoint on 23110), `drop <corpus> --wait --parallel 16` uploading through the
# endpoint; prints drop's summary line and Azurite's CPU time (utime + stime) over the drop. With COUNT=1, Azurite
# also writes its debug log and the script prints the storage calls by kind (blob, message and row names folded).
#   dotnet run -c Release --project tests/Publishing.Benchmarks -- bulk --count 1000 --write-corpus /tmp/corpus
#   dotnet build Publishing.sln -c Release && docs/measure/bulk-drop.sh /tmp/corpus     (COUNT=1 for the calls)
set -euo pipefail
corpus=${1:?usage: bulk-drop.sh <corpus folder>}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
log=$(mktemp -d)
node_modules/.bin/azurite --blobPort 23100 --queuePort 23101 --tablePort 23102 --blobHost 127.0.0.1 --queueHost 127.0.0.1 \
  --tableHost 127.0.0.1 --inMemoryPersistence --silent --skipApiVersionCheck ${COUNT:+--debug "$log/azurite-debug.log"} > "$log/azurite.log" 2>&1 &
azurite=$!
serve=
trap '[[ -n "$serve" ]] && kill -TERM "$serve" 2>/dev/null; sleep 1; kill "$azurite" 2>/dev/null; rm -rf "$log"' EXIT
sleep 4
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='   # Azurite's well-known key
export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:23100/devstoreaccount1;QueueEndpoint=http://127.0.0.1:23101/devstoreaccount1;TableEndpoint=http://127.0.0.1:23102/devstoreaccount1;"
export Relay__BlobEndpoint=http://127.0.0.1:23110/devstoreaccount1
CONFIGURATION=Release ./pub serve --urls http://localhost:7181 > "$log/serve.log" 2>&1 &
serve=$!
for _ in $(seq 90); do curl -sf http://localhost:7181/_local/ping > /dev/null && break; sleep 1; done
cpu() { awk '{print ($14 + $15) * 10}' "/proc/$azurite/stat"; }
before=$(cpu)
CONFIGURATION=Release ./pub drop "$corpus" --wait --parallel 16 --target http://localhost:7181 --timeout 300 > "$log/drop.log" 2>&1 || true
after=$(cpu)
tail -n 1 "$log/drop.log"
echo "Azurite CPU: $((after - before)) ms, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n "${COUNT:-}" ]]; then
  kill -TERM "$serve"; serve=; sleep 3
  # Azurite writes its debug log behind: wait until it stops growing, or its tail is lost.
  size=-1; while [[ "$(stat -c %s "$log/azurite-debug.log")" != "$size" ]]; do size=$(stat -c %s "$log/azurite-debug.log"); sleep 3; done
  files=$(find "$corpus" -type f -not -name '.*' | wc -l)
  grep -o "StorageContextMiddleware: RequestMethod=[A-Z]* RequestURL=[^ ]*" "$log/azurite-debug.log" \
    | sed -E 's/StorageContextMiddleware: RequestMethod=//; s#RequestURL=http://127.0.0.1/devstoreaccount1/##; s/\?.*comp=([a-z]*).*/ comp=\1/; s/\?.*//; s#/[^ ]*\.md#/FILE#; s#(articles|site|locks)/[^ ]+#\1/X#; s#messages/[^ ]*#messages/ID#' \
    | sed -E "s/'[^']*'/K/g" | sort | uniq -c | sort -rn \
    | awk -v n="$files" '{ total += $1; printf "%7.2f  %s %s\n", $1 / n, $2, $3 } END { printf "%7.2f  per file in all\n", total / n }'
fi
