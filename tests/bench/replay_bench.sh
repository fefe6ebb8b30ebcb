#!/usr/bin/env bash
# Replay seek latency on the export bench's two-day tour (40 cars at 1 Hz, 2,880,000 fixes).
# Not run by ctest.
#
#   tests/bench/replay_bench.sh [BUILD_DIR] [ROUNDS]     (defaults: build 5)
#
# Build first: ninja -C BUILD_DIR export_bench replay_bench.
set -euo pipefail
BUILD=${1:-build}
ROUNDS=${2:-5}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/convoy-replay-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
"$BUILD/bin/export_bench" --out "$TMP" --cars "${CONVOY_BENCH_CARS:-40}" --days 2 \
  --hours "${CONVOY_BENCH_HOURS:-10}"
"$BUILD/bin/replay_bench" --data "$TMP/data" --roster "$TMP/cars.csv" --rounds "$ROUNDS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
