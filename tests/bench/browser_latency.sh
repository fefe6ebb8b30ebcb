#!/bin/bash
# Fix arrival at the hub -> update in the real browser (tests/bench/browser_latency.mjs), RUNS runs
# (default 3), medians printed. Needs a built tree: convoy-hub, convoy-sim, the page (build/web) and the
# browser tests' npm ci (build/tests-web-npm), i.e. `ninja convoy_web_tests`.
# Usage: tests/bench/browser_latency.sh [BUILD_DIR] [RUNS] [SECONDS_PER_RUN]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
runs=${2:-3}
seconds=${3:-30}
export CONVOY_BIN_DIR=$build/bin CONVOY_WEB_DIR=$build/web CONVOY_WEB_MODULES=$build/tests-web-npm/node_modules
export CONVOY_TEST_DATA=$here/../data
results=()
for i in $(seq "$runs"); do
  line=$(node "$here/browser_latency.mjs" --seconds "$seconds" | tail -1)
  echo "run $i: $line"
  results+=("$line")
done
printf '%s\n' "${results[@]}" | node -e '
  const runs = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
  const med = (k) => { const v = runs.map((r) => r[k]).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
  console.log(`browser latency, median of ${runs.length} runs (40 cars at 1 Hz, ${runs[0].samples} samples/run):` +
    ` p50 ${med("p50_ms")} ms, p90 ${med("p90_ms")} ms, p99 ${med("p99_ms")} ms, max ${med("max_ms")} ms (target p99 <= 250 ms)`);'
