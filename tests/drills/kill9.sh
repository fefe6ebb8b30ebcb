#!/usr/bin/env bash
# The kill -9 drill (issue 8): real processes, real disks, no mercy.
#
#   tests/drills/kill9.sh [HUB_CYCLES [TRACKER_CYCLES]]      (default 100 and 100)
#
# Part 1: a hub under a 40-car load (convoy-sim, 25 fixes/s per car) is killed with SIGKILL
# HUB_CYCLES times at random moments and restarted on the same port. When the cars have made
# their fixes and seen every one acknowledged, the journal (convoy-replay dump) must hold every
# fix made exactly once.
# Part 2: one convoy-tracker process with a disk spool, reading a real NMEA capture at 20x speed,
# is killed TRACKER_CYCLES times and restarted on the same spool. A last run sends what is left
# and exits when the hub has acknowledged all of it; the journal must then hold every seq the
# tracker numbered, 1..N, exactly once (a seq numbered but missing would keep the hub's
# cumulative acknowledgement from ever passing it).
#
# Prints the figures and exits 0 only with 0 lost and 0 duplicated in both parts.
# Binaries: $CONVOY_BIN_DIR (default build/bin). Work files: a temp dir, kept on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${CONVOY_BIN_DIR:-$ROOT/build/bin}
HUB_CYCLES=${1:-100}
TRACKER_CYCLES=${2:-100}
CARS=${KILL9_CARS:-40}
INTERVAL_MS=40
NMEA=$ROOT/tests/data/nmea-gpsd/telit-he910.log

for tool in convoy-hub convoy-sim convoy-tracker convoy-replay; do
  [ -x "$BIN/$tool" ] || { echo "kill9: $BIN/$tool is missing (build it, or set CONVOY_BIN_DIR)" >&2; exit 2; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/convoy-kill9-XXXXXX")
HUB_PID=""
SIM_PID=""
TRACKER_PID=""
cleanup() {
  for pid in $HUB_PID $SIM_PID $TRACKER_PID; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# A random delay in seconds between $1 and $2 milliseconds.
pause_ms() { sleep "$(awk -v lo="$1" -v hi="$2" -v r="$RANDOM" 'BEGIN { printf "%.3f", (lo + r % (hi - lo)) / 1000 }')"; }

# start_hub DATA_DIR PORT: starts a hub in the background (HUB_PID) and waits for its ready line;
# sets HUB_PORT to the port it listens on.
start_hub() {
  local data=$1 port=$2 out="$WORK/hub.out"
  : >"$out"
  "$BIN/convoy-hub" --data "$data" --roster "$WORK/cars.csv" --trackers "127.0.0.1:$port" \
    --status-every 0 >"$out" 2>>"$WORK/hub.log" &
  HUB_PID=$!
  for _ in $(seq 600); do
    if grep -q '^ready ' "$out"; then
      HUB_PORT=$(sed -n 's/^ready trackers=[^ ]*:\([0-9]*\).*/\1/p' "$out" | head -1)
      return 0
    fi
    kill -0 "$HUB_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "kill9: the hub did not start; see $WORK/hub.log" >&2
  tail -5 "$WORK/hub.log" >&2
  exit 1
}

kill_hub() {
  kill -9 "$HUB_PID" 2>/dev/null || true
  wait "$HUB_PID" 2>/dev/null || true
  HUB_PID=""
}

# check_journal DATA_DIR EXPECTED_CSV LABEL: EXPECTED_CSV has lines "car,made"; compares with
# what the journal holds and prints the figures. Returns non-zero on any loss or duplicate.
check_journal() {
  local data=$1 expected=$2 label=$3
  "$BIN/convoy-replay" dump --data "$data" >"$WORK/$label-dump.csv" 2>"$WORK/$label-dump.log"
  awk -F, -v label="$label" '
    FNR == 1 && NR != 1 { next }  # the dump header
    NR == FNR { made[$1] = $2; cars++; next }
    { rows++; key = $1 "," $2
      if (seen[key]++) dup++
      if (!($1 in made) || $2 < 1 || $2 > made[$1]) extra++ }
    END {
      for (car in made) {
        total += made[car]
        for (s = 1; s <= made[car]; s++) if (!((car "," s) in seen)) lost++
      }
      printf "%s: %d cars, %d fixes made, %d rows recorded, %d lost, %d duplicated, %d unexpected\n",
             label, cars, total, rows, lost + 0, dup + 0, extra + 0
      exit (lost + dup + extra > 0) ? 1 : 0
    }' "$expected" "$WORK/$label-dump.csv"
}

"$BIN/convoy-sim" --make-roster "$WORK/cars.csv" --roster-cars "$CARS"
status=0

# ---- Part 1: the hub, killed under load -------------------------------------------------------
if [ "$HUB_CYCLES" -gt 0 ]; then
  # Enough fixes that the cars are still driving through every cycle (about 1.4 s each).
  FIXES_PER_CAR=${KILL9_FIXES_PER_CAR:-$((HUB_CYCLES * 1500 / INTERVAL_MS + 500))}
  start_hub "$WORK/data" 0
  PORT=$HUB_PORT
  "$BIN/convoy-sim" --hub "127.0.0.1:$PORT" --roster "$WORK/cars.csv" --interval-ms "$INTERVAL_MS" \
    --fixes-per-car "$FIXES_PER_CAR" --exit-when-acked --report "$WORK/report.csv" \
    2>"$WORK/sim.log" &
  SIM_PID=$!
  started=$(date +%s)
  for cycle in $(seq "$HUB_CYCLES"); do
    pause_ms 300 1500
    kill_hub
    start_hub "$WORK/data" "$PORT"
    if [ $((cycle % 10)) -eq 0 ]; then echo "hub: $cycle kill -9 cycles done" >&2; fi
  done
  killed_s=$(($(date +%s) - started))
  if wait "$SIM_PID"; then sim_status=0; else sim_status=$?; fi
  SIM_PID=""
  kill -TERM "$HUB_PID"
  wait "$HUB_PID" || true
  HUB_PID=""
  if [ "$sim_status" -ne 0 ]; then
    echo "hub drill: convoy-sim failed ($sim_status); see $WORK/sim.log" >&2
    status=1
  fi
  # report.csv: car,made,acked,...; every car must have seen all it made acknowledged.
  awk -F, 'NR > 1 && $2 != $3 { bad++ } END { exit bad > 0 }' "$WORK/report.csv" || {
    echo "hub drill: some cars have fixes never acknowledged (report.csv)" >&2
    status=1
  }
  awk -F, 'NR > 1 { print $1 "," $2 }' "$WORK/report.csv" >"$WORK/hub-made.csv"
  acked=$(awk -F, 'NR > 1 { made += $2; acked += $3 } END { printf "%d of %d", acked, made }' \
    "$WORK/report.csv")
  echo "hub drill: fixes acknowledged to the cars: $acked"
  recoveries=$(grep -c "journal .*: " "$WORK/hub.log" || true)
  echo "hub drill: $HUB_CYCLES kill -9 cycles in ${killed_s} s under $CARS cars at $((1000 / INTERVAL_MS)) fixes/s each; $recoveries journal recoveries"
  check_journal "$WORK/data" "$WORK/hub-made.csv" "hub drill" || status=1
fi

# ---- Part 2: the tracker, killed while it reports --------------------------------------------
if [ "$TRACKER_CYCLES" -gt 0 ]; then
  CAR=$(awk -F, 'NR == 2 { print $1 }' "$WORK/cars.csv")
  SECRET=$(awk -F, 'NR == 2 { print $4 }' "$WORK/cars.csv")
  start_hub "$WORK/tracker-data" 0
  PORT=$HUB_PORT
  : >"$WORK/empty.nmea"
  # exec: run in the background (`tracker ... &`), the function is a subshell, and $! is that
  # subshell; without exec, kill -9 $! would kill the subshell and orphan a still running tracker.
  tracker() {
    exec "$BIN/convoy-tracker" --hub "127.0.0.1:$PORT" --car "$CAR" --secret "$SECRET" \
      --spool "$WORK/spool" --report-interval-ms 100 "$@" 2>>"$WORK/tracker.log"
  }
  started=$(date +%s)
  for cycle in $(seq "$TRACKER_CYCLES"); do
    tracker --gps "nmea:$NMEA:x20" &
    TRACKER_PID=$!
    pause_ms 500 2000
    kill -9 "$TRACKER_PID" 2>/dev/null || true
    wait "$TRACKER_PID" 2>/dev/null || true
    TRACKER_PID=""
    if [ $((cycle % 10)) -eq 0 ]; then echo "tracker: $cycle kill -9 cycles done" >&2; fi
  done
  killed_s=$(($(date +%s) - started))
  # The last run: no new fixes; send the spool's backlog and exit once all of it is acknowledged.
  tracker --gps "nmea:$WORK/empty.nmea" --exit-when-done &
  TRACKER_PID=$!
  final_ok=0
  for _ in $(seq 1200); do
    kill -0 "$TRACKER_PID" 2>/dev/null || { final_ok=1; break; }
    sleep 0.1
  done
  if [ "$final_ok" -eq 1 ] && wait "$TRACKER_PID"; then
    :
  else
    echo "tracker drill: the last run did not get every fix acknowledged within 120 s" >&2
    kill -9 "$TRACKER_PID" 2>/dev/null || true
    status=1
  fi
  TRACKER_PID=""
  kill -TERM "$HUB_PID"
  wait "$HUB_PID" || true
  HUB_PID=""
  # Every seq the tracker numbered: 1 .. the highest recorded for the car (a seq numbered above
  # it would still be in the spool, and the last run would not have exited).
  "$BIN/convoy-replay" dump --data "$WORK/tracker-data" 2>/dev/null |
    awk -F, -v car="$CAR" 'NR > 1 && $1 == car && $2 > max { max = $2 } END { print car "," max + 0 }' \
      >"$WORK/tracker-made.csv"
  starts=$(grep -c "reading " "$WORK/tracker.log" || true)
  echo "tracker drill: $TRACKER_CYCLES kill -9 cycles in ${killed_s} s; $starts tracker starts"
  check_journal "$WORK/tracker-data" "$WORK/tracker-made.csv" "tracker drill" || status=1
fi

if [ "$status" -eq 0 ]; then
  echo "kill9: PASS (0 lost, 0 duplicated)"
  rm -rf "$WORK"
else
  echo "kill9: FAIL; work files kept in $WORK"
  trap - EXIT
  cleanup
fi
exit "$status"
