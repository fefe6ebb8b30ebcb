#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) and reports executions and crashes.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# Build first: bash .ci/dev fuzz-build (or cmake -DCONVOY_FUZZ=ON with clang into build-fuzz).
# Seeds come from tests/fuzz/corpus/<target>; what the fuzzer finds goes to a scratch corpus
# ($CONVOY_FUZZ_WORK, default /tmp/convoy-fuzz) that later runs start from. A crash is saved
# under tests/fuzz/crashes/<target>/ and makes the script exit 1.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${CONVOY_FUZZ_BIN:-$ROOT/build-fuzz/bin}
SECONDS_EACH=${1:-60}
shift || true
WORK=${CONVOY_FUZZ_WORK:-/tmp/convoy-fuzz}
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(session handshake nmea gpsd_json journal roster route_file tour_plan osmand http ws)
fi

failed=0
printf '%-11s %8s %12s %9s %7s  %s\n' target seconds executions exec/s corpus result
for target in "${TARGETS[@]}"; do
  fuzzer="$BIN/fuzz_$target"
  if [ ! -x "$fuzzer" ]; then
    printf '%-11s %s\n' "$target" "not built ($fuzzer)"
    failed=1
    continue
  fi
  corpus="$WORK/corpus/$target"
  crashes="$ROOT/tests/fuzz/crashes/$target"
  mkdir -p "$corpus" "$crashes" "$WORK/logs"
  log="$WORK/logs/$target.log"
  before=$(ls "$crashes" | wc -l)
  # One process; -timeout catches hangs, -rss_limit_mb runaway memory. Route files need room for
  # a GeoPackage.
  max_len=4096
  [ "$target" = route_file ] && max_len=131072
  [ "$target" = journal ] || [ "$target" = session ] && max_len=65536
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    "$fuzzer" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$ROOT/tests/fuzz/corpus/$target" \
    >"$log" 2>&1
  code=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(ls "$corpus" | wc -l)
  after=$(ls "$crashes" | wc -l)
  if [ "$code" -eq 0 ] && [ "$after" -eq "$before" ]; then
    result=ok
  else
    result="CRASH (exit $code; $((after - before)) new in tests/fuzz/crashes/$target; log $log)"
    failed=1
  fi
  printf '%-11s %8s %12s %9s %7s  %s\n' "$target" "$SECONDS_EACH" "${runs:-?}" "${speed:-?}" "$size" \
    "$result"
done
exit "$failed"
