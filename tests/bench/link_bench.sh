#!/usr/bin/env bash
# The reporting link's benchmark (issue 2): a real convoy-hub and a real convoy-sim on loopback.
#   tests/bench/link_bench.sh [RUNS]     (default 3 runs of each phase; medians printed at the end)
# Phases:
#   live       10,000 cars at 1 fix/s (10,000 fixes/s): ack latency p50/p99 after a warm-up, hub
#              memory per connected car, live bytes per fix
#   saturated  10,000 cars, each keeping 4 fixes in flight ("as fast as they can"): fixes/s
#   backfill   100 cars each with 100,000 fixes spooled (a long dead zone): fixes/s, bytes per fix
# Every acknowledgement is after fdatasync. The bare fdatasync latency of the same disk is
# printed beside them: no acknowledgement can beat it.
set -euo pipefail
RUNS=${1:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${CONVOY_BIN:-$ROOT/build/bin}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

"$BIN/convoy-sim" --make-roster "$WORK/cars10k.csv" --roster-cars 10000
"$BIN/convoy-sim" --make-roster "$WORK/cars100.csv" --roster-cars 100

start_hub() {  # roster -> sets HUB_PID, PORT
  rm -rf "$WORK/data"
  "$BIN/convoy-hub" --data "$WORK/data" --roster "$1" --trackers 127.0.0.1:0 --status-every 0 \
    >"$WORK/hub.out" 2>"$WORK/hub.log" &
  HUB_PID=$!
  for _ in $(seq 100); do grep -q '^ready' "$WORK/hub.out" 2>/dev/null && break; sleep 0.1; done
  PORT=$(sed -n 's/.*trackers=[^ ]*:\([0-9]*\).*/\1/p' "$WORK/hub.out")
}
stop_hub() { kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
field() { sed -n "s/.*$1 \([0-9.]*\).*/\1/p" "$WORK/sim.log" | tail -1; }

fsync_floor() {
  python3 - "$WORK/fsync" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
samples = []
for _ in range(300):
    os.write(fd, b"x" * 200)
    t = time.perf_counter(); os.fdatasync(fd); samples.append((time.perf_counter() - t) * 1e3)
samples.sort()
print(f"{samples[150]:.2f} {samples[296]:.2f}")
PY
}

declare -a LIVE_P50 LIVE_P99 LIVE_BYTES MEM_KB SAT_RATE BACK_RATE BACK_BYTES FSYNC_P50 FSYNC_P99
for run in $(seq "$RUNS"); do
  read -r p50 p99 < <(fsync_floor); FSYNC_P50+=("$p50"); FSYNC_P99+=("$p99")

  start_hub "$WORK/cars10k.csv"
  idle=$(rss_kb "$HUB_PID")
  "$BIN/convoy-sim" --hub "127.0.0.1:$PORT" --roster "$WORK/cars10k.csv" --mode live \
    --duration 50 --warmup 20 2>"$WORK/sim.log" &
  sim=$!
  sleep 40
  busy=$(rss_kb "$HUB_PID")
  wait $sim
  stop_hub
  LIVE_P50+=("$(sed -n 's/.*latency p50 \([0-9.]*\) ms.*/\1/p' "$WORK/sim.log")")
  LIVE_P99+=("$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$WORK/sim.log")")
  LIVE_BYTES+=("$(sed -n 's/.*per fix: live \([0-9.]*\),.*/\1/p' "$WORK/sim.log")")
  MEM_KB+=("$(awk -v a="$busy" -v b="$idle" 'BEGIN {printf "%.2f", (a - b) / 10000}')")

  start_hub "$WORK/cars10k.csv"
  "$BIN/convoy-sim" --hub "127.0.0.1:$PORT" --roster "$WORK/cars10k.csv" --mode closed-loop \
    --window 4 --duration 35 --warmup 15 2>"$WORK/sim.log"
  stop_hub
  SAT_RATE+=("$(sed -n 's/.*, \([0-9]*\)\/s after warm-up.*/\1/p' "$WORK/sim.log")")

  start_hub "$WORK/cars100.csv"
  begin=$(date +%s.%N)
  "$BIN/convoy-sim" --hub "127.0.0.1:$PORT" --roster "$WORK/cars100.csv" --mode backfill \
    --backfill 100000 --exit-when-acked 2>"$WORK/sim.log"
  stop_hub
  # The simulator's own elapsed time starts once every spool is filled.
  elapsed=$(sed -n 's/^sim: [0-9]* cars, \([0-9.]*\) s:.*/\1/p' "$WORK/sim.log")
  BACK_RATE+=("$(awk -v e="$elapsed" 'BEGIN {printf "%.0f", 10000000 / e}')")
  BACK_BYTES+=("$(sed -n 's/.*backfill \([0-9.]*\)$/\1/p' "$WORK/sim.log")")
  echo "run $run: fsync p50 ${FSYNC_P50[-1]} p99 ${FSYNC_P99[-1]} ms | live p50 ${LIVE_P50[-1]} p99 ${LIVE_P99[-1]} ms, ${LIVE_BYTES[-1]} B/fix, ${MEM_KB[-1]} KB/car | saturated ${SAT_RATE[-1]}/s | backfill ${BACK_RATE[-1]}/s, ${BACK_BYTES[-1]} B/fix"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo
echo "medians of $RUNS runs:"
echo "  bare fdatasync on this disk:          p50 $(median "${FSYNC_P50[@]}") ms, p99 $(median "${FSYNC_P99[@]}") ms"
echo "  live, 10,000 cars at 1 Hz:            ack p50 $(median "${LIVE_P50[@]}") ms, p99 $(median "${LIVE_P99[@]}") ms"
echo "  hub memory per connected car:         $(median "${MEM_KB[@]}") KB"
echo "  saturated, 10,000 cars:               $(median "${SAT_RATE[@]}") fixes/s"
echo "  backfill, 100 cars x 100,000 fixes:   $(median "${BACK_RATE[@]}") fixes/s"
echo "  link bytes per fix:                   live $(median "${LIVE_BYTES[@]}"), backfill $(median "${BACK_BYTES[@]}")"
