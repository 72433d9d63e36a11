#!/bin/sh
# Fuzz the config.json parser for SECONDS (default 60) over the corpus in
# tests/fuzz/corpus/spec.  Builds build-fuzz/ with clang, libFuzzer, ASan
# and UBSan on first use.  Prints "fuzz: N runs, 0 crashes" and exits 0 when
# nothing was found; otherwise prints the report, leaves the input under
# tests/fuzz/crashes/ and exits 1.
set -eu

secs=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [ ! -f build-fuzz/build.ninja ]; then
  setup_log=$(mktemp)
  CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined' >"$setup_log" 2>&1 || {
    cat "$setup_log" >&2
    rm -f "$setup_log" build-fuzz/build.ninja
    exit 1
  }
  rm -f "$setup_log"
fi
ninja -C build-fuzz tests/fuzz/fuzz_spec >/dev/null

# New inputs go to a scratch directory: the committed corpus stays as is.
work=$(mktemp -d)
log="$work/fuzz.log"
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p tests/fuzz/crashes "$work/corpus"

status=0
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ./build-fuzz/tests/fuzz/fuzz_spec -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -dict=tests/fuzz/spec.dict -print_final_stats=1 -artifact_prefix=tests/fuzz/crashes/ \
  "$work/corpus" tests/fuzz/corpus/spec >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ "$status" -ne 0 ]; then
  tail -n 60 "$log" >&2
  echo "fuzz: ${runs:-?} runs, 1 crash (input saved under tests/fuzz/crashes/)" >&2
  exit 1
fi
echo "fuzz: ${runs:-0} runs, 0 crashes"
