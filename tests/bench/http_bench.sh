#!/usr/bin/env bash
# The live feed's benchmark (issue 5): a real convoy-hub with --http, a real convoy-sim, and
# WebSocket viewers (http_bench) on loopback.
#   tests/bench/http_bench.sh [RUNS] [PHASES]   (default 3 runs of each phase, medians at the end;
#                                                PHASES: "ingest age frozen", the default, or some)
# Phases:
#   ingest     1,000 cars, each keeping 4 fixes in flight, for 30 s (15 s warm-up): fixes/s with
#              0 viewers and with 200 viewers reading the live feed
#   age        200 cars at 1 fix/s with one viewer: a position's age when it reaches the viewer
#              (now - fix time: the car, the link, the journal's fsync, the 100 ms batching)
#   frozen     200 cars at 1 fix/s for 60 s with one viewer that never reads: hub RSS growth
#              from second 10 to second 60, against the same without the frozen viewer
set -euo pipefail
RUNS=${1:-3}
PHASES=" ${2:-ingest age frozen} "
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${CONVOY_BIN:-$ROOT/build/bin}
BENCH=${CONVOY_HTTP_BENCH:-$BIN/http_bench}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
TOKEN=bench-organizer-token-0001
printf 'name,role,token\nBench,organizer,%s\n' "$TOKEN" >"$WORK/staff.csv"
"$BIN/convoy-sim" --make-roster "$WORK/cars1k.csv" --roster-cars 1000
"$BIN/convoy-sim" --make-roster "$WORK/cars200.csv" --roster-cars 200

start_hub() {  # roster -> sets HUB_PID, PORT, HTTP
  rm -rf "$WORK/data"
  "$BIN/convoy-hub" --data "$WORK/data" --roster "$1" --trackers 127.0.0.1:0 --status-every 0 \
    --http 127.0.0.1:0 --staff "$WORK/staff.csv" >"$WORK/hub.out" 2>"$WORK/hub.log" &
  HUB_PID=$!
  for _ in $(seq 100); do grep -q '^ready' "$WORK/hub.out" 2>/dev/null && break; sleep 0.1; done
  PORT=$(sed -n 's/.*trackers=[^ ]*:\([0-9]*\).*/\1/p' "$WORK/hub.out")
  HTTP=$(sed -n 's/.*http=[^ ]*:\([0-9]*\).*/\1/p' "$WORK/hub.out")
}
stop_hub() { kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

saturated() {  # viewers -> fixes/s after warm-up
  start_hub "$WORK/cars1k.csv"
  if [ "$1" -gt 0 ]; then
    "$BENCH" "$HTTP" "$TOKEN" "$1" 40 >"$WORK/viewers.out" &
    sleep 2
  fi
  "$BIN/convoy-sim" --hub "127.0.0.1:$PORT" --roster "$WORK/cars1k.csv" --mode closed-loop \
    --window 4 --duration 30 --warmup 15 2>"$WORK/sim.log"
  stop_hub
  wait 2>/dev/null || true
  sed -n 's/.*, \([0-9]*\)\/s after warm-up.*/\1/p' "$WORK/sim.log"
}

declare -a RATE0 RATE200 AGE50 AGE99 GROW_FROZEN GROW_NONE
for run in $(seq "$RUNS"); do
  if [[ $PHASES == *" ingest "* ]]; then
    RATE0+=("$(saturated 0)")
    RATE200+=("$(saturated 200)")
  else
    RATE0+=(0) RATE200+=(0)
  fi

  if [[ $PHASES == *" age "* ]]; then
    start_hub "$WORK/cars200.csv"
    "$BIN/convoy-sim" --hub "127.0.0.1:$PORT" --roster "$WORK/cars200.csv" --mode live \
      --duration 40 --warmup 5 2>"$WORK/sim.log" &
    sim=$!
    sleep 5
    "$BENCH" "$HTTP" "$TOKEN" 1 30 >"$WORK/age.out"
    wait $sim
    stop_hub
    AGE50+=("$(sed -n 's/.*age p50 \([0-9.]*\).*/\1/p' "$WORK/age.out")")
    AGE99+=("$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$WORK/age.out")")
  else
    AGE50+=(0) AGE99+=(0)
  fi

  for frozen in 1 0; do
    [[ $PHASES == *" frozen "* ]] || { GROW_FROZEN+=(0) GROW_NONE+=(0); break; }
    start_hub "$WORK/cars200.csv"
    "$BIN/convoy-sim" --hub "127.0.0.1:$PORT" --roster "$WORK/cars200.csv" --mode live \
      --duration 65 2>"$WORK/sim.log" &
    sim=$!
    [ $frozen -eq 1 ] && { "$BENCH" "$HTTP" "$TOKEN" 1 70 frozen >/dev/null & }
    sleep 10
    before=$(rss_kb "$HUB_PID")
    sleep 50
    after=$(rss_kb "$HUB_PID")
    wait $sim
    stop_hub
    wait 2>/dev/null || true
    if [ $frozen -eq 1 ]; then GROW_FROZEN+=($((after - before))); else GROW_NONE+=($((after - before))); fi
  done
  echo "run $run: ingest ${RATE0[-1]}/s with 0 viewers, ${RATE200[-1]}/s with 200 | position age p50 ${AGE50[-1]} p99 ${AGE99[-1]} ms | RSS growth over 50 s: ${GROW_FROZEN[-1]} KB with a frozen viewer, ${GROW_NONE[-1]} KB without"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
r0=$(median "${RATE0[@]}"); r200=$(median "${RATE200[@]}")
echo
echo "medians of $RUNS runs:"
echo "  ingest, 1,000 cars saturated:   $r0 fixes/s with 0 viewers, $r200 with 200 ($(awk -v a="$r0" -v b="$r200" 'BEGIN {printf "%.1f", a ? (a - b) * 100 / a : 0}')% slower)"
echo "  position age at the viewer:     p50 $(median "${AGE50[@]}") ms, p99 $(median "${AGE99[@]}") ms (200 cars at 1 Hz)"
echo "  hub RSS growth over 50 s:       $(median "${GROW_FROZEN[@]}") KB with a frozen viewer, $(median "${GROW_NONE[@]}") KB without"
