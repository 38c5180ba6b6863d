#!/usr/bin/env bash
# Coverage-guided fuzzing of the article pipeline (parse, render, feed, and every property ArticleOracle checks)
# with afl-fuzz and SharpFuzz. Needs afl++ (apt-get install afl++) and the sharpfuzz tool
# (dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0); the build in CI does not.
#
#   tests/Publishing.Fuzzing/fuzz.sh [DURATION] [md|txt]     e.g. fuzz.sh 10m   or   fuzz.sh 1h txt
#
# Builds Release into TestResults/fuzz/bin (or $PUBLISHING_FUZZ_OUT), instruments Publishing.Domain, YamlDotNet and Markdig, seeds
# the corpus from the fixture files, and runs afl-fuzz for DURATION (default 5m; s, m or h). Findings go to
# TestResults/fuzz/findings-FORMAT; each crash is replayed with the oracle at the end: keep it as a fixture under
# tests/Publishing.Tests/Articles/Hostile, named for what it does.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
duration="${1:-5m}"
format="${2:-md}"
out="${PUBLISHING_FUZZ_OUT:-$repo/TestResults/fuzz}"
bin="$out/bin"
seeds="$out/seeds-$format"
findings="$out/findings-$format"

for tool in afl-fuzz sharpfuzz; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is not installed: apt-get install -y afl++; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0" >&2
    exit 1
  fi
done

case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac

echo "==> Building Release into $bin" >&2
rm -rf "$bin" "$out/replay"
dotnet publish "$here/Publishing.Fuzzing.csproj" -c Release -o "$out/replay" --nologo -v q
# Instrumented assemblies only run under afl-fuzz; crashes are replayed with the untouched copy.
cp -r "$out/replay" "$bin"

# The code under test and the two parsers it leans on; not the BCL, AngleSharp or HtmlSanitizer (the oracle).
for dll in Publishing.Domain.dll YamlDotNet.dll Markdig.dll; do
  echo "==> Instrumenting $dll" >&2
  sharpfuzz "$bin/$dll"
done

echo "==> Seeding the corpus with the .$format fixtures" >&2
rm -rf "$seeds" && mkdir -p "$seeds"
articles="$repo/tests/Publishing.Tests/Articles"
if [[ $format == md ]]; then
  find "$articles/Files" "$articles/Pages" "$repo/tests/Publishing.Benchmarks/Articles" -name '*.md' -size -16k -exec cp {} "$seeds/" \;
else
  find "$articles/Samples" "$repo/tests/Publishing.Benchmarks/Articles" -name '*.txt' -size -16k -exec cp {} "$seeds/" \;
fi

# afl-fuzz checks that the binary is instrumented; dotnet is not, the assemblies are (SharpFuzz's own advice).
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI="${AFL_NO_UI:-1}"
# Unlike the property tests, the time bound is afl's: -t is per input, in ms.
echo "==> afl-fuzz for $duration (${seconds}s); findings in $findings" >&2
status=0
afl-fuzz -i "$seeds" -o "$findings" -t 10000 -m none -V "$seconds" -x "$here/markdown.dict" -- \
  dotnet "$bin/Publishing.Fuzzing.dll" afl ".$format" || status=$?

stats="$findings/default/fuzzer_stats"
if [[ -f $stats ]]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|saved_crashes|saved_hangs|bitmap_cvg)' "$stats" >&2
fi

crashes=("$findings"/default/crashes/id:*)
if [[ -e ${crashes[0]} ]]; then
  echo "==> Replaying ${#crashes[@]} crashes with the oracle, one process each (a stack overflow ends its own)" >&2
  for crash in "${crashes[@]}"; do
    timeout 120 dotnet "$out/replay/Publishing.Fuzzing.dll" check --as ".$format" "$crash" 2>&1 | head -n 1 || true
  done | sed 's/^[^:]*crashes\/[^:]*:[^:]*: //' | sort | uniq -c | sort -rn >&2
fi
exit "$status"
